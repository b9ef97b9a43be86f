package dev.weft.cgi;

import dev.weft.core.api.Request;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The RFC 3875 meta-variables for one request. Nothing of the server's own environment goes in
 * but a safe {@code PATH}; {@code Proxy} never becomes {@code HTTP_PROXY} (httpoxy), and
 * {@code Authorization} passes only when configured.
 */
final class CGIEnvironment {
    private CGIEnvironment() {}

    static Map<String, String> of(Request request, Path script, long contentLength, CgiSettings settings) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", settings.path());
        env.put("GATEWAY_INTERFACE", "CGI/1.1");
        String server = request.getResponseHeader("Server");
        env.put("SERVER_SOFTWARE", server != null ? server : "Weft");
        env.put("SERVER_NAME", request.getRequestHostname());
        env.put("SERVER_PORT", String.valueOf(request.getRequestPort()));
        env.put("SERVER_PROTOCOL", request.getProtocol());
        env.put("REQUEST_METHOD", request.getMethod());
        env.put("REQUEST_URI", request.getUri());
        env.put("SCRIPT_NAME", "/" + String.join("/", request.prepath()));
        env.put("SCRIPT_FILENAME", script.toString());
        List<String> rest = request.postpath();
        if (!rest.isEmpty()) {
            String pathInfo = "/" + String.join("/", rest);
            env.put("PATH_INFO", pathInfo);
            env.put("PATH_TRANSLATED", script.getParent() + pathInfo);
        }
        String query = request.getQueryString();
        env.put("QUERY_STRING", query == null ? "" : query);
        if (request.getClientIP() != null) env.put("REMOTE_ADDR", request.getClientIP());
        if (request.getClientAddress() instanceof InetSocketAddress a && a.getPort() > 0) env.put("REMOTE_PORT", String.valueOf(a.getPort()));
        String type = request.getHeader("Content-Type");
        if (type != null) env.put("CONTENT_TYPE", type);
        env.put("CONTENT_LENGTH", String.valueOf(contentLength));
        if (request.isSecure()) env.put("HTTPS", "on");
        env.put("REDIRECT_STATUS", "200");
        for (String name : request.getHeaderNames()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("content-type") || lower.equals("content-length") || lower.equals("proxy")) continue;
            if (lower.equals("authorization") && !settings.passAuthorization()) continue;
            if (!lower.matches("[a-z0-9-]+")) continue; // a name that would not make a clean variable
            env.put("HTTP_" + lower.toUpperCase(Locale.ROOT).replace('-', '_'), String.join(", ", request.getHeaders(name)));
        }
        return env;
    }
}
