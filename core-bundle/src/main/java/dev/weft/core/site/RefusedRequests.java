package dev.weft.core.site;

import dev.weft.core.api.ErrorPage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers what Jetty refuses before the site sees it, in the site's envelope and page style and
 * with a log line, instead of Jetty's own page. Jetty parses a path that climbs above the root
 * ({@code /../x}, {@code /%2e%2e/x}) or holds NUL as a bad URI and never hands it on: that is
 * answered 404, as the site answers {@code ..} inside a path (Twisted does the same). {@code *}
 * with a method other than OPTIONS is 405 with {@code Allow: OPTIONS}, as in Twisted. Other
 * refusals (malformed or oversized headers, unknown versions) keep Jetty's status.
 */
final class RefusedRequests implements Request.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(RefusedRequests.class);
    private final Site site;

    RefusedRequests(Site site) {
        this.site = site;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int code = request.getAttribute(ErrorHandler.ERROR_STATUS) instanceof Integer i ? i : 500;
        Throwable cause = request.getAttribute(ErrorHandler.ERROR_EXCEPTION) instanceof Throwable t ? t : null;
        String why = cause != null ? describe(cause) : String.valueOf(request.getAttribute(ErrorHandler.ERROR_MESSAGE));
        HttpFields.Mutable headers = response.getHeaders();
        headers.remove(HttpHeader.CACHE_CONTROL);
        site.envelopeOnce(headers);

        String brief = HttpStatus.getMessage(code);
        String detail = "The server could not accept this request.";
        if ("*".equals(request.getHttpURI().getPath()) && code == 400) {
            code = 405;
            brief = "Method Not Allowed";
            detail = "The request-target * only allows the method OPTIONS.";
            headers.put(HttpHeader.ALLOW, "OPTIONS");
        } else if (code == 400 && isBadUri(cause)) {
            code = 404;
            brief = "No Such Resource";
            detail = "Sorry. No luck finding that resource.";
        }
        LOG.info("{} for a request Jetty refused before the site: {}", code, why);
        byte[] body = ErrorPage.html(code, brief, detail).getBytes(StandardCharsets.UTF_8);
        request.setAttribute(AccessLog.BYTES, (long) body.length); // Jetty does not count what its error handler writes
        response.setStatus(code);
        headers.put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        headers.put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, "HEAD".equals(request.getMethod()) ? null : ByteBuffer.wrap(body), callback);
        return true;
    }

    /** The messages of a cause and the causes under it: Jetty's own is often only "400: Bad Request". */
    private static String describe(Throwable cause) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = cause; t != null && s.length() < 300; t = t.getCause()) {
            if (s.length() > 0) s.append(": ");
            s.append(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
        }
        return s.toString();
    }

    /**
     * Jetty's words for a request-target whose path cannot be made canonical ({@code ..} above the
     * root) or holds a control character such as NUL once decoded.
     */
    private static boolean isBadUri(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException
                    && ("Bad URI".equals(t.getMessage()) || "Illegal character in path".equals(t.getMessage()))) return true;
        }
        return false;
    }
}
