package dev.weft.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real {@code weft} command, from the built distribution (system property {@code weft.dist}),
 * run as a process with its own home. {@link #close()} stops it with SIGTERM, as a user would.
 */
public final class WeftProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("serving on \\[(?:http://[^\\]]*?:(\\d+)/)?");
    private static final Duration START = Duration.ofSeconds(30);

    private final Path home;
    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;
    private int port = -1;

    private WeftProcess(Path home, Process process) {
        this.home = home;
        this.process = process;
        this.reader = new Thread(() -> copy(process.getInputStream(), output), "weft-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** The distribution under test: {@code launcher/target/weft}. */
    public static Path dist() {
        String dist = System.getProperty("weft.dist");
        if (dist == null) throw new IllegalStateException("system property weft.dist is not set (the itest pom sets it)");
        return Path.of(dist);
    }

    /** Starts {@code weft ARGS} with {@code home} as WEFT_HOME; returns once the site and the shell answer. */
    public static WeftProcess start(Path home, String... args) throws IOException {
        return start(home, java.util.Map.of(), args);
    }

    /** The same, with more environment variables (e.g. {@code WEFT_JAVA_OPTS}). */
    public static WeftProcess start(Path home, java.util.Map<String, String> env, String... args) throws IOException {
        return start(dist(), home, env, args);
    }

    /** The same from another distribution (a copy of the one under test, say). */
    public static WeftProcess start(Path dist, Path home, java.util.Map<String, String> env, String... args) throws IOException {
        ProcessBuilder builder = builder(dist, home, args);
        builder.environment().putAll(env);
        WeftProcess weft = new WeftProcess(home, builder.start());
        weft.awaitServing();
        return weft;
    }

    /** Runs {@code weft ARGS} to its end (commands that exit by themselves): exit code and output. */
    public static Result run(Path home, String... args) throws IOException, InterruptedException {
        Process p = builder(dist(), home, args).start();
        StringBuffer out = new StringBuffer();
        Thread reader = new Thread(() -> copy(p.getInputStream(), out), "weft-run-output");
        reader.setDaemon(true);
        reader.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) { // one that keeps running (a server that should have refused) fails the test
            p.destroyForcibly().waitFor();
            throw new AssertionError("weft " + String.join(" ", args) + " did not exit; it printed:\n" + out);
        }
        reader.join(5_000);
        return new Result(p.exitValue(), out.toString());
    }

    /** What a command that ran to its end printed (stdout and stderr together) and its exit code. */
    public record Result(int exitCode, String output) {}

    private static ProcessBuilder builder(Path dist, Path home, String... args) {
        List<String> command = new ArrayList<>();
        command.add(dist.resolve("bin/weft").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("WEFT_HOME", home.toString());
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return pb;
    }

    private void awaitServing() {
        try {
            Await.until(START, "weft to serve; it printed:\n" + output, () -> {
                if (!process.isAlive()) return true; // no use waiting: reported below
                Matcher m = SERVING.matcher(output);
                if (!m.find() || output.indexOf("shell on unix:") < 0) return false;
                if (m.group(1) != null) port = Integer.parseInt(m.group(1));
                return true;
            });
            if (!process.isAlive()) throw new AssertionError("weft exited with " + process.exitValue() + " before serving; it printed:");
        } catch (AssertionError e) {
            close();
            throw new AssertionError(e.getMessage() + "\n" + output, e.getCause());
        }
    }

    /** The TCP port the site listens on (its first TCP listener). */
    public int port() {
        if (port < 0) throw new IllegalStateException("weft has no TCP listener; it printed:\n" + output);
        return port;
    }

    public Http http() {
        return Http.tcp(port());
    }

    public long pid() {
        return process.pid();
    }

    public Path home() {
        return home;
    }

    /** Runs {@code weft shell COMMAND} against this server; fails unless it exits 0. */
    public String shell(String command) throws IOException, InterruptedException {
        Result r = run(home, "shell", command);
        if (r.exitCode() != 0) throw new AssertionError("weft shell '" + command + "' exited " + r.exitCode() + ":\n" + r.output());
        return r.output();
    }

    /** Hot deploy: the jar appears in {@code deploy/} whole, as {@code mv} would put it there. */
    public Path deploy(Path jar) throws IOException {
        return deploy(jar, jar.getFileName().toString());
    }

    public Path deploy(Path jar, String name) throws IOException {
        Path staging = Files.createDirectories(home.resolve("staging"));
        Path tmp = staging.resolve(name);
        Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
        return Files.move(tmp, home.resolve("deploy").resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public void undeploy(String name) throws IOException {
        Files.delete(home.resolve("deploy").resolve(name));
    }

    /** Everything the process printed so far. */
    public String output() {
        return output.toString();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, then waits for the exit; returns the exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(40, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("weft did not stop within 40 s of SIGTERM; it printed:\n" + output);
        }
        return process.exitValue();
    }

    /** kill -9: no goodbye, sockets and files left as they are. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) stop();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void copy(InputStream in, StringBuffer into) {
        byte[] buffer = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buffer)) > 0; ) into.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the process ended
        }
    }
}
