package dev.weft.core.site;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * Access-log lines appended to a file, each with one write(2) from the thread that finished the
 * request, as nginx does: no lock, no writer thread to wake per line, no buffer to lose in a
 * crash; O_APPEND keeps concurrent lines whole. (A stream, not a FileChannel, which an
 * interrupted thread would close for everyone.)
 */
final class AppendingLogWriter extends AbstractLifeCycle implements RequestLog.Writer {
    private final Path file;
    private volatile FileOutputStream out;

    AppendingLogWriter(Path file) {
        this.file = file;
    }

    @Override
    protected void doStart() throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        out = new FileOutputStream(file.toFile(), true);
    }

    @Override
    public void write(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected void doStop() throws IOException {
        out.close();
    }
}
