package dev.weft.proxy.api;

import dev.weft.core.api.ErrorPage;
import dev.weft.core.api.Request;
import dev.weft.core.api.UrlPath;
import dev.weft.proxy.upstream.Exchange;
import dev.weft.proxy.upstream.Upstreams;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a request on to another HTTP server and streams its answer back, at the client's pace:
 * hop-by-hop headers dropped, {@code X-Forwarded-*} and {@code Forwarded} added, HTTP/1.1
 * connections pooled per upstream ({@link Upstreams}). One per component; {@link #close()} when
 * it goes.
 */
public final class HttpForwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpForwarder.class);
    /**
     * Never passed on. {@code Expect} too: this server sends the client's {@code 100 Continue}
     * itself when the body is first read. Cookies pass through: nothing here keeps them.
     */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "expect");
    private static final int BODY_PIECE = 16 * 1024;

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

    private final Upstreams upstreams;
    private final Duration timeout;

    public HttpForwarder(Duration timeout) throws Exception {
        this.timeout = timeout;
        this.upstreams = new Upstreams(timeout);
    }

    @Override
    public void close() throws Exception {
        upstreams.close();
    }

    /**
     * Forwards {@code request} to {@code target}, the rest of its path (postpath) and query
     * appended to the target's path.
     */
    public CompletableFuture<Outcome> forward(Request request, Target target, Options options) {
        Forward forward = new Forward(request, target, options);
        if (target.socket() != null) upstreams.send(target.socket(), forward);
        else upstreams.send(target.base().getHost(), target.base().getPort() < 0 ? 80 : target.base().getPort(), forward);
        return forward.outcome;
    }

    /** One request on its way: its head as sent, and what to do with the answer. */
    private final class Forward implements Exchange {
        final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        final Request request;
        final Target target;
        final Options options;
        final byte[] head;
        final boolean body, chunked;
        /**
         * The answer's status and headers, passed on with its first piece of body or its end:
         * an answer that dies before then can still be answered with a clean 502.
         */
        int status;
        HttpFields headers;
        volatile boolean passedOn;

        Forward(Request request, Target target, Options options) {
            this.request = request;
            this.target = target;
            this.options = options;
            this.body = HttpForwarder.hasBody(request);
            this.chunked = body && request.getHeader("Content-Length") == null;
            this.head = encodeHead();
        }

        private byte[] encodeHead() {
            URI base = target.base();
            StringBuilder h = new StringBuilder(512).append(request.getMethod()).append(' ')
                    .append(targetPath(base.getRawPath(), request.postpath(), request.getQueryString())).append(" HTTP/1.1\r\n");
            String clientHost = request.getHeader("Host");
            field(h, "Host", options.keepHost() && clientHost != null ? clientHost : base.getRawAuthority());
            List<String> named = connectionTokens(request);
            for (String name : request.getHeaderNames()) {
                String lower = name.toLowerCase(Locale.ROOT);
                if (HOP_BY_HOP.contains(lower) || lower.equals("host") || lower.startsWith("x-forwarded-") || lower.equals("forwarded")
                        || named.contains(lower)) continue;
                for (String value : request.getHeaders(name)) field(h, name, value);
            }
            // The client and the public URL as this server knows them (its own trusted forwarded
            // context included), never what the client claims: a publisher believes these.
            String proto = request.isSecure() ? "https" : "http";
            String client = request.getClientIP();
            String publicHost = hostAndPort(request);
            if (client != null) field(h, "X-Forwarded-For", client);
            field(h, "X-Forwarded-Proto", proto);
            field(h, "X-Forwarded-Host", publicHost);
            field(h, "X-Forwarded-Port", String.valueOf(request.getRequestPort()));
            if (options.sendPrefix()) field(h, "X-Forwarded-Prefix", prefix(request.prepath()));
            field(h, "Forwarded", "for=" + forwardedNode(client) + ";host=\"" + publicHost + "\";proto=" + proto);
            if (chunked) field(h, "Transfer-Encoding", "chunked");
            return h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        }

        @Override
        public ByteBuffer head() {
            return ByteBuffer.wrap(head);
        }

        @Override
        public boolean isHead() {
            return request.getMethod().equals("HEAD");
        }

        @Override
        public boolean hasBody() {
            return body;
        }

        @Override
        public boolean isReplayable() {
            return !body && (request.getMethod().equals("GET") || request.getMethod().equals("HEAD"));
        }

        @Override
        public void sendBody(BodyWriter out) throws Exception {
            InputStream in = request.getContent(); // not closed: closing a half-read body fails the client's exchange at once
            byte[] piece = new byte[BODY_PIECE];
            for (int n; (n = in.read(piece)) > 0; ) {
                if (chunked) out.write(ByteBuffer.wrap((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1)));
                out.write(ByteBuffer.wrap(piece, 0, n));
                if (chunked) out.write(ByteBuffer.wrap(CRLF));
            }
            if (chunked) out.write(ByteBuffer.wrap(LAST_CHUNK));
        }

        @Override
        public void onHeaders(int status, HttpFields headers) {
            this.status = status;
            this.headers = headers;
        }

        private void passOnHead() {
            if (passedOn) return;
            passedOn = true;
            request.setResponseCode(status);
            List<String> dropped = connectionTokens(headers.getValuesList("Connection"));
            String front = options.rewriteLocation() ? request.prePathURL() : null;
            for (HttpField f : headers) {
                String lower = f.getLowerCaseName();
                if (HOP_BY_HOP.contains(lower) || dropped.contains(lower) || lower.equals("server") || lower.equals("date")) continue;
                String value = front != null && lower.equals("location") ? rewriteLocation(f.getValue(), target, front) : f.getValue();
                request.addHeader(f.getName(), value);
            }
        }

        @Override
        public void onContent(ByteBuffer chunk, Callback passedOn) {
            passOnHead();
            request.write(chunk).whenComplete((done, failure) -> {
                if (failure == null) passedOn.succeeded();
                else passedOn.failed(failure);
            });
        }

        @Override
        public void onComplete(ByteBuffer last) {
            passOnHead();
            if (last.hasRemaining()) request.finish(last.array());
            else request.finish();
            outcome.complete(Outcome.ANSWERED);
        }

        @Override
        public void onFailure(Throwable failure, boolean answered) {
            boolean timedOut = causedBy(failure, TimeoutException.class);
            boolean again = isReplayable() && !timedOut && !(failure instanceof Exchange.BadAnswer);
            if (!answered && (unreachable(failure) || again)) {
                LOG.debug("{} unreachable: {}", target, failure.toString());
                outcome.complete(Outcome.UNREACHABLE);
                return;
            }
            if (!passedOn && timedOut) {
                LOG.warn("504 for {}: {} did not answer within {} s", request, target, timeout.toSeconds());
                new ErrorPage(504, "Gateway Timeout", "The server behind this one did not answer in time.").render(request);
            } else if (!passedOn && !request.isFinished()) {
                LOG.warn("502 for {}: {} failed: {}", request, target, failure.toString());
                new ErrorPage(502, "Bad Gateway", "The server behind this one failed to answer.").render(request);
            } else {
                LOG.info("{} from {} ended early: {}", request, target, failure.toString());
                if (!request.isFinished()) request.abort(failure);
            }
            outcome.complete(Outcome.ANSWERED);
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    /** A header line; a CR or LF in a value (which no parsed request holds) would end the head, so it cannot. */
    private static void field(StringBuilder head, String name, String value) {
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) value = value.replace('\r', ' ').replace('\n', ' ');
        head.append(name).append(": ").append(value).append("\r\n");
    }

    /** Where the front mounted the target, encoded as in a URL: {@code /a%20b/c}, {@code /} at the top. */
    static String prefix(List<String> prepath) {
        return prepath.isEmpty() ? "/" : UrlPath.join(prepath);
    }

    /** The target's path, then the rest of the request's path (re-encoded), then its query. */
    static String targetPath(String base, List<String> rest, String query) {
        StringBuilder path = new StringBuilder(base == null || base.isEmpty() ? "/" : base);
        if (!rest.isEmpty()) {
            if (path.charAt(path.length() - 1) == '/') path.setLength(path.length() - 1);
            path.append(UrlPath.join(rest));
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

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) return true;
        }
        return false;
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
}
