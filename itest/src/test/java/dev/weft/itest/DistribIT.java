package dev.weft.itest;

import static dev.weft.itest.HotDeployIT.awaitBody;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import dev.weft.testkit.Await;
import dev.weft.testkit.Http;
import dev.weft.testkit.WeftProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** One site over several processes: a master subscribing to publishers on UNIX sockets; user sites. */
public class DistribIT {
    @Rule public TemporaryFolder tmp = new TemporaryFolder();
    private Path sockets;
    private Path pub;

    @Before
    public void folders() throws Exception {
        sockets = Files.createTempDirectory(Path.of("/tmp"), "wd"); // UNIX socket paths must stay short
        pub = tmp.newFolder("pub").toPath();
        Files.createDirectories(pub.resolve("dir"));
        Files.writeString(pub.resolve("dir/f.txt"), "published");
    }

    @After
    public void removeSockets() throws Exception {
        try (var files = Files.list(sockets)) {
            for (Path p : files.toList()) Files.deleteIfExists(p);
        }
        Files.deleteIfExists(sockets);
    }

    private WeftProcess publisher(String home, String socket) throws Exception {
        return WeftProcess.start(tmp.getRoot().toPath().resolve(home), "web", "--path", pub.toString(), "--port", "0",
                "--publish", "unix:" + sockets.resolve(socket));
    }

    @Test
    public void aPublisherInItsOwnProcessServesThroughTheMasterAndComesBackAfterACrash() throws Exception {
        Path main = tmp.newFolder("main").toPath();
        WeftProcess publisher = publisher("home-pub", "pub.sock");
        try (WeftProcess master = WeftProcess.start(tmp.newFolder("home").toPath(), "web", "--path", main.toString(), "--port", "0",
                "--mount", "/pub=subscription:unix:" + sockets.resolve("pub.sock"))) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sockets.resolve("pub.sock"))));
            assertEquals("published", master.http().get("/pub/dir/f.txt").text());
            Http.Response dir = master.http().get("/pub/dir");
            assertEquals(301, dir.status);
            assertEquals("the publisher's redirect points at the master", "http://127.0.0.1:" + master.port() + "/pub/dir/", dir.header("Location"));
            assertTrue(master.http().get("/pub/dir/").text().contains("f.txt"));

            Http.Response spoofed = publisher.http().get("/dir", "X-Forwarded-Host: evil.example", "X-Forwarded-Proto: https");
            assertEquals("forwarded context only from the socket", "http://127.0.0.1:" + publisher.port() + "/dir/", spoofed.header("Location"));

            publisher.kill(); // kill -9: its socket file stays behind
            Http.Response down = master.http().get("/pub/dir/f.txt");
            assertEquals(503, down.status);
            Await.until(Duration.ofSeconds(5), "a log line", () -> master.output().contains("no publisher answers"));

            publisher = publisher("home-pub", "pub.sock"); // replaces the stale socket
            assertEquals("published", master.http().get("/pub/dir/f.txt").text());
            Await.until(Duration.ofSeconds(5), "a log line for the recovery", () -> master.output().contains("publisher unix:" + sockets.resolve("pub.sock") + " answers again"));
        } finally {
            publisher.close();
        }
    }

    @Test
    public void aLivePublishersSocketIsNotTakenOver() throws Exception {
        try (WeftProcess first = publisher("home-a", "pub.sock")) {
            WeftProcess.Result second = WeftProcess.run(tmp.newFolder("home-b").toPath(), "web", "--path", pub.toString(), "--port", "0",
                    "--publish", "unix:" + sockets.resolve("pub.sock"));
            assertTrue(second.output(), second.exitCode() != 0 && second.output().contains("another server is listening on " + sockets.resolve("pub.sock")));
            assertEquals("published", Http.unix(sockets.resolve("pub.sock")).get("/dir/f.txt").text());
        }
        Path notes = sockets.resolve("notes.txt");
        Files.writeString(notes, "not a socket");
        WeftProcess.Result typo = WeftProcess.run(tmp.newFolder("home-c").toPath(), "web", "--path", pub.toString(), "--port", "0",
                "--publish", "unix:" + notes);
        assertTrue(typo.output(), typo.exitCode() != 0 && typo.output().contains(notes + " exists and is not a socket"));
        assertEquals("a file at the socket path is never deleted", "not a socket", Files.readString(notes));
    }

    @Test
    public void theUserListShowsOnlyUsersWithASiteWithTheirNamesEscaped() throws Exception {
        Path homes = tmp.newFolder("homes").toPath();
        Files.createDirectories(homes.resolve("odd/public_html"));
        Files.writeString(homes.resolve("odd/public_html/index.html"), "odd's page");
        Files.createDirectories(homes.resolve("plain"));
        Path passwd = tmp.getRoot().toPath().resolve("passwd");
        Files.writeString(passwd, "a<b>&c\"d:x:1:1::" + homes.resolve("odd") + ":/bin/sh\nplain:x:2:2::" + homes.resolve("plain") + ":/bin/sh\n"
                + "gone:x:3:3::/nonexistent:/bin/sh\n");
        try (WeftProcess master = WeftProcess.start(tmp.newFolder("home").toPath(), "web", "--port", "0", "--mount", "/u=userdir:" + passwd)) {
            String list = master.http().get("/u/").text();
            assertTrue(list, list.contains("<li><a href=\"a%3Cb%3E%26c%22d/\">a&lt;b&gt;&amp;c&quot;d</a></li>"));
            assertFalse(list, list.contains("plain") || list.contains("gone"));
            assertEquals("odd's page", master.http().get("/u/a%3Cb%3E%26c%22d/").text());
            assertEquals(404, master.http().get("/u/plain/").status);
        }
    }

    @Test
    public void twoPublishersOneKilledMidRunAndNoRequestFails() throws Exception {
        WeftProcess a = publisher("home-a", "a.sock");
        try (WeftProcess b = publisher("home-b", "b.sock");
             WeftProcess master = WeftProcess.start(tmp.newFolder("home").toPath(), "web", "--port", "0",
                     "--mount", "/pub=subscription:unix:" + sockets.resolve("a.sock") + ",unix:" + sockets.resolve("b.sock"))) {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                if (i == 100) a.kill();
                statuses.add(master.http().get("/pub/dir/f.txt").status);
            }
            assertEquals("every request answered: " + statuses, 300, statuses.stream().filter(s -> s == 200).count());
        } finally {
            a.close();
        }
    }

    @Test
    public void aPersonalServerListensOnlyOnItsSocket() throws Exception {
        Path home = tmp.newFolder("user-home").toPath();
        try (WeftProcess personal = WeftProcess.start(tmp.newFolder("home").toPath(), Map.of("WEFT_JAVA_OPTS", "-Duser.home=" + home),
                "web", "--personal", "--path", pub.toString())) {
            assertEquals("published", Http.unix(home.resolve(".weft-web.sock")).get("/dir/f.txt").text());
            assertTrue(personal.shell("web:listeners").strip().equals("unix:" + home.resolve(".weft-web.sock")));
        }
        // an explicit port is kept, whichever comes first
        for (List<String> order : List.of(List.of("--personal", "--port", "0"), List.of("--port", "0", "--personal"))) {
            List<String> args = new ArrayList<>(List.of("web", "--path", pub.toString()));
            args.addAll(order);
            try (WeftProcess personal = WeftProcess.start(tmp.newFolder().toPath(), Map.of("WEFT_JAVA_OPTS", "-Duser.home=" + home),
                    args.toArray(String[]::new))) {
                assertEquals(order.toString(), "published", personal.http().get("/dir/f.txt").text());
                assertEquals(order.toString(), "published", Http.unix(home.resolve(".weft-web.sock")).get("/dir/f.txt").text());
            }
        }
    }

    @Test
    public void userDirectoriesUserHostsAndPersonalSockets() throws Exception {
        Path userHome = Path.of("/home/weftuser");
        assumeTrue("user weftuser exists (.ci/run creates it) and this test may write in its home (root)", Files.isWritable(userHome)
                && Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith("weftuser:")));
        Path publicHtml = userHome.resolve("public_html");
        Files.createDirectories(publicHtml);
        Files.writeString(publicHtml.resolve("index.html"), "weftuser's page");
        try (WeftProcess master = WeftProcess.start(tmp.newFolder("home").toPath(), "web", "--port", "0", "--user",
                "--rewrite", "tilde-users", "--user-hosts", "example.com")) {
            String list = master.http().get("/users/").text();
            assertTrue(list, list.contains("<a href=\"weftuser/\">weftuser</a>"));
            assertFalse("only users with a site", list.contains(">root<"));
            assertEquals("weftuser's page", master.http().get("/users/weftuser/").text());
            assertEquals("http://127.0.0.1:" + master.port() + "/users/weftuser/", master.http().get("/users/weftuser").header("Location"));
            assertEquals("weftuser's page", master.http().get("/~weftuser/").text());
            assertEquals("weftuser's page", master.http().get("/", "Host: weftuser.example.com").text());
            Http.Response nobody = master.http().get("/", "Host: nosuchuser.example.com");
            assertEquals(404, nobody.status);
            assertTrue(nobody.text().contains("No user site for nosuchuser"));
            assertEquals(404, master.http().get("/users/nosuchuser/").status);

            Path socket = userHome.resolve(".weft-web.sock");
            try (WeftProcess personal = WeftProcess.start(tmp.newFolder("home-personal").toPath(), "web", "--path", pub.toString(),
                    "--port", "0", "--publish", "unix:" + socket)) {
                awaitBody(master, "/users/weftuser/dir/f.txt", "published");
                assertEquals("published", master.http().get("/dir/f.txt", "Host: weftuser.example.com").text());
                assertTrue(master.http().get("/users/").text().contains("weftuser</a> (personal server)"));
            }
            awaitBody(master, "/users/weftuser/", "weftuser's page");
        } finally {
            Files.deleteIfExists(publicHtml.resolve("index.html"));
            Files.deleteIfExists(publicHtml);
        }
    }
}
