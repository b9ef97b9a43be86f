package dev.weft.distrib;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import dev.weft.core.files.FileOptions;
import dev.weft.core.files.FileResource;
import dev.weft.core.site.Listener;
import dev.weft.core.site.Sessions;
import dev.weft.core.site.Site;
import dev.weft.core.site.SiteRule;
import dev.weft.core.site.WebServer;
import dev.weft.proxy.api.HttpForwarder;
import dev.weft.testkit.Http;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.ExternalResource;
import org.junit.rules.RuleChain;
import org.junit.rules.TemporaryFolder;

/** A subscription in front of publishers on real UNIX sockets (in this JVM; DistribIT uses processes). */
public class SubscriptionTest {
    final TemporaryFolder tmp = new TemporaryFolder();
    Path sockets;
    HttpForwarder forwarder;
    WebServer publisherA;
    WebServer publisherB;
    Path www;

    final ExternalResource publishers = new ExternalResource() {
        @Override
        protected void before() throws Throwable {
            sockets = Files.createTempDirectory(Path.of("/tmp"), "wd");
            forwarder = new HttpForwarder(Duration.ofSeconds(5));
            www = tmp.newFolder("www").toPath();
            Files.createDirectories(www.resolve("dir"));
            Files.writeString(www.resolve("dir/f.txt"), "published");
            publisherA = publisher(Listener.unix(sockets.resolve("a.sock")), "A");
            publisherB = publisher(Listener.unix(sockets.resolve("b.sock")), "B");
        }

        @Override
        protected void after() {
            try {
                publisherA.stop();
                publisherB.stop();
                forwarder.close();
                try (Stream<Path> files = Files.walk(sockets)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    };

    final SiteRule front = new SiteRule(() -> {
        Resource.Abstract root = new Resource.Abstract() {};
        root.putChild("one", new ResourceSubscription(ResourceSubscription.parse("unix:" + sockets.resolve("a.sock")), forwarder));
        root.putChild("a%b c", new ResourceSubscription(ResourceSubscription.parse("unix:" + sockets.resolve("a.sock")), forwarder));
        root.putChild("both", new ResourceSubscription(ResourceSubscription.parse("unix:" + sockets.resolve("a.sock") + ",unix:" + sockets.resolve("b.sock")), forwarder));
        return root;
    });

    @Rule public RuleChain chain = RuleChain.outerRule(tmp).around(publishers).around(front);

    private WebServer publisher(Listener listener, String name) throws Exception {
        Resource.Abstract root = new Resource.Abstract() {};
        root.putChild("files", new FileResource(www, FileOptions.defaults()));
        root.putChild("who", new Resource() {
            @Override
            public boolean isLeaf() {
                return true;
            }

            @Override
            public void render(Request r) {
                r.setHeader("Content-Type", "text/plain");
                r.finish((name + " client=" + r.getClientIP() + " url=" + r.prePathURL() + " post=" + r.postpath() + " uri=" + r.getUri()).getBytes(StandardCharsets.UTF_8));
            }
        });
        WebServer server = new WebServer(new Site(root, new Sessions(Duration.ofMinutes(1), false)), List.of(listener), null, 2000);
        server.start();
        return server;
    }

    @Test
    public void thePublisherAnswersAsTheFront() throws Exception {
        String front = "http://127.0.0.1:" + this.front.server.port();
        assertEquals("A client=127.0.0.1 url=" + front + "/one/who post=[x] uri=/one/who/x?q=1", this.front.http().get("/one/who/x?q=1").text());
        assertEquals("a prefix that needs escapes arrives whole", "A client=127.0.0.1 url=" + front + "/a%25b%20c/who post=[] uri=/a%25b%20c/who",
                this.front.http().get("/a%25b%20c/who").text());
        assertEquals("published", this.front.http().get("/one/files/dir/f.txt").text());
        Http.Response dir = this.front.http().get("/one/files/dir");
        assertEquals(301, dir.status);
        assertEquals(front + "/one/files/dir/", dir.header("Location"));
        assertTrue(this.front.http().get("/one/files/dir/").text().contains("f.txt"));
        assertEquals("a public name from the front's own context travels too",
                "A client=127.0.0.1 url=http://public.example:" + this.front.server.port() + "/one/who post=[] uri=/one/who",
                this.front.http().get("/one/who", "Host: public.example").text());
    }

    @Test
    public void aPublisherOverTcpFoundByNameAnswersAsTheFront() throws Throwable {
        WebServer tcp = publisher(Listener.parse("tcp:127.0.0.1:0:trust=127.0.0.1"), "T");
        Resource.Abstract root = new Resource.Abstract() {};
        root.putChild("t", new ResourceSubscription(ResourceSubscription.parse("tcp:localhost:" + tcp.port()), forwarder));
        try (SiteRule viaTcp = SiteRule.running(root)) {
            assertEquals("T client=127.0.0.1 url=http://public.example:" + viaTcp.server.port() + "/t/who post=[x] uri=/t/who/x",
                    viaTcp.http().get("/t/who/x", "Host: public.example").text());
        } finally {
            tcp.stop();
        }
    }

    @Test
    public void aPublisherThatIsDownIs503UntilItComesBack() throws Exception {
        publisherA.stop();
        Http.Response down = front.http().get("/one/who");
        assertEquals(503, down.status);
        assertTrue(down.text().contains("not running"));
        publisherA = publisher(Listener.unix(sockets.resolve("a.sock")), "A again");
        assertTrue(front.http().get("/one/who").text().startsWith("A again"));
    }

    @Test
    public void requestsSpreadAcrossPublishersAndSkipADeadOne() throws Exception {
        String first = front.http().get("/both/who").text().substring(0, 1);
        String second = front.http().get("/both/who").text().substring(0, 1);
        assertTrue(first + second, (first + second).equals("AB") || (first + second).equals("BA"));
        publisherA.stop();
        for (int i = 0; i < 20; i++) assertEquals("B", front.http().get("/both/who").text().substring(0, 1));
    }

}
