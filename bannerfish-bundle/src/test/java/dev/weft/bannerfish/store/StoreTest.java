package dev.weft.bannerfish.store;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Random;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class StoreTest {
    /** The smallest valid PNG (1x1). */
    public static final byte[] PNG = java.util.Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
    static final LocalDate TODAY = LocalDate.of(2026, 11, 24);

    @Rule public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void choosesActiveBannersByWeight() throws Exception {
        try (Store store = Store.open(tmp.getRoot().toPath())) {
            Banner light = store.add(PNG, "https://a.example/", "light", 1, null, null).get();
            Banner heavy = store.add(PNG, "https://b.example/", "heavy", 3, null, null).get();
            store.add(PNG, "https://c.example/", "off", 100, null, null).thenCompose(b -> store.switchOn(b.id(), false)).get();
            store.add(PNG, "https://d.example/", "later", 100, TODAY.plusDays(1), null).get();
            store.add(PNG, "https://e.example/", "over", 100, null, TODAY.minusDays(1)).get();
            Random random = new Random(42);
            int heavyCount = 0;
            for (int i = 0; i < 10_000; i++) {
                Banner b = store.choose(random, TODAY).orElseThrow();
                assertTrue(b.alt(), b.id() == light.id() || b.id() == heavy.id());
                if (b.id() == heavy.id()) heavyCount++;
            }
            assertTrue("about 3 in 4: " + heavyCount, heavyCount > 7300 && heavyCount < 7700);
            assertTrue(store.choose(random, TODAY.plusDays(1)).isPresent());
        }
    }

    @Test
    public void everythingSurvivesAReopen() throws Exception {
        Path dir = tmp.getRoot().toPath();
        int id;
        try (Store store = Store.open(dir)) {
            id = store.add(PNG, "https://a.example/x?y=1", "alt with spaces & <marks>", 5, TODAY, TODAY.plusDays(3)).get().id();
            store.shown(id, TODAY).get();
            store.shown(id, TODAY).get();
            store.clicked(id, TODAY).get();
            store.clicked(id, TODAY.plusDays(1)).get();
            store.setPassword("admin", "correct horse").get();
            int gone = store.add(PNG, "https://b.example/", "gone", 1, null, null).get().id();
            store.remove(gone).get();
        }
        try (Store store = Store.open(dir)) {
            Banner b = store.banner(id).orElseThrow();
            assertEquals("alt with spaces & <marks>", b.alt());
            assertEquals("https://a.example/x?y=1", b.target());
            assertEquals(TODAY.plusDays(3), b.end());
            assertEquals(new Stats(2, 2), store.total(id));
            assertEquals(new Stats(2, 1), store.daily(id).get(TODAY));
            assertTrue(store.checkPassword("admin", "correct horse"));
            assertFalse(store.checkPassword("admin", "wrong horse"));
            assertEquals(1, store.banners().size());
            assertEquals("ids are not reused", id + 2, store.add(PNG, "https://c.example/", "new", 1, null, null).get().id());
            assertTrue(java.util.Arrays.equals(PNG, store.image(b)));
        }
    }

    @Test
    public void aTornLastRecordIsDroppedAndADamagedOneSetAside() throws Exception {
        Path dir = tmp.getRoot().toPath();
        int id;
        try (Store store = Store.open(dir)) {
            id = store.add(PNG, "https://a.example/", "a", 1, null, null).get().id();
            store.clicked(id, TODAY).get();
        }
        Path journal = dir.resolve("journal");
        Files.writeString(journal, "click " + id + " 2026-11-24 #dea", java.nio.file.StandardOpenOption.APPEND); // a crash mid-line
        try (Store store = Store.open(dir)) {
            assertEquals(1, store.total(id).clicks());
            store.clicked(id, TODAY).get();
        }
        String text = Files.readString(journal);
        Files.writeString(journal, text.replace("shown", "shone").replaceFirst("click " + id, "clack " + id));
        try (Store store = Store.open(dir)) {
            assertEquals("the damaged click is lost, the rest kept", 1, store.total(id).clicks());
            assertTrue(store.banner(id).isPresent());
        }
        try (var files = Files.list(dir)) {
            assertTrue("the damaged file set aside", files.anyMatch(p -> p.getFileName().toString().startsWith("journal.damaged-")));
        }
    }

    @Test
    public void onlyRealImagesAndSafeTargets() throws Exception {
        try (Store store = Store.open(tmp.getRoot().toPath())) {
            byte[] svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".getBytes(StandardCharsets.UTF_8);
            assertEquals("SVG images are refused (they can carry scripts): upload PNG, JPEG, GIF or WebP",
                    assertThrows(IllegalArgumentException.class, () -> store.add(svg, "https://a.example/", "x", 1, null, null)).getMessage());
            for (String target : new String[] {"javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>", "ftp://a.example/", "//a.example/",
                "https://", "https://a.example/\"><script>alert(1)</script>", "https://a.example/ x", "/local"}) {
                assertEquals(target, "the target must be an http:// or https:// URL",
                        assertThrows(IllegalArgumentException.class, () -> store.add(PNG, target, "x", 1, null, null)).getMessage().replaceAll(" \\(.*", ""));
            }
            assertThrows(IllegalArgumentException.class, () -> store.add(PNG, "https://a.example/", "x", 0, null, null));
            assertThrows(IllegalArgumentException.class, () -> store.add(PNG, "https://a.example/", "x", 1, TODAY, TODAY.minusDays(1)));
            assertTrue(store.banners().isEmpty());
            try (var images = Files.list(tmp.getRoot().toPath().resolve("images"))) {
                assertEquals("nothing written for refused uploads", 0, images.count());
            }
            assertEquals("refused uploads use up no id", 1, store.add(PNG, "HTTPS://a.example/caf\u00e9?q=1", "x", 1, null, null).get().id());
            assertEquals("HTTPS://a.example/caf%C3%A9?q=1", store.banner(1).orElseThrow().location());
        }
    }

    @Test
    public void replacedAndDeletedImagesLeaveNoFileBehind() throws Exception {
        Path images = tmp.getRoot().toPath().resolve("images");
        try (Store store = Store.open(tmp.getRoot().toPath())) {
            Banner b = store.add(PNG, "https://a.example/", "a", 1, null, null).get();
            Banner replaced = store.update(b.id(), ImagesTest.WEBP_LOSSY, "https://a.example/", "a", 1, null, null, true).get();
            assertEquals("image/webp", replaced.imageType());
            assertEquals(3, replaced.width());
            assertEquals(List.of(replaced.image()), names(images));
            store.remove(b.id()).get();
            assertEquals(List.of(), names(images));
            Files.write(images.resolve("99-1.png"), PNG); // as a crash between an image and its record leaves it
        }
        try (Store store = Store.open(tmp.getRoot().toPath())) {
            assertEquals("unused images are tidied on opening", List.of(), names(images));
        }
    }

    @Test
    public void aMissingImageOrAJournalOfGarbageStillOpens() throws Exception {
        Path dir = tmp.getRoot().toPath();
        int id;
        try (Store store = Store.open(dir)) {
            id = store.add(PNG, "https://a.example/", "a", 1, null, null).get().id();
            store.add(PNG, "https://b.example/", "b", 1, null, null).get();
            store.clicked(id, TODAY).get();
        }
        Path journal = dir.resolve("journal");
        byte[] text = Files.readAllBytes(journal);
        int firstLine = new String(text, StandardCharsets.ISO_8859_1).indexOf('\n') + 1;
        byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0, (byte) 0x80, (byte) 0xc3, 'x', '\n'};
        byte[] damaged = new byte[text.length + garbage.length];
        System.arraycopy(text, 0, damaged, 0, firstLine);
        System.arraycopy(garbage, 0, damaged, firstLine, garbage.length);
        System.arraycopy(text, firstLine, damaged, firstLine + garbage.length, text.length - firstLine);
        Files.write(journal, damaged);
        Banner b;
        try (Store store = Store.open(dir)) {
            assertEquals("everything but the garbage", 2, store.banners().size());
            assertEquals(1, store.total(id).clicks());
            b = store.banner(id).orElseThrow();
        }
        Files.delete(dir.resolve("images").resolve(b.image()));
        try (Store store = Store.open(dir)) {
            assertEquals(2, store.banners().size());
            assertThrows(java.io.IOException.class, () -> store.image(store.banner(id).orElseThrow()));
        }
        Files.delete(journal);
        try (Store store = Store.open(dir)) {
            assertEquals("a missing journal is an empty store", 0, store.banners().size());
        }
    }

    @Test
    public void theJournalIsCompactedWhileItIsWrittenAndEveryCountStaysExact() throws Exception {
        Path dir = tmp.getRoot().toPath();
        long compactAt = 16 * 1024;
        int threads = 4, each = 5_000;
        int a, b;
        java.util.concurrent.atomic.AtomicLong largest = new java.util.concurrent.atomic.AtomicLong();
        try (Store store = Store.open(dir, compactAt)) {
            a = store.add(PNG, "https://a.example/", "a", 1, null, null).get().id();
            b = store.add(PNG, "https://b.example/", "b", 1, null, null).get().id();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            List<java.util.concurrent.Future<?>> counting = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                counting.add(pool.submit(() -> {
                    List<java.util.concurrent.CompletableFuture<Void>> acks = new java.util.ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        acks.add(store.shown(a, TODAY.plusDays(i % 3)));
                        if (i % 10 == thread) acks.add(store.clicked(b, TODAY));
                        if (acks.size() >= 64) {
                            acks.forEach(java.util.concurrent.CompletableFuture::join);
                            acks.clear();
                            largest.accumulateAndGet(Files.size(dir.resolve("journal")), Math::max);
                        }
                    }
                    acks.forEach(java.util.concurrent.CompletableFuture::join);
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : counting) f.get();
            pool.shutdown();
            assertEquals(new Stats(threads * each, 0), store.total(a));
            assertEquals(new Stats(0, threads * each / 10), store.total(b));
        }
        assertTrue("the journal stayed small: " + largest + " bytes at most", largest.get() < 4 * compactAt);
        try (Store store = Store.open(dir, compactAt)) {
            assertEquals("exact after a reopen", new Stats(threads * each, 0), store.total(a));
            assertEquals(threads * ((each + 2) / 3), store.daily(a).get(TODAY).impressions());
            assertEquals(new Stats(0, threads * each / 10), store.total(b));
        }
    }

    @Test
    public void oneStoreAtATimeInADirectory() throws Exception {
        try (Store store = Store.open(tmp.getRoot().toPath())) {
            store.add(PNG, "https://a.example/", "a", 1, null, null).get();
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> Store.open(tmp.getRoot().toPath()));
            assertTrue(e.getMessage(), e.getMessage().endsWith("is in use by another Bannerfish (its lock file is held)"));
        }
        try (Store again = Store.open(tmp.getRoot().toPath())) {
            assertEquals("free once closed", 1, again.banners().size());
        }
    }

    @Test
    public void anUnknownUserCostsAsMuchAsAWrongPassword() throws Exception {
        try (Store store = Store.open(tmp.getRoot().toPath())) {
            store.setPassword("admin", "correct horse").get();
            assertTrue(Files.readString(tmp.getRoot().toPath().resolve("journal")).matches("(?s).*account admin 210000%3A.*"));
            assertFalse(Files.readString(tmp.getRoot().toPath().resolve("journal")).contains("correct"));
            store.checkPassword("nobody", "x"); // warm up
            long t0 = System.nanoTime();
            assertFalse(store.checkPassword("admin", "wrong horse"));
            long wrong = System.nanoTime() - t0;
            t0 = System.nanoTime();
            assertFalse(store.checkPassword("nobody", "wrong horse"));
            long unknown = System.nanoTime() - t0;
            assertTrue("unknown " + unknown / 1_000_000 + " ms, wrong " + wrong / 1_000_000 + " ms", unknown > wrong / 3);
        }
    }

    static List<String> names(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
