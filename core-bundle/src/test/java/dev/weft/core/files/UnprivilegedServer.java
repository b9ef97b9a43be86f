package dev.weft.core.files;

import dev.weft.core.site.Listener;
import dev.weft.core.site.Sessions;
import dev.weft.core.site.Site;
import dev.weft.core.site.WebServer;
import dev.weft.testkit.Http;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A server for a directory in a JVM of its own that the kernel's permission checks apply to.
 * Root reads every file whatever its mode (CAP_DAC_OVERRIDE), so a test run as root (as CI does)
 * could never see a 403 for an unreadable file: as root, the child runs under {@code setpriv}
 * without the two capabilities that bypass file modes; otherwise it is an ordinary child.
 */
final class UnprivilegedServer implements AutoCloseable {
    private static final String CAPS = "-dac_override,-dac_read_search";
    private final Process process;
    private final int port;

    private UnprivilegedServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** True where a server without the capabilities can be started (not root, or setpriv exists). */
    static boolean available() {
        return !isRoot() || Files.isExecutable(Path.of("/usr/bin/setpriv")) || Files.isExecutable(Path.of("/bin/setpriv"));
    }

    static UnprivilegedServer serve(Path directory) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>();
        if (isRoot()) command.addAll(List.of("setpriv", "--bounding-set=" + CAPS, "--inh-caps=" + CAPS));
        command.addAll(List.of(java, "-cp", System.getProperty("java.class.path"), UnprivilegedServer.class.getName(), directory.toString()));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            } catch (java.io.IOException e) {
                return null;
            }
        });
        try {
            String line = first.get(30, TimeUnit.SECONDS);
            if (line == null || !line.startsWith("port ")) throw new IllegalStateException("the child server said " + line);
            return new UnprivilegedServer(p, Integer.parseInt(line.substring(5)));
        } catch (Exception e) {
            p.destroyForcibly().waitFor();
            throw e;
        }
    }

    Http http() {
        return Http.tcp(port);
    }

    @Override
    public void close() throws Exception {
        process.getOutputStream().close(); // the child stops when its stdin ends
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }

    /** The child: serves args[0] on 127.0.0.1, an ephemeral port, until stdin ends. */
    public static void main(String[] args) throws Exception {
        Site site = new Site(new FileResource(Path.of(args[0]), FileOptions.defaults()), new Sessions(Duration.ofMinutes(1), false));
        WebServer server = new WebServer(site, List.of(Listener.tcp("127.0.0.1", 0)), null, 1000);
        server.start();
        System.out.println("port " + server.port());
        System.out.flush();
        while (System.in.read() >= 0) { }
        server.stop();
    }
}
