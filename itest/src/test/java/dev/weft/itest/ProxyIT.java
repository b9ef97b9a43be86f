package dev.weft.itest;

import static dev.weft.itest.HotDeployIT.awaitBody;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.weft.testkit.WeftProcess;
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
}
