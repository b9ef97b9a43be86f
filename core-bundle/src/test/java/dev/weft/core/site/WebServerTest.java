package dev.weft.core.site;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import dev.weft.core.api.Session;
import dev.weft.core.api.Upload;
import dev.weft.testkit.Await;
import dev.weft.testkit.Http;
import java.net.BindException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The server around the site: listeners, access log, forwarded context, sessions, forms, disconnects. */
public class WebServerTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private WebServer server;
    private Site site;
    private Path socketDir;

    static final class Context extends Resource.Abstract {
        @Override
        protected void renderGet(Request r) {
            r.finish(("client=" + r.getClientIP() + " url=" + r.prePathURL() + " secure=" + r.isSecure()
                    + " sitepath=" + r.sitepath() + " pre=" + r.prepath() + " uri=" + r.getUri()).getBytes(StandardCharsets.UTF_8));
        }

    }

    /** A leaf rendering {@code r} for every path, so tests can ask for {@code /}. */
    static Resource everywhere(Resource r) {
        return new Resource() {
            @Override
            public boolean isLeaf() {
                return true;
            }

            @Override
            public void render(Request request) throws Exception {
                r.render(request);
            }
        };
    }

    WebServer start(Resource root, Path log, Listener... listeners) throws Exception {
        site = new Site(everywhere(root), new Sessions(Duration.ofSeconds(1), true));
        server = new WebServer(site, List.of(listeners), log, 2000);
        server.start();
        return server;
    }

    Path socket() throws Exception {
        socketDir = Files.createTempDirectory(Path.of("/tmp"), "weft");
        return socketDir.resolve("s.sock");
    }

    @After
    public void stop() throws Exception {
        if (server != null) server.stop();
        if (socketDir != null) {
            try (var files = Files.list(socketDir)) {
                for (Path p : files.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(socketDir);
        }
    }

    @Test
    public void theAccessLogIsCombinedFormat() throws Exception {
        Path log = tmp.getRoot().toPath().resolve("logs/access.log");
        start(new Context(), log, Listener.tcp("127.0.0.1", 0));
        Http http = Http.tcp(server.port());
        http.get("/a?x=1", "User-Agent: curl \"quoted\"", "Referer: http://r.example/");
        int bLength = http.get("/b").body.length;
        List<String> lines = Await.until(Duration.ofSeconds(5), "two log lines", () -> {
            String text = Files.readString(log); // whole lines only: the writer may be mid-line
            List<String> l = text.lines().toList();
            return l.size() == 2 && text.endsWith("\n") ? l : null;
        });
        // Jetty logs a request once its answer is complete, on the thread that completed it: the
        // client may have its answer to /a and have sent /b before /a's line is written, so the
        // two lines may come in either order.
        String a = lines.stream().filter(l -> l.contains("/a?x=1")).findFirst().orElseThrow();
        String b = lines.stream().filter(l -> l.contains("GET /b ")).findFirst().orElseThrow();
        String date = "\\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000\\]";
        assertTrue(a, a.matches("127\\.0\\.0\\.1 - - " + date
                + " \"GET /a\\?x=1 HTTP/1\\.1\" 200 \\d+ \"http://r\\.example/\" \"curl \\\\x22quoted\\\\x22\""));
        assertTrue(b, b.matches("127\\.0\\.0\\.1 - - " + date + " \"GET /b HTTP/1\\.1\" 200 " + bLength + " \"-\" \"-\""));
    }

    @Test
    public void requestsJettyRefusesAreLoggedWithTheirAnswer() throws Exception {
        Path log = tmp.getRoot().toPath().resolve("access.log");
        start(new Context(), log, Listener.tcp("127.0.0.1", 0));
        Http http = Http.tcp(server.port());
        int dots = http.get("/../etc/passwd").body.length;
        int star = http.get("*", "User-Agent: star").body.length;
        List<String> lines = Await.until(Duration.ofSeconds(5), "two log lines", () -> {
            String text = Files.readString(log);
            List<String> l = text.lines().toList();
            return l.size() == 2 && text.endsWith("\n") ? l : null;
        });
        assertTrue(dots > 0 && star > 0);
        assertTrue(lines.toString(), lines.stream().anyMatch(l -> l.matches("127\\.0\\.0\\.1 - - \\[.*\\] \".*\" 404 " + dots + " \"-\" \"-\"")));
        assertTrue(lines.toString(), lines.stream().anyMatch(l -> l.endsWith("\"GET * HTTP/1.1\" 405 " + star + " \"-\" \"star\"")));
    }

    @Test
    public void unixSocketsAreOwnerOnlyAndTrustForwardedContext() throws Exception {
        Path sock = socket();
        start(new Context(), null, Listener.unix(sock));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
        Http.Response r = Http.unix(sock).get("/x?q=1", "Host: internal", "X-Forwarded-For: 203.0.113.9, 10.0.0.1",
                "X-Forwarded-Host: front.example:8443", "X-Forwarded-Proto: https", "X-Forwarded-Prefix: /sub/a%20site");
        assertEquals("the path the front was asked for",
                "client=203.0.113.9 url=https://front.example:8443/sub/a%20site secure=true sitepath=[sub, a site] pre=[sub, a site] uri=/sub/a%20site/x?q=1", r.text());
    }

    @Test
    public void tcpListenersIgnoreForwardedHeadersUnlessTrusted() throws Exception {
        start(new Context(), null, Listener.tcp("127.0.0.1", 0));
        String plain = Http.tcp(server.port()).get("/x", "X-Forwarded-For: 203.0.113.9", "X-Forwarded-Host: evil.example").text();
        assertTrue(plain, plain.startsWith("client=127.0.0.1 url=http://127.0.0.1:"));
        server.stop();
        start(new Context(), null, Listener.parse("tcp:0:trust=127.0.0.1"));
        String trusted = Http.tcp(server.port()).get("/x", "X-Forwarded-For: 203.0.113.9", "X-Forwarded-Host: front.example").text();
        assertTrue(trusted, trusted.startsWith("client=203.0.113.9 url=http://front.example/ "));
    }

    @Test
    public void aStaleSocketFileIsReplacedAndALiveOneRefused() throws Exception {
        Path sock = socket();
        ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        crashed.bind(UnixDomainSocketAddress.of(sock));
        crashed.close(); // its socket file stays, as after a kill -9
        assertTrue(Files.exists(sock));
        start(new Context(), null, Listener.unix(sock));
        assertEquals(200, Http.unix(sock).get("/").status);
        WebServer second = new WebServer(new Site(new Context(), new Sessions(Duration.ofMinutes(1), false)), List.of(Listener.unix(sock)), null, 1000);
        try {
            second.start();
            fail("a second server took a live socket");
        } catch (BindException expected) {
            assertTrue(expected.getMessage().contains(sock.toString()));
        } finally {
            second.stop();
        }
        assertEquals(200, Http.unix(sock).get("/").status);
    }

    @Test
    public void aFileThatIsNotASocketIsNeverReplaced() throws Exception {
        Path notSocket = socket().resolveSibling("notes.txt");
        Files.writeString(notSocket, "keep me");
        WebServer s = new WebServer(new Site(new Context(), new Sessions(Duration.ofMinutes(1), false)), List.of(Listener.unix(notSocket)), null, 1000);
        try {
            s.start();
            fail("a server replaced a regular file");
        } catch (BindException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains(notSocket + " exists and is not a socket"));
        } finally {
            s.stop();
        }
        assertEquals("keep me", Files.readString(notSocket));
    }

    @Test
    public void listenersParseTwistedEndpoints() {
        assertEquals(Listener.tcp("127.0.0.1", 8080), Listener.parse("tcp:8080"));
        assertEquals(Listener.tcp("0.0.0.0", 80), Listener.parse("tcp:80:interface=0.0.0.0"));
        assertEquals(Listener.tcp("localhost", 9000), Listener.parse("tcp:localhost:9000"));
        assertEquals(Path.of("/run/w.sock"), Listener.parse("unix:/run/w.sock").socket());
        for (String bad : new String[] {"tcp:", "tcp:abc", "tcp:99999", "udp:53", "tcp:80:colour=blue"}) {
            try {
                Listener.parse(bad);
                fail(bad);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains(bad));
            }
        }
    }

    static final class Counter extends Resource.Abstract {
        @Override
        protected void renderGet(Request r) {
            Session s = r.getSession();
            Integer n = (Integer) s.getAttribute("n");
            s.setAttribute("n", n == null ? 1 : n + 1);
            r.finish(("count=" + s.getAttribute("n")).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    public void sessionsFollowTheirCookieAndExpire() throws Exception {
        start(new Counter(), null, Listener.tcp("127.0.0.1", 0));
        Http http = Http.tcp(server.port());
        Http.Response first = http.get("/");
        String cookie = first.header("Set-Cookie");
        assertTrue(cookie, cookie.matches("TWISTED_SESSION=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Lax"));
        String pair = cookie.substring(0, cookie.indexOf(';'));
        Http.Response second = http.get("/", "Cookie: " + pair);
        assertEquals("count=2", second.text());
        assertNull(second.header("Set-Cookie"));
        Http.Response unknown = http.get("/", "Cookie: TWISTED_SESSION=deadbeef");
        assertEquals("count=1", unknown.text());
        assertNotNull(unknown.header("Set-Cookie"));
        Await.until(Duration.ofSeconds(10), "the idle sessions to expire", () -> site.sessions().size() == 0);
        Http.Response expired = http.get("/", "Cookie: " + pair);
        assertEquals("count=1", expired.text());
        assertNotEquals(cookie, expired.header("Set-Cookie"));
    }

    @Test
    public void aSessionExpiredDuringARequestIsReplacedByAFreshOne() throws Exception {
        // What a login does against session fixation: expire the old session, carry on in a new one.
        start(new Resource.Abstract() {
            @Override
            protected void renderGet(Request r) {
                Session old = r.getSession();
                old.expire();
                Session fresh = r.getSession();
                r.finish((old.getId().equals(fresh.getId()) ? "same" : "fresh").getBytes(StandardCharsets.UTF_8));
            }
        }, null, Listener.tcp("127.0.0.1", 0));
        Http.Response r = Http.tcp(server.port()).get("/");
        assertEquals("fresh", r.text());
        assertEquals("only the fresh session is left", 1, site.sessions().size());
    }

    static final class Uploader extends Resource.Abstract {
        @Override
        protected void renderPost(Request r) {
            StringBuilder out = new StringBuilder("args=" + r.getArgs());
            for (Upload u : r.getUploads()) out.append(" upload=").append(u.field()).append(':').append(u.filename()).append(':').append(u.contentType()).append(':').append(u.content().length);
            r.finish(out.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    public void multipartFormsGiveFieldsAndUploads() throws Exception {
        start(new Uploader(), null, Listener.tcp("127.0.0.1", 0));
        String body = "--XyZ\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\nA <b> banner\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"image\"; filename=\"b.png\"\r\nContent-Type: image/png\r\n\r\n"
                + "\u0089PNGdata\r\n--XyZ--\r\n";
        Http.Response r = Http.tcp(server.port()).send("POST", "/?q=1", body.getBytes(StandardCharsets.ISO_8859_1), "Content-Type: multipart/form-data; boundary=XyZ");
        assertEquals("args={q=[1], alt=[A <b> banner]} upload=image:b.png:image/png:8", r.text());
    }

    @Test
    public void oversizedFormsAre413() throws Exception {
        start(new Uploader(), null, Listener.tcp("127.0.0.1", 0));
        byte[] big = new byte[Forms.MAX_URLENCODED + 10];
        java.util.Arrays.fill(big, (byte) 'a');
        Http.Response r = Http.tcp(server.port()).send("POST", "/", big, "Content-Type: application/x-www-form-urlencoded");
        assertEquals(413, r.status);
    }

    @Test
    public void aClientThatLeavesFailsTheExchangeAndItsWrites() throws Exception {
        AtomicReference<Request> seen = new AtomicReference<>();
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        start(new Resource.Abstract() {
            @Override
            protected void renderGet(Request r) {
                seen.set(r);
                r.notifyFinish().whenComplete((v, x) -> ended.complete(x));
                r.write(ByteBuffer.wrap("first".getBytes(StandardCharsets.UTF_8)));
            }
        }, null, Listener.tcp("127.0.0.1", 0));
        try (Http.Conn c = Http.tcp(server.port()).open()) {
            c.out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            c.out.flush();
            Await.until(Duration.ofSeconds(5), "the first write", () -> c.in.available() > 0 || seen.get() != null);
        }
        // Writing into the closed connection fails, and so does the exchange.
        Throwable failure = Await.until(Duration.ofSeconds(10), "the write to fail", () -> {
            CompletableFuture<Void> w = seen.get().write(ByteBuffer.allocate(64 * 1024));
            try {
                w.get(1, TimeUnit.SECONDS);
                return null;
            } catch (java.util.concurrent.ExecutionException e) {
                return e.getCause();
            }
        });
        assertNotNull(failure);
        assertNotNull(ended.get(5, TimeUnit.SECONDS));
        assertTrue(seen.get().isFinished());
    }

    @Test
    public void answersThatFinishLaterHoldNoThreadWhileTheyWait() throws Exception {
        int n = 300; // more requests than the server has threads (200)
        List<Request> waiting = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(n);
        start(new Resource.Abstract() {
            @Override
            protected void renderGet(Request r) {
                waiting.add(r); // not finished: the answer comes later, from another thread
                arrived.countDown();
            }
        }, null, Listener.tcp("127.0.0.1", 0));
        List<Http.Conn> conns = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                Http.Conn c = Http.tcp(server.port()).open();
                conns.add(c);
                c.out.write(("GET /" + i + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                c.out.flush();
            }
            boolean all = arrived.await(30, TimeUnit.SECONDS);
            assertTrue((n - arrived.getCount()) + " of " + n + " requests reached the resource", all);
            for (Request r : List.copyOf(waiting)) r.finish(("late " + r.getPath()).getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < n; i++) assertEquals("late /" + i, Http.Response.read(conns.get(i).in, false).text());
        } finally {
            for (Http.Conn c : conns) c.close();
        }
    }

    @Test
    public void writeAfterFinishFailsAndASecondFinishIsHarmless() throws Exception {
        AtomicReference<Throwable> late = new AtomicReference<>();
        start(new Resource.Abstract() {
            @Override
            protected void renderGet(Request r) {
                r.finish("done".getBytes(StandardCharsets.UTF_8));
                r.finish();
                r.write(ByteBuffer.wrap(new byte[1])).whenComplete((v, x) -> late.set(x));
            }
        }, null, Listener.tcp("127.0.0.1", 0));
        assertEquals("done", Http.tcp(server.port()).get("/").text());
        assertTrue(Await.until(Duration.ofSeconds(5), "late write failure", late::get) instanceof IllegalStateException);
    }
}
