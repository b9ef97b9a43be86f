package dev.weft.itest;

import static dev.weft.itest.HotDeployIT.awaitBody;
import static dev.weft.itest.HotDeployIT.awaitStatus;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.weft.itest.fixture.TestBundles;
import dev.weft.testkit.WeftProcess;
import dev.weft.testkit.WeftProcess.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** {@code weft shell 'COMMAND'}: Gogo's commands and Weft's, through the owner-only socket. */
public class ShellIT {
    @Rule public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void theSocketIsTheOwnersOnly() throws Exception {
        Path home = tmp.newFolder("home").toPath();
        try (WeftProcess weft = WeftProcess.start(home, "web", "--port", "0")) {
            Path socket = home.resolve("data/shell.sock");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            assertTrue(weft.shell("web:listeners").contains("http://127.0.0.1:" + weft.port() + "/"));
        }
    }

    @Test
    public void installStartUpdateUninstallFromTheShell() throws Exception {
        Path jars = tmp.newFolder("jars").toPath();
        Path v1 = TestBundles.greeter(jars, "1.0.0", "from the shell", "/sh");
        try (WeftProcess weft = WeftProcess.start(tmp.newFolder("home").toPath(), "web", "--port", "0")) {
            String installed = weft.shell("install " + v1.toUri());
            Matcher id = Pattern.compile("Bundle ID: (\\d+)").matcher(installed);
            assertTrue(installed, id.find());
            assertEquals(404, weft.http().get("/sh").status);
            String started = weft.shell("start " + id.group(1));
            awaitBody(weft, "/sh", "from the shell\n");
            // what the server logs while a command runs goes to its log, not to the command's output
            assertTrue(started, started.isBlank());
            assertTrue(weft.output(), weft.output().contains("Mounts - mounted dev.weft.itest.fixture.Greeter"));
            assertTrue(weft.shell("lb").contains("Active"));
            Files.copy(TestBundles.greeter(jars, "2.0.0", "updated", "/sh"), v1, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            weft.shell("update " + id.group(1));
            awaitBody(weft, "/sh", "updated\n");
            weft.shell("stop " + id.group(1));
            awaitStatus(weft, "/sh", 404);
            weft.shell("uninstall " + id.group(1));
            assertTrue(!weft.shell("lb").contains("greeter"));
        }
    }

    @Test
    public void mountsMadeFromTheShellServeAtOnceAndSurviveARestart() throws Exception {
        Path home = tmp.newFolder("home").toPath();
        Path docs = tmp.newFolder("docs").toPath();
        Files.writeString(docs.resolve("a.txt"), "mounted from the shell");
        try (WeftProcess weft = WeftProcess.start(home, "web", "--port", "0")) {
            assertEquals(404, weft.http().get("/docs/a.txt").status);
            assertEquals("mounted file:" + docs + " at /docs\n", weft.shell("web:mount /docs file:" + docs));
            awaitBody(weft, "/docs/a.txt", "mounted from the shell");
            assertTrue(weft.shell("web:mounts").contains("/docs"));
            assertTrue(weft.shell("web:tree").contains("/docs"));
            assertEquals(0, weft.stop());
        }
        try (WeftProcess weft = WeftProcess.start(home, "web", "--port", "0")) {
            awaitBody(weft, "/docs/a.txt", "mounted from the shell");
            weft.shell("web:unmount /docs");
            awaitStatus(weft, "/docs/a.txt", 404);
        }
    }

    @Test
    public void mountsFromAnEarlierCommandLineAreForgotten() throws Exception {
        Path home = tmp.newFolder("home").toPath();
        Path docs = tmp.newFolder("docs").toPath();
        Files.writeString(docs.resolve("a.txt"), "cli");
        try (WeftProcess weft = WeftProcess.start(home, "web", "--port", "0", "--mount", "/old=file:" + docs)) {
            assertEquals(200, weft.http().get("/old/a.txt").status);
        }
        try (WeftProcess weft = WeftProcess.start(home, "web", "--port", "0", "--mount", "/new=file:" + docs)) {
            assertEquals(200, weft.http().get("/new/a.txt").status);
            awaitStatus(weft, "/old/a.txt", 404);
        }
    }

    @Test
    public void failingCommandsExitOneWithTheError() throws Exception {
        Path home = tmp.newFolder("home").toPath();
        try (WeftProcess weft = WeftProcess.start(home, "web", "--port", "0")) {
            Result r = WeftProcess.run(home, "shell", "no:such");
            assertEquals(1, r.exitCode());
            assertTrue(r.output(), r.output().contains("Command not found: no:such"));
        }
        Result none = WeftProcess.run(home, "shell", "lb");
        assertEquals(2, none.exitCode());
        assertTrue(none.output(), none.output().startsWith("weft: no server is running"));
    }
}
