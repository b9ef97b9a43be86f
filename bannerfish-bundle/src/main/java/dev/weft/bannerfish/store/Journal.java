package dev.weft.bannerfish.store;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only file of records, each a line of fields with a checksum. A record is
 * acknowledged only once it is on disk (fsync); records that arrive together share one fsync
 * (group commit), so durability costs little under load. A torn last line (a crash mid-write,
 * never acknowledged) is dropped on reading; a damaged line elsewhere is logged and the file set
 * aside before it is rewritten clean.
 */
final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    private record Pending(byte[] line, CompletableFuture<Void> done) {}

    private final Path file;
    private final FileChannel channel;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;

    private Journal(Path file) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        this.writer = new Thread(this::writeLoop, "bannerfish-journal");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Reads every intact record into {@code replay}, repairs the file if it must, and opens it
     * for appending. {@code snapshot} writes the current state as records, for rewriting.
     */
    static Journal open(Path file, Consumer<List<String>> replay, Consumer<Consumer<List<String>>> snapshot) throws IOException {
        boolean damaged = false;
        if (Files.exists(file)) {
            List<byte[]> lines = lines(Files.readAllBytes(file));
            for (int i = 0; i < lines.size(); i++) {
                byte[] line = lines.get(i);
                boolean last = i == lines.size() - 1;
                boolean torn = last && (line.length == 0 || line[line.length - 1] != '\n');
                List<String> record = decode(line);
                if (record != null && !torn) {
                    try {
                        replay.accept(record);
                        continue;
                    } catch (RuntimeException e) {
                        LOG.error("{}: line {} cannot be applied ({}); skipped", file, i + 1, e.toString());
                    }
                }
                damaged = true;
                if (torn) {
                    LOG.warn("{}: dropping a torn last record (written when the process died, never acknowledged)", file);
                } else if (record == null) {
                    String text = new String(line, StandardCharsets.ISO_8859_1).strip().replaceAll("[^\\x20-\\x7e]", "?");
                    LOG.error("{}: line {} is damaged and was skipped: {}", file, i + 1, text.length() > 80 ? text.substring(0, 80) + "..." : text);
                }
            }
            if (damaged) {
                Path aside = file.resolveSibling(file.getFileName() + ".damaged-" + System.currentTimeMillis());
                Files.copy(file, aside);
                LOG.error("{}: the damaged file was kept as {}; rewriting it from what could be read", file, aside.getFileName());
            }
        } else {
            LOG.info("{} does not exist yet; starting empty", file);
        }
        if (damaged || Files.exists(file) && Files.size(file) > 8 * 1024 * 1024) rewrite(file, snapshot);
        boolean created = !Files.exists(file);
        Journal journal = new Journal(file);
        if (created) Durable.syncDirectory(file.getParent()); // the new file's name is durable too
        return journal;
    }

    /** The file cut after each newline; the last piece lacks one when the file ends mid-record. */
    private static List<byte[]> lines(byte[] all) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                lines.add(java.util.Arrays.copyOfRange(all, start, i + 1));
                start = i + 1;
            }
        }
        if (start < all.length) lines.add(java.util.Arrays.copyOfRange(all, start, all.length));
        return lines;
    }

    /** Replaces the file with a snapshot, atomically: temp file, fsync, rename, fsync the directory. */
    private static void rewrite(Path file, Consumer<Consumer<List<String>>> snapshot) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            List<byte[]> lines = new ArrayList<>();
            snapshot.accept(record -> lines.add(encode(record)));
            for (byte[] line : lines) out.write(ByteBuffer.wrap(line));
            out.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Durable.syncDirectory(file.getParent());
    }

    /** Appends a record; completes once it is on disk. */
    CompletableFuture<Void> append(List<String> record) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IOException("the journal is closed"));
        } else {
            queue.add(new Pending(encode(record), done));
        }
        return done;
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                queue.drainTo(batch);
                int size = batch.stream().mapToInt(p -> p.line.length).sum();
                ByteBuffer all = ByteBuffer.allocate(size);
                batch.forEach(p -> all.put(p.line));
                all.flip();
                while (all.hasRemaining()) channel.write(all);
                channel.force(false);
                batch.forEach(p -> p.done.complete(null));
            } catch (IOException e) {
                LOG.error("{}: cannot write: {}", file, e.toString());
                batch.forEach(p -> p.done.completeExceptionally(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            batch.clear();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        channel.close();
    }

    static byte[] encode(List<String> record) {
        StringBuilder line = new StringBuilder();
        for (String field : record) {
            if (line.length() > 0) line.append(' ');
            line.append(field.isEmpty() ? "-" : URLEncoder.encode(field, StandardCharsets.UTF_8));
        }
        CRC32 crc = new CRC32();
        crc.update(line.toString().getBytes(StandardCharsets.UTF_8));
        line.append(" #").append(Long.toHexString(crc.getValue())).append('\n');
        return line.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The fields of an intact line (with or without its newline), or null. */
    static List<String> decode(byte[] bytes) {
        int end = bytes.length > 0 && bytes[bytes.length - 1] == '\n' ? bytes.length - 1 : bytes.length;
        String line;
        try {
            line = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, 0, end)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null; // not even text: damaged
        }
        int hash = line.lastIndexOf(" #");
        if (hash < 0) return null;
        String body = line.substring(0, hash);
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        if (!Long.toHexString(crc.getValue()).equals(line.substring(hash + 2))) return null;
        List<String> fields = new ArrayList<>();
        for (String f : body.split(" ")) fields.add(f.equals("-") ? "" : URLDecoder.decode(f, StandardCharsets.UTF_8));
        return fields;
    }
}
