package dev.weft.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A real nginx (Debian's) on 127.0.0.1 with one {@code location /} block, for tests; close() stops it. */
public final class Nginx implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/sbin/nginx");

    private final int port;
    private final Process process;

    /** Starts nginx with its files under {@code prefix} and {@code location} (e.g. a proxy_pass line). */
    public Nginx(Path prefix, String location) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.createDirectories(prefix.resolve("tmp"));
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        Files.writeString(prefix.resolve("nginx.conf"), user + """
                worker_processes 1;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/tmp; proxy_temp_path %1$s/tmp; fastcgi_temp_path %1$s/tmp;
                    uwsgi_temp_path %1$s/tmp; scgi_temp_path %1$s/tmp;
                    server { listen 127.0.0.1:%2$d; location / { %3$s } }
                }
                """.formatted(prefix, port, location));
        process = new ProcessBuilder(BINARY.toString(), "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("stdout").toFile()).start();
        try {
            Await.until(Duration.ofSeconds(10), "nginx on port " + port, () -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    return true;
                }
            });
        } catch (AssertionError e) {
            close();
            throw e;
        }
    }

    public static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    public int port() {
        return port;
    }

    public Http http() {
        return Http.tcp(port);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
