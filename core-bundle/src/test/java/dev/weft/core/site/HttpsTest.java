package dev.weft.core.site;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.weft.testkit.Http;
import dev.weft.testkit.SelfSigned;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** HTTPS listeners (Twisted's {@code ssl:} endpoint) with PEM files as openssl writes them. */
public class HttpsTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private WebServer server;

    private WebServer start(Listener listener) throws Exception {
        Site site = new Site(WebServerTest.everywhere(new WebServerTest.Counter()), new Sessions(Duration.ofMinutes(1), false));
        server = new WebServer(site, List.of(listener), null, 1000);
        server.start();
        return server;
    }

    @After
    public void stop() throws Exception {
        if (server != null) server.stop();
    }

    @Test
    public void requestsOverTlsAreSecureAndGetSecureSessions() throws Exception {
        SelfSigned cert = SelfSigned.in(tmp.getRoot().toPath());
        start(Listener.parse("ssl:0:privateKey=" + cert.key() + ":certKey=" + cert.certificate()));
        assertTrue(server.describe().get(0), server.describe().get(0).startsWith("https://127.0.0.1:"));
        Http.Response r = Http.tls(server.port(), cert.trust()).get("/");
        assertEquals(200, r.status);
        assertEquals("count=1", r.text());
        assertTrue(r.header("Set-Cookie"), r.header("Set-Cookie").matches("TWISTED_SECURE_SESSION=[0-9a-f]{64}; Path=/; Secure"));
    }

    @Test
    public void oneFileMayHoldKeyAndCertificate() throws Exception {
        SelfSigned cert = SelfSigned.in(tmp.getRoot().toPath());
        Path both = tmp.getRoot().toPath().resolve("server.pem");
        Files.writeString(both, Files.readString(cert.key()) + Files.readString(cert.certificate()));
        start(Listener.parse("ssl:0:privateKey=" + both));
        assertEquals(200, Http.tls(server.port(), cert.trust()).get("/").status);
    }

    @Test
    public void aClientThatDoesNotTrustTheCertificateIsRefused() throws Exception {
        SelfSigned cert = SelfSigned.in(tmp.getRoot().toPath());
        Path other = Files.createDirectory(tmp.getRoot().toPath().resolve("other"));
        start(Listener.ssl("127.0.0.1", 0, cert.key(), cert.certificate()));
        try {
            Http.tls(server.port(), SelfSigned.in(other).trust()).get("/");
            fail("handshake with an untrusted certificate");
        } catch (SSLHandshakeException expected) {
            // the client saw a certificate it does not trust
        }
        assertEquals(200, Http.tls(server.port(), cert.trust()).get("/").status);
    }

    @Test
    public void badPemFilesStopTheStartWithAMessageNamingThem() throws Exception {
        Path junk = tmp.newFile("junk.pem").toPath();
        Files.writeString(junk, "not a key\n");
        try {
            start(Listener.ssl("127.0.0.1", 0, junk, junk));
            fail("started with no key");
        } catch (IOException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains(junk.toString()) && expected.getMessage().contains("private key"));
        }
        server = null;
    }
}
