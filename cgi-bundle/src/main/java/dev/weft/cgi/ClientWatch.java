package dev.weft.cgi;

import dev.weft.core.api.Request;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether the client of a request has hung up while its script is silent. Jetty reads a
 * connection only when the request body is wanted, so a client that leaves before a script's
 * first byte goes unnoticed until a write fails. Twisted's reactor sees the close at once; here
 * the kernel's socket table tells: our side of the connection in CLOSE_WAIT means the client sent
 * its FIN (Linux only; elsewhere the script is stopped by its first failed write or its timeout).
 */
final class ClientWatch {
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp6"), Path.of("/proc/net/tcp"));
    private static final String CLOSE_WAIT = "08";

    private final List<String> keys;

    private ClientWatch(List<String> keys) {
        this.keys = keys;
    }

    /** A watch for this request's connection, or null when it is not a TCP connection we can see. */
    static ClientWatch of(Request request) {
        if (!(request.getHost() instanceof InetSocketAddress local) || !(request.getClientAddress() instanceof InetSocketAddress remote)) return null;
        if (local.getAddress() == null || remote.getAddress() == null || local.getPort() <= 0 || remote.getPort() <= 0) return null;
        if (!Files.isReadable(TABLES.get(1))) return null;
        return new ClientWatch(List.of(
                entry(local.getAddress(), local.getPort()) + " " + entry(remote.getAddress(), remote.getPort()),
                entry6(local.getAddress(), local.getPort()) + " " + entry6(remote.getAddress(), remote.getPort())));
    }

    /** The connections in CLOSE_WAIT now, as "local remote" in the tables' form: one read serves every watch. */
    static Set<String> closeWaiting() {
        Set<String> found = new HashSet<>();
        for (Path table : TABLES) {
            try {
                for (String line : Files.readAllLines(table)) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 3 && f[3].equals(CLOSE_WAIT)) found.add(f[1] + " " + f[2]);
                }
            } catch (IOException e) {
                // no such table (no IPv6): the other one
            }
        }
        return found;
    }

    boolean hungUp(Set<String> closeWaiting) {
        return keys.stream().anyMatch(closeWaiting::contains);
    }

    /** /proc/net/tcp's form: the address as a host-order (little-endian) word, then the port. */
    private static String entry(InetAddress address, int port) {
        byte[] b = address.getAddress();
        if (b.length != 4) return "-";
        return String.format("%02X%02X%02X%02X:%04X", b[3], b[2], b[1], b[0], port);
    }

    /** /proc/net/tcp6's form: four host-order words; an IPv4 address as ::ffff:a.b.c.d. */
    private static String entry6(InetAddress address, int port) {
        byte[] b = address.getAddress();
        if (b.length == 4) b = new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, b[0], b[1], b[2], b[3]};
        StringBuilder s = new StringBuilder();
        for (int word = 0; word < 16; word += 4) {
            for (int i = 3; i >= 0; i--) s.append(String.format("%02X", b[word + i]));
        }
        return s.append(String.format(":%04X", port)).toString();
    }
}
