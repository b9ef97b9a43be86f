package dev.weft.proxy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import dev.weft.core.api.Resource;
import dev.weft.core.site.SiteRule;
import dev.weft.proxy.api.HttpForwarder;
import dev.weft.proxy.api.Target;
import dev.weft.testkit.Http;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.After;
import org.junit.Test;

/**
 * The forwarder's HTTP/1.1 client against a scripted backend on a real socket, for the answers a
 * backend site (Weft) never gives: close-delimited bodies, chunks, interim answers, connections
 * closed between requests, garbage.
 */
public class UpstreamTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    /** A backend that answers each request head with what {@code script} returns for it. */
    static final class Backend implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger connections = new AtomicInteger();
        final Function<String, String> script;
        final boolean closeAfterEach;

        Backend(Function<String, String> script, boolean closeAfterEach) throws IOException {
            this.script = script;
            this.closeAfterEach = closeAfterEach;
            Thread acceptor = new Thread(this::accept, "scripted-backend");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    Thread t = new Thread(() -> serve(s), "scripted-backend-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                for (String head; (head = readHead(in)) != null; ) {
                    out.write(script.apply(head).getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    if (closeAfterEach) return;
                }
            } catch (IOException e) {
                // the front went away
            }
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            for (int c; (c = in.read()) >= 0; ) {
                head.write(c);
                String h = head.toString(StandardCharsets.ISO_8859_1);
                if (h.endsWith("\r\n\r\n")) return h;
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /** A front proxying /b/ to {@code backend}. */
    private Http front(Backend backend) throws Throwable {
        HttpForwarder forwarder = new HttpForwarder(Duration.ofSeconds(3));
        Resource.Abstract root = new Resource.Abstract() {};
        root.putChild("b", new ReverseProxyResource(Target.http("http://127.0.0.1:" + backend.server.getLocalPort() + "/"), forwarder, false));
        SiteRule front = SiteRule.running(root);
        open.add(backend);
        open.add(forwarder);
        open.add(front);
        return front.http();
    }

    @After
    public void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    }

    @Test
    public void connectionsAreReusedWhileTheBackendKeepsThemOpen() throws Throwable {
        Backend backend = new Backend(head -> "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false);
        Http http = front(backend);
        for (int i = 0; i < 5; i++) assertEquals("ok", http.get("/b/" + i).text());
        assertEquals(1, backend.connections.get());
    }

    @Test
    public void aConnectionTheBackendClosedWhileIdleIsNotAFailure() throws Throwable {
        // Keep-alive by the protocol's default, closed by the backend anyway once it has answered:
        // the pooled connection is dead when the next request comes, which then goes on a new one.
        Backend backend = new Backend(head -> "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", true);
        Http http = front(backend);
        for (int i = 0; i < 5; i++) {
            Http.Response r = http.get("/b/" + i);
            assertEquals(200, r.status);
            assertEquals("ok", r.text());
        }
        assertEquals(5, backend.connections.get());
    }

    @Test
    public void aBodyThatLastsUntilTheBackendClosesArrivesWhole() throws Throwable {
        Backend backend = new Backend(head -> "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" + "x".repeat(50_000), true);
        Http http = front(backend);
        for (int i = 0; i < 2; i++) {
            Http.Response r = http.get("/b/old");
            assertEquals(200, r.status);
            assertEquals("x".repeat(50_000), r.text());
        }
    }

    @Test
    public void chunksAreJoinedAndInterimAnswersSkipped() throws Throwable {
        Backend backend = new Backend(head -> "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Answer: final\r\n\r\n5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n", false);
        Http http = front(backend);
        Http.Response r = http.get("/b/chunks");
        assertEquals(200, r.status);
        assertEquals("hello, world", r.text());
        assertEquals("final", r.header("X-Answer"));
        assertNull("the interim answer's headers stay with it", r.header("Link"));
        assertEquals("the connection is still good", "hello, world", http.get("/b/again").text());
        assertEquals(1, backend.connections.get());
    }

    @Test
    public void headAndNotModifiedAnswersHaveNoBodyAndKeepTheConnection() throws Throwable {
        Backend backend = new Backend(head -> head.startsWith("HEAD") ? "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
                : head.contains("If-None-Match") ? "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n"
                : "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nETag: \"v1\"\r\n\r\nhello", false);
        Http http = front(backend);
        Http.Response head = http.send("HEAD", "/b/x", null);
        assertEquals(200, head.status);
        assertEquals("5", head.header("Content-Length"));
        assertEquals(304, http.get("/b/x", "If-None-Match: \"v1\"").status);
        assertEquals("hello", http.get("/b/x").text());
        assertEquals(1, backend.connections.get());
    }

    @Test
    public void anAnswerThatIsNotHttpIs502() throws Throwable {
        Http http = front(new Backend(head -> "SSH-2.0-OpenSSH_9.2\r\n\r\n", true));
        Http.Response r = http.get("/b/x");
        assertEquals(502, r.status);
        assertTrue(r.text(), r.text().contains("failed to answer"));
    }

    @Test
    public void anAnswerThatDiesBeforeItsBodyIs502WithoutTheUpstreamsHeaders() throws Throwable {
        Http http = front(new Backend(head -> "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nSet-Cookie: s=1\r\n\r\n", true));
        Http.Response r = http.get("/b/x");
        assertEquals(502, r.status);
        assertNull(r.header("Set-Cookie"));
        assertTrue(r.text(), r.text().contains("failed to answer"));
    }

    @Test
    public void anAnswerCutShortAbortsTheClientsInsteadOfEndingIt() throws Throwable {
        Http http = front(new Backend(head -> "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly forty bytes, then the backend dies", true));
        try {
            Http.Response r = http.get("/b/x");
            assertTrue("a short body must not look complete: " + r.text().length(), r.text().length() < 100);
        } catch (IOException expected) {
            // the front closed the connection: the client knows the answer is incomplete
        }
    }
}
