package dev.weft.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.weft.itest.fixture.TestBundles;
import dev.weft.testkit.Await;
import dev.weft.testkit.WeftProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Bundles dropped into deploy/ of a running weft: installed, updated, removed, and kept over a restart. */
public class HotDeployIT {
    @Rule public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void dropReplaceAndDeleteAJar() throws Exception {
        Path jars = tmp.newFolder("jars").toPath();
        Path v1 = TestBundles.greeter(jars, "1.0.0", "hello v1", "/hello");
        Path v2 = TestBundles.greeter(jars, "2.0.0", "hello v2", "/hello");
        try (WeftProcess weft = WeftProcess.start(tmp.newFolder("home").toPath(), "web", "--port", "0")) {
            assertEquals(404, weft.http().get("/hello").status);

            long dropped = System.nanoTime();
            weft.deploy(v1, "greeter.jar");
            awaitBody(weft, "/hello", "hello v1\n");
            long ms = (System.nanoTime() - dropped) / 1_000_000;
            System.out.println("hot deploy: jar in deploy/ -> 200 in " + ms + " ms");
            assertTrue("served within 1 s of the drop, took " + ms + " ms", ms < 1000);

            weft.deploy(v2, "greeter.jar");
            awaitBody(weft, "/hello", "hello v2\n");
            assertTrue(weft.shell("lb").contains("dev.weft.itest.greeter") || weft.shell("lb -s").contains("dev.weft.itest.greeter"));

            weft.undeploy("greeter.jar");
            awaitStatus(weft, "/hello", 404);
        }
    }

    @Test
    public void aBrokenJarIsLoggedAndEverythingElseKeepsServing() throws Exception {
        Path jars = tmp.newFolder("jars").toPath();
        Path broken = Files.write(jars.resolve("broken.jar"), "this is not a zip file".getBytes());
        try (WeftProcess weft = WeftProcess.start(tmp.newFolder("home").toPath(), "web", "--port", "0")) {
            weft.deploy(broken);
            Await.until(Duration.ofSeconds(5), "a log line about broken.jar",
                    () -> weft.output().contains("deploy/broken.jar is not a bundle (not a readable jar"));
            assertEquals(200, weft.http().get("/").status);
            Path good = TestBundles.greeter(jars, "1.0.0", "still works", "/ok");
            weft.deploy(good);
            awaitBody(weft, "/ok", "still works\n");
        }
    }

    @Test
    public void aJarStillBeingCopiedIsNotCalledBroken() throws Exception {
        Path jar = TestBundles.greeter(tmp.newFolder("jars").toPath(), "1.0.0", "arrived whole", "/slowcopy");
        byte[] bytes = Files.readAllBytes(jar);
        try (WeftProcess weft = WeftProcess.start(tmp.newFolder("home").toPath(), "web", "--port", "0")) {
            Path target = weft.home().resolve("deploy/slow.jar");
            try (var out = Files.newOutputStream(target)) { // as a slow cp would: a growing, unreadable zip
                for (int i = 0; i < bytes.length; i += 100) {
                    out.write(bytes, i, Math.min(100, bytes.length - i));
                    out.flush();
                    Thread.sleep(60); // the pace of the copy is the scenario, not a wait for a condition
                }
            }
            awaitBody(weft, "/slowcopy", "arrived whole\n");
            assertFalse(weft.output(), weft.output().contains("slow.jar is not a bundle"));
        }
    }

    @Test
    public void bundlesThatCannotStartAreOneLogLineEach() throws Exception {
        Path jars = tmp.newFolder("jars").toPath();
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        manifest.getMainAttributes().putValue("Bundle-SymbolicName", "dev.weft.itest.unresolvable");
        manifest.getMainAttributes().putValue("Import-Package", "no.such.pkg");
        Path unresolvable = jars.resolve("unresolvable.jar");
        new java.util.jar.JarOutputStream(Files.newOutputStream(unresolvable), manifest).close();
        try (WeftProcess weft = WeftProcess.start(tmp.newFolder("home").toPath(), "web", "--port", "0")) {
            weft.deploy(unresolvable);
            Await.until(Duration.ofSeconds(5), "a log line about unresolvable.jar",
                    () -> weft.output().contains("Error while starting bundle: file:" + weft.home().resolve("deploy/unresolvable.jar")));
            // FileInstall reports in order: once a bundle deployed after it is served, anything it
            // had to say about unresolvable.jar (a stack trace included) is in the output.
            weft.deploy(TestBundles.greeter(jars, "1.0.0", "after it", "/after"));
            awaitBody(weft, "/after", "after it\n");
            assertFalse("no stack trace:\n" + weft.output(), weft.output().contains("\tat org.apache.felix"));
            assertTrue(weft.output().contains("missing requirement") && weft.output().contains("no.such.pkg"));
            assertEquals(200, weft.http().get("/").status);
        }
    }

    @Test
    public void deployedBundlesSurviveARestart() throws Exception {
        Path home = tmp.newFolder("home").toPath();
        Path jar = TestBundles.greeter(tmp.newFolder("jars").toPath(), "1.0.0", "persistent", "/p");
        try (WeftProcess weft = WeftProcess.start(home, "web", "--port", "0")) {
            weft.deploy(jar);
            awaitBody(weft, "/p", "persistent\n");
            assertEquals(0, weft.stop());
        }
        try (WeftProcess weft = WeftProcess.start(home, "web", "--port", "0")) {
            awaitBody(weft, "/p", "persistent\n");
        }
    }

    static void awaitBody(WeftProcess weft, String path, String body, String... headers) {
        Await.until(Duration.ofSeconds(10), path + " to answer " + body.strip(), () -> {
            var r = weft.http().get(path, headers);
            return r.status == 200 && r.text().equals(body);
        });
    }

    static void awaitStatus(WeftProcess weft, String path, int status) {
        Await.until(Duration.ofSeconds(10), path + " to answer " + status, () -> weft.http().get(path).status == status);
    }
}
