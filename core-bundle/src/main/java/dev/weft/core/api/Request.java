package dev.weft.core.api;

import java.io.InputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One HTTP exchange as a resource sees it (Twisted's {@code server.Request}): the request as
 * received, where traversal has got to, and the response being built. Response headers may be
 * changed until the first {@link #write}; the exchange ends with {@link #finish()}. Every method
 * may be called from any thread, so a resource can answer later without holding one.
 */
public interface Request {

    // ---- the request as received

    /** The method exactly as received, e.g. {@code GET}. */
    String getMethod();

    /** The request-target as received: raw path and query, e.g. {@code /a%20b/?x=1}. */
    String getUri();

    /**
     * The raw (still percent-encoded) path of {@link #getUri()}, without the query. Behind a
     * subscription it is the front's path, the prefix where the front mounted this site included.
     */
    String getPath();

    /**
     * Makes the request stand for another raw path (the query kept): what {@link #getPath} and
     * {@link #getUri} (and so CGI's {@code REQUEST_URI}) report from now on, as the vhost monster
     * rewrites Twisted's {@code request.uri}. Traversal is not affected.
     */
    void setPath(String rawPath);

    /** The raw query string without {@code ?}, or null when the target has none. */
    String getQueryString();

    /** {@code HTTP/1.1}, {@code HTTP/1.0}... */
    String getProtocol();

    /**
     * Decoded path segments already consumed by traversal. Mutable, as in Twisted: rewrite rules
     * and resources that re-route may move segments between prepath and postpath.
     */
    List<String> prepath();

    /** Decoded path segments still to traverse; a leaf renders with the rest here. Mutable. */
    List<String> postpath();

    /**
     * Query arguments merged with the fields of a urlencoded or multipart form body, repeated
     * keys and blank values kept, in order. Reads the body the first time it is called for a form.
     */
    Map<String, List<String>> getArgs();

    /** The first value of an argument, or null. */
    String getArg(String name);

    /** The file fields of a multipart form body (empty for any other body). */
    List<Upload> getUploads();

    /** The last value of a request header (names are case-insensitive), or null. */
    String getHeader(String name);

    /** Every value of a request header, in order. */
    List<String> getHeaders(String name);

    /** The names of the request headers, each once, as the client spelled it. */
    Collection<String> getHeaderNames();

    /** A cookie sent by the client, or null. */
    String getCookie(String name);

    /** The request body as it streams in; empty for a request without one. */
    InputStream getContent();

    // ---- where it came from and where it is addressed

    /** The host the client asked for: the Host header without port, else the local address. */
    String getRequestHostname();

    /** The port the client addressed: from the Host header, else the local port. */
    int getRequestPort();

    /** The local end of the connection (an {@code InetSocketAddress}, or a UNIX socket address). */
    SocketAddress getHost();

    /** The client's end: an {@code InetSocketAddress}, or for a UNIX socket its address. */
    SocketAddress getClientAddress();

    /** The client's IP address as text, or null when the client came over a UNIX socket. */
    String getClientIP();

    /** True for HTTPS, or when a trusted proxy said the client used HTTPS. */
    boolean isSecure();

    /**
     * Makes the request look addressed to {@code host:port} with that scheme: what URLs the site
     * generates from now on use (Twisted's {@code setHost}, used by the vhost monster).
     */
    void setHost(String host, int port, boolean secure);

    /**
     * The absolute URL of the resource being traversed: scheme, requested host and port (omitted
     * when default for the scheme) and the prepath re-encoded, e.g. {@code http://example.com/a/b}.
     */
    String prePathURL();

    /** The prepath segments where the site itself is rooted (behind a subscription or a mount). */
    List<String> sitepath();

    // ---- the response

    void setResponseCode(int code);

    int getResponseCode();

    /** Sets a response header, replacing earlier values; a null value removes it. */
    void setHeader(String name, String value);

    /** Adds a response header value, keeping earlier ones. */
    void addHeader(String name, String value);

    /** The last value set for a response header, or null. */
    String getResponseHeader(String name);

    /**
     * Answers with a redirect: status (301, 302, 303, 307, 308), {@code Location}, and a short
     * HTML body linking to the URL; finishes the request.
     */
    void redirect(int status, String url);

    /**
     * Answers this request as the site answers a GET for {@code localUri} (a path, optionally
     * with a query) from its root, as if the client had asked for it: RFC 3875's local redirect.
     * Only before anything was written; the request body is not passed on.
     */
    void forward(String localUri);

    /**
     * The site's root, with its wrappers: for resources that restart traversal where they are
     * (the vhost monster, as Twisted's {@code request.site.getResourceFor}).
     */
    Resource siteRoot();

    /**
     * Writes part of the body; the status and headers go first. The future completes when the
     * bytes are handed to the network: wait on it to follow the client's pace. Writes may be
     * issued before earlier ones complete; they go out in order. Fails if the client is gone.
     * For HEAD requests the bytes are discarded.
     */
    CompletableFuture<Void> write(ByteBuffer data);

    /** Ends the response. Further writes fail; a second finish is ignored. */
    void finish();

    /**
     * Writes the whole body with a {@code Content-Length} and ends the response: the answer of a
     * resource that knows all of it at once.
     */
    void finish(byte[] body);

    /**
     * Ends the exchange with a failure, logged with its cause: if nothing has been sent yet the
     * client gets a 500 page, otherwise the connection is cut so the client sees an incomplete
     * answer rather than a short one. For resources that fail after {@code render} returned.
     */
    void abort(Throwable cause);

    /** True once {@link #finish} was called or the exchange failed. */
    boolean isFinished();

    /**
     * Completes when the response has been sent completely, or exceptionally when the client went
     * away or the exchange failed first. Use it to stop work nobody waits for any more.
     */
    CompletionStage<Void> notifyFinish();

    /** The client's session, created (with its cookie) if it has none yet. */
    Session getSession();
}
