package dev.weft.itest;

import static dev.weft.itest.HotDeployIT.awaitStatus;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.weft.testkit.Await;
import dev.weft.testkit.Http;
import dev.weft.testkit.WeftProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** CGI in the running distribution: scripts, a cgi-bin, and the bundle removed and dropped back in. */
public class CgiIT {
    @Rule public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void scriptsRunAndTheBundleComesAndGoesWithoutARestart() throws Exception {
        Path site = tmp.newFolder("site").toPath();
        Path bin = tmp.newFolder("bin").toPath();
        executable(site.resolve("hello.cgi"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nhello %s' \"$QUERY_STRING\"\n");
        executable(bin.resolve("info"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n%s %s' \"$SCRIPT_NAME\" \"$PATH_INFO\"\n");
        try (WeftProcess weft = WeftProcess.start(tmp.newFolder("home").toPath(), "web", "--path", site.toString(), "--port", "0",
                "--processor", ".cgi=cgi", "--mount", "/cgi-bin=cgi-dir:" + bin)) {
            assertEquals("hello x=1", weft.http().get("/hello.cgi?x=1").text());
            assertEquals("/cgi-bin/info /a/b", weft.http().get("/cgi-bin/info/a/b").text());

            weft.shell("uninstall " + bundleId(weft, "dev.weft.cgi"));
            awaitStatus(weft, "/hello.cgi", 503);
            awaitStatus(weft, "/cgi-bin/info", 503);

            Path jar;
            try (Stream<Path> jars = Files.list(WeftProcess.dist().resolve("bundle"))) {
                jar = jars.filter(p -> p.getFileName().toString().startsWith("weft-cgi-")).findFirst().orElseThrow();
            }
            weft.deploy(jar);
            Await.until(Duration.ofSeconds(10), "CGI back", () -> weft.http().get("/hello.cgi?y").text().equals("hello y"));
            assertEquals("/cgi-bin/info ", weft.http().get("/cgi-bin/info").text());

            weft.undeploy(jar.getFileName().toString());
            awaitStatus(weft, "/hello.cgi", 503);
            assertTrue(weft.isAlive());
        }
    }

    @Test
    public void aLargePostStreamsToTheScriptThroughASmallHeap() throws Exception {
        Path site = tmp.newFolder("site").toPath();
        executable(site.resolve("count.cgi"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\necho \"$CONTENT_LENGTH $(wc -c)\"\n");
        long size = 200L * 1024 * 1024; // six times the server's whole heap
        try (WeftProcess weft = WeftProcess.start(tmp.newFolder("home").toPath(), Map.of("WEFT_JAVA_OPTS", "-Xmx32m"),
                "web", "--path", site.toString(), "--port", "0", "--processor", ".cgi=cgi");
                Http.Conn c = weft.http().timeout(Duration.ofSeconds(60)).open()) {
            c.out.write(("POST /count.cgi HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: " + size + "\r\n\r\n").getBytes());
            byte[] chunk = new byte[64 * 1024];
            for (long sent = 0; sent < size; sent += chunk.length) c.out.write(chunk);
            c.out.flush();
            Http.Response r = Http.Response.read(c.in, false);
            assertEquals(200, r.status);
            assertEquals(size + " " + size + "\n", r.text());
            assertTrue(weft.isAlive());
            assertFalse(weft.output(), weft.output().contains("OutOfMemoryError"));
        }
    }

    /** Ctrl-C on the terminal signals the whole foreground process group: the server, and not its scripts. */
    @Test
    public void ctrlCLetsARunningScriptFinish() throws Exception {
        Path site = tmp.newFolder("site").toPath();
        executable(site.resolve("slow.cgi"), "#!/bin/sh\nsleep 2\nprintf 'Content-Type: text/plain\\n\\nslow done'\n");
        try (WeftProcess weft = WeftProcess.start(tmp.newFolder("home").toPath(), "web", "--path", site.toString(), "--port", "0",
                "--processor", ".cgi=cgi"); Http.Conn slow = weft.http().open()) {
            slow.out.write("GET /slow.cgi HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            slow.out.flush();
            ProcessHandle server = ProcessHandle.of(weft.pid()).orElseThrow();
            Await.until(Duration.ofSeconds(5), "the script to run",
                    () -> server.descendants().anyMatch(p -> p.info().commandLine().orElse("").contains("slow.cgi")));
            String group = processGroup(weft.pid());
            for (ProcessHandle p : Stream.concat(Stream.of(server), server.descendants()).toList()) {
                if (group.equals(processGroup(p.pid()))) new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
            }
            Http.Response answer = Http.Response.read(slow.in, false);
            assertEquals(200, answer.status);
            assertEquals("slow done", answer.text());
            Await.until(Duration.ofSeconds(40), "weft to exit", () -> !weft.isAlive());
            assertEquals(0, weft.stop());
        }
    }

    /** Field 5 of /proc/PID/stat. */
    private static String processGroup(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2];
        } catch (java.io.IOException e) {
            return "gone";
        }
    }

    static String bundleId(WeftProcess weft, String symbolicName) throws Exception {
        Matcher m = Pattern.compile("(?m)^\\s*(\\d+)\\|.*\\|" + Pattern.quote(symbolicName) + "\\b").matcher(weft.shell("lb -s"));
        if (!m.find()) throw new AssertionError(symbolicName + " not in lb -s");
        return m.group(1);
    }

    private static void executable(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
