package dev.weft.core.mount;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.weft.core.api.ErrorPage;
import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import dev.weft.core.site.SiteRule;
import dev.weft.testkit.Await;
import dev.weft.testkit.Http;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;

public class MountTableTest {
    /** Answers its name, where it was reached and what was left. */
    static Resource named(String name, boolean leaf) {
        return new Resource.Abstract() {
            @Override
            public boolean isLeaf() {
                return leaf;
            }

            @Override
            protected Resource getChild(String segment, Request request) {
                return named(name + "/" + segment, false);
            }

            @Override
            protected void renderGet(Request r) {
                r.finish((name + " pre=" + r.prepath() + " post=" + r.postpath()).getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    final MountTable table = new MountTable();

    @Rule
    public SiteRule site = new SiteRule(table);

    @After
    public void close() {
        table.close();
    }

    String get(String path) throws Exception {
        Http.Response r = site.http().get(path);
        return r.status + " " + r.text();
    }

    @Test
    public void theLongestMountedPrefixWins() throws Exception {
        table.mount("/", named("root", false));
        table.mount("/a", named("A", false));
        table.mount("/a/b", named("AB", false));
        assertEquals("200 A pre=[a] post=[]", get("/a"));
        assertEquals("200 A/x pre=[a, x] post=[]", get("/a/x"));
        assertEquals("200 AB pre=[a, b] post=[]", get("/a/b"));
        assertEquals("200 AB/ pre=[a, b, ] post=[]", get("/a/b/"));
        assertEquals("200 AB/c pre=[a, b, c] post=[]", get("/a/b/c"));
        assertEquals("200 root/z pre=[z] post=[]", get("/z"));
        assertEquals("200 root/ pre=[] post=[]", get("/").replace("pre=[]", "pre=[]"));
    }

    @Test
    public void withoutARootUnmountedPathsAre404() throws Exception {
        table.mount("/a", named("A", false));
        assertTrue(get("/z").startsWith("404"));
    }

    @Test
    public void aLeafRootTakesTheWholePath() throws Exception {
        table.mount("/", named("leaf", true));
        assertEquals("200 leaf pre=[] post=[x, y]", get("/x/y"));
        table.mount("/m", named("M", false));
        assertEquals("200 M pre=[m] post=[]", get("/m"));
    }

    @Test
    public void anUnmountedPathFallsBackToTheTree() throws Exception {
        table.mount("/", named("root", false));
        table.mount("/a", named("A", false));
        table.remove("/a");
        assertEquals("200 root/a pre=[a] post=[]", get("/a"));
    }

    @Test
    public void requestsWaitForAMountThatComesBackWithinTheGrace() throws Exception {
        table.mount("/app", named("v1", false));
        table.unmount("/app", 5000, null);
        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return get("/app/x");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS).execute(() -> table.mount("/app", named("v2", false)));
        assertEquals("200 v2/x pre=[app, x] post=[]", waiting.get(10, TimeUnit.SECONDS));
    }

    /** Resources that answer once {@code release} completes, for requests in flight when their mount goes. */
    static final class Slow {
        final CompletableFuture<Void> release = new CompletableFuture<>();
        final java.util.concurrent.CountDownLatch rendering = new java.util.concurrent.CountDownLatch(1);

        Resource answering(java.util.function.Supplier<String> body) {
            return new Resource.Abstract() {
                @Override
                public boolean isNonBlocking(Request request) {
                    return true;
                }

                @Override
                protected void renderGet(Request r) {
                    rendering.countDown();
                    release.thenRun(() -> r.finish(body.get().getBytes(StandardCharsets.UTF_8)));
                }
            };
        }
    }

    @Test
    public void aResourceThatGoesFirstFinishesTheRequestsItServes() throws Exception {
        Slow slow = new Slow();
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        table.mount("/app", slow.answering(() -> stopped.get() ? "stopped" : "v1")); // only while its "bundle" runs
        CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return get("/app");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertTrue(slow.rendering.await(5, TimeUnit.SECONDS));
        Thread unmounting = new Thread(() -> {
            table.unmount("/app", 5000, null);
            stopped.set(true); // what its bundle does once the resource has gone: stop
        });
        unmounting.start();
        Await.until(Duration.ofSeconds(5), "the unmount to wait or end",
                () -> unmounting.getState() == Thread.State.TIMED_WAITING || !unmounting.isAlive());
        assertTrue("unmounting waits for the request it serves", unmounting.isAlive());
        slow.release.complete(null);
        unmounting.join(5000);
        assertEquals("200 v1", inFlight.get(5, TimeUnit.SECONDS));
    }

    @Test
    public void aRequestThatOutlastsTheDrainDoesNotHoldTheResourceForever() throws Exception {
        Slow slow = new Slow();
        table.mount("/app", slow.answering(() -> "late")); // long after the drain
        try (Http.Conn hanging = site.http().open()) {
            hanging.out.write("GET /app HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            hanging.out.flush();
            assertTrue(slow.rendering.await(5, TimeUnit.SECONDS));
            long start = System.nanoTime();
            table.unmount("/app", 0, null);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue("waited " + ms + " ms", ms >= MountPoint.DRAIN_MILLIS - 100 && ms < MountPoint.DRAIN_MILLIS + 1000);
        } finally {
            slow.release.complete(null);
        }
    }

    @Test
    public void afterTheGraceAGoneMountIs404() throws Exception {
        table.mount("/app", named("v1", false));
        table.unmount("/app", 200, null);
        long start = System.nanoTime();
        assertTrue(get("/app/x").startsWith("404"));
        assertTrue("waited the grace", System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(150));
        assertTrue(get("/app").startsWith("404"));
    }

    @Test
    public void aConfiguredMountWithoutItsProviderAnswersItsAbsentPage() throws Exception {
        table.mount("/", named("root", false));
        table.mount("/cgi", named("cgi", false));
        table.unmount("/cgi", 0, new ErrorPage(503, "Service Unavailable", "type 'cgi-dir' is not installed"));
        Http.Response r = site.http().get("/cgi/x");
        assertEquals(503, r.status);
        assertTrue(r.text().contains("cgi-dir"));
    }

    @Test
    public void aConfiguredMountWhoseTypeNeverCameAnswers503() throws Exception {
        table.mount("/", named("root", false));
        table.unmount("/cgi-bin", 0, new ErrorPage(503, "Service Unavailable", "type 'cgi-dir' is not installed"));
        assertEquals(503, site.http().get("/cgi-bin/x").status);
        assertEquals(200, site.http().get("/cgi").status);
    }

    @Test
    public void givingUpEndsTheWaitAtOnce() throws Exception {
        table.mount("/app", named("v1", false));
        table.unmount("/app", 30_000, null);
        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return get("/app");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(() -> table.giveUp("/app"));
        assertTrue(waiting.get(10, TimeUnit.SECONDS).startsWith("404"));
    }

    @Test
    public void mountPathsAreValidated() {
        assertEquals(java.util.List.of("a", "b c"), MountTable.parse("/a/b%20c/"));
        assertEquals(java.util.List.of(), MountTable.parse("/"));
        for (String bad : new String[] {"/a//b", "/../x", "/a/./b", "/%zz"}) {
            try {
                MountTable.parse(bad);
                throw new AssertionError(bad + " accepted");
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().contains(bad));
            }
        }
    }
}
