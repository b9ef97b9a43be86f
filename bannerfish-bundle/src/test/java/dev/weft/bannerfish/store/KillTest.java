package dev.weft.bannerfish.store;

import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** kill -9 a real process while it writes: nothing it acknowledged is lost, nothing is counted twice, and the data still reads. */
public class KillTest {
    @Rule public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void nothingAcknowledgedIsLost() throws Exception {
        Path dir = tmp.getRoot().toPath();
        long before = 0;
        for (int round = 0; round < 3; round++) {
            Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), ClickHammer.class.getName(), dir.toString()))
                    .redirectErrorStream(true).start();
            AtomicLong acked = new AtomicLong();
            CountDownLatch enough = new CountDownLatch(1);
            Thread reader = new Thread(() -> { // to the end of its output: what it acknowledged before it died
                try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        if (line.startsWith("acked ")) acked.set(Long.parseLong(line.substring(6)));
                        if (acked.get() >= 300) enough.countDown();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            reader.start();
            assertTrue("300 clicks within 60 s", enough.await(60, TimeUnit.SECONDS));
            p.toHandle().destroyForcibly(); // SIGKILL, mid-write or mid-compaction; Process.destroyForcibly would close its output on us
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            reader.join(10_000);
            try (Store store = Store.open(dir)) {
                long clicks = store.total(store.banners().get(0).id()).clicks();
                String counts = "round " + round + ": " + clicks + " on disk, " + before + " + " + acked.get() + " acknowledged";
                assertTrue(counts, clicks >= before + acked.get());
                assertTrue("at most the one click in flight more: " + counts, clicks <= before + acked.get() + 1);
                before = clicks;
            }
            assertTrue("compacted as it ran", Files.size(dir.resolve("journal")) < 4 * ClickHammer.COMPACT_AT);
        }
    }
}
