package dev.weft.proxy.upstream;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.eclipse.jetty.io.ClientConnectionFactory;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * One upstream server (a host and port, or a UNIX socket) and its pool of idle connections,
 * most recently used first. Connections are opened as requests need them, as nginx does, and
 * leave the pool when the upstream closes them or they idle out.
 */
final class Upstream {
    private final ClientConnector connector;
    private final Transport transport;
    private final String host;
    private final int port;
    private final SocketAddressResolver resolver;
    private final Deque<UpstreamConnection> idle = new ConcurrentLinkedDeque<>();

    /** Over TCP to {@code host:port}, its name resolved off the calling thread. */
    Upstream(ClientConnector connector, SocketAddressResolver resolver, String host, int port) {
        this(connector, Transport.TCP_IP, resolver, host, port);
    }

    /** Over the UNIX socket of {@code transport}. */
    Upstream(ClientConnector connector, Transport.TCPUnix transport) {
        this(connector, transport, null, null, -1);
    }

    private Upstream(ClientConnector connector, Transport transport, SocketAddressResolver resolver, String host, int port) {
        this.connector = connector;
        this.transport = transport;
        this.resolver = resolver;
        this.host = host;
        this.port = port;
    }

    /**
     * Sends {@code x} on an idle connection or a new one. Without a body this returns at once;
     * with one it returns when the body is written, so call it where blocking is allowed.
     */
    void send(Exchange x) {
        UpstreamConnection c;
        while ((c = idle.pollFirst()) != null) {
            if (c.getEndPoint().isOpen()) {
                c.send(x);
                return;
            }
        }
        connect(x);
    }

    private void connect(Exchange x) {
        CompletableFuture<UpstreamConnection> opened = open();
        if (x.hasBody()) { // the body is read here, on a thread that may block
            UpstreamConnection c;
            try {
                c = opened.join();
            } catch (Throwable t) {
                x.onFailure(t.getCause() != null ? t.getCause() : t, false);
                return;
            }
            c.send(x);
        } else {
            opened.whenComplete((c, failure) -> {
                if (failure != null) x.onFailure(failure, false);
                else c.send(x);
            });
        }
    }

    private CompletableFuture<UpstreamConnection> open() {
        CompletableFuture<UpstreamConnection> opened = new CompletableFuture<>();
        if (resolver == null) {
            connect(List.of(transport.getSocketAddress()), 0, opened);
        } else {
            resolver.resolve(host, port, new HashMap<>(), Promise.<List<InetSocketAddress>>from(
                    addresses -> connect(addresses, 0, opened), opened::completeExceptionally));
        }
        return opened;
    }

    /** Connects to {@code addresses[i]}, or, if that fails, to the next one (a name with an IPv6 and an IPv4 address, say). */
    private void connect(List<? extends SocketAddress> addresses, int i, CompletableFuture<UpstreamConnection> opened) {
        Map<String, Object> context = new HashMap<>();
        context.put(Transport.CONTEXT_KEY, transport);
        context.put(ClientConnectionFactory.CONTEXT_KEY, (ClientConnectionFactory) (endPoint, ctx) -> new UpstreamConnection(endPoint, this));
        context.put(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY, Promise.<Connection>from(c -> opened.complete((UpstreamConnection) c), failure -> {
            if (i + 1 < addresses.size()) connect(addresses, i + 1, opened);
            else opened.completeExceptionally(failure);
        }));
        connector.connect(addresses.get(i), context);
    }

    void release(UpstreamConnection c) {
        idle.offerFirst(c);
    }

    void remove(UpstreamConnection c) {
        idle.remove(c);
    }

    /**
     * {@code x} failed on {@code c}. A pooled connection the upstream had closed while idle fails
     * before any answer: a request that can go twice goes again, once, on a new connection.
     */
    void failed(UpstreamConnection c, Exchange x, Throwable cause, boolean answered) {
        if (!answered && c.isReused() && x.isReplayable()) connect(x);
        else x.onFailure(cause, answered);
    }

    @Override
    public String toString() {
        return host != null ? host + ":" + port : transport.toString();
    }
}
