package dev.weft.proxy;

import dev.weft.core.api.ErrorPage;
import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;

/**
 * Twisted's {@code VHostMonsterResource}, for running behind a reverse proxy: mounted at
 * {@code /vhost}, a request for {@code /vhost/https/example.com:443/path} is served as
 * {@code https://example.com/path}, so every URL the site makes (redirects, listings,
 * {@code prePathURL}) points at the public name.
 */
final class VHostMonsterResource implements Resource {
    @Override
    public Resource getChildWithDefault(String scheme, Request request) {
        return switch (scheme) {
            case "http" -> new Host(false);
            case "https" -> new Host(true);
            default -> ErrorPage.notFound("Expected /http/HOST:PORT/... or /https/HOST:PORT/... here.");
        };
    }

    @Override
    public void render(Request request) {
        ErrorPage.notFound("Expected /http/HOST:PORT/... or /https/HOST:PORT/... here.").render(request);
    }

    @Override
    public String toString() {
        return "VHostMonsterResource";
    }

    /** {@code rawPath} without {@code count} segments from segment {@code from} on; unchanged if it has fewer. */
    static String withoutSegments(String rawPath, int from, int count) {
        if (!rawPath.startsWith("/")) return rawPath;
        String[] segments = rawPath.substring(1).split("/", -1);
        if (segments.length < from + count) return rawPath;
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < segments.length; i++) {
            if (i < from || i >= from + count) out.append('/').append(segments[i]);
        }
        return out.length() == 0 ? "/" : out.toString();
    }

    /** The {@code HOST[:PORT]} segment: from here on the request is the public one. */
    private record Host(boolean secure) implements Resource {
        @Override
        public Resource getChildWithDefault(String hostPort, Request request) {
            String host = hostPort;
            int port = secure ? 443 : 80;
            int colon = hostPort.lastIndexOf(':');
            if (colon > 0 && hostPort.indexOf(']') < colon) {
                try {
                    port = Integer.parseInt(hostPort.substring(colon + 1));
                } catch (NumberFormatException e) {
                    return new ErrorPage(400, "Bad Request", "The port in the virtual host segment is not a number.");
                }
                host = hostPort.substring(0, colon);
            }
            if (host.isEmpty() || port <= 0 || port > 65535) return new ErrorPage(400, "Bad Request", "Not a host name and port.");
            request.setHost(host, port, secure);
            // Where the monster is mounted, the scheme and the host are no part of the public URL
            // nor of the path the request stands for (CGI's REQUEST_URI): Twisted cuts request.uri.
            var prepath = request.prepath();
            int site = request.sitepath().size();
            request.setPath(withoutSegments(request.getPath(), site, prepath.size() - site));
            prepath.subList(site, prepath.size()).clear();
            return request.siteRoot();
        }

        @Override
        public void render(Request request) {
            ErrorPage.notFound().render(request);
        }
    }
}
