package dev.weft.cgi;

import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Twisted's {@code CGIScript}: runs a file as a CGI program; with an interpreter, Twisted's
 * {@code FilteredScript} ({@code filter:/usr/bin/php-cgi}). A leaf: what follows it in the path
 * is {@code PATH_INFO}.
 */
final class CGIScript implements Resource {
    private final Path script;
    private final String interpreter;
    private final CgiRunner runner;

    CGIScript(Path script, String interpreter, CgiRunner runner) {
        this.script = script.toAbsolutePath();
        this.interpreter = interpreter;
        this.runner = runner;
    }

    @Override
    public boolean isLeaf() {
        return true;
    }

    @Override
    public void render(Request request) {
        runner.run(this, request);
    }

    Path script() {
        return script;
    }

    /** Whether it can be started: an interpreter takes any file, a program must be executable. */
    boolean startable() {
        return interpreter != null || java.nio.file.Files.isExecutable(script);
    }

    /** Non-parsed headers: the script writes the status line itself. */
    boolean nph() {
        return script.getFileName().toString().startsWith("nph-");
    }

    /** argv: the program (or interpreter and script), then an ISINDEX query's words. */
    List<String> command(String query) {
        List<String> argv = new ArrayList<>();
        if (interpreter != null) argv.add(interpreter);
        argv.add(script.toString());
        if (query != null && !query.isEmpty() && !query.contains("=")) {
            for (String word : query.split("\\+")) argv.add(URLDecoder.decode(word.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return argv;
    }

    @Override
    public String toString() {
        return (interpreter != null ? "FilteredScript[" + interpreter + " " : "CGIScript[") + script + "]";
    }
}
