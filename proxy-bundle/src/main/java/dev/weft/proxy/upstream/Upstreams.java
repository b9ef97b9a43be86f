package dev.weft.proxy.upstream;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * The upstream servers one forwarder talks to, each with its pool of HTTP/1.1 connections, over
 * TCP or UNIX sockets (Jetty's {@link ClientConnector}). A connection idle, or an answer silent,
 * for {@code timeout} is closed.
 */
public final class Upstreams implements AutoCloseable {
    private final ClientConnector connector = new ClientConnector();
    private final SocketAddressResolver resolver;
    private final Map<Object, Upstream> upstreams = new ConcurrentHashMap<>();

    public Upstreams(Duration timeout) throws Exception {
        connector.setIdleTimeout(timeout);
        connector.setConnectTimeout(timeout);
        connector.start();
        resolver = new SocketAddressResolver.Async(connector.getExecutor(), connector.getScheduler(), timeout.toMillis());
    }

    /** Where a TCP upstream is, as its URL names it: one pool per name and port. */
    private record Address(String host, int port) {}

    /** Sends {@code x} to {@code host:port} over TCP; see {@link Upstream#send}. */
    public void send(String host, int port, Exchange x) {
        upstreams.computeIfAbsent(new Address(host, port), k -> new Upstream(connector, resolver, host, port)).send(x);
    }

    /** Sends {@code x} over the UNIX socket {@code socket}; see {@link Upstream#send}. */
    public void send(Path socket, Exchange x) {
        upstreams.computeIfAbsent(socket, k -> new Upstream(connector, new Transport.TCPUnix(socket))).send(x);
    }

    @Override
    public void close() throws Exception {
        connector.stop();
    }
}
