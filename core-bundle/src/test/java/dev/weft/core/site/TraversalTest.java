package dev.weft.core.site;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import dev.weft.testkit.Http;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;

/** The resource tree: traversal, prepath/postpath, method dispatch, the envelope and errors. */
public class TraversalTest {

    /** Renders where traversal stopped and what was left. */
    static class Echo extends Resource.Abstract {
        @Override
        protected void renderGet(Request r) {
            r.setHeader("Content-Type", "text/plain");
            r.finish(("pre=" + r.prepath() + " post=" + r.postpath() + " url=" + r.prePathURL()).getBytes(StandardCharsets.UTF_8));
        }
    }

    static final class Leaf extends Echo {
        @Override
        public boolean isLeaf() {
            return true;
        }
    }

    static final class PostOnly extends Resource.Abstract {
        @Override
        protected void renderPost(Request r) {
            r.finish(("posted " + r.getArgs()).getBytes(StandardCharsets.UTF_8));
        }
    }

    static final class Async extends Resource.Abstract {
        @Override
        protected void renderGet(Request r) {
            CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS).execute(() -> {
                r.write(ByteBuffer.wrap("part1\n".getBytes(StandardCharsets.UTF_8)));
                CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS).execute(() -> {
                    r.write(ByteBuffer.wrap("part2\n".getBytes(StandardCharsets.UTF_8)));
                    r.finish();
                });
            });
        }
    }

    static final class Boom extends Resource.Abstract {
        @Override
        protected void renderGet(Request r) {
            r.setHeader("X-Half", "set");
            throw new IllegalStateException("secret detail");
        }
    }

    static final class Empty extends Resource.Abstract {
        @Override
        protected void renderGet(Request r) {
            r.finish();
        }
    }

    /** Forwards to the path in its query: RFC 3875's local redirect. */
    static final class Forwarder extends Resource.Abstract {
        @Override
        protected void renderPost(Request r) {
            r.forward(r.getQueryString());
        }

        @Override
        protected void renderGet(Request r) {
            r.forward(r.getQueryString() != null ? r.getQueryString() : "/forward"); // no query: forever
        }
    }

    static final class Seen extends Resource.Abstract {
        @Override
        protected void renderGet(Request r) {
            r.finish((r.getMethod() + " " + r.getUri() + " args=" + r.getArgs() + " pre=" + r.prepath()).getBytes(StandardCharsets.UTF_8));
        }
    }

    static Resource tree() {
        Echo root = new Echo();
        Echo a = new Echo();
        a.putChild("", new Echo());
        root.putChild("a", a);
        root.putChild("leaf", new Leaf());
        root.putChild("post", new PostOnly());
        root.putChild("async", new Async());
        root.putChild("boom", new Boom());
        root.putChild("empty", new Empty());
        root.putChild("a b", new Echo());
        root.putChild("x/y", new Echo());
        root.putChild("forward", new Forwarder());
        Echo target = new Echo();
        target.putChild("seen", new Seen());
        root.putChild("target", target);
        return root;
    }

    @Rule
    public SiteRule site = new SiteRule(tree());

    @Test
    public void childrenAreFoundSegmentBySegment() throws Exception {
        Http.Response r = site.http().get("/a");
        assertEquals(200, r.status);
        assertEquals("pre=[a] post=[] url=http://127.0.0.1:" + site.server.port() + "/a", r.text());
        assertEquals("text/plain", r.header("Content-Type"));
        assertEquals(String.valueOf(r.body.length), r.header("Content-Length"));
    }

    @Test
    public void trailingSlashIsTheEmptyChild() throws Exception {
        assertEquals("pre=[a, ] post=[] url=http://127.0.0.1:" + site.server.port() + "/a/", site.http().get("/a/").text());
        assertEquals(404, site.http().get("/leaf2/").status);
    }

    @Test
    public void aMissingChildIs404WithAPage() throws Exception {
        Http.Response r = site.http().get("/nope/deeper");
        assertEquals(404, r.status);
        assertEquals("text/html; charset=utf-8", r.header("Content-Type"));
        assertTrue(r.text().contains("<title>404 - No Such Resource</title>"));
    }

    @Test
    public void aLeafKeepsTheRestOfThePath() throws Exception {
        assertEquals("pre=[leaf] post=[x, y, ] url=http://127.0.0.1:" + site.server.port() + "/leaf", site.http().get("/leaf/x/y/?q=1").text());
    }

    @Test
    public void segmentsArePercentDecodedOneByOne() throws Exception {
        assertEquals(200, site.http().get("/a%20b").status);
        assertTrue(site.http().get("/x%2Fy").text().startsWith("pre=[x/y]"));
        assertTrue(site.http().get("/x%2Fy").text().endsWith("/x%2Fy"));
        assertEquals(404, site.http().get("/x/y").status);
    }

    @Test
    public void forwardAnswersAsTheSiteWouldForALocalGet() throws Exception {
        assertEquals("GET /target/seen?x=1 args={x=[1]} pre=[target, seen]",
                site.http().send("POST", "/forward?/target/seen?x=1", "a=b".getBytes(), "Content-Type: application/x-www-form-urlencoded").text());
        assertEquals(404, site.http().get("/forward?/nowhere").status);
        Http.Response loop = site.http().get("/forward");
        assertEquals(500, loop.status);
    }

    @Test
    public void malformedEscapesAre400() throws Exception {
        assertEquals(400, site.http().get("/a%zz").status);
        assertEquals(400, site.http().get("/%ff").status);
    }

    @Test
    public void headIsGetWithoutBody() throws Exception {
        Http.Response get = site.http().get("/a");
        Http.Response head = site.http().send("HEAD", "/a", null);
        assertEquals(200, head.status);
        assertEquals(get.header("Content-Length"), head.header("Content-Length"));
        assertEquals(0, head.body.length);
    }

    @Test
    public void missingMethodsAre405WithAllow() throws Exception {
        Http.Response r = site.http().send("POST", "/a", new byte[0]);
        assertEquals(405, r.status);
        assertEquals("GET, HEAD", r.header("Allow"));
        Http.Response g = site.http().get("/post");
        assertEquals(405, g.status);
        assertEquals("POST", g.header("Allow"));
        assertEquals(405, site.http().send("HEAD", "/post", null).status);
        assertEquals(405, site.http().send("DELETE", "/a", null).status);
        assertEquals(501, site.http().send("FOO", "/a", null).status);
    }

    @Test
    public void formArgumentsMergeWithTheQuery() throws Exception {
        Http.Response r = site.http().send("POST", "/post?q=1&q=2&blank=", "name=val&x=y+z".getBytes(),
                "Content-Type: application/x-www-form-urlencoded");
        assertEquals("posted {q=[1, 2], blank=[], name=[val], x=[y z]}", r.text());
    }

    @Test
    public void asyncRenderingStreamsChunked() throws Exception {
        Http.Response r = site.http().get("/async", "Connection: keep-alive");
        assertEquals(200, r.status);
        assertTrue(r.chunked);
        assertEquals("text/html", r.header("Content-Type"));
        assertEquals("part1\npart2\n", r.text());
    }

    @Test
    public void anExceptionIs500WithoutDetailOrHalfSetHeaders() throws Exception {
        Http.Response r = site.http().get("/boom");
        assertEquals(500, r.status);
        assertFalse(r.text().contains("secret detail"));
        assertFalse(r.text().contains("Exception"));
        assertNull(r.header("X-Half"));
        assertEquals(Site.SERVER_SOFTWARE, r.header("Server"));
    }

    @Test
    public void everyAnswerHasServerDateAndExtraHeaders() throws Exception {
        site.site.setExtraHeaders(java.util.List.<String[]>of(new String[] {"X-Frame-Options", "DENY"}));
        for (String path : new String[] {"/a", "/nope", "/boom"}) {
            Http.Response r = site.http().get(path);
            assertEquals(Site.SERVER_SOFTWARE, r.header("Server"));
            assertTrue(r.header("Date") != null);
            assertEquals(path, "DENY", r.header("X-Frame-Options"));
        }
    }

    @Test
    public void requestsJettyRefusesGetTheEnvelopeAndThePageToo() throws Exception {
        site.site.setExtraHeaders(java.util.List.<String[]>of(new String[] {"X-Frame-Options", "DENY"}));
        Http.Response huge = site.http().get("/a", "X-Big: " + "x".repeat(20_000));
        assertEquals(431, huge.status);
        Http.Response badHeader = site.http().raw("GET /a HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n");
        assertEquals(400, badHeader.status);
        for (Http.Response r : new Http.Response[] {huge, badHeader}) {
            assertEquals(Site.SERVER_SOFTWARE, r.header("Server"));
            assertEquals("DENY", r.header("X-Frame-Options"));
            assertEquals("text/html; charset=utf-8", r.header("Content-Type"));
            assertTrue(r.text(), r.text().startsWith("<!DOCTYPE html>"));
            assertFalse(r.text(), r.text().contains("Jetty") || r.text().contains("Exception"));
        }
    }

    @Test
    public void anEmptyAnswerHasNoContentType() throws Exception {
        Http.Response r = site.http().get("/empty");
        assertEquals(200, r.status);
        assertEquals("0", r.header("Content-Length"));
        assertNull(r.header("Content-Type"));
    }

    @Test
    public void optionsStarIsAnsweredByTheServer() throws Exception {
        Http.Response r = site.http().send("OPTIONS", "*", null);
        assertEquals(200, r.status);
        assertEquals("0", r.header("Content-Length"));
        // Any other method on '*' is 405 (Twisted's answer), in the site's envelope, although
        // Jetty refuses it before the site sees it.
        for (String method : new String[] {"GET", "HEAD", "POST", "DELETE"}) {
            Http.Response other = site.http().send(method, "*", method.equals("POST") ? new byte[0] : null);
            assertEquals(method, 405, other.status);
            assertEquals("OPTIONS", other.header("Allow"));
            assertEquals(Site.SERVER_SOFTWARE, other.header("Server"));
        }
    }

    @Test
    public void prePathUrlUsesTheHostHeaderAndTheListeningPort() throws Exception {
        Http.Response r = site.http().get("/a", "Host: example.com:8000");
        assertTrue(r.text(), r.text().endsWith("url=http://example.com:" + site.server.port() + "/a"));
    }
}
