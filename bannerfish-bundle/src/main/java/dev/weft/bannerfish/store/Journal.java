package dev.weft.bannerfish.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 *
 * <p>When the file has grown past {@link #COMPACT_AT} (and twice its last compacted size), it is
 * replaced, atomically, by a snapshot of the state, while the server runs. Its owner changes its
 * state and appends the record under one lock, which the snapshot is taken under too: the
 * snapshot holds exactly the records appended before it, and those still waiting to be written
 * are acknowledged by it instead.
 */
final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    static final long COMPACT_AT = 8 * 1024 * 1024;

    private record Pending(long number, byte[] line, CompletableFuture<Void> done) {}

    private final Path file;
    private final Object lock;
    private final Consumer<Consumer<List<String>>> snapshot;
    private final long compactAt;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private FileChannel channel; // the writer's once started; null when it must be opened again
    /** Records appended so far (under {@code lock}); the last one the file's snapshot holds (the writer's). */
    private long appended, inSnapshot;
    /** The file's size, and the size at which it is next compacted (the writer's). */
    private long size, compactAfter;
    private volatile boolean closed;

    private Journal(Path file, Object lock, Consumer<Consumer<List<String>>> snapshot, long compactAt) throws IOException {
        this.file = file;
        this.lock = lock;
        this.snapshot = snapshot;
        this.compactAt = compactAt;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        this.size = channel.size();
        this.compactAfter = Math.max(compactAt, 2 * size);
        this.writer = new Thread(this::writeLoop, "bannerfish-journal");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Reads every intact record into {@code replay}, repairs the file if it must, and opens it
     * for appending. {@code snapshot} writes the current state as records, for rewriting; it
     * runs under {@code lock}, as every change and its {@link #append} must.
     */
    static Journal open(Path file, Object lock, Consumer<List<String>> replay, Consumer<Consumer<List<String>>> snapshot, long compactAt)
            throws IOException {
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
        if (damaged || Files.exists(file) && Files.size(file) > compactAt) {
            List<List<String>> records = new ArrayList<>();
            synchronized (lock) {
                snapshot.accept(records::add);
            }
            rewrite(file, records);
        }
        boolean created = !Files.exists(file);
        Journal journal = new Journal(file, lock, snapshot, compactAt);
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

    /** Replaces the file with {@code records}, atomically; returns its new size. */
    private static long rewrite(Path file, List<List<String>> records) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (List<String> record : records) all.writeBytes(encode(record));
        Durable.write(file, all.toByteArray());
        return all.size();
    }

    /** Appends a record; completes once it is on disk. Call it under the lock the change was made under. */
    CompletableFuture<Void> append(List<String> record) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        byte[] line = encode(record);
        synchronized (lock) {
            if (closed) done.completeExceptionally(new IOException("the journal is closed"));
            else queue.add(new Pending(++appended, line, done));
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
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                write(batch);
                batch.forEach(p -> p.done.complete(null));
            } catch (IOException e) {
                LOG.error("{}: cannot write: {}", file, e.toString());
                batch.forEach(p -> p.done.completeExceptionally(e));
            }
            batch.clear();
            if (compactAfter <= size) compact();
        }
    }

    /** Writes the records the snapshot does not hold already, and syncs them. */
    private void write(List<Pending> batch) throws IOException {
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        for (Pending p : batch) {
            if (p.number > inSnapshot) lines.writeBytes(p.line);
        }
        if (lines.size() == 0) return;
        if (channel == null) channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        ByteBuffer all = ByteBuffer.wrap(lines.toByteArray());
        while (all.hasRemaining()) size += channel.write(all);
        channel.force(false);
    }

    /** Replaces the file by a snapshot of the state; on failure the file goes on growing, and it is tried again later. */
    private void compact() {
        List<List<String>> records = new ArrayList<>();
        long covered;
        synchronized (lock) {
            covered = appended;
            snapshot.accept(records::add);
        }
        long before = size;
        try {
            size = rewrite(file, records);
        } catch (IOException e) {
            compactAfter = before + compactAt;
            LOG.error("{}: cannot compact ({}); it goes on growing, and will be compacted again later", file, e.toString());
            return;
        }
        // The snapshot is the file now: what it holds is never written again, and the old file's channel not used.
        inSnapshot = covered;
        compactAfter = Math.max(compactAt, 2 * size);
        closeChannel();
        LOG.info("{}: compacted from {} to {} bytes ({} records)", file, before, size, records.size());
    }

    private void closeChannel() {
        try {
            if (channel != null) channel.close();
        } catch (IOException e) {
            LOG.warn("{}: {}", file, e.toString());
        }
        channel = null;
    }

    @Override
    public void close() throws IOException {
        synchronized (lock) {
            closed = true;
        }
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeChannel();
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
