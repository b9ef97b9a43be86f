package dev.weft.proxy.api;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where a request goes: a base URL ({@code http://127.0.0.1:81/foo/}) reached over TCP, or over
 * the UNIX socket {@code socket} when it is not null (the URL then names only the path).
 */
public record Target(URI base, Path socket) {
    public Target {
        if (!"http".equals(base.getScheme())) throw new IllegalArgumentException("only http:// targets are supported, got " + base);
    }

    public static Target http(String url) {
        return new Target(URI.create(url), null);
    }

    public static Target unix(Path socket) {
        return new Target(URI.create("http://localhost/"), socket);
    }

    @Override
    public String toString() {
        return socket == null ? base.toString() : "unix:" + socket;
    }
}
