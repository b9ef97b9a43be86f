package dev.weft.bannerfish;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.weft.bannerfish.store.Banner;
import dev.weft.bannerfish.store.ImagesTest;
import dev.weft.bannerfish.store.Store;
import dev.weft.bannerfish.store.StoreTest;
import dev.weft.core.api.Resource;
import dev.weft.core.site.Listener;
import dev.weft.core.site.Sessions;
import dev.weft.core.site.Site;
import dev.weft.core.site.SiteRule;
import dev.weft.core.site.WebServer;
import dev.weft.testkit.Await;
import dev.weft.testkit.Http;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
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
        String image = base() + "/image/" + b.id() + "?v=" + b.image().replaceAll("^\\d+-|\\.png$", "");
        Http.Response html = site.http().get("/bf/banner");
        assertEquals(200, html.status);
        assertEquals("<a class=\"bannerfish\" href=\"" + base() + "/click/" + b.id() + "\" rel=\"noopener\"><img src=\"" + image
                + "\" alt=\"Fish &amp; &lt;chips&gt;\" width=\"1\" height=\"1\"></a>\n", html.text());
        Http.Response json = site.http().get("/bf/banner?format=json");
        assertEquals("application/json", json.header("Content-Type"));
        assertEquals("*", json.header("Access-Control-Allow-Origin"));
        assertEquals("{\"id\":" + b.id() + ",\"click\":\"" + base() + "/click/" + b.id() + "\",\"image\":\"" + image
                + "\",\"alt\":\"Fish \\u0026 \\u003cchips\\u003e\",\"width\":1,\"height\":1}", json.text());
        assertEquals(200, site.http().send("HEAD", "/bf/banner", null).status);
        assertEquals("a HEAD is not an impression", 2, store.total(b.id()).impressions());
        store.switchOn(b.id(), false).get();
        assertEquals("no active banner", 204, site.http().get("/bf/banner").status);
        assertTrue(site.http().get("/bf/embed.js").text().contains("document.currentScript"));
    }

    @Test
    public void imagesAreCachedAndClicksCountedThenRedirected() throws Exception {
        Banner b = store.add(StoreTest.PNG, "https://shop.example/", "a", 1, null, null).get();
        String link = BannerfishSite.imageUrl("/bf", b);
        Http.Response image = site.http().get(link);
        assertEquals("image/png", image.header("Content-Type"));
        assertEquals("the versioned link is cached for good", "public, max-age=31536000, immutable", image.header("Cache-Control"));
        assertTrue(java.util.Arrays.equals(StoreTest.PNG, image.body));
        String etag = image.header("ETag");
        assertEquals(304, site.http().get(link, "If-None-Match: " + etag).status);
        assertEquals("a list, weakly", 304, site.http().get(link, "If-None-Match: \"other\", W/" + etag).status);
        assertEquals(200, site.http().get(link, "If-None-Match: \"other\"").status);
        assertEquals("without the version, briefly", "public, max-age=300", site.http().get("/bf/image/" + b.id()).header("Cache-Control"));

        Banner replaced = store.update(b.id(), ImagesTest.WEBP_LOSSLESS, b.target(), b.alt(), 1, null, null, true).get();
        assertFalse("a new image, a new link", link.equals(BannerfishSite.imageUrl("/bf", replaced)));
        Http.Response old = site.http().get(link);
        assertEquals("the old link gets the current image", "image/webp", old.header("Content-Type"));
        assertEquals("but is not cached for good", "public, max-age=300", old.header("Cache-Control"));
        assertEquals(200, site.http().get(link, "If-None-Match: " + etag).status);
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
        long unknownStart = System.nanoTime();
        assertEquals(403, post("/bf/admin/login", cookie, "csrf=" + csrf + "&user=nobody&password=wrong").status);
        assertTrue("an unknown user too", System.nanoTime() - unknownStart >= 900_000_000L);
        Http.Response in = post("/bf/admin/login", cookie, "csrf=" + csrf + "&user=admin&password=correct+horse");
        assertEquals(303, in.status);
        assertEquals(base() + "/admin/", in.header("Location"));
        String before = cookie;
        cookie = cookie(in);
        assertFalse("logging in starts a new session", before.equals(cookie));
        assertTrue("the cookie from before the login is not logged in", site.http().get("/bf/admin/", "Cookie: " + before).text().contains("name=\"password\""));
        Http.Response listed = site.http().get("/bf/admin/", "Cookie: " + cookie);
        assertTrue(listed.text().contains("No banners yet"));
        assertFalse("a new token too", csrf.equals(csrf(listed.text())));
        csrf = csrf(listed.text());

        Http.Response added = multipart("/bf/admin/new", cookie, csrf, StoreTest.PNG, "https://shop.example/", "<script>alert(1)</script>");
        assertEquals(303, added.status);
        String list = site.http().get("/bf/admin/", "Cookie: " + cookie).text();
        assertTrue(list, list.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertFalse(list.contains("<script>alert(1)"));

        Http.Response svg = multipart("/bf/admin/new", cookie, csrf, "<svg/>".getBytes(), "https://shop.example/", "svg \"quoted\"");
        assertEquals(400, svg.status);
        assertTrue(svg.text().contains("Not added: SVG images are refused"));
        assertTrue("what was typed is kept", svg.text().contains("value=\"svg &quot;quoted&quot;\""));
        Http.Response js = multipart("/bf/admin/new", cookie, csrf, StoreTest.PNG, "javascript:alert(1)", "js");
        assertEquals(400, js.status);
        assertTrue(js.text().contains("Not added: the target must be an http:// or https:// URL"));
        assertEquals(1, store.banners().size());

        int id = store.banners().get(0).id();
        Http.Response edit = site.http().get("/bf/admin/banner/" + id, "Cookie: " + cookie);
        assertTrue(edit.text().contains("Not shown yet."));
        assertTrue(edit.text().contains("1 &times; 1 pixels, image/png"));
        Http.Response badEdit = multipart("/bf/admin/banner/" + id, cookie, csrf, "GIF89a garbage".getBytes(), "https://other.example/", "changed");
        assertEquals(400, badEdit.status);
        assertTrue(badEdit.text().contains("Not saved: the GIF image is damaged or incomplete."));
        assertTrue(badEdit.text().contains("value=\"https://other.example/\""));
        assertEquals("unchanged", "https://shop.example/", store.banner(id).orElseThrow().target());
        assertEquals(303, multipart("/bf/admin/banner/" + id, cookie, csrf, new byte[0], "https://other.example/", "changed").status);
        assertEquals("https://other.example/", store.banner(id).orElseThrow().target());
        assertFalse("the edit form has no 'on' ticked, so it is off", store.banner(id).orElseThrow().on());
        assertEquals(303, post("/bf/admin/banner/" + id + "/toggle", cookie, "csrf=" + csrf).status);
        assertTrue(store.banner(id).orElseThrow().on());
        assertEquals(303, post("/bf/admin/banner/" + id + "/toggle", cookie, "csrf=" + csrf).status);
        assertFalse(store.banner(id).orElseThrow().on());
        assertEquals(403, post("/bf/admin/banner/" + id + "/delete", cookie, "csrf=forged").status);
        assertEquals(403, post("/bf/admin/banner/" + id + "/delete", cookie, "").status);
        Http.Response confirm = site.http().get("/bf/admin/banner/" + id + "/delete", "Cookie: " + cookie);
        assertTrue("a GET only asks", confirm.text().contains("Delete banner " + id + "?"));
        assertEquals(1, store.banners().size());
        assertEquals(303, post("/bf/admin/banner/" + id + "/delete", cookie, "csrf=" + csrf).status);
        assertTrue(store.banners().isEmpty());
        assertEquals(303, post("/bf/admin/logout", cookie, "csrf=" + csrf).status);
        assertTrue(site.http().get("/bf/admin/", "Cookie: " + cookie).text().contains("name=\"password\""));
    }

    @Test
    public void anIdleAdminSessionExpires() throws Exception {
        store.setPassword("admin", "correct horse").get();
        Resource.Abstract root = new Resource.Abstract() {};
        root.putChild("bf", new BannerfishSite(store, Clock.systemDefaultZone()));
        Sessions sessions = new Sessions(Duration.ofSeconds(1), true);
        WebServer server = new WebServer(new Site(root, sessions), List.of(Listener.tcp("127.0.0.1", 0)), null, 2000);
        server.start();
        try {
            Http http = Http.tcp(server.port());
            String cookie = logIn(http);
            Http.Response list = http.get("/bf/admin/", "Cookie: " + cookie);
            assertTrue(list.text().contains("<h1>Banners</h1>"));
            String csrf = csrf(list.text());
            // Polling the admin would use the session and keep it alive: wait for the server to let it go.
            Await.until(Duration.ofSeconds(10), "the idle session to expire", () -> sessions.size() == 0);
            assertTrue("after a second idle: the login form", http.get("/bf/admin/", "Cookie: " + cookie).text().contains("name=\"password\""));
            assertEquals("a form from the expired session changes nothing", 403, post(http, "/bf/admin/logout", cookie, "csrf=" + csrf).status);
        } finally {
            server.stop();
        }
    }

    @Test
    public void aLoginEndsAfterEightHoursHoweverBusy() throws Throwable {
        store.setPassword("admin", "correct horse").get();
        Instant[] now = {Instant.parse("2026-12-01T08:00:00Z")};
        try (SiteRule busy = siteAt(now)) {
            Http http = busy.http();
            String cookie = logIn(http);
            now[0] = now[0].plus(Duration.ofHours(7).plusMinutes(59));
            Http.Response list = http.get("/bf/admin/", "Cookie: " + cookie);
            assertTrue("still logged in just before", list.text().contains("<h1>Banners</h1>"));
            now[0] = now[0].plus(Duration.ofMinutes(2));
            assertTrue("eight hours after logging in: the login form", http.get("/bf/admin/", "Cookie: " + cookie).text().contains("name=\"password\""));
            assertEquals("a form from before changes nothing", 403, post(http, "/bf/admin/logout", cookie, "csrf=" + csrf(list.text())).status);
        }
    }

    @Test
    public void aClientWithTooManyWrongPasswordsIsRefusedForAWhile() throws Throwable {
        store.setPassword("admin", "correct horse").get();
        Instant[] now = {Instant.parse("2026-12-01T08:00:00Z")};
        try (SiteRule guarded = siteAt(now)) {
            Http http = guarded.http();
            Http.Response form = http.get("/bf/admin/");
            String login = "csrf=" + csrf(form.text()) + "&user=admin&password=";
            String[] headers = {"Cookie: " + cookie(form), "Content-Type: application/x-www-form-urlencoded"};
            ExecutorService guesses = Executors.newFixedThreadPool(LoginThrottle.LIMIT);
            try { // at once: each wrong one is answered after a second, without holding a thread
                List<Future<Http.Response>> wrong = new ArrayList<>();
                for (int i = 0; i < LoginThrottle.LIMIT; i++) {
                    String guess = login + "guess" + i;
                    wrong.add(guesses.submit(() -> http.send("POST", "/bf/admin/login", guess.getBytes(), headers)));
                }
                for (Future<Http.Response> w : wrong) assertEquals(403, w.get().status);
            } finally {
                guesses.shutdown();
            }
            Http.Response refused = http.send("POST", "/bf/admin/login", (login + "correct+horse").getBytes(), headers);
            assertEquals("even the right password, for now", 429, refused.status);
            assertEquals(String.valueOf(15 * 60), refused.header("Retry-After"));
            assertTrue(refused.text(), refused.text().contains("Try again in 15 minutes"));
            now[0] = now[0].plus(LoginThrottle.WINDOW);
            assertEquals("the window has passed", 303, http.send("POST", "/bf/admin/login", (login + "correct+horse").getBytes(), headers).status);
        }
    }

    /** A Bannerfish at /bf whose clock reads {@code now[0]}. */
    private SiteRule siteAt(Instant[] now) throws Throwable {
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        Resource.Abstract root = new Resource.Abstract() {};
        root.putChild("bf", new BannerfishSite(store, clock));
        return SiteRule.running(root);
    }

    private Http.Response post(String path, String cookie, String form) throws Exception {
        return post(site.http(), path, cookie, form);
    }

    private static Http.Response post(Http http, String path, String cookie, String form) throws Exception {
        return http.send("POST", path, form.getBytes(StandardCharsets.UTF_8), "Cookie: " + cookie, "Content-Type: application/x-www-form-urlencoded");
    }

    /** Logs in as admin ("correct horse") through {@code http}: the logged-in session's cookie. */
    private static String logIn(Http http) throws Exception {
        Http.Response form = http.get("/bf/admin/");
        return cookie(post(http, "/bf/admin/login", cookie(form), "csrf=" + csrf(form.text()) + "&user=admin&password=correct+horse"));
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
