package dev.weft.itest;

import static dev.weft.itest.HotDeployIT.awaitBody;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import dev.weft.testkit.Http;
import dev.weft.testkit.Nginx;
import dev.weft.testkit.WeftProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The tutorial's routing examples as weft web flags and shell commands, one weft proxying to another. */
public class ProxyIT {
    @Rule public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void reverseProxyVirtualHostsAndRewritesFromTheCommandLineAndTheShell() throws Exception {
        Path back = tmp.newFolder("back").toPath();
        Files.createDirectories(back.resolve("sub"));
        Files.writeString(back.resolve("sub/b.txt"), "from the backend");
        Path main = tmp.newFolder("main").toPath();
        Files.createDirectories(main.resolve("new"));
        Files.writeString(main.resolve("new/n.txt"), "renamed");
        Files.createDirectories(main.resolve("users/alice"));
        Files.writeString(main.resolve("users/alice/a.txt"), "alice's");
        Path foo = tmp.newFolder("foo.com").toPath();
        Files.writeString(foo.resolve("index.html"), "foo.com home");
        Path bar = tmp.newFolder("bar.com").toPath();
        Files.writeString(bar.resolve("index.html"), "bar.com home");

        try (WeftProcess backend = WeftProcess.start(tmp.newFolder("home-back").toPath(), "web", "--path", back.toString(), "--port", "0");
             WeftProcess weft = WeftProcess.start(tmp.newFolder("home").toPath(), "web", "--path", main.toString(), "--port", "0",
                     "--mount", "/foo=proxy:http://127.0.0.1:" + backend.port() + "/",
                     "--vhost", "foo.com=" + foo, "--rewrite", "tilde-users", "--alias", "/old=/new")) {
            assertEquals("from the backend", weft.http().get("/foo/sub/b.txt").text());
            var redirect = weft.http().get("/foo/sub");
            assertEquals(301, redirect.status);
            assertEquals("http://127.0.0.1:" + weft.port() + "/foo/sub/", redirect.header("Location"));

            assertEquals("foo.com home", weft.http().get("/", "Host: FOO.com:8080").text());
            assertEquals("renamed", weft.http().get("/new/n.txt", "Host: other.example").text());
            assertEquals("alice's", weft.http().get("/~alice/a.txt").text());
            assertEquals("renamed", weft.http().get("/old/n.txt").text());
            assertTrue(weft.shell("web:tree").contains("RewriterResource[tilde-users, alias /old=/new]"));

            assertTrue("bar.com is the default tree until added", !weft.http().get("/", "Host: bar.com").text().contains("bar.com home"));
            assertEquals("virtual host bar.com -> file:" + bar + "\n", weft.shell("web:vhost add bar.com " + bar));
            awaitBody(weft, "/", "bar.com home", "Host: bar.com");
            assertTrue(weft.shell("web:vhost list").contains("bar.com -> file:" + bar));
            weft.shell("web:vhost remove bar.com");
            dev.weft.testkit.Await.until(java.time.Duration.ofSeconds(10), "bar.com removed",
                    () -> !weft.http().get("/", "Host: bar.com").text().contains("bar.com home"));
        }
    }

    @Test
    public void behindARealNginxAsInTheTutorialAndWhenBackendsFail() throws Exception {
        assumeTrue("nginx installed (.ci/run installs it)", Nginx.installed());
        Path site = tmp.newFolder("site").toPath();
        Files.createDirectories(site.resolve("dir"));
        Files.writeString(site.resolve("dir/f.txt"), "f");
        Path cgi = site.resolve("env.cgi");
        Files.writeString(cgi, "#!/bin/sh\necho 'Content-Type: text/plain'\necho\necho \"$SERVER_NAME $SERVER_PORT $REQUEST_URI $SCRIPT_NAME\"\n");
        assertTrue(cgi.toFile().setExecutable(true));
        Path home = tmp.newFolder("home-nginx").toPath();
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/dev.weft.proxy.config"), "timeout=I\"2\"\n");
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()); // connects, never answers
             WeftProcess weft = WeftProcess.start(home, "web", "--path", site.toString(), "--port", "0", "--processor", ".cgi=cgi",
                     "--mount", "/vhost=vhost-monster", "--mount", "/dead=proxy:http://127.0.0.1:" + closed + "/",
                     "--mount", "/silent=proxy:http://127.0.0.1:" + silent.getLocalPort() + "/");
             Nginx nginx = new Nginx(tmp.newFolder("nginx").toPath(),
                     "proxy_pass http://127.0.0.1:" + weft.port() + "/vhost/http/$host:$server_port$request_uri;")) {
            String front = "http://127.0.0.1:" + nginx.port();
            Http.Response dir = nginx.http().get("/dir");
            assertEquals(301, dir.status);
            assertEquals(front + "/dir/", dir.header("Location"));
            String listing = nginx.http().get("/dir/").text();
            assertTrue(listing, listing.contains("Directory listing for /dir/") && listing.contains("href=\"f.txt\""));
            assertEquals("a script sees the public name, port and path", "127.0.0.1 " + nginx.port() + " /env.cgi?x=1 /env.cgi\n",
                    nginx.http().get("/env.cgi?x=1").text());

            Http.Response dead = weft.http().get("/dead/x");
            assertEquals(502, dead.status);
            assertTrue(dead.text().contains("Could not connect"));
            dev.weft.testkit.Await.until(java.time.Duration.ofSeconds(5), "a log line for the 502",
                    () -> weft.output().contains("502 for Request[GET /dead/x]"));
            long start = System.nanoTime();
            Http.Response slow = weft.http().get("/silent/x");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(504, slow.status);
            assertTrue("after the configured 2 s: " + ms + " ms", ms >= 1900 && ms < 10_000);
            dev.weft.testkit.Await.until(java.time.Duration.ofSeconds(5), "a log line for the 504",
                    () -> weft.output().contains("504 for Request[GET /silent/x]"));
        }
    }
}
