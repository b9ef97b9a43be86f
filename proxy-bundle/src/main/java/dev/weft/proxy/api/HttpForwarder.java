package dev.weft.proxy.api;

import dev.weft.core.api.ErrorPage;
import dev.weft.core.api.Request;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.client.AbstractHttpClientTransport;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamRequestContent;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a request on to another HTTP server and streams its answer back, at the client's pace:
 * hop-by-hop headers dropped, {@code X-Forwarded-*} and {@code Forwarded} added, connections
 * pooled (Jetty's HttpClient). One per component; {@link #close()} when it goes.
 */
public final class HttpForwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpForwarder.class);
    /**
     * Never passed on. {@code Expect} too: this server sends the client's {@code 100 Continue}
     * itself when the body is first read; passed on, it stalled the upload until the timeout
     * (Jetty's client then waits for a 100 that its cleared protocol handlers do not handle).
     */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "expect");

    /** What became of a forward. */
    public enum Outcome {
        /** The request was answered (or its client is gone). */
        ANSWERED,
        /** The target could not be reached, or a bodiless GET/HEAD failed before any answer: nothing was answered; try another, or answer. */
        UNREACHABLE
    }

    /**
     * How to forward: keep the client's {@code Host} (else the target's); send the prepath as
     * {@code X-Forwarded-Prefix}; rewrite the target's {@code Location} into the front's URLs.
     */
    public record Options(boolean keepHost, boolean sendPrefix, boolean rewriteLocation) {}

    private final HttpClient client = new HttpClient();
    /** One transport per socket: HttpClient pools connections by destination, which includes it. */
    private final java.util.Map<java.nio.file.Path, Transport> transports = new java.util.concurrent.ConcurrentHashMap<>();
    private final Duration timeout;

    public HttpForwarder(Duration timeout) throws Exception {
        this.timeout = timeout;
        client.setFollowRedirects(false);
        client.setUserAgentField(null);
        client.setConnectTimeout(timeout.toMillis());
        client.setIdleTimeout(timeout.toMillis());
        client.setMaxConnectionsPerDestination(256);
        // Cookies belong to the clients: a store here would send one client's to all the others.
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        // The answer's listeners below only copy and queue (the front's writes complete later):
        // they run on the thread that read the answer instead of being handed to another.
        ((AbstractHttpClientTransport) client.getTransport()).setInvocationType(InvocationType.NON_BLOCKING);
        client.start();
        client.getProtocolHandlers().clear(); // no 401/redirect/100-continue handling: pass them through
        client.getContentDecoderFactories().clear(); // pass compressed bodies as they are
    }

    @Override
    public void close() throws Exception {
        client.stop();
    }

    /**
     * Forwards {@code request} to {@code target}, the rest of its path (postpath) and query
     * appended to the target's path.
     */
    public CompletableFuture<Outcome> forward(Request request, Target target, Options options) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        URI base = target.base();
        org.eclipse.jetty.client.Request out = client.newRequest(base.getHost(), base.getPort() < 0 ? 80 : base.getPort())
                .scheme(base.getScheme())
                .path(targetPath(base.getRawPath(), request.postpath(), request.getQueryString()))
                .method(request.getMethod())
                .idleTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (target.socket() != null) out.transport(transports.computeIfAbsent(target.socket(), Transport.TCPUnix::new));
        String clientHost = request.getHeader("Host");
        String publicHost = hostAndPort(request);
        List<String> named = connectionTokens(request);
        out.headers(h -> {
            for (String name : request.getHeaderNames()) {
                String lower = name.toLowerCase(Locale.ROOT);
                if (HOP_BY_HOP.contains(lower) || lower.equals("host") || lower.startsWith("x-forwarded-") || lower.equals("forwarded")
                        || named.contains(lower)) continue;
                for (String value : request.getHeaders(name)) h.add(name, value);
            }
            if (options.keepHost() && clientHost != null) h.put("Host", clientHost);
            // The client and the public URL as this server knows them (its own trusted forwarded
            // context included), never what the client claims: a publisher believes these.
            String proto = request.isSecure() ? "https" : "http";
            String client = request.getClientIP();
            if (client != null) h.put("X-Forwarded-For", client);
            h.put("X-Forwarded-Proto", proto);
            h.put("X-Forwarded-Host", publicHost);
            h.put("X-Forwarded-Port", String.valueOf(request.getRequestPort()));
            if (options.sendPrefix()) h.put("X-Forwarded-Prefix", prefix(request.prepath()));
            h.put("Forwarded", "for=" + forwardedNode(client) + ";host=\"" + publicHost + "\";proto=" + proto);
        });
        if (hasBody(request)) out.body(new InputStreamRequestContent(request.getHeader("Content-Type"), unclosable(request.getContent())));

        String front = request.prePathURL();
        AtomicBoolean began = new AtomicBoolean();
        out.onResponseHeaders(response -> {
            began.set(true);
            request.setResponseCode(response.getStatus());
            List<String> dropped = connectionTokens(response.getHeaders().getValuesList("Connection"));
            for (HttpField f : response.getHeaders()) {
                String lower = f.getLowerCaseName();
                if (HOP_BY_HOP.contains(lower) || dropped.contains(lower) || lower.equals("server") || lower.equals("date")) continue;
                String value = lower.equals("location") && options.rewriteLocation() ? rewriteLocation(f.getValue(), target, front) : f.getValue();
                request.addHeader(f.getName(), value);
            }
        });
        out.onResponseContentAsync((response, chunk, demand) -> {
            ByteBuffer copy = ByteBuffer.allocate(chunk.remaining());
            copy.put(chunk.getByteBuffer()).flip();
            request.write(copy).whenComplete((done, failure) -> {
                if (failure == null) demand.run();
                else response.abort(failure);
            });
        });
        out.send(result -> {
            if (result.isSucceeded()) {
                request.finish();
                outcome.complete(Outcome.ANSWERED);
                return;
            }
            Throwable failure = result.getFailure();
            if (!began.get() && (unreachable(failure) || retrySafe(request, failure))) {
                LOG.debug("{} unreachable: {}", target, failure.toString());
                outcome.complete(Outcome.UNREACHABLE);
            } else if (!began.get() && failure instanceof TimeoutException) {
                LOG.warn("504 for {}: {} did not answer within {} s", request, target, timeout.toSeconds());
                new ErrorPage(504, "Gateway Timeout", "The server behind this one did not answer in time.").render(request);
                outcome.complete(Outcome.ANSWERED);
            } else if (!began.get() && !request.isFinished()) {
                LOG.warn("502 for {}: {} failed: {}", request, target, failure.toString());
                new ErrorPage(502, "Bad Gateway", "The server behind this one failed to answer.").render(request);
                outcome.complete(Outcome.ANSWERED);
            } else {
                LOG.info("{} from {} ended early: {}", request, target, failure.toString());
                if (!request.isFinished()) request.abort(failure);
                outcome.complete(Outcome.ANSWERED);
            }
        });
        return outcome;
    }

    /**
     * The client's body as the forward reads it. The forward closes what it reads when it fails,
     * and closing a half-read request body fails the client's exchange at once (an empty 500
     * from Jetty); left open, the 502 or 504 page still gets to the client.
     */
    private static InputStream unclosable(InputStream body) {
        return new FilterInputStream(body) {
            @Override
            public void close() {}
        };
    }

    /** Where the front mounted the target, encoded as in a URL: {@code /a%20b/c}, {@code /} at the top. */
    static String prefix(List<String> prepath) {
        if (prepath.isEmpty()) return "/";
        StringBuilder out = new StringBuilder();
        for (String segment : prepath) out.append('/').append(encode(segment));
        return out.toString();
    }

    /** The target's path, then the rest of the request's path (re-encoded), then its query. */
    static String targetPath(String base, List<String> rest, String query) {
        StringBuilder path = new StringBuilder(base == null || base.isEmpty() ? "/" : base);
        if (!rest.isEmpty()) {
            if (path.charAt(path.length() - 1) == '/') path.setLength(path.length() - 1);
            for (String segment : rest) path.append('/').append(encode(segment));
        }
        if (query != null) path.append('?').append(query);
        return path.toString();
    }

    /** The target's own URLs in a {@code Location} become the front's: {@code front} + what follows the target's base. */
    static String rewriteLocation(String location, Target target, String front) {
        String base = target.base().toString();
        String basePath = target.base().getRawPath();
        String stripped = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        String strippedPath = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
        if (location.startsWith(stripped) && target.socket() == null) return front + location.substring(stripped.length());
        if (location.startsWith("/") && location.startsWith(strippedPath)) return front + location.substring(strippedPath.length());
        return location;
    }

    /**
     * A bodiless GET or HEAD that failed before any answer (a pooled connection the target had
     * just closed, say) can go again, to this target or another, without harm.
     */
    private static boolean retrySafe(Request request, Throwable failure) {
        String method = request.getMethod();
        return (method.equals("GET") || method.equals("HEAD")) && !hasBody(request) && !(failure instanceof TimeoutException);
    }

    private static boolean unreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof java.nio.channels.UnresolvedAddressException
                    || t instanceof java.net.UnknownHostException || t instanceof java.net.NoRouteToHostException) return true;
            if (t instanceof java.net.SocketException && String.valueOf(t.getMessage()).contains("No such file")) return true;
        }
        return false;
    }

    private static String hostAndPort(Request request) {
        String host = request.getRequestHostname();
        if (host.contains(":")) host = "[" + host + "]";
        int port = request.getRequestPort();
        boolean usual = port == (request.isSecure() ? 443 : 80);
        return usual ? host : host + ":" + port;
    }

    /**
     * Whether forwarding {@code request} never blocks its caller ({@link dev.weft.core.api.Resource#isNonBlocking}):
     * true unless there is a body to send, which is read from the client as a blocking stream.
     */
    public static boolean isNonBlocking(Request request) {
        return !hasBody(request);
    }

    private static boolean hasBody(Request request) {
        String length = request.getHeader("Content-Length");
        return length != null ? !length.trim().equals("0") : request.getHeader("Transfer-Encoding") != null;
    }

    private static List<String> connectionTokens(Request request) {
        return connectionTokens(request.getHeaders("Connection"));
    }

    private static List<String> connectionTokens(List<String> values) {
        return values.stream().flatMap(v -> java.util.Arrays.stream(v.split(","))).map(t -> t.trim().toLowerCase(Locale.ROOT)).toList();
    }

    private static String forwardedNode(String ip) {
        if (ip == null) return "unknown";
        return ip.contains(":") ? "\"[" + ip + "]\"" : ip;
    }

    private static String encode(String segment) {
        StringBuilder out = new StringBuilder();
        for (byte b : segment.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~!$&'()*+,;=:@".indexOf(c) >= 0) out.append((char) c);
            else out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
        }
        return out.toString();
    }
}
