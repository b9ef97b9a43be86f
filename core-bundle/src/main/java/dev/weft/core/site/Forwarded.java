package dev.weft.core.site;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.http.HttpFields;

/**
 * Context a trusted proxy or subscription sends along: {@code X-Forwarded-For}, {@code -Host},
 * {@code -Proto}, {@code -Port} and {@code -Prefix} (where the front mounted this site). Only read
 * on listeners that trust their peers; anyone else's copies are ignored.
 */
record Forwarded(String client, String host, int port, Boolean secure, List<String> prefix) {

    static Forwarded from(HttpFields headers) {
        String client = first(headers.get("X-Forwarded-For"));
        String proto = first(headers.get("X-Forwarded-Proto"));
        Boolean secure = proto == null ? null : proto.toLowerCase(Locale.ROOT).equals("https");
        String hostPort = first(headers.get("X-Forwarded-Host"));
        String host = null;
        int port = -1;
        if (hostPort != null) {
            int close = hostPort.lastIndexOf(']');
            int colon = hostPort.lastIndexOf(':');
            if (colon > close && colon > 0) {
                host = hostPort.substring(0, colon);
                port = parsePort(hostPort.substring(colon + 1));
            } else {
                host = hostPort;
            }
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        }
        String explicitPort = first(headers.get("X-Forwarded-Port"));
        if (port < 0 && explicitPort != null) port = parsePort(explicitPort);
        List<String> prefix = new ArrayList<>();
        String rawPrefix = first(headers.get("X-Forwarded-Prefix"));
        if (rawPrefix != null && !rawPrefix.isEmpty() && !rawPrefix.equals("/")) {
            List<String> segments = Paths.segments(rawPrefix.endsWith("/") ? rawPrefix.substring(0, rawPrefix.length() - 1) : rawPrefix);
            if (segments != null) prefix.addAll(segments);
        }
        return new Forwarded(client, host, port, secure, List.copyOf(prefix));
    }

    void applyTo(SiteRequest request) {
        if (client != null) request.forwardedClient(client);
        boolean isSecure = secure != null ? secure : request.isSecure();
        if (host != null || secure != null) {
            String h = host != null ? host : request.getRequestHostname();
            int p = port > 0 ? port : isSecure ? 443 : 80;
            request.setHost(h, p, isSecure);
        }
    }

    private static String first(String value) {
        if (value == null) return null;
        int comma = value.indexOf(',');
        String v = (comma < 0 ? value : value.substring(0, comma)).trim();
        return v.isEmpty() ? null : v;
    }

    private static int parsePort(String s) {
        try {
            int p = Integer.parseInt(s.trim());
            return p > 0 && p < 65536 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
