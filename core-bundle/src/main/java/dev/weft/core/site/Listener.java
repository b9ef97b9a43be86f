package dev.weft.core.site;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a site listens, in Twisted's endpoint syntax: {@code tcp:8080},
 * {@code tcp:8080:interface=0.0.0.0}, {@code tcp:HOST:PORT}, {@code unix:/path/to.sock}, and
 * {@code ssl:8443:privateKey=key.pem:certKey=cert.pem} for HTTPS (PEM files; one file may hold
 * both). A UNIX socket is created owner-only and trusts forwarded context from its peers; a TCP
 * listener trusts only the addresses named by {@code trust=IP,IP}.
 */
public record Listener(String host, int port, Path socket, Set<String> trust, Path privateKey, Path certificate) {
    public static final String DEFAULT_INTERFACE = "127.0.0.1";

    public static Listener tcp(String host, int port) {
        return new Listener(host, port, null, Set.of(), null, null);
    }

    public static Listener unix(Path socket) {
        return new Listener(null, -1, socket, Set.of(), null, null);
    }

    /** HTTPS on {@code host:port} with a PEM private key and certificate chain. */
    public static Listener ssl(String host, int port, Path privateKey, Path certificate) {
        return new Listener(host, port, null, Set.of(), privateKey, certificate);
    }

    public boolean isUnix() {
        return socket != null;
    }

    public boolean isSecure() {
        return privateKey != null;
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
        boolean ssl = parts[0].equals("ssl");
        if (!(ssl || parts[0].equals("tcp")) || parts.length < 2) {
            throw new IllegalArgumentException("bad listener '" + spec
                    + "': expected tcp:PORT[:interface=ADDR], ssl:PORT:privateKey=PEM[:certKey=PEM] or unix:PATH");
        }
        String host = DEFAULT_INTERFACE;
        Set<String> trust = new LinkedHashSet<>();
        Path key = null;
        Path cert = null;
        List<String> plain = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            if (p.startsWith("interface=")) host = p.substring("interface=".length());
            else if (p.startsWith("trust=")) trust.addAll(Arrays.asList(p.substring("trust=".length()).split(",")));
            else if (ssl && p.startsWith("privateKey=")) key = Path.of(p.substring("privateKey=".length())).toAbsolutePath();
            else if (ssl && p.startsWith("certKey=")) cert = Path.of(p.substring("certKey=".length())).toAbsolutePath();
            else if (!p.contains("=")) plain.add(p);
            else throw new IllegalArgumentException("bad listener '" + spec + "': unknown option '" + p + "'");
        }
        if (plain.size() == 2) host = plain.remove(0);
        int port = plain.size() == 1 && plain.get(0).matches("\\d{1,5}") ? Integer.parseInt(plain.get(0)) : -1;
        if (port < 0 || port > 65535) throw new IllegalArgumentException("bad listener '" + spec + "': no valid port");
        if (ssl && key == null) throw new IllegalArgumentException("bad listener '" + spec + "': ssl needs privateKey=PEM");
        return new Listener(host, port, null, Set.copyOf(trust), key, ssl && cert == null ? key : cert);
    }

    @Override
    public String toString() {
        if (isUnix()) return "unix:" + socket;
        String t = trust.isEmpty() ? "" : ":trust=" + String.join(",", trust);
        if (isSecure()) return "ssl:" + port + ":interface=" + host + ":privateKey=" + privateKey + ":certKey=" + certificate + t;
        return "tcp:" + port + ":interface=" + host + t;
    }
}
