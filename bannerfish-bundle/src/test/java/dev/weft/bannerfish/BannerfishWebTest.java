package dev.weft.bannerfish;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.weft.bannerfish.store.Banner;
import dev.weft.bannerfish.store.Store;
import dev.weft.bannerfish.store.StoreTest;
import dev.weft.core.api.Resource;
import dev.weft.core.site.SiteRule;
import dev.weft.testkit.Http;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.RuleChain;
import org.junit.rules.TemporaryFolder;

/** Bannerfish mounted at /bf in a real site: what a visitor, a page embedding it and an admin see. */
public class BannerfishWebTest {
    final TemporaryFolder tmp = new TemporaryFolder();
    Store store;
    final SiteRule site = new SiteRule(() -> {
        store = Store.open(tmp.newFolder("data").toPath());
        Resource.Abstract root = new Resource.Abstract() {};
        root.putChild("bf", new BannerfishSite(store, Clock.systemDefaultZone()));
        return root;
    });
    @Rule public RuleChain chain = RuleChain.outerRule(tmp).around(site);

    @After
    public void close() throws Exception {
        store.close();
    }

    String base() {
        return "http://127.0.0.1:" + site.server.port() + "/bf";
    }

    @Test
    public void aBannerAsHtmlAndJsonCountsItsImpression() throws Exception {
        Banner b = store.add(StoreTest.PNG, "https://shop.example/?a=1&b=2", "Fish & <chips>", 1, null, null).get();
        Http.Response html = site.http().get("/bf/banner");
        assertEquals(200, html.status);
        assertEquals("<a class=\"bannerfish\" href=\"" + base() + "/click/" + b.id() + "\" rel=\"noopener\"><img src=\"" + base() + "/image/" + b.id()
                + "\" alt=\"Fish &amp; &lt;chips&gt;\"></a>\n", html.text());
        Http.Response json = site.http().get("/bf/banner?format=json");
        assertEquals("application/json", json.header("Content-Type"));
        assertEquals("*", json.header("Access-Control-Allow-Origin"));
        assertEquals("{\"id\":" + b.id() + ",\"click\":\"" + base() + "/click/" + b.id() + "\",\"image\":\"" + base() + "/image/" + b.id()
                + "\",\"alt\":\"Fish \\u0026 \\u003cchips\\u003e\"}", json.text());
        assertEquals(2, store.total(b.id()).impressions());
        store.switchOn(b.id(), false).get();
        assertEquals("no active banner", 204, site.http().get("/bf/banner").status);
        assertTrue(site.http().get("/bf/embed.js").text().contains("document.currentScript"));
    }

    @Test
    public void imagesAreCachedAndClicksCountedThenRedirected() throws Exception {
        Banner b = store.add(StoreTest.PNG, "https://shop.example/", "a", 1, null, null).get();
        Http.Response image = site.http().get("/bf/image/" + b.id());
        assertEquals("image/png", image.header("Content-Type"));
        assertEquals("public, max-age=86400", image.header("Cache-Control"));
        assertEquals(304, site.http().get("/bf/image/" + b.id(), "If-None-Match: " + image.header("ETag")).status);
        assertEquals(404, site.http().get("/bf/image/999").status);
        Http.Response click = site.http().get("/bf/click/" + b.id());
        assertEquals(302, click.status);
        assertEquals("https://shop.example/", click.header("Location"));
        assertEquals(1, store.total(b.id()).clicks());
        assertEquals(1, store.daily(b.id()).get(LocalDate.now()).clicks());
        assertEquals(404, site.http().get("/bf/click/999").status);
    }

    @Test
    public void aThousandClicksFromSixtyFourConnectionsAreAThousand() throws Exception {
        Banner b = store.add(StoreTest.PNG, "https://shop.example/", "a", 1, null, null).get();
        ExecutorService pool = Executors.newFixedThreadPool(64);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < 64; c++) {
                int share = 1000 / 64 + (c < 1000 % 64 ? 1 : 0);
                results.add(pool.submit(() -> {
                    int ok = 0;
                    try (Http.Conn conn = site.http().open()) {
                        for (int i = 0; i < share; i++) {
                            conn.out.write(("GET /bf/click/" + b.id() + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes());
                            conn.out.flush();
                            if (Http.Response.read(conn.in, false).status == 302) ok++;
                        }
                    }
                    return ok;
                }));
            }
            int ok = 0;
            for (Future<Integer> f : results) ok += f.get();
            assertEquals(1000, ok);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1000, store.total(b.id()).clicks());
        store.close();
        store = Store.open(tmp.getRoot().toPath().resolve("data"));
        assertEquals("and on disk", 1000, store.total(b.id()).clicks());
    }

    @Test
    public void theAdminNeedsALoginACsrfTokenAndEscapesEverything() throws Exception {
        store.setPassword("admin", "correct horse").get();
        Http.Response login = site.http().get("/bf/admin/");
        assertEquals(200, login.status);
        String cookie = cookie(login);
        String csrf = csrf(login.text());
        assertEquals("no token, no entry", 403, post("/bf/admin/login", cookie, "user=admin&password=correct+horse").status);
        long start = System.nanoTime();
        Http.Response wrong = post("/bf/admin/login", cookie, "csrf=" + csrf + "&user=admin&password=wrong");
        assertEquals(403, wrong.status);
        assertTrue("slowed down", System.nanoTime() - start >= 900_000_000L);
        assertTrue(wrong.text().contains("Wrong user name or password."));
        Http.Response in = post("/bf/admin/login", cookie, "csrf=" + csrf + "&user=admin&password=correct+horse");
        assertEquals(303, in.status);
        assertEquals(base() + "/admin/", in.header("Location"));

        Http.Response added = multipart("/bf/admin/new", cookie, csrf, StoreTest.PNG, "https://shop.example/", "<script>alert(1)</script>");
        assertEquals(303, added.status);
        String list = site.http().get("/bf/admin/", "Cookie: " + cookie).text();
        assertTrue(list, list.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertFalse(list.contains("<script>alert(1)"));

        Http.Response svg = multipart("/bf/admin/new", cookie, csrf, "<svg/>".getBytes(), "https://shop.example/", "svg");
        assertEquals(400, svg.status);
        assertTrue(svg.text().contains("the image is not PNG, JPEG, GIF or WebP"));

        int id = store.banners().get(0).id();
        assertEquals(303, post("/bf/admin/banner/" + id + "/toggle", cookie, "csrf=" + csrf).status);
        assertFalse(store.banner(id).orElseThrow().on());
        assertEquals(403, post("/bf/admin/banner/" + id + "/delete", cookie, "csrf=forged").status);
        assertEquals(303, post("/bf/admin/banner/" + id + "/delete", cookie, "csrf=" + csrf).status);
        assertTrue(store.banners().isEmpty());
        assertEquals(303, post("/bf/admin/logout", cookie, "csrf=" + csrf).status);
        assertTrue(site.http().get("/bf/admin/", "Cookie: " + cookie).text().contains("name=\"password\""));
    }

    private Http.Response post(String path, String cookie, String form) throws Exception {
        return site.http().send("POST", path, form.getBytes(StandardCharsets.UTF_8), "Cookie: " + cookie, "Content-Type: application/x-www-form-urlencoded");
    }

    private Http.Response multipart(String path, String cookie, String csrf, byte[] image, String target, String alt) throws Exception {
        String boundary = "b0undary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String[] field : new String[][] {{"csrf", csrf}, {"target", target}, {"alt", alt}, {"weight", "2"}}) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field[0] + "\"\r\n\r\n" + field[1] + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"x.png\"\r\nContent-Type: image/png\r\n\r\n").getBytes());
        body.write(image);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes());
        return site.http().send("POST", path, body.toByteArray(), "Cookie: " + cookie, "Content-Type: multipart/form-data; boundary=" + boundary);
    }

    static String cookie(Http.Response r) {
        String set = r.header("Set-Cookie");
        return set.substring(0, set.indexOf(';'));
    }

    static String csrf(String page) {
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([0-9a-f]+)\"").matcher(page);
        assertTrue(page, m.find());
        return m.group(1);
    }
}
