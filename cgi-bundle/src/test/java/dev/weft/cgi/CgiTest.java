package dev.weft.cgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import dev.weft.core.api.Processor;
import dev.weft.core.api.Resource;
import dev.weft.core.files.FileOptions;
import dev.weft.core.files.FileResource;
import dev.weft.core.files.MimeTable;
import dev.weft.core.site.SiteRule;
import dev.weft.testkit.Await;
import dev.weft.testkit.Http;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.RuleChain;
import org.junit.rules.TemporaryFolder;

/** CGI as a user of {@code --processor .cgi=cgi}, {@code filter:INTERPRETER} and {@code cgi-dir:DIR} meets it. */
public class CgiTest {
    private final TemporaryFolder tmp = new TemporaryFolder();
    private final LogCapture log = new LogCapture();
    private final CgiRunner runner = new CgiRunner();
    private final SiteRule site = new SiteRule(this::root);

    @Rule public RuleChain rules = RuleChain.outerRule(tmp).around(log).around(site);

    private Path www;

    private Resource root() throws IOException {
        www = tmp.newFolder("www").toPath();
        Path cgiBin = tmp.newFolder("cgi-bin").toPath();
        Map<String, Processor> processors = new HashMap<>();
        processors.put("cgi", (file, arg) -> new CGIScript(file, null, runner));
        processors.put("filter", (file, arg) -> new CGIScript(file, arg, runner));
        FileOptions options = new FileOptions(FileOptions.DEFAULT_INDEX_NAMES, List.of(), MimeTable.defaults(),
                Map.of(".cgi", "cgi", ".pl", "filter:/usr/bin/perl", ".php", "filter:/usr/bin/php-cgi"), processors::get, false);
        Files.writeString(www.resolve("page.html"), "the page");
        Resource.Abstract root = new Resource.Abstract() {};
        root.putChild("www", new FileResource(www, options));
        root.putChild("cgi-bin", new CGIDirectory(cgiBin, runner));
        return root;
    }

    @After
    public void stopRunner() {
        runner.close();
    }

    private Path script(String name, String text) throws IOException {
        return script(www, name, text);
    }

    private static Path script(Path dir, String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private static final String ENV = "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\nenv | sort\n";

    private Map<String, String> env(Http.Response r) {
        Map<String, String> env = new HashMap<>();
        for (String line : r.text().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) env.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return env;
    }

    @Test
    public void theEnvironmentIsRfc3875AndNothingOfTheServers() throws Exception {
        script("env.cgi", ENV);
        Http.Response r = site.http().get("/www/env.cgi/extra/p%20q?a=1&b=%20", "Proxy: http://evil:1", "X-Foo: a", "X-Foo: b",
                "Authorization: Basic dXNlcjpwdw==", "Content-Type: text/x-test");
        assertEquals(200, r.status);
        assertEquals("text/plain", r.header("Content-Type"));
        Map<String, String> env = env(r);
        int port = site.server.port();
        assertEquals("CGI/1.1", env.get("GATEWAY_INTERFACE"));
        assertTrue(env.get("SERVER_SOFTWARE").startsWith("Weft/"));
        assertEquals("127.0.0.1", env.get("SERVER_NAME"));
        assertEquals(String.valueOf(port), env.get("SERVER_PORT"));
        assertEquals("HTTP/1.1", env.get("SERVER_PROTOCOL"));
        assertEquals("GET", env.get("REQUEST_METHOD"));
        assertEquals("/www/env.cgi", env.get("SCRIPT_NAME"));
        assertEquals(www.resolve("env.cgi").toString(), env.get("SCRIPT_FILENAME"));
        assertEquals("/extra/p q", env.get("PATH_INFO"));
        assertEquals(www + "/extra/p q", env.get("PATH_TRANSLATED"));
        assertEquals("a=1&b=%20", env.get("QUERY_STRING"));
        assertEquals("/www/env.cgi/extra/p%20q?a=1&b=%20", env.get("REQUEST_URI"));
        assertEquals("127.0.0.1", env.get("REMOTE_ADDR"));
        assertTrue(Integer.parseInt(env.get("REMOTE_PORT")) > 0);
        assertEquals("text/x-test", env.get("CONTENT_TYPE"));
        assertEquals("0", env.get("CONTENT_LENGTH"));
        assertEquals("200", env.get("REDIRECT_STATUS"));
        assertEquals("a, b", env.get("HTTP_X_FOO"));
        assertEquals("127.0.0.1:" + port, env.get("HTTP_HOST"));
        assertNull("httpoxy", env.get("HTTP_PROXY"));
        assertNull("Authorization only when configured", env.get("HTTP_AUTHORIZATION"));
        assertNull("plain HTTP", env.get("HTTPS"));
        assertEquals("/usr/local/bin:/usr/bin:/bin", env.get("PATH"));
        assertNull("nothing of the server's environment", env.get("HOME"));
    }

    @Test
    public void authorizationPassesWhenConfigured() throws Exception {
        runner.settings = new CgiSettings(Duration.ofSeconds(60), true, "/usr/bin:/bin");
        script("env.cgi", ENV);
        assertEquals("Basic dXNlcjpwdw==", env(site.http().get("/www/env.cgi", "Authorization: Basic dXNlcjpwdw==")).get("HTTP_AUTHORIZATION"));
    }

    @Test
    public void theRequestBodyStreamsToStdinWithItsLength() throws Exception {
        script("count.cgi", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\necho \"$CONTENT_LENGTH $(wc -c | tr -d ' ')\"\n");
        byte[] big = new byte[50 * 1024 * 1024];
        Http.Response r = site.http().timeout(Duration.ofSeconds(60)).send("POST", "/www/count.cgi", big, "Content-Type: application/octet-stream");
        assertEquals(200, r.status);
        assertEquals(big.length + " " + big.length + "\n", r.text());
    }

    @Test
    public void aChunkedBodyIsCountedBeforeTheScriptStarts() throws Exception {
        script("count.cgi", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\necho \"$CONTENT_LENGTH $(cat)\"\n");
        Http.Response r = site.http().raw("POST /www/count.cgi HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
        assertEquals("11 hello world\n", r.text());
    }

    @Test
    public void isindexQueriesBecomeArguments() throws Exception {
        script("argv.cgi", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\nfor a in \"$@\"; do echo \"[$a]\"; done\n");
        assertEquals("[word1]\n[word 2]\n", site.http().get("/www/argv.cgi?word1+word%202").text());
        assertEquals("", site.http().get("/www/argv.cgi?a=b+c").text());
    }

    @Test
    public void statusSetsTheCodeAndOtherHeadersPassThrough() throws Exception {
        script("status.cgi", "#!/bin/sh\nprintf 'Status: 404 Gone Fishing\\nServer: evil\\nX-Dup: 1\\nX-Dup: 2\\nContent-Type: text/plain\\n\\ngone'\n");
        Http.Response r = site.http().get("/www/status.cgi");
        assertEquals(404, r.status);
        assertEquals(List.of("1", "2"), r.headers("X-Dup"));
        assertTrue(r.header("Server").startsWith("Weft/"));
        assertEquals("gone", r.text());
        script("moved.cgi", "#!/bin/sh\nprintf 'Status: 301 Moved\\nLocation: http://example.com/new\\n\\n'\n");
        Http.Response moved = site.http().get("/www/moved.cgi");
        assertEquals("an explicit Status wins over Location's 302", 301, moved.status);
        assertEquals("http://example.com/new", moved.header("Location"));
    }

    @Test
    public void locationToAUrlRedirectsAndToALocalPathIsServedInPlace() throws Exception {
        script("away.cgi", "#!/bin/sh\nprintf 'Location: https://example.com/there\\n\\n'\n");
        Http.Response away = site.http().get("/www/away.cgi");
        assertEquals(302, away.status);
        assertEquals("https://example.com/there", away.header("Location"));
        script("local.cgi", "#!/bin/sh\nprintf 'Location: /www/page.html\\n\\n'\n");
        Http.Response local = site.http().send("POST", "/www/local.cgi", "x=1".getBytes());
        assertEquals(200, local.status);
        assertEquals("the page", local.text());
        assertNull(local.header("Location"));
    }

    @Test
    public void outputStreamsAsTheScriptWritesIt() throws Exception {
        script("slow.cgi", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\necho first\nsleep 2\necho second\n");
        try (Http.Conn c = site.http().open()) {
            long start = System.nanoTime();
            c.out.write("GET /www/slow.cgi HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            c.out.flush();
            String seen = readUntil(c.in, "first");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue("first line after " + ms + " ms, before the script's 2 s sleep ends", ms < 1500);
            assertTrue(readUntil(c.in, "second").contains("second"));
            assertTrue(seen.contains("Transfer-Encoding: chunked"));
        }
    }

    @Test
    public void nonParsedHeaderScriptsWriteTheWholeResponse() throws Exception {
        script("nph-raw.cgi", "#!/bin/sh\nprintf 'HTTP/1.1 203 Not Quite\\r\\nContent-Type: text/plain\\r\\nX-Nph: yes\\r\\n\\r\\nraw body'\n");
        Http.Response r = site.http().get("/www/nph-raw.cgi");
        assertEquals(203, r.status);
        assertEquals("yes", r.header("X-Nph"));
        assertEquals("raw body", r.text());
    }

    @Test
    public void scriptsThatFailBeforeTheirHeadersAre500WithStderrInTheLog() throws Exception {
        script("dies.cgi", "#!/bin/sh\necho 'something broke: no database' >&2\nexit 3\n");
        Http.Response r = site.http().get("/www/dies.cgi");
        assertEquals(500, r.status);
        assertTrue(r.text().contains("Premature end of script headers."));
        assertFalse("no detail to the client", r.text().contains("database"));
        Await.until(Duration.ofSeconds(5), "the log line", () -> log.text().contains("it printed nothing; exit 3; stderr: something broke: no database"));

        script("garbage.cgi", "#!/bin/sh\nprintf 'this is not a header\\n\\nbody'\n");
        assertEquals(500, site.http().get("/www/garbage.cgi").status);
        assertTrue(log.text().contains("malformed header line 'this is not a header'"));

        script("nobody.cgi", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n'\n");
        assertEquals(500, site.http().get("/www/nobody.cgi").status);
        assertTrue(log.text().contains("premature end of script headers"));

        Files.writeString(www.resolve("notexec.cgi"), "#!/bin/sh\necho hi\n");
        assertEquals(500, site.http().get("/www/notexec.cgi").status);
        assertTrue(log.text().contains("cannot start it"));
    }

    @Test
    public void scriptsRunningPastTheTimeoutAreKilledWithTheirChildren() throws Exception {
        runner.settings = new CgiSettings(Duration.ofSeconds(1), false, "/usr/bin:/bin");
        String marker = "weft" + UUID.randomUUID().toString().substring(0, 8);
        // the marker is an argument of both shells so the test can look for them
        script("hang.cgi", "#!/bin/sh\nsh -c 'sleep 30; :' " + marker + "-child &\nexec sh -c 'sleep 30; :' " + marker + "-main\n");
        long start = System.nanoTime();
        java.util.concurrent.CompletableFuture<Http.Response> answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return site.http().timeout(Duration.ofSeconds(20)).get("/www/hang.cgi");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Await.until(Duration.ofSeconds(5), "the script and its child", () -> processesNamed(marker) == 2);
        Http.Response r = answer.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(504, r.status);
        assertTrue((System.nanoTime() - start) / 1_000_000 < 10_000);
        assertTrue(log.text().contains("ran past 1 s; killed it and its children"));
        Await.until(Duration.ofSeconds(5), "no process left", () -> processesNamed(marker) == 0);
    }

    @Test
    public void theTimeoutAlsoKillsChildrenThatOutlivedTheirParent() throws Exception {
        runner.settings = new CgiSettings(Duration.ofSeconds(1), false, "/usr/bin:/bin");
        String marker = "weft" + UUID.randomUUID().toString().substring(0, 8);
        // The subshell exits at once, so its child is handed to init: no longer a descendant of the script.
        script("orphans.cgi", "#!/bin/sh\n( sh -c 'sleep 30; :' " + marker + "-orphan & )\nexec sh -c 'sleep 30; :' " + marker + "-main\n");
        java.util.concurrent.CompletableFuture<Http.Response> answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return site.http().timeout(Duration.ofSeconds(20)).get("/www/orphans.cgi");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Await.until(Duration.ofSeconds(5), "the script and the orphan", () -> processesNamed(marker) == 2);
        assertEquals(504, answer.get(20, java.util.concurrent.TimeUnit.SECONDS).status);
        Await.until(Duration.ofSeconds(5), "no process left, the orphan included", () -> processesNamed(marker) == 0);
    }

    @Test
    public void aClientThatLeavesBeforeTheScriptSaysAnythingKillsIt() throws Exception {
        String marker = "weft" + UUID.randomUUID().toString().substring(0, 8);
        script("quiet.cgi", "#!/bin/sh\nexec sh -c 'sleep 30; :' " + marker + "\n");
        try (Http.Conn staying = site.http().open()) {
            staying.out.write("GET /www/quiet.cgi HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            staying.out.flush();
            try (Http.Conn a = site.http().open(); Http.Conn b = site.http().open()) {
                for (Http.Conn c : List.of(a, b)) {
                    c.out.write("GET /www/quiet.cgi HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
                    c.out.flush();
                }
                Await.until(Duration.ofSeconds(5), "the scripts to run", () -> processesNamed(marker) == 3);
            }
            long closed = System.nanoTime();
            Await.until(Duration.ofSeconds(5), "the two silent scripts whose clients left to be killed", () -> processesNamed(marker) == 1);
            assertTrue("killed " + (System.nanoTime() - closed) / 1_000_000 + " ms after the clients left", (System.nanoTime() - closed) < 5_000_000_000L);
            assertEquals(1, processesNamed(marker));
        }
        long closed = System.nanoTime();
        Await.until(Duration.ofSeconds(5), "the last silent script to be killed", () -> processesNamed(marker) == 0);
        assertTrue("killed " + (System.nanoTime() - closed) / 1_000_000 + " ms after the client left", (System.nanoTime() - closed) < 5_000_000_000L);
        assertNoZombies();
    }

    @Test
    public void stoppingTheBundleAnswersOrAbortsWhatIsRunning() throws Exception {
        String marker = "weft" + UUID.randomUUID().toString().substring(0, 8);
        script("wait.cgi", "#!/bin/sh\nexec sh -c 'sleep 30; :' " + marker + "-wait\n");
        script("stream.cgi", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\nexec sh -c 'while true; do echo line; sleep 0.1; done' " + marker + "-stream\n");
        java.util.concurrent.CompletableFuture<Http.Response> waiting = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return site.http().timeout(Duration.ofSeconds(20)).get("/www/wait.cgi");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (Http.Conn c = site.http().open()) {
            c.out.write("GET /www/stream.cgi HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            c.out.flush();
            readUntil(c.in, "line");
            Await.until(Duration.ofSeconds(5), "both scripts", () -> processesNamed(marker) == 2);
            runner.close();
            assertEquals("not answered yet: 503", 503, waiting.get(10, java.util.concurrent.TimeUnit.SECONDS).status);
            String rest = new String(c.in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertFalse("a cut body must not look complete: " + rest, rest.endsWith("0\r\n\r\n"));
        }
        Await.until(Duration.ofSeconds(5), "no script left", () -> processesNamed(marker) == 0);
    }

    @Test
    public void aClientThatLeavesKillsTheScript() throws Exception {
        String marker = "weft" + UUID.randomUUID().toString().substring(0, 8);
        script("talk.cgi", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\nexec sh -c 'while true; do echo line; sleep 0.1; done' " + marker + "\n");
        try (Http.Conn c = site.http().open()) {
            c.out.write("GET /www/talk.cgi HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            c.out.flush();
            readUntil(c.in, "line");
            assertEquals(1, processesNamed(marker));
        }
        Await.until(Duration.ofSeconds(10), "the script to be killed", () -> processesNamed(marker) == 0);
        assertNoZombies();
    }

    @Test
    public void perlAndPhpRunThroughTheirInterpreters() throws Exception {
        Files.writeString(www.resolve("hello.pl"), "print \"Content-Type: text/plain\\n\\nperl says $ENV{QUERY_STRING}\";\n");
        assertEquals("perl says x=1", site.http().get("/www/hello.pl?x=1").text());
        assumeTrue("php-cgi installed (.ci/run installs it)", Files.isExecutable(Path.of("/usr/bin/php-cgi")));
        Files.writeString(www.resolve("hello.php"), "<?php header('X-Php: yes'); echo 'php says ' . htmlspecialchars($_GET['x']) . ' ' . $_SERVER['PATH_INFO'];\n");
        Http.Response r = site.http().get("/www/hello.php/more?x=%3Cb%3E");
        assertEquals(200, r.status);
        assertEquals("yes", r.header("X-Php"));
        assertEquals("php says &lt;b&gt; /more", r.text());
        Http.Response post = site.http().send("POST", "/www/hello.php?x=q", "y=2".getBytes(), "Content-Type: application/x-www-form-urlencoded");
        assertEquals("php says q ", post.text());
    }

    @Test
    public void aCgiDirectoryRunsItsProgramsWithPathInfoAndStaysInside() throws Exception {
        Path bin = tmp.getRoot().toPath().resolve("cgi-bin");
        script(bin, "prog", ENV);
        Map<String, String> env = env(site.http().get("/cgi-bin/prog/extra/path?q"));
        assertEquals("/cgi-bin/prog", env.get("SCRIPT_NAME"));
        assertEquals("/extra/path", env.get("PATH_INFO"));
        Files.createDirectories(bin.resolve("sub"));
        script(bin.resolve("sub"), "deeper", ENV);
        assertEquals("/cgi-bin/sub/deeper", env(site.http().get("/cgi-bin/sub/deeper")).get("SCRIPT_NAME"));
        Files.writeString(bin.resolve("readme.txt"), "not a program");
        assertEquals(404, site.http().get("/cgi-bin/readme.txt").status);
        assertEquals(404, site.http().get("/cgi-bin/").status);
        assertEquals(404, site.http().get("/cgi-bin/missing").status);
        assertEquals(404, site.http().get("/cgi-bin/%2e%2e/www/page.html").status);
        Path outside = script(tmp.getRoot().toPath(), "outside", ENV);
        Files.createSymbolicLink(bin.resolve("link"), outside);
        assertEquals(403, site.http().get("/cgi-bin/link").status);
    }

    private static String readUntil(InputStream in, String text) throws IOException {
        StringBuilder seen = new StringBuilder();
        byte[] b = new byte[1024];
        while (seen.indexOf(text) < 0) {
            int n = in.read(b);
            if (n < 0) throw new IOException("closed before '" + text + "': " + seen);
            seen.append(new String(b, 0, n, StandardCharsets.ISO_8859_1));
        }
        return seen.toString();
    }

    /** Processes whose command line mentions the marker. */
    /**
     * Processes whose command line holds {@code marker}, not counting the copy a shell is for the
     * moment between forking a command (its {@code sleep}) and running it.
     */
    static long processesNamed(String marker) {
        return ProcessHandle.allProcesses().filter(p -> {
            String command = p.info().commandLine().orElse("");
            return command.contains(marker) && p.parent().flatMap(parent -> parent.info().commandLine()).filter(command::equals).isEmpty();
        }).count();
    }

    /** No child of this JVM is left a zombie ({@code ps} state Z). */
    static void assertNoZombies() throws IOException, InterruptedException {
        Process ps = new ProcessBuilder("ps", "-o", "stat=,pid=", "--ppid", String.valueOf(ProcessHandle.current().pid())).start();
        String out = new String(ps.getInputStream().readAllBytes());
        ps.waitFor();
        for (String line : out.split("\n")) assertFalse("zombie: " + line, line.strip().startsWith("Z"));
    }

}
