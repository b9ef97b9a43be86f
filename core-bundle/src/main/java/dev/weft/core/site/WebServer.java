package dev.weft.core.site;

import java.io.IOException;
import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.Slf4jRequestLogWriter;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The Jetty server a {@link Site} runs in: its listeners, access log and graceful stop. Requests
 * in flight at stop get {@code stopTimeout} to finish.
 */
public final class WebServer {
    private final Site site;
    private final List<Listener> listeners;
    private final Path accessLog;
    private final long stopTimeoutMillis;
    private Server server;

    /**
     * @param accessLog file for the combined-format access log, or null to log through SLF4J
     *                  (logger {@code dev.weft.access})
     */
    public WebServer(Site site, List<Listener> listeners, Path accessLog, long stopTimeoutMillis) {
        this.site = site;
        this.listeners = List.copyOf(listeners);
        this.accessLog = accessLog;
        this.stopTimeoutMillis = stopTimeoutMillis;
    }

    public synchronized void start() throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(200, 8);
        pool.setName("weft");
        Server s = new Server(pool);
        ConnectionExecutor connections = new ConnectionExecutor(pool);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        // Weft decodes and checks paths itself, segment by segment (see Paths), and answers
        // .. and friends with 404 instead of Jetty's 400. (Jetty still refuses a path that climbs
        // above the root or holds NUL before any handler: RefusedRequests answers those.)
        config.setUriCompliance(UriCompliance.UNSAFE);
        config.setRelativeRedirectAllowed(true);
        config.setIdleTimeout(60_000);
        // HTTPS listeners: requests know they are secure (scheme, isSecure, Secure session cookies).
        // One certificate serves every name asked for, as a development server's self-signed one must.
        HttpConfiguration secure = new HttpConfiguration(config);
        secure.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
        for (Listener l : listeners) {
            HttpConnectionFactory http = new HttpConnectionFactory(config);
            if (l.isUnix()) {
                prepareSocketPath(l.socket());
                UnixDomainServerConnector c = new UnixDomainServerConnector(s, connections, null, null, -1, -1, http);
                c.setUnixDomainPath(l.socket());
                c.setIdleTimeout(60_000);
                s.addConnector(c);
                site.trust(c, null);
            } else {
                ServerConnector c = l.isSecure()
                        ? new ServerConnector(s, connections, null, null, -1, -1, new SslConnectionFactory(tls(l), "http/1.1"), new HttpConnectionFactory(secure))
                        : new ServerConnector(s, connections, null, null, -1, -1, http);
                c.setHost(l.host());
                c.setPort(l.port());
                c.setIdleTimeout(60_000);
                s.addConnector(c);
                if (!l.trust().isEmpty()) site.trust(c, l.trust());
            }
        }
        s.setHandler(new GracefulHandler(site));
        s.setErrorHandler(new RefusedRequests(site));
        s.setStopTimeout(stopTimeoutMillis);
        Slf4jRequestLogWriter viaSlf4j = new Slf4jRequestLogWriter();
        viaSlf4j.setLoggerName("dev.weft.access");
        s.setRequestLog(new AccessLog(accessLog == null ? viaSlf4j : new AppendingLogWriter(accessLog)));
        try {
            s.start();
        } catch (Exception e) {
            s.stop();
            throw e;
        }
        for (Listener l : listeners) {
            if (l.isUnix()) Files.setPosixFilePermissions(l.socket(), PosixFilePermissions.fromString("rw-------"));
        }
        site.sessions().start(s.getScheduler());
        server = s;
    }

    private static SslContextFactory.Server tls(Listener l) throws IOException {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(Pem.keyStore(l.privateKey(), l.certificate()));
        tls.setKeyStorePassword(Pem.PASSWORD);
        tls.setKeyManagerPassword(Pem.PASSWORD);
        return tls;
    }

    /**
     * A stale socket file (its server died) is replaced; a live one means someone is serving; any
     * other file at that path is someone's data, never deleted.
     */
    private static void prepareSocketPath(Path socket) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(socket.toAbsolutePath().getParent());
            return;
        }
        int mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & 0170000) != 0140000) throw new BindException(socket + " exists and is not a socket; not replacing it");
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            throw new BindException("another server is listening on " + socket);
        } catch (IOException e) {
            if (e instanceof BindException) throw e;
            Files.deleteIfExists(socket);
        }
    }

    public synchronized void stop() throws Exception {
        if (server == null) return;
        site.sessions().stop();
        try {
            server.stop();
        } finally {
            server = null;
        }
    }

    public synchronized boolean isRunning() {
        return server != null && server.isRunning();
    }

    /** The port the first TCP listener is bound to (useful with port 0), or -1. */
    public synchronized int port() {
        if (server == null) return -1;
        for (var c : server.getConnectors()) {
            if (c instanceof ServerConnector n) return n.getLocalPort();
        }
        return -1;
    }

    /** Each listener as a user would write it, with the port actually bound. */
    public synchronized List<String> describe() {
        List<String> out = new ArrayList<>();
        if (server == null) return out;
        for (var c : server.getConnectors()) {
            if (c instanceof ServerConnector n) {
                out.add((n.getConnectionFactory(SslConnectionFactory.class) != null ? "https://" : "http://") + n.getHost() + ":" + n.getLocalPort() + "/");
            }
            else if (c instanceof UnixDomainServerConnector u) out.add("unix:" + u.getUnixDomainPath());
            else if (c instanceof NetworkConnector n) out.add(n.getHost() + ":" + n.getLocalPort());
        }
        return out;
    }
}
