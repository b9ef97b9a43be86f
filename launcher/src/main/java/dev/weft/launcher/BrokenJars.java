package dev.weft.launcher;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FileInstall passes over a jar in {@code deploy/} that is not a bundle without a word. This
 * says why, once per version of the file, so a broken deployment is never a silent one. A jar is
 * looked at only once it has stopped changing: one still being copied is not broken.
 */
final class BrokenJars {
    private static final Logger LOG = LoggerFactory.getLogger("weft");

    private final Path deploy;
    private final Map<Path, String> seen = new HashMap<>();
    private final Map<Path, String> reported = new HashMap<>();

    BrokenJars(Path deploy) {
        this.deploy = deploy;
    }

    void watch() {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "weft-deploy-check");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::check, 0, 500, TimeUnit.MILLISECONDS);
    }

    private void check() {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(deploy, "*.jar")) {
            for (Path jar : jars) {
                String state = Files.size(jar) + "@" + Files.getLastModifiedTime(jar).toMillis();
                if (!state.equals(seen.put(jar, state))) continue; // new or still growing: look again next time
                if (state.equals(reported.get(jar))) continue;
                reported.put(jar, state);
                String problem = problem(jar);
                if (problem != null) LOG.error("deploy/{} is not a bundle ({}); ignored", jar.getFileName(), problem);
            }
            seen.keySet().removeIf(jar -> !Files.exists(jar));
            reported.keySet().retainAll(seen.keySet());
        } catch (IOException | RuntimeException e) {
            LOG.debug("deploy check: {}", e.toString());
        }
    }

    private static String problem(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            var manifest = file.getManifest();
            if (manifest == null) return "no META-INF/MANIFEST.MF";
            if (manifest.getMainAttributes().getValue("Bundle-SymbolicName") == null) return "no Bundle-SymbolicName in its manifest";
            return null;
        } catch (IOException e) {
            return "not a readable jar: " + e.getMessage();
        }
    }
}
