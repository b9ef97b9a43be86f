package dev.weft.bannerfish.store;

import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** kill -9 a real process while it writes: nothing it acknowledged is lost, and the data still reads. */
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
            long acked = 0;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("acked ")) acked = Long.parseLong(line.substring(6));
                    if (acked >= 200) break;
                }
                p.destroyForcibly(); // SIGKILL, mid-write
                p.waitFor(10, TimeUnit.SECONDS);
            }
            try (Store store = Store.open(dir)) {
                long clicks = store.total(store.banners().get(0).id()).clicks();
                assertTrue("round " + round + ": " + clicks + " on disk, " + before + " + " + acked + " acknowledged", clicks >= before + acked);
                before = clicks;
            }
        }
    }
}
