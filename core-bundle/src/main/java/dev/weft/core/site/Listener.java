package dev.weft.core.site;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a site listens, in Twisted's endpoint syntax: {@code tcp:8080},
 * {@code tcp:8080:interface=0.0.0.0}, {@code tcp:HOST:PORT}, {@code unix:/path/to.sock}. A UNIX
 * socket is created owner-only and trusts forwarded context from its peers; a TCP listener trusts
 * only the addresses named by {@code trust=IP,IP}.
 */
public record Listener(String host, int port, Path socket, Set<String> trust) {
    public static final String DEFAULT_INTERFACE = "127.0.0.1";

    public static Listener tcp(String host, int port) {
        return new Listener(host, port, null, Set.of());
    }

    public static Listener unix(Path socket) {
        return new Listener(null, -1, socket, Set.of());
    }

    public boolean isUnix() {
        return socket != null;
    }

    /**
     * Parses an endpoint description.
     *
     * @throws IllegalArgumentException with a message naming what is wrong
     */
    public static Listener parse(String spec) {
        String[] parts = spec.split(":");
        if (parts[0].equals("unix") && parts.length >= 2) {
            return unix(Path.of(spec.substring("unix:".length())).toAbsolutePath());
        }
        if (!parts[0].equals("tcp") || parts.length < 2) {
            throw new IllegalArgumentException("bad listener '" + spec + "': expected tcp:PORT[:interface=ADDR] or unix:PATH");
        }
        String host = DEFAULT_INTERFACE;
        Set<String> trust = new LinkedHashSet<>();
        List<String> plain = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            if (p.startsWith("interface=")) host = p.substring("interface=".length());
            else if (p.startsWith("trust=")) trust.addAll(Arrays.asList(p.substring("trust=".length()).split(",")));
            else if (!p.contains("=")) plain.add(p);
            else throw new IllegalArgumentException("bad listener '" + spec + "': unknown option '" + p + "'");
        }
        if (plain.size() == 2) host = plain.remove(0);
        int port = plain.size() == 1 && plain.get(0).matches("\\d{1,5}") ? Integer.parseInt(plain.get(0)) : -1;
        if (port < 0 || port > 65535) throw new IllegalArgumentException("bad listener '" + spec + "': no valid port");
        return new Listener(host, port, null, Set.copyOf(trust));
    }

    @Override
    public String toString() {
        return isUnix() ? "unix:" + socket : "tcp:" + port + ":interface=" + host + (trust.isEmpty() ? "" : ":trust=" + String.join(",", trust));
    }
}
