package dev.weft.core.site;

import dev.weft.core.api.ErrorPage;
import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import dev.weft.core.api.UnsupportedMethod;
import java.nio.charset.StandardCharsets;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Twisted's {@code server.Site} on Jetty 12's core API: every request gets the envelope
 * ({@code Server}, extra headers), walks the resource tree from the root one segment at a time,
 * and the resource it reaches renders. Errors become pages here and never a stack trace.
 * Traversal runs on the thread that read the request, and so does rendering a resource that
 * {@linkplain Resource#isNonBlocking never blocks}; the others render on a pool thread.
 */
public final class Site extends Handler.Abstract.NonBlocking {
    public static final String SERVER_SOFTWARE = "Weft/0.1";
    private static final Logger LOG = LoggerFactory.getLogger(Site.class);

    private volatile Resource root;
    private volatile List<String[]> extraHeaders = List.of();
    private final Sessions sessions;
    private final Map<Connector, Set<String>> trusted = new ConcurrentHashMap<>();

    public Site(Resource root, Sessions sessions) {
        this.root = root;
        this.sessions = sessions;
    }

    public Resource root() {
        return root;
    }

    /** Swaps the whole tree; requests already traversing keep the one they started with. */
    public void setRoot(Resource root) {
        this.root = root;
    }

    /** Headers added to every answer, errors included ({@code --add-header}). */
    public void setExtraHeaders(List<String[]> headers) {
        this.extraHeaders = List.copyOf(headers);
    }

    /**
     * Requests from this connector may carry forwarded context ({@link Forwarded}): from every
     * peer when {@code peers} is null (a UNIX socket only its owner can open), else from those IPs.
     */
    void trust(Connector connector, Set<String> peers) {
        trusted.put(connector, peers == null ? Set.of("*") : Set.copyOf(peers));
    }

    private boolean trusts(org.eclipse.jetty.server.Request request) {
        Set<String> peers = trusted.get(request.getConnectionMetaData().getConnector());
        if (peers == null) return false;
        if (peers.contains("*")) return true;
        return request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress a
                && peers.contains(a.getAddress().getHostAddress());
    }

    /** The headers every answer starts with. */
    void envelope(HttpFields.Mutable headers) {
        headers.put(HttpHeader.SERVER, SERVER_SOFTWARE);
        for (String[] h : extraHeaders) headers.add(h[0], h[1]);
    }

    /** The envelope on headers that may already carry it (an answer Jetty takes over): no header twice. */
    void envelopeOnce(HttpFields.Mutable headers) {
        for (String[] h : extraHeaders) headers.remove(h[0]);
        envelope(headers);
    }

    public Sessions sessions() {
        return sessions;
    }

    @Override
    public boolean handle(org.eclipse.jetty.server.Request request, Response response, Callback callback) {
        envelope(response.getHeaders());

        String path = request.getHttpURI().getPath();
        if ("*".equals(path)) {
            serverWide(request, response, callback);
            return true;
        }
        List<String> segments = path == null || !path.startsWith("/") ? null : Paths.segments(path);
        if (segments == null) {
            LOG.info("400 for malformed path {}", path);
            plainError(response, callback, 400, "Bad Request", "The request path is not valid percent-encoded UTF-8.");
            return true;
        }
        Forwarded forwarded = trusts(request) ? Forwarded.from(request.getHeaders()) : null;
        dispatch(root, new SiteRequest(this, request, response, callback, segments, forwarded),
                request.getComponents().getThreadPool());
        return true;
    }

    /**
     * {@code OPTIONS *}: 200 with nothing; any other method on {@code *}: 405. (Jetty refuses most
     * of those before the site sees them; {@link RefusedRequests} answers them the same way.)
     */
    private static void serverWide(org.eclipse.jetty.server.Request request, Response response, Callback callback) {
        if (!"OPTIONS".equals(request.getMethod())) {
            response.setStatus(405);
            response.getHeaders().put(HttpHeader.ALLOW, "OPTIONS");
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
        response.write(true, null, callback);
    }

    private static void plainError(Response response, Callback callback, int code, String brief, String detail) {
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        byte[] body = ErrorPage.html(code, brief, detail).getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, java.nio.ByteBuffer.wrap(body), callback);
    }

    /**
     * Walks from {@code start} through the request's postpath and renders what it reaches, here,
     * turning every failure into an answer. Also continues requests that waited (for a mount
     * that was being updated) from where they stopped.
     */
    public static void render(Resource start, Request request) {
        Resource reached = traverse(start, request);
        if (reached != null) renderHere(reached, request);
    }

    /** The resource the postpath leads to from {@code start}, or null if traversal failed (and answered). */
    private static Resource traverse(Resource start, Request request) {
        Resource resource = start;
        try {
            List<String> prepath = request.prepath();
            List<String> postpath = request.postpath();
            while (!postpath.isEmpty() && !resource.isLeaf()) {
                String segment = postpath.remove(0);
                prepath.add(segment);
                resource = resource.getChildWithDefault(segment, request);
            }
            return resource;
        } catch (Throwable e) {
            failed(request, resource, e);
            return null;
        }
    }

    private static void renderHere(Resource resource, Request request) {
        try {
            resource.render(request);
        } catch (UnsupportedMethod e) {
            unsupported(request, e.allowed());
        } catch (HttpError e) {
            LOG.info("{} {} for {}", e.code, e.getMessage(), request);
            errorPage(request, e.code, e.brief, e.getMessage(), null);
        } catch (Throwable e) {
            failed(request, resource, e);
        }
    }

    /**
     * On the thread that read the request (the site is a non-blocking handler): traversal and
     * non-blocking resources run here; any other resource renders on a pool thread, where it
     * may block.
     */
    private static void dispatch(Resource start, SiteRequest request, Executor pool) {
        Resource reached = traverse(start, request);
        if (reached == null) return;
        try {
            if (reached.isNonBlocking(request)) renderHere(reached, request);
            else pool.execute(() -> renderHere(reached, request));
        } catch (RejectedExecutionException e) {
            LOG.warn("503 for {}: every worker thread is busy", request);
            errorPage(request, 503, "Service Unavailable", "The server is too busy to answer; try again shortly.", null);
        } catch (RuntimeException e) {
            failed(request, reached, e); // from isNonBlocking: renderHere answers its own failures
        }
    }

    /** A resource failed: log it, answer 500 if nothing was sent yet, else cut the connection. */
    static void failed(Request request, Resource resource, Throwable e) {
        LOG.error("Processing failed: {}{}", request, resource == null ? "" : " rendering " + resource, e);
        errorPage(request, 500, "Processing Failed", "The server failed to answer this request; the error was logged.", e);
    }

    private static void unsupported(Request request, List<String> allowed) {
        String method = request.getMethod();
        if (!Resource.KNOWN_METHODS.contains(method)) {
            errorPage(request, 501, "Not Implemented", "I don't know how to treat a " + method + " request.", null);
            return;
        }
        errorPage(request, 405, "Method Not Allowed", "Your browser approached me (at " + request.getUri()
                + ") with the method \"" + method + "\".  I only allow the method" + (allowed.size() == 1 ? " " : "s ")
                + String.join(", ", allowed) + " here.", null, "Allow", String.join(", ", allowed));
    }

    private static void errorPage(Request request, int code, String brief, String detail, Throwable cause, String... header) {
        if (!((SiteRequest) request).resetForError(cause)) return;
        if (header.length == 2) request.setHeader(header[0], header[1]);
        request.setResponseCode(code);
        request.setHeader("Content-Type", "text/html; charset=utf-8");
        request.finish(ErrorPage.html(code, brief, detail).getBytes(StandardCharsets.UTF_8));
    }
}
