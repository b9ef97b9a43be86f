package dev.weft.bannerfish.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bannerfish's data in one directory: banners, their images, impressions and clicks per day,
 * and admin accounts. Every change is a journal record, appended under this store's lock with
 * the change itself (see {@link Journal}); a change is acknowledged (its future completes) only
 * once it is on disk, so a kill -9 loses nothing acknowledged. One process at a
 * time owns the directory (a lock file), so two servers never write the same journal.
 */
public final class Store implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Store.class);
    /** Checked against when the user is unknown, so that costs as much time as a wrong password. */
    private static final class Nobody {
        static final String HASH = Passwords.hash("no such user"); // made on first use, not on every start
    }

    private final Path dir;
    private final FileChannel lockFile; // holds the directory's lock while open
    private final Map<Integer, Banner> banners = new LinkedHashMap<>();
    private final Map<Integer, NavigableMap<LocalDate, Stats>> stats = new HashMap<>();
    private final Map<String, String> accounts = new HashMap<>();
    private final Journal journal;
    private int nextId = 1;

    private Store(Path dir, long compactAt) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir.resolve("images"));
        this.lockFile = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        java.nio.channels.FileLock locked;
        try {
            locked = lockFile.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            locked = null;
        }
        if (locked == null) {
            lockFile.close();
            throw new IOException(dir + " is in use by another Bannerfish (its lock file is held)");
        }
        try {
            this.journal = Journal.open(dir.resolve("journal"), this, this::replay, this::snapshot, compactAt);
        } catch (IOException | RuntimeException e) {
            lockFile.close();
            throw e;
        }
        checkImages();
    }

    public static Store open(Path dir) throws IOException {
        return new Store(dir, Journal.COMPACT_AT);
    }

    /** With the journal compacted once it holds {@code compactAt} bytes, for tests. */
    static Store open(Path dir, long compactAt) throws IOException {
        return new Store(dir, compactAt);
    }

    public Path directory() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        try {
            journal.close();
        } finally {
            lockFile.close(); // releases the lock
        }
    }

    // ---- reading

    public synchronized List<Banner> banners() {
        return List.copyOf(banners.values());
    }

    public synchronized Optional<Banner> banner(int id) {
        return Optional.ofNullable(banners.get(id));
    }

    /** One active banner, at random by weight; empty when none is active today. */
    public synchronized Optional<Banner> choose(Random random, LocalDate today) {
        List<Banner> active = banners.values().stream().filter(b -> b.activeOn(today)).toList();
        int total = active.stream().mapToInt(Banner::weight).sum();
        if (total == 0) return Optional.empty();
        int pick = random.nextInt(total);
        for (Banner b : active) {
            pick -= b.weight();
            if (pick < 0) return Optional.of(b);
        }
        throw new AssertionError();
    }

    public synchronized Stats total(int id) {
        return stats.getOrDefault(id, new TreeMap<>()).values().stream().reduce(Stats.NONE, Stats::plus);
    }

    public synchronized NavigableMap<LocalDate, Stats> daily(int id) {
        return new TreeMap<>(stats.getOrDefault(id, new TreeMap<>()));
    }

    public byte[] image(Banner banner) throws IOException {
        return Files.readAllBytes(dir.resolve("images").resolve(banner.image()));
    }

    /** Costs the same time whether or not the user exists; holds no lock while hashing. */
    public boolean checkPassword(String user, String password) {
        String stored;
        synchronized (this) {
            stored = accounts.get(user);
        }
        boolean matches = Passwords.matches(password, stored == null ? Nobody.HASH : stored);
        return stored != null && matches;
    }

    public synchronized boolean hasAccounts() {
        return !accounts.isEmpty();
    }

    // ---- changing (each future completes once the change is on disk)

    /** Stores the image (PNG, JPEG, GIF or WebP), then the banner. */
    public CompletableFuture<Banner> add(byte[] image, String target, String alt, int weight, LocalDate start, LocalDate end) {
        Images.Info info = Images.inspect(image);
        Banner.check(target, alt, weight, start, end); // refused uploads use up no id
        int id;
        synchronized (this) {
            id = nextId++;
        }
        return write(saveImage(id, image, info, target, alt, weight, start, end, true));
    }

    /** Changes a banner; a new image replaces the old one when given. */
    public CompletableFuture<Banner> update(int id, byte[] newImage, String target, String alt, int weight, LocalDate start, LocalDate end, boolean on) {
        Banner old = banner(id).orElseThrow(() -> new IllegalArgumentException("no banner " + id));
        if (newImage == null || newImage.length == 0) {
            Banner.check(target, alt, weight, start, end);
            return write(new Banner(id, old.image(), old.imageType(), old.width(), old.height(), target, alt, weight, start, end, on));
        }
        Images.Info info = Images.inspect(newImage);
        Banner.check(target, alt, weight, start, end);
        return write(saveImage(id, newImage, info, target, alt, weight, start, end, on)).thenApply(b -> {
            deleteImage(old.image()); // only once the banner no longer names it, on disk
            return b;
        });
    }

    public CompletableFuture<Banner> switchOn(int id, boolean on) {
        return write(banner(id).orElseThrow(() -> new IllegalArgumentException("no banner " + id)).switched(on));
    }

    public CompletableFuture<Void> remove(int id) {
        Banner gone;
        CompletableFuture<Void> written;
        synchronized (this) {
            gone = banners.remove(id);
            if (gone == null) return CompletableFuture.failedFuture(new IllegalArgumentException("no banner " + id));
            written = journal.append(List.of("delete", String.valueOf(id)));
        }
        return written.thenRun(() -> deleteImage(gone.image()));
    }

    /** An impression, counted for today. */
    public CompletableFuture<Void> shown(int id, LocalDate day) {
        return count(id, day, new Stats(1, 0), "shown");
    }

    public CompletableFuture<Void> clicked(int id, LocalDate day) {
        return count(id, day, new Stats(0, 1), "click");
    }

    public CompletableFuture<Void> setPassword(String user, String password) {
        if (!user.matches("[A-Za-z0-9_.-]{1,64}")) throw new IllegalArgumentException("user names are letters, digits, _ . - (up to 64)");
        if (password.length() < 8) throw new IllegalArgumentException("passwords have at least 8 characters");
        String hash = Passwords.hash(password);
        synchronized (this) {
            accounts.put(user, hash);
            return journal.append(List.of("account", user, hash));
        }
    }

    private CompletableFuture<Void> count(int id, LocalDate day, Stats add, String kind) {
        synchronized (this) {
            if (!banners.containsKey(id)) return CompletableFuture.failedFuture(new IllegalArgumentException("no banner " + id));
            stats.computeIfAbsent(id, k -> new TreeMap<>()).merge(day, add, Stats::plus);
            return journal.append(List.of(kind, String.valueOf(id), day.toString()));
        }
    }

    private Banner saveImage(int id, byte[] image, Images.Info info, String target, String alt, int weight, LocalDate start, LocalDate end, boolean on) {
        String name = id + "-" + System.nanoTime() + "." + Images.extension(info.type());
        Banner banner = new Banner(id, name, info.type(), info.width(), info.height(), target, alt, weight, start, end, on);
        try {
            Durable.write(dir.resolve("images").resolve(name), image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return banner;
    }

    private CompletableFuture<Banner> write(Banner b) {
        synchronized (this) {
            banners.put(b.id(), b);
            return journal.append(record(b)).thenApply(done -> b);
        }
    }

    private static List<String> record(Banner b) {
        return List.of("banner", String.valueOf(b.id()), b.image(), b.imageType(), b.target(), b.alt(), String.valueOf(b.weight()),
                b.start() == null ? "" : b.start().toString(), b.end() == null ? "" : b.end().toString(), String.valueOf(b.on()),
                String.valueOf(b.width()), String.valueOf(b.height()));
    }

    private void deleteImage(String name) {
        try {
            Files.deleteIfExists(dir.resolve("images").resolve(name));
        } catch (IOException e) {
            LOG.warn("{}: cannot delete the unused image {}: {}", dir, name, e.toString());
        }
    }

    /**
     * On opening: says which banner's image is missing, and deletes images no banner names (left
     * by a crash between writing an image and its record, or before deleting a replaced one).
     */
    private synchronized void checkImages() {
        java.util.Set<String> named = new java.util.HashSet<>();
        for (Banner b : List.copyOf(banners.values())) {
            named.add(b.image());
            Path image = dir.resolve("images").resolve(b.image());
            if (!Files.isRegularFile(image)) {
                LOG.error("{}: the image of banner {} ({}) is missing; the banner shows no image until a new one is uploaded", dir, b.id(), b.image());
            } else if (b.width() == 0) { // stored before sizes were: measure it now
                try {
                    Images.Info info = Images.inspect(Files.readAllBytes(image));
                    banners.put(b.id(), new Banner(b.id(), b.image(), b.imageType(), info.width(), info.height(), b.target(), b.alt(), b.weight(),
                            b.start(), b.end(), b.on()));
                } catch (IOException | IllegalArgumentException e) {
                    LOG.warn("{}: cannot measure the image of banner {}: {}", dir, b.id(), e.getMessage());
                }
            }
        }
        try (Stream<Path> files = Files.list(dir.resolve("images"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (!named.contains(f.getFileName().toString())) {
                    LOG.info("{}: deleting {}, which no banner uses", dir, f.getFileName());
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            LOG.warn("{}: cannot tidy the images: {}", dir, e.toString());
        }
    }

    // ---- the journal

    private synchronized void replay(List<String> r) {
        switch (r.get(0)) {
            case "banner" -> {
                int id = Integer.parseInt(r.get(1));
                int width = r.size() > 11 ? Integer.parseInt(r.get(10)) : 0; // older records lack the size
                int height = r.size() > 11 ? Integer.parseInt(r.get(11)) : 0;
                banners.put(id, new Banner(id, r.get(2), r.get(3), width, height, r.get(4), r.get(5), Integer.parseInt(r.get(6)),
                        r.get(7).isEmpty() ? null : LocalDate.parse(r.get(7)), r.get(8).isEmpty() ? null : LocalDate.parse(r.get(8)),
                        Boolean.parseBoolean(r.get(9))));
                nextId = Math.max(nextId, id + 1);
            }
            case "delete" -> banners.remove(Integer.parseInt(r.get(1)));
            case "shown" -> stats.computeIfAbsent(Integer.parseInt(r.get(1)), k -> new TreeMap<>()).merge(LocalDate.parse(r.get(2)), new Stats(1, 0), Stats::plus);
            case "click" -> stats.computeIfAbsent(Integer.parseInt(r.get(1)), k -> new TreeMap<>()).merge(LocalDate.parse(r.get(2)), new Stats(0, 1), Stats::plus);
            case "count" -> stats.computeIfAbsent(Integer.parseInt(r.get(1)), k -> new TreeMap<>())
                    .merge(LocalDate.parse(r.get(2)), new Stats(Long.parseLong(r.get(3)), Long.parseLong(r.get(4))), Stats::plus);
            case "account" -> accounts.put(r.get(1), r.get(2));
            case "next" -> nextId = Math.max(nextId, Integer.parseInt(r.get(1)));
            default -> throw new IllegalArgumentException("unknown record " + r.get(0));
        }
    }

    /** The state as few records, for rewriting the journal. */
    private synchronized void snapshot(Consumer<List<String>> out) {
        out.accept(List.of("next", String.valueOf(nextId)));
        accounts.forEach((user, hash) -> out.accept(List.of("account", user, hash)));
        banners.values().forEach(b -> out.accept(record(b)));
        stats.forEach((id, days) -> days.forEach((day, s) ->
                out.accept(List.of("count", String.valueOf(id), day.toString(), String.valueOf(s.impressions()), String.valueOf(s.clicks())))));
    }

}
