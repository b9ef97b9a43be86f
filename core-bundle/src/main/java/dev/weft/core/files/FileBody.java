package dev.weft.core.files;

import dev.weft.core.api.Request;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a body made of literal bytes and regions of one file, 64 KiB at a time through one
 * buffer, each read issued when the previous write has been taken by the network: a large file
 * never sits in memory, makes no garbage per chunk, and no thread waits on a slow client.
 */
final class FileBody {
    private static final Logger LOG = LoggerFactory.getLogger(FileBody.class);
    static final int CHUNK = 64 * 1024;

    /** One piece of the body: literal bytes, or {@code length} bytes of the file at {@code offset}. */
    record Piece(byte[] bytes, long offset, long length) {
        static Piece of(byte[] bytes) {
            return new Piece(bytes, 0, bytes.length);
        }

        static Piece region(long offset, long length) {
            return new Piece(null, offset, length);
        }

        long size() {
            return bytes != null ? bytes.length : length;
        }
    }

    private final Request request;
    private final FileChannel channel;
    private final List<Piece> pieces;
    private int index;
    private long done;
    private ByteBuffer buffer;

    private FileBody(Request request, FileChannel channel, List<Piece> pieces) {
        this.request = request;
        this.channel = channel;
        this.pieces = pieces;
    }

    /**
     * Sends the pieces with a Content-Length and finishes the request; from {@code cached} (the
     * whole file's bytes, as the cache holds them) when given, else read from disk. With
     * {@code noFollow} (the path was a plain file when last checked) the file is opened without
     * following a link, so one put there since is refused.
     */
    static void send(Request request, Path file, List<Piece> pieces, ByteBuffer cached, boolean noFollow) throws IOException {
        long total = pieces.stream().mapToLong(Piece::size).sum();
        request.setHeader("Content-Length", Long.toString(total));
        if ("HEAD".equals(request.getMethod())) {
            request.finish();
            return;
        }
        if (cached != null) {
            for (Piece p : pieces) {
                request.write(p.bytes != null ? ByteBuffer.wrap(p.bytes) : cached.slice((int) p.offset, (int) p.length));
            }
            request.finish();
            return;
        }
        FileChannel channel = noFollow ? FileChannel.open(file, StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                : FileChannel.open(file, StandardOpenOption.READ);
        if (total <= CHUNK) {
            try (channel) {
                ByteBuffer all = ByteBuffer.allocate((int) total);
                for (Piece p : pieces) {
                    if (p.bytes != null) all.put(p.bytes);
                    else readFully(channel, all, p.offset, p.length);
                }
                request.finish(all.array());
            }
            return;
        }
        new FileBody(request, channel, pieces).next();
    }

    /** Writes until a write has to wait; resumes from that write's completion. */
    private void next() {
        try {
            while (index < pieces.size()) {
                Piece p = pieces.get(index);
                ByteBuffer chunk;
                if (p.bytes != null) {
                    chunk = ByteBuffer.wrap(p.bytes);
                    index++;
                } else {
                    int n = (int) Math.min(CHUNK, p.length - done);
                    // One buffer for the whole body: it is refilled only once the network has taken it.
                    if (buffer == null) buffer = ByteBuffer.allocate(CHUNK);
                    chunk = buffer.clear();
                    readFully(channel, chunk, p.offset + done, n);
                    done += n;
                    if (done == p.length) {
                        index++;
                        done = 0;
                    }
                }
                chunk.flip();
                CompletableFuture<Void> written = request.write(chunk);
                if (!written.isDone()) {
                    written.whenComplete((v, failure) -> {
                        if (failure != null) close(failure);
                        else next();
                    });
                    return;
                }
                if (written.isCompletedExceptionally()) {
                    close(null);
                    return;
                }
            }
            close(null);
            request.finish();
        } catch (IOException e) {
            close(e);
            request.abort(e);
        }
    }

    private void close(Throwable failure) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing file", e);
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position, long length) throws IOException {
        long end = position + length;
        int limit = into.position() + (int) length;
        ByteBuffer view = into.duplicate();
        view.limit(limit);
        while (position < end) {
            int n = channel.read(view, position);
            if (n < 0) throw new IOException("file shrank while being sent");
            position += n;
        }
        into.position(limit);
    }
}
