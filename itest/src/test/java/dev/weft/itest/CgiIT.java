package dev.weft.itest;

import static dev.weft.itest.HotDeployIT.awaitStatus;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.weft.testkit.Await;
import dev.weft.testkit.WeftProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
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
