package dev.weft.core.site;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per answered request in Apache's combined log format:
 * {@code IP - - [24/Nov/2026:00:53:19 +0000] "GET /x HTTP/1.1" 200 512 "REFERER" "AGENT"}, with
 * {@code -} for what is absent. The IP is the client a trusted proxy or subscription named, if any.
 */
final class AccessLog extends ContainerLifeCycle implements RequestLog {
    /** Request attribute where {@link SiteRequest} leaves the client IP it settled on. */
    static final String CLIENT = "dev.weft.client";
    /** Request attribute with the body length of an answer Jetty does not count ({@link RefusedRequests}). */
    static final String BYTES = "dev.weft.bytes";
    private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);
    private final RequestLog.Writer writer;
    /** The last second formatted: formatting a date per request costs more than the rest of the line. */
    private volatile Stamp stamp = new Stamp(-1, "");

    private record Stamp(long second, String text) {}

    AccessLog(RequestLog.Writer writer) {
        this.writer = writer;
        addBean(writer);
    }

    @Override
    public void log(Request request, Response response) {
        Object client = request.getAttribute(CLIENT);
        if (client == null) client = Request.getRemoteAddr(request);
        long bytes = Response.getContentBytesWritten(response);
        if (bytes == 0 && request.getAttribute(BYTES) instanceof Long b && !"HEAD".equals(request.getMethod())) bytes = b;
        String query = request.getHttpURI().getQuery();
        String target = request.getHttpURI().getPath() + (query == null ? "" : "?" + query);
        StringBuilder line = new StringBuilder(160)
                .append(client == null || client.toString().isEmpty() ? "-" : client).append(" - - [")
                .append(time(Request.getTimeStamp(request))).append("] \"")
                .append(escape(request.getMethod())).append(' ').append(escape(target)).append(' ')
                .append(request.getConnectionMetaData().getProtocol()).append("\" ")
                .append(response.getStatus()).append(' ').append(bytes > 0 ? Long.toString(bytes) : "-").append(" \"")
                .append(escape(request.getHeaders().get(HttpHeader.REFERER))).append("\" \"")
                .append(escape(request.getHeaders().get(HttpHeader.USER_AGENT))).append('"');
        try {
            writer.write(line.toString());
        } catch (IOException e) {
            LOG.warn("cannot write the access log: {}", e.toString());
        }
    }

    private String time(long millis) {
        long second = millis / 1000;
        Stamp s = stamp;
        if (s.second != second) {
            s = new Stamp(second, TIME.format(Instant.ofEpochSecond(second)));
            stamp = s;
        }
        return s.text;
    }

    /** Quotes, backslashes and control characters as {@code \xHH}, so every entry stays one parseable line. */
    static String escape(String s) {
        if (s == null || s.isEmpty()) return "-";
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = c < 0x20 || c == 0x7f || c == '"' || c == '\\';
            if (bad && out == null) out = new StringBuilder(s.length() + 8).append(s, 0, i);
            if (bad) out.append(String.format("\\x%02x", (int) c));
            else if (out != null) out.append(c);
        }
        return out == null ? s : out.toString();
    }
}
