package dev.weft.core.files;

import dev.weft.core.api.ErrorPage;
import dev.weft.core.api.Processor;
import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import dev.weft.core.api.UnsupportedMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jetty.http.DateParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file or directory on disk (Twisted's {@code static.File}). Children are the directory's
 * entries; {@code ""} is the first index file or a listing. Files are served with their type,
 * {@code Last-Modified}, {@code ETag}, ranges and conditional requests, streamed from disk.
 * Nothing outside the served root is ever reached: {@code ..}, separators and NUL inside a
 * segment are not found, and symlinks that lead out are refused unless allowed.
 */
public final class FileResource implements Resource {
    private static final Logger LOG = LoggerFactory.getLogger(FileResource.class);
    private static final List<String> ALLOWED = List.of("GET", "HEAD");
    private static final ErrorPage FILE_NOT_FOUND = ErrorPage.notFound("File not found.");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path root;
    private final Path path;
    /** The file's name: the segment that led here, so no request decodes the path for its type. */
    private final String name;
    private final FileOptions options;
    private final FileCache cache;

    /** Serves the tree under {@code root}. */
    public FileResource(Path root, FileOptions options) throws IOException {
        this(options, root.toRealPath());
    }

    private FileResource(FileOptions options, Path real) {
        this(real, real, String.valueOf(real.getFileName()), options, new FileCache(options.followSymlinks() ? null : real));
    }

    private FileResource(Path root, Path path, String name, FileOptions options, FileCache cache) {
        this.root = root;
        this.path = path;
        this.name = name;
        this.options = options;
        this.cache = cache;
    }

    public Path path() {
        return path;
    }

    @Override
    public Resource getChildWithDefault(String segment, Request request) {
        if (!cache.get(path).directory()) return FILE_NOT_FOUND;
        if (segment.isEmpty()) {
            for (String index : options.indexNames()) {
                Path candidate = path.resolve(index);
                if (cache.get(candidate).regular()) return childFor(candidate, index);
            }
            return new DirectoryLister(path, options, cache);
        }
        if (segment.equals(".")) return this;
        if (!isPlainName(segment)) {
            LOG.info("404 for unsafe path segment {} in {}", segment, request);
            return FILE_NOT_FOUND;
        }
        Path child = path.resolve(segment);
        if (cache.get(child).exists()) return childFor(child, segment);
        child = withIgnoredExtension(segment);
        return child == null ? FILE_NOT_FOUND : childFor(child, child.getFileName().toString());
    }

    /** A name that stays in this directory: not {@code ..}, no separator, no NUL. */
    private static boolean isPlainName(String segment) {
        return !segment.equals("..") && segment.indexOf('/') < 0 && segment.indexOf('\\') < 0 && segment.indexOf('\0') < 0;
    }

    /** {@code ignoreExt}: {@code foo} finds {@code foo.EXT} for the configured extensions in order. */
    private Path withIgnoredExtension(String segment) {
        for (String ext : options.ignoredExts()) {
            if (ext.equals("*")) {
                try (Stream<Path> entries = Files.list(path)) {
                    Path found = entries.filter(p -> p.getFileName().toString().startsWith(segment + "."))
                            .sorted().findFirst().orElse(null);
                    if (found != null) return found;
                } catch (IOException e) {
                    return null;
                }
            } else {
                Path candidate = path.resolve(segment + ext);
                if (cache.get(candidate).exists()) return candidate;
            }
        }
        return null;
    }

    /** The resource for an existing entry: refused if it escapes the root, else processed or a file. */
    private Resource childFor(Path child, String name) {
        FileCache.Entry entry = cache.get(child);
        if (entry.outside()) return outside(child);
        int dot = name.lastIndexOf('.');
        String spec = dot < 0 ? null : options.processors().get(name.substring(dot));
        if (spec != null && entry.regular()) {
            // A processor runs the file: make sure of it now, not as of the cache's last look.
            if (!cache.inside(child)) return outside(child);
            return process(child, name.substring(dot), spec);
        }
        return new FileResource(root, child, name, options, cache);
    }

    private ErrorPage outside(Path child) {
        LOG.info("403 for {}: a symlink leads out of the served root {}", child, root);
        return ErrorPage.forbidden();
    }

    private Resource process(Path file, String ext, String spec) {
        int colon = spec.indexOf(':');
        String name = colon < 0 ? spec : spec.substring(0, colon);
        Processor processor = options.processorLookup().apply(name);
        if (processor == null) {
            LOG.warn("503 for {}: files ending in {} go to the processor '{}', which is not installed", file, ext, name);
            return new ErrorPage(503, "Service Unavailable",
                    "Files ending in " + ext + " are run by the '" + name + "' processor, which is not installed.");
        }
        return processor.process(file, colon < 0 ? "" : spec.substring(colon + 1));
    }

    /** A redirect, an error or bytes already in memory: nothing to wait for. */
    @Override
    public boolean isNonBlocking(Request request) {
        FileCache.Entry attrs = cache.get(path);
        return !attrs.regular() || !attrs.readable() || attrs.content() != null;
    }

    @Override
    public void render(Request request) throws IOException {
        if (!ALLOWED.contains(request.getMethod())) throw new UnsupportedMethod(ALLOWED);
        FileCache.Entry attrs = cache.get(path);
        if (!attrs.exists() || attrs.symlink() && !attrs.regular() && !attrs.directory()) {
            FILE_NOT_FOUND.render(request);
            return;
        }
        if (attrs.outside()) {
            outside(path).render(request);
            return;
        }
        if (attrs.directory()) {
            String query = request.getQueryString();
            request.redirect(301, request.prePathURL() + "/" + (query == null ? "" : "?" + query));
            return;
        }
        if (!attrs.regular() || !attrs.readable()) {
            LOG.info("403 for {}: not a readable file", path);
            request.setHeader("Accept-Ranges", "bytes");
            ErrorPage.forbidden().render(request);
            return;
        }
        if (attrs.content() == null && !cache.inside(path)) {
            // The file is to be read from disk: a directory on the way may have become a link out
            // of the root since the cache last looked.
            outside(path).render(request);
            return;
        }
        long size = attrs.size();
        long modified = attrs.modifiedMillis();
        String etag = attrs.etag();
        String lastModified = attrs.lastModified();
        String[] type = options.mimeTypes().typeAndEncoding(name);

        request.setHeader("Accept-Ranges", "bytes");
        request.setHeader("Last-Modified", lastModified);
        request.setHeader("ETag", etag);
        request.setHeader("Content-Type", type[0]);
        if (type[1] != null) request.setHeader("Content-Encoding", type[1]);

        if (notModified(request, etag, modified)) {
            request.setResponseCode(304);
            request.setHeader("Content-Type", null);
            request.setHeader("Content-Encoding", null);
            request.finish();
            return;
        }
        String range = request.getHeader("Range");
        List<ByteRanges.Range> ranges = range == null || !rangeApplies(request, etag, lastModified) ? null : ByteRanges.parse(range, size);
        if (ranges == null) {
            try {
                FileBody.send(request, path, List.of(FileBody.Piece.region(0, size)), attrs.bytes(), !attrs.symlink());
            } catch (java.nio.file.FileSystemException e) {
                LOG.info("404 for {}: changed since it was checked ({})", path, e.getMessage());
                FILE_NOT_FOUND.render(request);
            }
        } else if (ranges.isEmpty()) {
            request.setResponseCode(416);
            request.setHeader("Content-Range", "bytes */" + size);
            request.finish(new byte[0]);
        } else if (ranges.size() == 1) {
            ByteRanges.Range r = ranges.get(0);
            request.setResponseCode(206);
            request.setHeader("Content-Range", r.contentRange(size));
            FileBody.send(request, path, List.of(FileBody.Piece.region(r.first(), r.length())), attrs.bytes(), !attrs.symlink());
        } else {
            sendMultipart(request, ranges, size, type[0], attrs);
        }
    }

    /** If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2). */
    private static boolean notModified(Request request, String etag, long modified) {
        String inm = request.getHeader("If-None-Match");
        if (inm != null) {
            for (String tag : inm.split(",")) {
                String t = tag.trim();
                if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) return true;
            }
            return false;
        }
        String ims = request.getHeader("If-Modified-Since");
        if (ims == null) return false;
        long since = DateParser.parseDate(ims);
        return since >= 0 && since >= modified;
    }

    /** If-Range: serve the range only if the representation is the one the client has. */
    private static boolean rangeApplies(Request request, String etag, String lastModified) {
        String ifRange = request.getHeader("If-Range");
        if (ifRange == null) return true;
        String v = ifRange.trim();
        return v.startsWith("\"") ? v.equals(etag) : v.equals(lastModified);
    }

    private void sendMultipart(Request request, List<ByteRanges.Range> ranges, long size, String type, FileCache.Entry attrs) throws IOException {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        String boundary = HexFormat.of().formatHex(b);
        List<FileBody.Piece> pieces = new ArrayList<>();
        for (ByteRanges.Range r : ranges) {
            pieces.add(FileBody.Piece.of(ascii("\r\n--" + boundary + "\r\nContent-Type: " + type + "\r\nContent-Range: " + r.contentRange(size) + "\r\n\r\n")));
            pieces.add(FileBody.Piece.region(r.first(), r.length()));
        }
        pieces.add(FileBody.Piece.of(ascii("\r\n--" + boundary + "--\r\n")));
        request.setResponseCode(206);
        request.setHeader("Content-Type", "multipart/byteranges; boundary=" + boundary);
        request.setHeader("Content-Encoding", null);
        FileBody.send(request, path, pieces, attrs.bytes(), !attrs.symlink());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return "File[" + path + "]";
    }
}
