package dev.weft.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.weft.testkit.Http;
import dev.weft.testkit.SelfSigned;
import dev.weft.testkit.WeftProcess;
import dev.weft.testkit.WeftProcess.Result;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** {@code weft web}: Twisted's {@code twistd web} as a user runs it, and how it refuses bad input. */
public class LauncherIT {
    @Rule public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void servesADirectoryWithTheGivenOptions() throws Exception {
        Path site = tmp.newFolder("site").toPath();
        Files.writeString(site.resolve("start.htm"), "<p>start</p>");
        Files.writeString(site.resolve("notes.md"), "# notes");
        Files.writeString(site.resolve("about.html"), "about us");
        Path log = tmp.getRoot().toPath().resolve("access.log");
        try (WeftProcess weft = WeftProcess.start(tmp.newFolder("home").toPath(), "web", "--path", site.toString(), "--port", "0",
                "--index", "start.htm", "--mime-type", ".md=text/markdown", "--ignore-ext", ".html",
                "--add-header", "X-Served-By: weft-test", "--logfile", log.toString())) {
            Http.Response index = weft.http().get("/");
            assertEquals(200, index.status);
            assertEquals("<p>start</p>", index.text());
            assertEquals("weft-test", index.header("X-Served-By"));
            assertTrue(index.header("Server").startsWith("Weft/"));
            assertEquals("text/markdown", weft.http().get("/notes.md").header("Content-Type"));
            assertEquals("about us", weft.http().get("/about").text());
            assertEquals(404, weft.http().get("/missing").status);
            assertTrue(Files.readString(log).contains("\"GET /notes.md HTTP/1.1\" 200"));
        }
    }

    @Test
    public void badCommandLinesExitWithCodeTwoAndOneLine() throws Exception {
        Path home = tmp.newFolder("home").toPath();
        assertRefused(home, "unknown option '--bogus'", "web", "--bogus");
        assertRefused(home, "--path: no such directory: /no/such/dir", "web", "--path", "/no/such/dir");
        assertRefused(home, "--port expects a number from 0 to 65535, got 'eighty'", "web", "--port", "eighty");
        assertRefused(home, "--port needs a value", "web", "--port");
        assertRefused(home, "--mount expects /PATH=TYPE[:ARG]", "web", "--mount", "docs");
        assertRefused(home, "--add-header expects 'Name: value'", "web", "--add-header", "no colon");
        assertRefused(home, "unknown command 'serve'", "serve");
        assertRefused(home, "--privkey: cannot read server.pem", "web", "--https", "8443");
        assertRefused(home, "--certificate and --privkey go with --https PORT", "web", "--certificate", "cert.pem");
        Path notPem = Files.writeString(tmp.getRoot().toPath().resolve("key.txt"), "hello");
        assertRefused(home, "--privkey: " + notPem + " holds no PEM private key", "web", "--https", "8443", "--privkey", notPem.toString());
        assertRefused(home, "--logfile: cannot write /etc/hostname/access.log: /etc/hostname is not a directory",
                "web", "--port", "0", "--logfile", "/etc/hostname/access.log");
        assertRefused(home, "--pidfile: cannot write /etc/hostname/weft.pid: Not a directory", "web", "--port", "0", "--pidfile", "/etc/hostname/weft.pid");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertRefused(home, "cannot listen on 127.0.0.1:" + taken.getLocalPort(), "web", "--port", String.valueOf(taken.getLocalPort()));
        }
    }

    @Test
    public void servesHttpsWithPemFilesLikeTwistdWeb() throws Exception {
        SelfSigned cert = SelfSigned.in(tmp.newFolder("tls").toPath());
        Path site = tmp.newFolder("site").toPath();
        Files.writeString(site.resolve("index.html"), "secure hello");
        Files.createDirectory(site.resolve("dir"));
        try (WeftProcess weft = WeftProcess.start(tmp.newFolder("home").toPath(), "web", "--path", site.toString(), "--port", "0",
                "--https", "0", "--certificate", cert.certificate().toString(), "--privkey", cert.key().toString())) {
            String https = weft.shell("web:listeners").lines().filter(l -> l.startsWith("https://127.0.0.1:")).findFirst().orElseThrow();
            int port = Integer.parseInt(https.replaceAll(".*:(\\d+)/$", "$1"));
            Http tls = Http.tls(port, cert.trust());
            assertEquals("secure hello", tls.get("/").text());
            assertEquals("redirects name the scheme the client used", "https://127.0.0.1:" + port + "/dir/", tls.get("/dir").header("Location"));
            assertEquals("secure hello", weft.http().get("/").text());
        }
    }

    @Test
    public void helpListsEveryOption() throws Exception {
        Result help = WeftProcess.run(tmp.newFolder("home").toPath(), "--help");
        assertEquals(0, help.exitCode());
        for (String option : new String[] {"--path", "--port", "--interface", "--index", "--ignore-ext", "--mime-type",
                "--add-header", "--processor", "--mount", "--vhost", "--rewrite", "--alias", "--logfile", "--pidfile",
                "--user", "--personal", "--publish", "--https", "--certificate", "--privkey"}) {
            assertTrue(option + " in --help", help.output().contains(option + " "));
        }
    }

    @Test
    public void aNewDistributionElsewhereTakesOverTheHomeOfTheOldOne() throws Exception {
        // An upgrade as Karaf users make one: the new version unpacked in its own directory, the
        // old one removed, the home (configuration, deployed bundles, data) kept.
        Path old = tmp.newFolder("weft-old").toPath();
        copyTree(WeftProcess.dist(), old);
        Path home = tmp.newFolder("home").toPath();
        Path site = tmp.newFolder("site").toPath();
        Files.writeString(site.resolve("index.html"), "kept");
        try (WeftProcess weft = WeftProcess.start(old, home, java.util.Map.of(), "web", "--path", site.toString(), "--port", "0")) {
            assertEquals(200, weft.http().get("/").status);
            assertEquals(0, weft.stop());
        }
        deleteTree(old);
        try (WeftProcess weft = WeftProcess.start(home, "web", "--path", site.toString(), "--port", "0")) {
            assertEquals("kept", weft.http().get("/").text());
            String bundles = weft.shell("lb -l");
            assertFalse(bundles, bundles.contains(old.toUri().toString()));
            assertTrue(bundles, bundles.contains(WeftProcess.dist().toRealPath().toUri().toString()));
        }
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) Files.delete(p);
        }
    }

    @Test
    public void secondServerOnTheSameHomeIsRefused() throws Exception {
        Path home = tmp.newFolder("home").toPath();
        try (WeftProcess weft = WeftProcess.start(home, "web", "--port", "0")) {
            assertRefused(home, "a server is already running from " + home, "web", "--port", "0");
            assertEquals(200, weft.http().get("/").status);
        }
    }

    @Test
    public void aPidfileNamingALiveServerIsRefusedAndAStaleOneReplaced() throws Exception {
        Path pidfile = tmp.getRoot().toPath().resolve("weft.pid");
        Files.writeString(pidfile, "999999999\n"); // left by a server that died
        try (WeftProcess first = WeftProcess.start(tmp.newFolder("home1").toPath(), "web", "--port", "0", "--pidfile", pidfile.toString())) {
            assertEquals(first.pid() + "\n", Files.readString(pidfile));
            // another home, the same pidfile: twistd's "Another twistd server is running"
            assertRefused(tmp.newFolder("home2").toPath(), "--pidfile " + pidfile + ": another server is running, PID " + first.pid(),
                    "web", "--port", "0", "--pidfile", pidfile.toString());
            assertEquals("the refused server leaves the pidfile alone", first.pid() + "\n", Files.readString(pidfile));
            assertEquals(200, first.http().get("/").status);
        }
        assertFalse("removed on stop", Files.exists(pidfile));
    }

    @Test
    public void sigtermLetsRequestsInFlightFinishThenExitsZero() throws Exception {
        Path home = tmp.newFolder("home").toPath();
        Path pidfile = home.resolve("weft.pid");
        Path greeter = dev.weft.itest.fixture.TestBundles.greeter(tmp.getRoot().toPath(), "1.0.0", "patient", "/slow");
        try (WeftProcess weft = WeftProcess.start(home, "web", "--port", "0", "--pidfile", pidfile.toString())) {
            assertEquals(weft.pid() + "\n", Files.readString(pidfile));
            weft.deploy(greeter);
            HotDeployIT.awaitStatus(weft, "/slow", 200);
            try (Http.Conn slow = weft.http().open()) {
                slow.out.write("GET /slow?delay=1500 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
                slow.out.flush();
                dev.weft.testkit.Await.until(java.time.Duration.ofSeconds(5), "the request to be in flight",
                        () -> weft.output().contains("greeter patient: holding /slow?delay=1500"));
                Thread stopper = new Thread(() -> {
                    try {
                        assertEquals(0, weft.stop());
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
                stopper.start();
                Http.Response answer = Http.Response.read(slow.in, false);
                assertEquals(200, answer.status);
                assertEquals("patient\n", answer.text());
                stopper.join(40_000);
            }
            assertFalse(weft.isAlive());
            assertFalse("pidfile removed", Files.exists(pidfile));
        }
    }

    private static void assertRefused(Path home, String message, String... args) throws Exception {
        Result r = WeftProcess.run(home, args);
        assertEquals(r.output(), 2, r.exitCode());
        assertTrue(r.output(), r.output().startsWith("weft: ") && r.output().contains(message));
        assertEquals("one line: " + r.output(), 1, r.output().strip().lines().count());
    }
}
