package dev.weft.core.site;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import dev.weft.testkit.Http;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Rule;
import org.junit.Test;

/** Where resources run: traversal and non-blocking renders on the reading thread, the rest on the pool. */
public class ThreadingTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch blocked = new CountDownLatch(8);
    private final AtomicReference<Thread> traversedOn = new AtomicReference<>();
    private final AtomicReference<Thread> renderedOn = new AtomicReference<>();

    /** Answers once the test releases it: a resource that blocks, as a CGI script or a slow disk would. */
    private final Resource slow = new Resource.Abstract() {
        @Override
        protected void renderGet(Request request) throws Exception {
            blocked.countDown();
            release.await(20, TimeUnit.SECONDS);
            request.finish("slow".getBytes(StandardCharsets.UTF_8));
        }
    };

    private Resource recording(boolean nonBlocking) {
        Resource r = request -> {
            renderedOn.set(Thread.currentThread());
            request.finish("fast".getBytes(StandardCharsets.UTF_8));
        };
        return nonBlocking ? Resource.nonBlocking(r) : r;
    }

    @Rule
    public SiteRule site = new SiteRule(() -> new Resource.Abstract() {
        @Override
        protected Resource getChild(String segment, Request request) {
            traversedOn.set(Thread.currentThread());
            return switch (segment) {
                case "slow" -> slow;
                case "fast" -> recording(true);
                default -> recording(false);
            };
        }
    });

    @Test
    public void resourcesThatBlockDoNotHoldUpTheOthers() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<Http.Response>> waiting = new ArrayList<>();
        for (int i = 0; i < 8; i++) waiting.add(clients.submit(() -> site.http().get("/slow")));
        assertTrue("eight renders blocked", blocked.await(10, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        Http.Response fast = site.http().timeout(java.time.Duration.ofSeconds(5)).get("/fast");
        assertEquals("fast", fast.text());
        assertTrue("answered while eight renders block", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 2000);
        assertEquals("fast", site.http().get("/other").text());
        release.countDown();
        for (Future<Http.Response> w : waiting) assertEquals("slow", w.get(10, TimeUnit.SECONDS).text());
        clients.shutdown();
    }

    @Test
    public void nonBlockingResourcesRenderWhereTraversalRan() throws Exception {
        site.http().get("/fast");
        assertEquals(traversedOn.get(), renderedOn.get());
        site.http().get("/other");
        assertNotEquals("a resource that may block renders on a pool thread", traversedOn.get(), renderedOn.get());
    }
}
