package dev.weft.core.site;

import dev.weft.core.api.ErrorPage;
import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import dev.weft.core.api.Session;
import dev.weft.core.api.Upload;
import dev.weft.core.api.UrlPath;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * {@link Request} over one Jetty exchange. Writes are queued and sent in order by one
 * {@link IteratingCallback}, so resources may write from any thread without waiting.
 */
final class SiteRequest implements Request {
    private final Site site;
    private final org.eclipse.jetty.server.Request jetty;
    private final Response response;
    private final Callback callback;
    private final boolean head;

    private final List<String> prepath = new ArrayList<>();
    private final List<String> postpath;
    private final List<String> sitepath;

    private String hostname;
    private int port;
    private boolean secure;
    private String clientIP;
    private SocketAddress clientAddress;

    /** The raw path the request stands for: the front's, behind a subscription; see {@link #setPath}. */
    private String publicPath;
    /** Set by {@link #forward}: the path and query the request now stands for. */
    private String forwardedPath;
    private String forwardedQuery;
    private int forwards;

    private Map<String, List<String>> args;
    private List<Upload> uploads = List.of();
    private byte[] bufferedBody;
    private InputStream content;
    private volatile boolean contentComplete;

    private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
    private final Writer writer = new Writer();
    private boolean prepared;
    private boolean lastQueued;
    private Throwable failure;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private Session session;

    private record Chunk(ByteBuffer data, boolean last, CompletableFuture<Void> done) {
    }

    /** Builds the request; {@code segments} is the decoded path, {@code forwarded} trusted context. */
    SiteRequest(Site site, org.eclipse.jetty.server.Request jetty, Response response, Callback callback,
            List<String> segments, Forwarded forwarded) {
        this.site = site;
        this.jetty = jetty;
        this.response = response;
        this.callback = callback;
        this.head = "HEAD".equals(jetty.getMethod());
        this.postpath = new ArrayList<>(segments);

        InetSocketAddress local = jetty.getConnectionMetaData().getLocalSocketAddress() instanceof InetSocketAddress i ? i : null;
        this.secure = jetty.isSecure();
        this.port = local != null ? local.getPort() : 0;
        this.hostname = hostFromHeader(jetty.getHeaders().get(HttpHeader.HOST));
        if (hostname == null) hostname = local != null ? local.getAddress().getHostAddress() : "localhost";
        this.clientAddress = jetty.getConnectionMetaData().getRemoteSocketAddress();
        this.clientIP = clientAddress instanceof InetSocketAddress i ? i.getAddress().getHostAddress() : null;
        this.sitepath = forwarded == null ? List.of() : forwarded.prefix();
        if (forwarded != null) forwarded.applyTo(this);
        prepath.addAll(sitepath);
        this.publicPath = sitePrefix() + jetty.getHttpURI().getPath();

        long length = jetty.getLength();
        contentComplete = length == 0 || (length < 0 && !jetty.getHeaders().contains(HttpHeader.TRANSFER_ENCODING));
        // Like Twisted, a request being rendered is not timed out by the idle timer: the resource
        // owns its time. Idle keep-alive connections and slow uploads still are.
        jetty.addIdleTimeoutListener(this::timeoutApplies);
        jetty.addFailureListener(this::fail);
    }

    private boolean timeoutApplies(TimeoutException e) {
        return !contentComplete || isFinished();
    }

    private static String hostFromHeader(String host) {
        if (host == null || host.isEmpty()) return null;
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end > 0 ? host.substring(1, end) : host;
        }
        int colon = host.indexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    /** Called with trusted forwarded context (from a proxy or a subscription). */
    void forwardedClient(String ip) {
        this.clientIP = ip;
        jetty.setAttribute(AccessLog.CLIENT, ip);
        this.clientAddress = InetSocketAddress.createUnresolved(ip, 0);
    }

    // ---- the request as received

    @Override
    public String getMethod() {
        return forwardedPath == null || head ? jetty.getMethod() : "GET";
    }

    @Override
    public String getUri() {
        String query = getQueryString();
        return query == null ? getPath() : getPath() + "?" + query;
    }

    @Override
    public String getPath() {
        return forwardedPath != null ? forwardedPath : publicPath;
    }

    @Override
    public void setPath(String rawPath) {
        this.publicPath = rawPath;
    }

    @Override
    public String getQueryString() {
        return forwardedPath != null ? forwardedQuery : jetty.getHttpURI().getQuery();
    }

    @Override
    public void forward(String localUri) {
        int q = localUri.indexOf('?');
        String path = q < 0 ? localUri : localUri.substring(0, q);
        List<String> segments = path.startsWith("/") ? Paths.segments(path) : null;
        if (segments == null) throw new IllegalArgumentException("not a local path: " + localUri);
        synchronized (this) {
            if (prepared) throw new IllegalStateException("cannot forward " + this + ": the answer has begun");
            if (++forwards > 10) throw new IllegalStateException("more than 10 local redirects for " + this);
            forwardedPath = sitePrefix() + path;
            forwardedQuery = q < 0 ? null : localUri.substring(q + 1);
            args = null;
            uploads = List.of();
            bufferedBody = new byte[0];
        }
        prepath.clear();
        prepath.addAll(sitepath);
        postpath.clear();
        postpath.addAll(segments);
        Site.render(site.root(), this);
    }

    /** The sitepath as it starts a URL: {@code /sub/a%20b}, or empty. */
    private String sitePrefix() {
        return UrlPath.join(sitepath);
    }

    @Override
    public Resource siteRoot() {
        return site.root();
    }

    @Override
    public String getProtocol() {
        return jetty.getConnectionMetaData().getProtocol();
    }

    @Override
    public List<String> prepath() {
        return prepath;
    }

    @Override
    public List<String> postpath() {
        return postpath;
    }

    @Override
    public List<String> sitepath() {
        return sitepath;
    }

    @Override
    public synchronized Map<String, List<String>> getArgs() {
        if (args == null) {
            Map<String, List<String>> parsed = new LinkedHashMap<>();
            FormArgs.parse(getQueryString(), parsed);
            Forms.readBody(this, parsed);
            args = Collections.unmodifiableMap(parsed);
        }
        return args;
    }

    @Override
    public String getArg(String name) {
        List<String> values = getArgs().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public List<Upload> getUploads() {
        getArgs();
        return uploads;
    }

    void formBody(byte[] body, List<Upload> uploads) {
        this.bufferedBody = body;
        this.uploads = List.copyOf(uploads);
    }

    org.eclipse.jetty.server.Request jetty() {
        return jetty;
    }

    @Override
    public String getHeader(String name) {
        return last(jetty.getHeaders(), name);
    }

    /** Twisted's {@code getHeader}: the last value of {@code name}, or null. */
    private static String last(HttpFields fields, String name) {
        HttpHeader known = HEADERS.get(name);
        String value = null;
        for (HttpField f : fields) {
            if (known != null ? f.getHeader() == known : f.is(name)) value = f.getValue();
        }
        return value;
    }

    /**
     * Jetty's constants by the names resources spell them: finding one by its exact spelling
     * costs a hash lookup, where Jetty's own case-insensitive lookup walked a trie per header.
     */
    private static final Map<String, HttpHeader> HEADERS = new HashMap<>();
    static {
        for (HttpHeader h : HttpHeader.values()) HEADERS.put(h.asString(), h);
    }

    private static HttpField field(String name, String value) {
        HttpHeader known = HEADERS.get(name);
        return known != null ? new HttpField(known, name, value) : new HttpField(name, value);
    }

    @Override
    public List<String> getHeaders(String name) {
        return jetty.getHeaders().getValuesList(name);
    }

    @Override
    public Collection<String> getHeaderNames() {
        Map<String, String> names = new LinkedHashMap<>();
        for (HttpField f : jetty.getHeaders()) names.putIfAbsent(f.getLowerCaseName(), f.getName());
        return names.values();
    }

    @Override
    public String getCookie(String name) {
        for (HttpCookie c : org.eclipse.jetty.server.Request.getCookies(jetty)) if (c.getName().equals(name)) return c.getValue();
        return null;
    }

    @Override
    public synchronized InputStream getContent() {
        if (bufferedBody != null) return new ByteArrayInputStream(bufferedBody);
        if (content == null) content = new TrackingStream(Content.Source.asInputStream(jetty));
        return content;
    }

    /** Notes the end of the body so the idle timer stops applying. */
    private final class TrackingStream extends InputStream {
        private final InputStream in;

        TrackingStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b < 0) contentComplete = true;
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, len);
            if (n < 0) contentComplete = true;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    // ---- addresses

    @Override
    public String getRequestHostname() {
        return hostname;
    }

    @Override
    public int getRequestPort() {
        return port;
    }

    @Override
    public SocketAddress getHost() {
        return jetty.getConnectionMetaData().getLocalSocketAddress();
    }

    @Override
    public SocketAddress getClientAddress() {
        return clientAddress;
    }

    @Override
    public String getClientIP() {
        return clientIP;
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public void setHost(String host, int port, boolean secure) {
        this.hostname = host;
        this.port = port;
        this.secure = secure;
    }

    @Override
    public String prePathURL() {
        StringBuilder url = new StringBuilder(secure ? "https://" : "http://");
        url.append(hostname.indexOf(':') >= 0 ? "[" + hostname + "]" : hostname);
        if (port > 0 && port != (secure ? 443 : 80)) url.append(':').append(port);
        return prepath.isEmpty() ? url.append('/').toString() : url.append(UrlPath.join(prepath)).toString();
    }

    // ---- the response

    // Headers and status belong to the resource until the first write or finish takes them
    // (prepared); after that the writer thread commits them, so later changes are ignored.

    @Override
    public synchronized void setResponseCode(int code) {
        if (!prepared) response.setStatus(code);
    }

    @Override
    public synchronized int getResponseCode() {
        return response.getStatus();
    }

    @Override
    public synchronized void setHeader(String name, String value) {
        if (prepared) return;
        if (value == null) response.getHeaders().remove(name);
        else response.getHeaders().put(field(name, value));
    }

    @Override
    public synchronized void addHeader(String name, String value) {
        if (!prepared) response.getHeaders().add(field(name, value));
    }

    @Override
    public synchronized String getResponseHeader(String name) {
        return last(response.getHeaders(), name);
    }

    @Override
    public void redirect(int status, String url) {
        setResponseCode(status);
        setHeader("Location", url);
        setHeader("Content-Type", "text/html; charset=utf-8");
        String u = ErrorPage.escape(url);
        finish(("<!DOCTYPE html>\n<html><head><meta http-equiv=\"refresh\" content=\"0;URL=" + u + "\"></head>"
                + "<body><a href=\"" + u + "\">click here</a></body></html>\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public CompletableFuture<Void> write(ByteBuffer data) {
        return enqueue(data, false);
    }

    @Override
    public void finish() {
        enqueue(BufferUtil.EMPTY_BUFFER, true);
    }

    @Override
    public void finish(byte[] body) {
        synchronized (this) {
            if (!prepared) response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        }
        enqueue(ByteBuffer.wrap(body), true);
    }

    @Override
    public void abort(Throwable cause) {
        Site.failed(this, null, cause);
    }

    @Override
    public synchronized boolean isFinished() {
        return lastQueued || failure != null;
    }

    @Override
    public CompletionStage<Void> notifyFinish() {
        return finished.minimalCompletionStage();
    }

    @Override
    public Session getSession() {
        synchronized (this) {
            // As Twisted: once expired (a logout, a login that starts a fresh session), a new one.
            if (session == null || !site.sessions().isLive(session)) session = site.sessions().forRequest(this);
        }
        return session;
    }

    private CompletableFuture<Void> enqueue(ByteBuffer data, boolean last) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (this) {
            if (failure != null) {
                done.completeExceptionally(failure);
                return done;
            }
            if (lastQueued) {
                if (last) done.complete(null); // a second finish is harmless
                else done.completeExceptionally(new IllegalStateException("write after finish"));
                return done;
            }
            lastQueued = last;
            if (!prepared) {
                prepared = true;
                prepareHeaders(data, last);
            }
            queue.add(new Chunk(head ? BufferUtil.EMPTY_BUFFER : data, last, done));
        }
        writer.iterate();
        return done;
    }

    /**
     * Twisted's default Content-Type, text/html, added as the headers are prepared, unless there
     * is no body to describe (204, 304, an empty answer).
     */
    private void prepareHeaders(ByteBuffer first, boolean last) {
        HttpFields.Mutable headers = response.getHeaders();
        int status = response.getStatus();
        boolean empty = (last && !first.hasRemaining()) || headers.getLongField(HttpHeader.CONTENT_LENGTH) == 0;
        if (!headers.contains(HttpHeader.CONTENT_TYPE) && status != 204 && status != 304 && !empty) {
            headers.put(HttpHeader.CONTENT_TYPE, "text/html");
        }
    }

    /**
     * Prepares an error answer: clears what the resource set, keeping the envelope. Once headers
     * are on their way it is too late: the exchange is aborted so the client sees a failure rather
     * than a short body (unless the resource had already finished). False when no page may follow.
     */
    boolean resetForError(Throwable cause) {
        synchronized (this) {
            boolean started = prepared || response.isCommitted();
            if (started && (lastQueued || failure != null)) return false;
            if (!started) {
                response.reset();
                site.envelope(response.getHeaders());
                return true;
            }
        }
        fail(cause != null ? cause : new IllegalStateException("failed after the headers were sent"));
        return false;
    }

    /** The exchange failed (client gone, write error): fail everything still waiting. */
    void fail(Throwable cause) {
        synchronized (this) {
            if (failure != null) return;
            failure = cause;
        }
        writer.abort(cause);
    }

    private final class Writer extends IteratingCallback {
        private Chunk current;

        @Override
        protected Action process() {
            synchronized (SiteRequest.this) {
                if (current != null && current.last) return Action.SUCCEEDED;
                current = queue.poll();
                if (current == null) return Action.IDLE;
            }
            response.write(current.last, current.data, this);
            return Action.SCHEDULED;
        }

        @Override
        protected void onSuccess() {
            current.done.complete(null);
        }

        @Override
        protected void onCompleteSuccess() {
            callback.succeeded();
            finished.complete(null);
        }

        @Override
        protected void onCompleteFailure(Throwable cause) {
            List<Chunk> left;
            synchronized (SiteRequest.this) {
                if (failure == null) failure = cause;
                left = new ArrayList<>(queue);
                queue.clear();
            }
            if (current != null) current.done.completeExceptionally(cause);
            for (Chunk c : left) c.done.completeExceptionally(cause);
            finished.completeExceptionally(cause);
            callback.failed(cause);
        }
    }

    @Override
    public String toString() {
        return "Request[" + getMethod() + " " + getUri() + "]";
    }
}
