package dev.weft.itest;

import static dev.weft.itest.HotDeployIT.awaitStatus;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
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
    public void killNineLosesNoAcknowledgedClickAndDamageIsLoggedNotFatal() throws Exception {
        Path home = tmp.newFolder("home").toPath();
        long acked;
        try (WeftProcess weft = WeftProcess.start(home, "web", "--port", "0")) {
            weft.deploy(jar(), "bannerfish.jar");
            Await.until(Duration.ofSeconds(5), "Bannerfish", () -> weft.http().get("/bannerfish/admin/").status == 200);
            addBanner(weft, "https://shop.example/");
            java.util.concurrent.atomic.AtomicLong ok = new java.util.concurrent.atomic.AtomicLong();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                Thread t = new Thread(() -> {
                    try (Http.Conn conn = weft.http().open()) {
                        while (true) {
                            conn.out.write("GET /bannerfish/click/1 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
                            conn.out.flush();
                            if (Http.Response.read(conn.in, false).status == 302) ok.incrementAndGet();
                        }
                    } catch (Exception gone) {
                        // the server was killed
                    }
                });
                t.start();
                clients.add(t);
            }
            Await.until(Duration.ofSeconds(20), "clicks under way", () -> ok.get() > 500);
            weft.kill(); // kill -9 in the middle of the clicks
            for (Thread t : clients) t.join(10_000);
            acked = ok.get();
        }
        try (WeftProcess weft = WeftProcess.start(home, "web", "--port", "0")) {
            Await.until(Duration.ofSeconds(10), "Bannerfish again", () -> weft.http().get("/bannerfish/admin/").status == 200);
            long counted = Long.parseLong(weft.shell("bannerfish:stats").trim().split("\\s+")[3]);
            System.out.println("bannerfish kill -9: " + acked + " clicks acknowledged, " + counted + " on disk");
            assertTrue(counted + " counted, " + acked + " acknowledged", counted >= acked && counted <= acked + 8);
            assertEquals("the banner survives the restart", 302, weft.http().get("/bannerfish/click/1").status);
        }
        Path journal = home.resolve("data/bannerfish/journal");
        byte[] text = Files.readAllBytes(journal);
        byte[] damaged = java.util.Arrays.copyOf(text, text.length + 12);
        System.arraycopy(new byte[] {(byte) 0xff, 0, (byte) 0xfe, 'g', 'a', 'r', 'b', 'a', 'g', 'e', '!', '\n'}, 0, damaged, text.length, 12);
        Files.write(journal, damaged);
        Files.delete(home.resolve("data/bannerfish/images").resolve(Files.list(home.resolve("data/bannerfish/images")).findFirst().orElseThrow().getFileName()));
        try (WeftProcess weft = WeftProcess.start(home, "web", "--port", "0")) {
            Await.until(Duration.ofSeconds(10), "Bannerfish despite the damage", () -> weft.http().get("/bannerfish/admin/").status == 200);
            Await.until(Duration.ofSeconds(5), "the log lines", () -> weft.output().contains("journal: line ") && weft.output().contains("is missing"));
            assertTrue(weft.output(), weft.output().matches("(?s).*journal: line \\d+ is damaged and was skipped: \\?\\?\\?garbage!.*"));
            assertTrue(weft.output(), weft.output().contains("the image of banner 1 ("));
            assertEquals(200, weft.http().get("/bannerfish/banner").status);
            assertEquals("no image, but no crash", 404, weft.http().get("/bannerfish/image/1").status);
        }
    }

    @Test
    public void unopenableDataIsA503AndALogLine() throws Exception {
        Path notADirectory = tmp.newFile("not-a-directory").toPath();
        try (WeftProcess alone = WeftProcess.start(tmp.newFolder("home").toPath(), "bannerfish", "--port", "0", "--data", notADirectory.toString())) {
            Await.until(Duration.ofSeconds(5), "an answer", () -> alone.http().get("/banner").status == 503);
            assertTrue(alone.http().get("/admin/").text().contains("Bannerfish cannot open its data"));
            assertTrue(alone.output(), alone.output().contains("Bannerfish cannot open its data in " + notADirectory));
        }
    }

    @Test
    public void anAdminAccountFromTheShellLogsIn() throws Exception {
        try (WeftProcess weft = WeftProcess.start(tmp.newFolder("home").toPath(), "web", "--port", "0")) {
            weft.deploy(jar());
            Await.until(Duration.ofSeconds(5), "Bannerfish", () -> weft.http().get("/bannerfish/admin/").status == 200);
            String made = weft.shell("bannerfish:passwd editor");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("password for editor: (\\S{20})\n").matcher(made);
            assertTrue(made, m.find());
            Http.Response form = weft.http().get("/bannerfish/admin/");
            String cookie = form.header("Set-Cookie").split(";")[0];
            java.util.regex.Matcher csrf = java.util.regex.Pattern.compile("name=\"csrf\" value=\"([0-9a-f]+)\"").matcher(form.text());
            assertTrue(csrf.find());
            Http.Response in = weft.http().send("POST", "/bannerfish/admin/login", ("csrf=" + csrf.group(1) + "&user=editor&password=" + m.group(1)).getBytes(),
                    "Cookie: " + cookie, "Content-Type: application/x-www-form-urlencoded");
            assertEquals(303, in.status);
            assertTrue("a fresh session at login", in.header("Set-Cookie") != null);
            Http.Response list = weft.http().get("/bannerfish/admin/", "Cookie: " + in.header("Set-Cookie").split(";")[0]);
            assertTrue(list.text(), list.text().contains("<span class=\"who\">editor</span>"));
            assertFalse("no password in the journal", Files.readString(weft.home().resolve("data/bannerfish/journal")).contains(m.group(1)));
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
