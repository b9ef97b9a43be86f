package dev.weft.proxy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import dev.weft.core.site.SiteRule;
import dev.weft.proxy.api.HttpForwarder;
import dev.weft.proxy.api.Target;
import dev.weft.testkit.Http;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.ExternalResource;
import org.junit.rules.RuleChain;

/** The reverse proxy against a real backend site on loopback. */
public class ProxyTest {
    static final CountDownLatch firstPartSeen = new CountDownLatch(1);

    /** The backend: tells what it received, redirects, streams, or never answers. */
    static Resource backend() {
        Resource.Abstract base = new Resource.Abstract() {};
        Resource.Abstract root = new Resource.Abstract() {};
        root.putChild("base", base);
        Resource echo = new Resource() {
            @Override
            public boolean isLeaf() {
                return true;
            }

            @Override
            public void render(Request r) throws IOException {
                StringBuilder out = new StringBuilder(r.getMethod() + " " + r.getUri() + "\n");
                for (String name : r.getHeaderNames()) out.append(name.toLowerCase()).append(": ").append(String.join(",", r.getHeaders(name))).append('\n');
                out.append("body-bytes: ").append(r.getContent().readAllBytes().length).append('\n');
                r.setHeader("Content-Type", "text/plain");
                r.setHeader("X-Backend", "yes");
                r.finish(out.toString().getBytes(StandardCharsets.UTF_8));
            }
        };
        base.putChild("echo", echo);
        root.putChild("", echo);
        base.putChild("away", new Resource() {
            @Override
            public void render(Request r) {
                r.redirect(302, "http://" + r.getHeader("Host") + "/base/elsewhere?q=1");
            }
        });
        base.putChild("pathaway", new Resource() {
            @Override
            public void render(Request r) {
                r.redirect(301, "/base/there/");
            }
        });
        base.putChild("stream", new Resource() {
            @Override
            public void render(Request r) {
                r.setHeader("Content-Type", "application/octet-stream");
                r.write(ByteBuffer.wrap("first part\n".getBytes()));
                new Thread(() -> {
                    try {
                        if (!firstPartSeen.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("the client never saw the first part");
                        byte[] block = new byte[64 * 1024];
                        for (int i = 0; i < 512; i++) r.write(ByteBuffer.wrap(block)).join(); // 32 MiB at the client's pace
                        r.finish();
                    } catch (Exception e) {
                        r.abort(e);
                    }
                }).start();
            }
        });
        base.putChild("login", new Resource() {
            @Override
            public void render(Request r) {
                r.addHeader("Set-Cookie", "sid=alice-secret; Path=/");
                r.finish("logged in".getBytes());
            }
        });
        base.putChild("upload", new Resource() {
            @Override
            public void render(Request r) {
                new Thread(() -> {
                    try (InputStream in = r.getContent()) {
                        byte[] buf = new byte[8192];
                        long total = 0;
                        for (int n; (n = in.read(buf)) > 0; ) total += n;
                        r.finish(("received " + total).getBytes());
                    } catch (IOException e) {
                        r.abort(e);
                    }
                }).start();
            }
        });
        base.putChild("silent", new Resource() {
            @Override
            public void render(Request r) {
                // answers only after the proxy's 2 s timeout
                java.util.concurrent.CompletableFuture.delayedExecutor(3, TimeUnit.SECONDS).execute(() -> r.finish("late".getBytes()));
            }
        });
        return root;
    }

    final SiteRule back = new SiteRule(backend());
    HttpForwarder forwarder;
    final SiteRule front = new SiteRule(() -> {
        forwarder = new HttpForwarder(Duration.ofSeconds(2));
        Resource.Abstract root = new Resource.Abstract() {};
        root.putChild("foo", new ReverseProxyResource(Target.http("http://127.0.0.1:" + back.server.port() + "/base/"), forwarder, false));
        root.putChild("bare", new ReverseProxyResource(Target.http("http://127.0.0.1:" + back.server.port()), forwarder, false));
        root.putChild("kept", new ReverseProxyResource(Target.http("http://127.0.0.1:" + back.server.port() + "/base"), forwarder, true));
        root.putChild("dead", new ReverseProxyResource(Target.http("http://127.0.0.1:" + closedPort() + "/"), forwarder, false));
        return root;
    });

    /** The forwarder closes once the front has stopped, as when its component goes. */
    final ExternalResource forwarderLifetime = new ExternalResource() {
        @Override
        protected void after() {
            try {
                forwarder.close();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    };

    @Rule public RuleChain chain = RuleChain.outerRule(back).around(forwarderLifetime).around(front);

    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    public void cookiesTheBackendSetsGoToThatClientOnlyNeverWithOtherClientsRequests() throws Exception {
        Http.Response login = front.http().get("/foo/login");
        assertEquals("sid=alice-secret; Path=/", login.header("Set-Cookie"));
        String seen = front.http().get("/foo/echo").text();
        assertTrue(seen, !seen.contains("alice-secret") && !seen.contains("cookie:"));
        assertTrue(front.http().get("/foo/echo", "Cookie: sid=bob").text().contains("cookie: sid=bob\n"));
    }

    @Test
    public void theRestOfThePathAndTheQueryGoToTheBackend() throws Exception {
        // Each segment is re-quoted as Twisted does (quote(segment, safe="")): only unreserved characters stay.
        Http.Response r = front.http().get("/foo/echo/a/b%2Fc/d%20e/f=g+h@i:%C3%A9/?x=1&y=%20");
        assertEquals(200, r.status);
        assertTrue(r.text(), r.text().startsWith("GET /base/echo/a/b%2Fc/d%20e/f%3Dg%2Bh%40i%3A%C3%A9/?x=1&y=%20\n"));
        assertEquals("yes", r.header("X-Backend"));
        assertTrue(r.header("Server").startsWith("Weft/"));
    }

    @Test
    public void aTargetWithoutAPathStillGetsOne() throws Exception {
        // Twisted #3764: a ReverseProxyResource whose path lacks '/' answered nothing.
        Http.Response r = front.http().get("/bare/base/echo?q=1");
        assertEquals(200, r.status);
        assertTrue(r.text(), r.text().startsWith("GET /base/echo?q=1\n"));
        assertTrue(front.http().get("/bare?q=2").text().startsWith("GET /?q=2\n"));
        assertTrue(front.http().get("/bare/").text().startsWith("GET /\n"));
    }

    @Test
    public void hopByHopHeadersStayAndForwardedOnesAreAdded() throws Exception {
        int frontPort = front.server.port();
        String seen = front.http().get("/foo/echo", "Connection: keep-alive, X-Private", "X-Private: secret", "Keep-Alive: timeout=5",
                "X-Custom: kept", "X-Forwarded-For: 10.1.1.1").text();
        assertTrue(seen, seen.contains("x-custom: kept\n"));
        assertTrue(seen, !seen.contains("x-private") && !seen.contains("keep-alive"));
        assertTrue("the client as this server knows it, not as claimed: " + seen, seen.contains("x-forwarded-for: 127.0.0.1\n"));
        assertTrue(seen, seen.contains("x-forwarded-proto: http\n"));
        assertTrue(seen, seen.contains("x-forwarded-host: 127.0.0.1:" + frontPort + "\n"));
        assertTrue(seen, seen.contains("forwarded: for=127.0.0.1;host=\"127.0.0.1:" + frontPort + "\";proto=http\n"));
        assertTrue("the backend's own Host", seen.contains("host: 127.0.0.1:" + back.server.port() + "\n"));
        assertTrue("unless told to keep the client's", front.http().get("/kept/echo", "Host: public.example").text().contains("host: public.example\n"));
    }

    @Test
    public void redirectsFromTheBackendPointAtTheFront() throws Exception {
        String frontBase = "http://127.0.0.1:" + front.server.port() + "/foo";
        Http.Response away = front.http().get("/foo/away");
        assertEquals(302, away.status);
        assertEquals(frontBase + "/elsewhere?q=1", away.header("Location"));
        assertEquals(frontBase + "/there/", front.http().get("/foo/pathaway").header("Location"));
    }

    @Test
    public void bodiesStreamBothWays() throws Exception {
        try (Http.Conn c = front.http().timeout(Duration.ofSeconds(30)).open()) {
            c.out.write("GET /foo/stream HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            c.out.flush();
            StringBuilder head = new StringBuilder();
            byte[] b = new byte[4096];
            while (head.indexOf("first part") < 0) head.append(new String(b, 0, c.in.read(b), StandardCharsets.ISO_8859_1));
            firstPartSeen.countDown(); // the backend only goes on once the client has seen the start
            long total = head.length() - head.indexOf("\r\n\r\n") - 4;
            for (int n; total < 32 * 1024 * 1024 + 200 && (n = c.in.read(b)) > 0; ) total += n;
            assertTrue("read " + total, total > 32 * 1024 * 1024);
        }
        byte[] upload = new byte[20 * 1024 * 1024];
        assertEquals("received " + upload.length, front.http().timeout(Duration.ofSeconds(30)).send("POST", "/foo/upload", upload).text());
    }

    @Test
    public void anUploadThatExpects100ContinueGetsItAndGoesThrough() throws Exception {
        byte[] upload = new byte[3 * 1024 * 1024];
        try (Http.Conn c = front.http().timeout(Duration.ofSeconds(10)).open()) {
            c.out.write(("PUT /foo/upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: " + upload.length + "\r\n\r\n").getBytes());
            c.out.flush();
            assertEquals("the front asks for the body, as curl waits for", 100, Http.Response.read(c.in, false).status);
            c.out.write(upload);
            c.out.flush();
            Http.Response r = Http.Response.read(c.in, false);
            assertEquals(200, r.status);
            assertEquals("received " + upload.length, r.text());
        }
        assertTrue("the backend never sees the client's Expect", !front.http().send("PUT", "/foo/echo", new byte[10], "Expect: 100-continue").text().contains("expect"));
    }

    @Test
    public void aBackendThatStopsReadingAnUploadIs504WithItsPage() throws Exception {
        byte[] upload = new byte[32 * 1024 * 1024]; // more than the sockets buffer: the upload stalls
        try (Http.Conn c = front.http().timeout(Duration.ofSeconds(20)).open()) {
            c.out.write(("PUT /foo/silent HTTP/1.1\r\nHost: x\r\nContent-Length: " + upload.length + "\r\n\r\n").getBytes());
            Thread writer = new Thread(() -> {
                try {
                    c.out.write(upload);
                } catch (IOException expected) {
                    // the front gives up on the upload once it has answered
                }
            });
            writer.start();
            Http.Response r = Http.Response.read(c.in, false);
            assertEquals(504, r.status);
            assertTrue(r.text(), r.text().contains("did not answer in time"));
            c.close();
            writer.join(10_000);
        }
    }

    @Test
    public void aRefusingBackendIs502AndASilentOne504() throws Exception {
        Http.Response dead = front.http().get("/dead/x");
        assertEquals(502, dead.status);
        assertTrue(dead.text().contains("Could not connect"));
        long start = System.nanoTime();
        Http.Response silent = front.http().timeout(Duration.ofSeconds(20)).get("/foo/silent");
        assertEquals(504, silent.status);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue("after the 2 s timeout, not much later: " + ms, ms >= 1900 && ms < 10_000);

    }
}
