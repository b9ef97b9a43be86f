package dev.weft.launcher;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where things are. The distribution ({@code bin/ lib/ bundle/ apps/ demo/}) is read-only to
 * the server; the home ({@code etc/ data/ deploy/ log/}) is its state. They are the same
 * directory unless {@code WEFT_HOME} says otherwise.
 */
record Home(Path dist, Path home) {
    static Home fromEnvironment() {
        Path dist = distribution();
        String env = System.getenv("WEFT_HOME");
        Path home = env == null || env.isBlank() ? dist : Path.of(env).toAbsolutePath().normalize();
        return new Home(dist, home);
    }

    private static Path distribution() {
        String property = System.getProperty("weft.dist");
        if (property != null) return Path.of(property).toAbsolutePath().normalize();
        try { // lib/weft-launcher.jar -> the distribution
            Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    Path bundles() { return dist.resolve("bundle"); }
    Path apps() { return dist.resolve("apps"); }
    Path lib() { return dist.resolve("lib"); }
    Path demo() { return dist.resolve("demo"); }
    Path etc() { return home.resolve("etc"); }
    Path data() { return home.resolve("data"); }
    Path deploy() { return home.resolve("deploy"); }
    Path log() { return home.resolve("log"); }
    Path shellSocket() { return data().resolve("shell.sock"); }

    void create() throws BadCommandLine {
        try {
            for (Path p : new Path[] {etc(), data(), deploy(), log()}) Files.createDirectories(p);
        } catch (IOException e) {
            throw new BadCommandLine("cannot create " + e.getMessage() + " in " + home + " (set WEFT_HOME to a writable directory)");
        }
    }
}
