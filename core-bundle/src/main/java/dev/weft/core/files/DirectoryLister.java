package dev.weft.core.files;

import dev.weft.core.api.ErrorPage;
import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import dev.weft.core.api.UnsupportedMethod;
import dev.weft.core.api.UrlPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTML listing of a directory without an index (Twisted's {@code DirectoryLister}):
 * directories first, then files, each sorted by name, with size, type and encoding. Names are
 * escaped in text and percent-encoded in links; entries that cannot be read are left out.
 */
final class DirectoryLister implements Resource {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryLister.class);
    private static final List<String> ALLOWED = List.of("GET", "HEAD");

    private final Path directory;
    private final FileOptions options;
    private final FileCache cache;

    DirectoryLister(Path directory, FileOptions options, FileCache cache) {
        this.directory = directory;
        this.options = options;
        this.cache = cache;
    }

    private record Entry(String name, BasicFileAttributes attrs) {
    }

    @Override
    public void render(Request request) {
        if (!ALLOWED.contains(request.getMethod())) throw new UnsupportedMethod(ALLOWED);
        if (!cache.inside(directory)) {
            LOG.info("403 for the listing of {}: a symlink leads out of the served root", directory);
            ErrorPage.forbidden().render(request);
            return;
        }
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> list = Files.list(directory)) {
            list.forEach(p -> {
                try {
                    entries.add(new Entry(p.getFileName().toString(), Files.readAttributes(p, BasicFileAttributes.class)));
                } catch (IOException e) {
                    // a broken symlink or an entry that vanished: not listed
                }
            });
        } catch (IOException e) {
            LOG.info("403 for the listing of {}: {}", directory, e.toString());
            ErrorPage.forbidden().render(request);
            return;
        }
        entries.sort(Comparator.comparing((Entry e) -> !e.attrs.isDirectory()).thenComparing(Entry::name));

        String where = ErrorPage.escape("/" + String.join("/", request.prepath()));
        StringBuilder html = new StringBuilder(4096);
        html.append("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>Directory listing for ").append(where)
                .append("</title>\n<style>\n")
                .append("body { font-family: sans-serif; margin: 2em; }\n")
                .append("table { border-collapse: collapse; }\n")
                .append("th, td { text-align: left; padding: 0.2em 1em; }\n")
                .append("tr.odd { background-color: #eee; }\n")
                .append("</style>\n</head>\n<body>\n<h1>Directory listing for ").append(where).append("</h1>\n")
                .append("<table>\n<thead><tr><th>Filename</th><th>Size</th><th>Content type</th><th>Content encoding</th></tr></thead>\n<tbody>\n");
        boolean odd = true;
        for (Entry e : entries) {
            html.append("<tr class=\"").append(odd ? "odd" : "even").append("\">");
            odd = !odd;
            String text = ErrorPage.escape(e.name);
            if (e.attrs.isDirectory()) {
                html.append("<td><a href=\"").append(UrlPath.quote(e.name)).append("/\">").append(text).append("/</a></td><td></td><td>[Directory]</td><td></td>");
            } else {
                String[] type = options.mimeTypes().typeAndEncoding(e.name);
                html.append("<td><a href=\"").append(UrlPath.quote(e.name)).append("\">").append(text).append("</a></td><td>")
                        .append(formatFileSize(e.attrs.size())).append("</td><td>[").append(ErrorPage.escape(type[0])).append("]</td><td>")
                        .append(type[1] == null ? "" : "[" + type[1] + "]").append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n</body>\n</html>\n");
        request.setHeader("Content-Type", "text/html; charset=utf-8");
        request.finish(html.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Twisted's sizes: bytes below 1 KiB, then K, M, G, truncated ({@code 1536} is {@code 1K}). */
    static String formatFileSize(long size) {
        if (size < 1024) return size + "B";
        if (size < 1024 * 1024) return (size / 1024) + "K";
        if (size < 1024L * 1024 * 1024) return (size / (1024 * 1024)) + "M";
        return (size / (1024L * 1024 * 1024)) + "G";
    }

    @Override
    public String toString() {
        return "DirectoryLister[" + directory + "]";
    }
}
