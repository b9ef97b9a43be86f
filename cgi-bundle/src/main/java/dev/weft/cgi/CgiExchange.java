package dev.weft.cgi;

import dev.weft.core.api.ErrorPage;
import dev.weft.core.api.Request;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a CGI program for one request: the body to its stdin, its stdout parsed (RFC 3875
 * section 6) and streamed to the client as it comes, stderr kept for the log. Whoever answers
 * first, the script or the timeout, owns the answer; a client that leaves kills the script.
 */
final class CgiExchange {
    private static final Logger LOG = LoggerFactory.getLogger(CGIScript.class);
    private static final int MAX_HEADERS = 64 * 1024;
    private static final int STDERR_KEPT = 8 * 1024;
    private static final List<String> HOP_BY_HOP = List.of("connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade");

    private final CgiRunner runner;
    private final CGIScript script;
    private final Request request;
    private final CompletableFuture<String> stderr = new CompletableFuture<>();
    private Process process;
    private ScheduledFuture<?> timeout;
    /** The client's connection as the kernel sees it, or null: {@link CgiRunner} looks every second. */
    private ClientWatch client;
    private boolean answered;
    private volatile boolean killed;
    /** A local redirect handed the request to the site: no longer ours to answer or abort. */
    private volatile boolean forwarded;

    CgiExchange(CgiRunner runner, CGIScript script, Request request) {
        this.runner = runner;
        this.script = script;
        this.request = request;
    }

    void start() {
        runner.pipes.execute(this::run);
    }

    private void run() {
        Path spool = null;
        try {
            long length;
            InputStream body;
            String declared = request.getHeader("Content-Length");
            if (declared != null) {
                length = Long.parseLong(declared.trim());
                body = request.getContent();
            } else if (request.getHeader("Transfer-Encoding") != null) {
                // CONTENT_LENGTH is required with a body: learn it by spooling to disk, not memory.
                spool = Files.createTempFile("weft-cgi-", ".body");
                try (InputStream in = request.getContent()) {
                    Files.copy(in, spool, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                length = Files.size(spool);
                body = Files.newInputStream(spool);
            } else {
                length = 0;
                body = InputStream.nullInputStream();
            }
            if (!script.startable()) {
                fail("cannot start it: " + script.script() + " is not an executable file");
                return;
            }
            List<String> command = new java.util.ArrayList<>(CgiRunner.SESSION);
            command.addAll(script.command(request.getQueryString()));
            ProcessBuilder builder = new ProcessBuilder(command).directory(script.script().getParent().toFile());
            Map<String, String> env = builder.environment();
            env.clear();
            env.putAll(CGIEnvironment.of(request, script.script(), length, runner.settings));
            try {
                process = builder.start();
            } catch (IOException e) {
                fail("cannot start it: " + e.getMessage());
                return;
            }
            client = ClientWatch.of(request);
            runner.running.add(this);
            timeout = runner.timer.schedule(this::timedOut, runner.settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
            request.notifyFinish().whenComplete((done, error) -> {
                if (error != null) clientGone();
            });
            runner.pipes.execute(() -> feed(body));
            runner.pipes.execute(this::collectStderr);
            readOutput(process.getInputStream());
        } catch (IOException | RuntimeException e) {
            if (!killed) fail(e.toString());
        } finally {
            end();
            if (spool != null) {
                try {
                    Files.deleteIfExists(spool);
                } catch (IOException e) {
                    LOG.warn("cannot delete {}: {}", spool, e.toString());
                }
            }
        }
    }

    private void readOutput(InputStream out) throws IOException {
        byte[] buffer = new byte[MAX_HEADERS];
        int filled = 0;
        int bodyStart = -1;
        while (bodyStart < 0 && filled < buffer.length) {
            int n = out.read(buffer, filled, buffer.length - filled);
            if (n < 0) break;
            filled += n;
            bodyStart = bodyStart(buffer, filled);
        }
        if (bodyStart < 0) {
            if (!killed) fail(filled == 0 ? "it printed nothing" : filled >= buffer.length ? "its headers exceed 64 KiB" : "premature end of script headers");
            return;
        }
        if (!applyHeaders(new String(buffer, 0, bodyStart, StandardCharsets.ISO_8859_1).strip())) return;
        if (bodyStart < filled) send(Arrays.copyOfRange(buffer, bodyStart, filled));
        byte[] chunk = new byte[16 * 1024];
        for (int n; (n = out.read(chunk)) > 0; ) send(Arrays.copyOf(chunk, n));
        int code = waitForExit();
        if (code != 0 && !killed) LOG.warn("{} exited with {} after its answer began; stderr: {}", script, code, stderrText());
        if (!killed) request.finish();
    }

    /** Sends a piece of the body, at the client's pace. */
    private void send(byte[] bytes) {
        if (killed) return;
        try {
            request.write(ByteBuffer.wrap(bytes)).join();
        } catch (CompletionException | CancellationException e) {
            clientGone();
        }
    }

    /** Whether its client has hung up, by the connections in CLOSE_WAIT now ({@link ClientWatch#closeWaiting()}). */
    void checkClient(Set<String> closeWaiting) {
        if (client != null && client.hungUp(closeWaiting)) clientGone();
    }

    private synchronized void clientGone() {
        if (killed || !process.isAlive()) return;
        LOG.info("{}: the client went away; killed the script", script);
        kill();
        // Jetty has not noticed (it is not reading): end the exchange, or it would wait forever.
        // 499 is nginx's "client closed request", for the access log.
        if (claimAnswer()) new ErrorPage(499, "Client Closed Request", "The client went away before the script answered.").render(request);
    }

    /** The bundle is going away: the script with it, and the client is told rather than left waiting. */
    synchronized void bundleStopped() {
        if (process != null && process.isAlive()) kill();
        killed = true;
        if (forwarded || request.isFinished()) return;
        if (claimAnswer()) new ErrorPage(503, "Service Unavailable", "The CGI service stopped while the script ran.").render(request);
        else request.abort(new IllegalStateException("the CGI bundle stopped while the script ran"));
    }

    /** Where the body starts: after the first {@code \n\n}, {@code \r\n\r\n} or {@code \n\r\n}; -1 if not yet. */
    static int bodyStart(byte[] b, int length) {
        for (int i = 0; i + 1 < length; i++) {
            if (b[i] != '\n') continue;
            if (b[i + 1] == '\n') return i + 2;
            if (b[i + 1] == '\r' && i + 2 < length && b[i + 2] == '\n') return i + 3;
        }
        return -1;
    }

    /** Applies the script's header block; false when the request was answered otherwise. */
    private boolean applyHeaders(String block) {
        String[] lines = block.split("\r?\n");
        Integer status = null;
        String location = null;
        int first = 0;
        if (script.nph()) {
            String[] statusLine = lines[0].split(" ", 3);
            if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/") || !statusLine[1].matches("\\d{3}")) {
                fail("malformed status line '" + lines[0] + "' from a non-parsed-header script");
                return false;
            }
            status = Integer.parseInt(statusLine[1]);
            first = 1;
        }
        List<String[]> headers = new java.util.ArrayList<>();
        for (int i = first; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            String name = colon > 0 ? lines[i].substring(0, colon).trim() : "";
            if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                fail("malformed header line '" + lines[i] + "'");
                return false;
            }
            String value = lines[i].substring(colon + 1).trim();
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("status") && !script.nph()) {
                if (!value.matches("\\d{3}( .*)?")) {
                    fail("malformed Status '" + value + "'");
                    return false;
                }
                status = Integer.parseInt(value.substring(0, 3));
            } else if (lower.equals("location")) {
                location = value;
                headers.add(new String[] {name, value});
            } else if (!HOP_BY_HOP.contains(lower) && (script.nph() || !lower.equals("server") && !lower.equals("date"))) {
                headers.add(new String[] {name, value});
            }
        }
        if (!claimAnswer()) return false;
        if (status == null && location != null && location.startsWith("/")) {
            // RFC 3875 6.2.2, local redirect: answer as the site would for that path.
            forwarded = true;
            runner.pipes.execute(this::discardRest);
            request.forward(location);
            return false;
        }
        request.setResponseCode(status != null ? status : location != null ? 302 : 200);
        for (String[] h : headers) request.addHeader(h[0], h[1]);
        return true;
    }

    private void discardRest() {
        try (InputStream in = process.getInputStream()) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // gone
        }
    }

    private void feed(InputStream body) {
        try (body; OutputStream stdin = process.getOutputStream()) {
            body.transferTo(stdin);
        } catch (IOException e) {
            LOG.debug("{} did not read all of the request body: {}", script, e.toString());
        }
    }

    private void collectStderr() {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        try (InputStream err = process.getErrorStream()) {
            for (int n; (n = err.read(chunk)) > 0; ) {
                kept.write(chunk, 0, n);
                if (kept.size() > 2 * STDERR_KEPT) {
                    byte[] tail = Arrays.copyOfRange(kept.toByteArray(), kept.size() - STDERR_KEPT, kept.size());
                    kept.reset();
                    kept.write(tail, 0, tail.length);
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        byte[] all = kept.toByteArray();
        stderr.complete(new String(all, Math.max(0, all.length - STDERR_KEPT), Math.min(all.length, STDERR_KEPT), StandardCharsets.UTF_8).strip());
    }

    private String stderrText() {
        try {
            String text = stderr.get(2, TimeUnit.SECONDS);
            return text.isEmpty() ? "(none)" : text;
        } catch (Exception e) {
            return "(not available)";
        }
    }

    private int waitForExit() {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private synchronized boolean claimAnswer() {
        if (answered) return false;
        answered = true;
        return true;
    }

    /** 500 with a log line that says why, including what the script wrote to stderr. */
    private void fail(String why) {
        if (process != null && process.isAlive()) kill();
        String exit = process == null ? "" : "; exit " + waitForExit();
        LOG.error("CGI {} failed: {}{}; stderr: {}", script, why, exit, process == null ? "(not started)" : stderrText());
        if (claimAnswer()) new ErrorPage(500, "CGI Script Error", "Premature end of script headers.").render(request);
    }

    private void timedOut() {
        if (!process.isAlive()) return;
        LOG.error("CGI {} ran past {} s; killed it and its children; stderr so far: {}", script, runner.settings.timeout().toSeconds(),
                stderr.getNow("(still open)"));
        kill();
        if (claimAnswer()) new ErrorPage(504, "Gateway Timeout", "The script did not finish in time.").render(request);
        else request.abort(new java.util.concurrent.TimeoutException("CGI script timed out"));
    }

    private void kill() {
        killed = true;
        CgiRunner.killTree(process);
    }

    private void end() {
        if (process != null) {
            if (!killed) waitForExit(); // the timeout still applies while we wait
        }
        runner.running.remove(this);
        if (timeout != null) timeout.cancel(false);
    }
}
