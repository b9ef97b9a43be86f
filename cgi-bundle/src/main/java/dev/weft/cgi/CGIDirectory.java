package dev.weft.cgi;

import dev.weft.core.api.ErrorPage;
import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Twisted's {@code CGIDirectory} ({@code cgi-dir:DIR}): every executable file in DIR is a CGI
 * program; {@code /cgi-bin/prog/extra} runs {@code prog} with {@code PATH_INFO=/extra}. Nothing
 * outside DIR is reachable, through {@code ..} or symlinks.
 */
final class CGIDirectory implements Resource {
    private final Path dir;
    private final Path root;
    private final CgiRunner runner;

    CGIDirectory(Path dir, CgiRunner runner) throws IOException {
        this(dir.toRealPath(), dir.toRealPath(), runner);
    }

    private CGIDirectory(Path dir, Path root, CgiRunner runner) {
        this.dir = dir;
        this.root = root;
        this.runner = runner;
    }

    @Override
    public Resource getChildWithDefault(String segment, Request request) {
        if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.contains("/")
                || segment.contains("\\") || segment.indexOf('\0') >= 0) {
            return ErrorPage.notFound();
        }
        try {
            Path child = dir.resolve(segment);
            if (!Files.exists(child)) return ErrorPage.notFound();
            Path real = child.toRealPath();
            if (!real.startsWith(root)) return ErrorPage.forbidden();
            if (Files.isDirectory(real)) return new CGIDirectory(real, root, runner);
            if (Files.isRegularFile(real) && Files.isExecutable(real)) return new CGIScript(child, null, runner);
            return ErrorPage.notFound();
        } catch (IOException e) {
            return ErrorPage.notFound();
        }
    }

    @Override
    public void render(Request request) {
        ErrorPage.notFound("CGI directories do not support directory listing.").render(request);
    }

    @Override
    public String toString() {
        return "CGIDirectory[" + dir + "]";
    }
}
