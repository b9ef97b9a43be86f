package dev.weft.core.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.DateGenerator;

/**
 * What the disk said about a path, and the bytes of small files, kept for at most a second
 * (Jetty's own validation period) so a busy file costs no system call per request. A file that
 * changes is served fresh within that second; a changed size or time replaces cached bytes.
 * Memory is bounded: files up to 1 MiB, 64 MiB in all, 4096 paths.
 */
final class FileCache {
    private static final long VALID_NANOS = 1_000_000_000L;
    private static final long MAX_FILE = 1024 * 1024;
    private static final long MAX_BYTES = 64 * 1024 * 1024;
    private static final int MAX_PATHS = 4096;

    /**
     * One path: {@code exists} as a name (a dangling link exists), what it leads to, whether that
     * is {@code outside} the served root (through a link anywhere on the way), maybe its bytes,
     * and for a file its validators as HTTP sends them, made once per check rather than per request.
     */
    record Entry(boolean exists, boolean symlink, boolean outside, boolean directory, boolean regular, boolean readable, long size,
            FileTime modified, ByteBuffer content, long checked, String etag, String lastModified) {
        static final Entry MISSING = new Entry(false, false, false, false, false, false, 0, null, null, 0, null, null);

        /** The cached bytes, for one response (read-only, own position). */
        ByteBuffer bytes() {
            return content == null ? null : content.asReadOnlyBuffer();
        }

        /** Whole seconds, as HTTP dates have them. */
        long modifiedMillis() {
            return wholeSeconds(modified);
        }
    }

    private static long wholeSeconds(FileTime time) {
        return time.toMillis() / 1000 * 1000;
    }

    private final ConcurrentHashMap<Path, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong cachedBytes = new AtomicLong();
    /** The served root, when paths leading out of it are to be marked; else null. */
    private final Path root;

    /** @param root the real path of the served root, to mark paths that lead out of it; null to not check */
    FileCache(Path root) {
        this.root = root;
    }

    /**
     * Whether {@code path}, resolved now, lies under the root. The cache's own answer may be up to
     * a second old, and a directory on the way may have become a link since: what is about to be
     * opened or run is checked again with this.
     */
    boolean inside(Path path) {
        if (root == null) return true;
        try {
            return path.toRealPath().startsWith(root);
        } catch (IOException e) {
            return false;
        }
    }

    Entry get(Path path) {
        long now = System.nanoTime();
        Entry e = entries.get(path);
        if (e != null && now - e.checked < VALID_NANOS) return e;
        Entry fresh = load(path, e, now);
        if (entries.size() >= MAX_PATHS) clear();
        Entry old = entries.put(path, fresh);
        if (old != null && old.content != null && old.content != fresh.content) cachedBytes.addAndGet(-old.content.capacity());
        return fresh;
    }

    private void clear() {
        entries.clear();
        cachedBytes.set(0);
    }

    private Entry load(Path path, Entry old, long now) {
        BasicFileAttributes link;
        try {
            link = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Entry.MISSING;
        } catch (IOException e) {
            return Entry.MISSING;
        }
        BasicFileAttributes target = link;
        if (link.isSymbolicLink()) {
            try {
                target = Files.readAttributes(path, BasicFileAttributes.class);
            } catch (IOException e) {
                return new Entry(true, true, false, false, false, false, 0, null, null, now, null, null); // dangling
            }
        }
        // Any link on the way counts, not only this name: a directory may be a link out of the root.
        if (!inside(path)) return new Entry(true, link.isSymbolicLink(), true, target.isDirectory(), target.isRegularFile(), false,
                target.size(), target.lastModifiedTime(), null, now, null, null);
        boolean readable = target.isRegularFile() && Files.isReadable(path);
        ByteBuffer content = null;
        if (readable && target.size() <= MAX_FILE) {
            if (old != null && old.content != null && old.size == target.size() && target.lastModifiedTime().equals(old.modified)) {
                content = old.content;
            } else if (cachedBytes.get() + target.size() <= MAX_BYTES) {
                content = read(path, target.size());
                if (content != null) cachedBytes.addAndGet(content.capacity());
            }
        }
        FileTime modified = target.lastModifiedTime();
        // A strong validator: the size and the modification time to the nanosecond.
        String etag = "\"" + Long.toHexString(target.size()) + "-" + Long.toHexString(modified.to(TimeUnit.NANOSECONDS)) + "\"";
        return new Entry(true, link.isSymbolicLink(), false, target.isDirectory(), target.isRegularFile(), readable, target.size(),
                modified, content, now, etag, DateGenerator.formatDate(wholeSeconds(modified)));
    }

    private static ByteBuffer read(Path path, long size) {
        try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocateDirect((int) size);
            while (b.hasRemaining() && in.read(b) >= 0) { }
            if (b.hasRemaining()) return null; // shrank while we read: serve it from disk this time
            return b.flip();
        } catch (IOException e) {
            return null;
        }
    }
}
