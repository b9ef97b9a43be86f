package dev.weft.itest;

import static dev.weft.itest.HotDeployIT.awaitStatus;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import dev.weft.testkit.Await;
import dev.weft.testkit.Http;
import dev.weft.testkit.Nginx;
import dev.weft.testkit.WeftProcess;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The tutorial's Bannerfish deployments, each with the real distribution. */
public class BannerfishIT {
    static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    @Rule public TemporaryFolder tmp = new TemporaryFolder();

    static Path jar() throws Exception {
        try (Stream<Path> jars = Files.list(WeftProcess.dist().resolve("apps"))) {
            return jars.filter(p -> p.getFileName().toString().startsWith("weft-bannerfish-")).findFirst().orElseThrow();
        }
    }

    /** The same bundle with another version, as a newer build would be. */
    private Path newer(String version) throws Exception {
        Path out = tmp.getRoot().toPath().resolve("bannerfish-" + version + ".jar");
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar()))) {
            Manifest manifest = in.getManifest();
            manifest.getMainAttributes().putValue("Bundle-Version", version);
            try (OutputStream file = Files.newOutputStream(out); JarOutputStream jar = new JarOutputStream(file, manifest)) {
                for (JarEntry e; (e = in.getNextJarEntry()) != null; ) {
                    jar.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(jar);
                    jar.closeEntry();
                }
            }
        }
        return out;
    }

    private String addBanner(WeftProcess weft, String target) throws Exception {
        Path png = tmp.getRoot().toPath().resolve("b" + System.nanoTime() + ".png");
        Files.write(png, PNG);
        return weft.shell("bannerfish:add " + target + " " + png + " Fish");
    }

    @Test
    public void dropInUpdateUnderLoadAndRemove() throws Exception {
        try (WeftProcess weft = WeftProcess.start(tmp.newFolder("home").toPath(), "web", "--port", "0")) {
            assertEquals(404, weft.http().get("/bannerfish/admin/").status);
            long dropped = System.nanoTime();
            weft.deploy(jar(), "bannerfish.jar");
            Await.until(Duration.ofSeconds(5), "Bannerfish", () -> weft.http().get("/bannerfish/admin/").status == 200);
            long ms = (System.nanoTime() - dropped) / 1_000_000;
            System.out.println("bannerfish drop-in: jar in deploy/ -> 200 in " + ms + " ms");
            assertTrue("answers within 1 s, took " + ms + " ms", ms < 1000);
            assertEquals("added banner 1\n", addBanner(weft, "https://shop.example/"));
            assertEquals(200, weft.http().get("/bannerfish/banner").status);

            AtomicBoolean hammering = new AtomicBoolean(true);
            List<String> failures = new ArrayList<>();
            int[] served = new int[1];
            Thread client = new Thread(() -> {
                while (hammering.get()) {
                    try {
                        int status = weft.http().get("/bannerfish/banner").status;
                        if (status == 200) served[0]++;
                        else failures.add("status " + status);
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            });
            client.start();
            Await.until(Duration.ofSeconds(5), "a few banners served", () -> served[0] > 20);
            weft.deploy(newer("0.1.99"), "bannerfish.jar");
            Await.until(Duration.ofSeconds(10), "the new version", () -> weft.shell("lb -s").contains("dev.weft.bannerfish (0.1.99)"));
            int before = served[0];
            Await.until(Duration.ofSeconds(5), "banners served by the new version", () -> served[0] > before + 20);
            hammering.set(false);
            client.join();
            assertEquals("no failed request during the update", List.of(), failures);
            assertTrue("same data after the update", weft.shell("bannerfish:list").contains("Fish  -> https://shop.example/"));

            weft.undeploy("bannerfish.jar");
            awaitStatus(weft, "/bannerfish/admin/", 404);
        }
    }

    @Test
    public void mountedAnywhereByConfiguration() throws Exception {
        try (WeftProcess weft = WeftProcess.start(tmp.newFolder("home").toPath(), "web", "--port", "0", "--mount", "/ads=bannerfish")) {
            assertEquals("the type is not there yet", 503, weft.http().get("/ads/banner").status);
            weft.deploy(jar());
            Await.until(Duration.ofSeconds(5), "Bannerfish at /ads", () -> weft.http().get("/ads/admin/").status == 200);
            addBanner(weft, "https://shop.example/");
            assertTrue(weft.http().get("/ads/banner").text().contains("href=\"http://127.0.0.1:" + weft.port() + "/ads/click/1\""));
        }
    }

    @Test
    public void standaloneAndDistributed() throws Exception {
        Path data = tmp.newFolder("data").toPath();
        Path sockets = Files.createTempDirectory(Path.of("/tmp"), "wb");
        Path socket = sockets.resolve("bf.sock");
        try (WeftProcess alone = WeftProcess.start(tmp.newFolder("home").toPath(), "bannerfish", "--port", "0", "--data", data.toString(),
                "--publish", "unix:" + socket);
             WeftProcess master = WeftProcess.start(tmp.newFolder("home-master").toPath(), "web", "--port", "0",
                     "--mount", "/bannerfish=subscription:unix:" + socket)) {
            Http.Response root = alone.http().get("/");
            assertEquals(302, root.status);
            assertEquals("http://127.0.0.1:" + alone.port() + "/admin/", root.header("Location"));
            addBanner(alone, "https://shop.example/");
            assertTrue(Files.exists(data.resolve("journal")));
            assertTrue("standalone links", alone.http().get("/banner").text().contains("href=\"http://127.0.0.1:" + alone.port() + "/click/1\""));
            String viaMaster = master.http().get("/bannerfish/banner").text();
            assertTrue("links through the master point at the master: " + viaMaster,
                    viaMaster.contains("href=\"http://127.0.0.1:" + master.port() + "/bannerfish/click/1\""));
            Http.Response click = master.http().get("/bannerfish/click/1");
            assertEquals(302, click.status);
            assertTrue(alone.shell("bannerfish:stats").contains("1 clicks"));
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(sockets);
        }
    }

    @Test
    public void behindNginxWithTheVhostMonster() throws Exception {
        assumeTrue("nginx installed (.ci/run installs it)", Nginx.installed());
        try (WeftProcess weft = WeftProcess.start(tmp.newFolder("home").toPath(), "web", "--port", "0", "--mount", "/vhost=vhost-monster");
             Nginx nginx = new Nginx(tmp.newFolder("nginx").toPath(), "proxy_pass http://127.0.0.1:" + weft.port() + "/vhost/http/$host:$server_port$request_uri;")) {
            weft.deploy(jar());
            Await.until(Duration.ofSeconds(5), "Bannerfish", () -> weft.http().get("/bannerfish/admin/").status == 200);
            addBanner(weft, "https://shop.example/");
            String front = "http://127.0.0.1:" + nginx.port();
            assertTrue(nginx.http().get("/bannerfish/banner").text().contains("href=\"" + front + "/bannerfish/click/1\""));
            assertEquals(front + "/bannerfish/admin/", nginx.http().get("/bannerfish").header("Location"));
            assertEquals(front + "/bannerfish/admin/", nginx.http().get("/bannerfish/").header("Location"));
            assertTrue(nginx.http().get("/bannerfish/admin/").text().contains("action=\"" + front + "/bannerfish/admin/login\""));
        }
    }
}
