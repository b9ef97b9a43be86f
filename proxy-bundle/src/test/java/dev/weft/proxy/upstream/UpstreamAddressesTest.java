package dev.weft.proxy.upstream;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.junit.After;
import org.junit.Test;

/** A name with several addresses: the ones that refuse are skipped. */
public class UpstreamAddressesTest {
    private final ClientConnector connector = new ClientConnector();

    @After
    public void stop() throws Exception {
        connector.stop();
    }

    @Test
    public void anAddressThatRefusesIsSkippedForTheNext() throws Exception {
        connector.start();
        int refusing;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refusing = closed.getLocalPort();
        }
        try (ServerSocket backend = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> answerOnce(backend));
            answering.start();
            InetAddress loopback = InetAddress.getLoopbackAddress();
            // what a resolver gives for a name with two addresses, the first one refusing
            SocketAddressResolver twoAddresses = (host, port, context, promise) ->
                    promise.succeeded(List.of(new InetSocketAddress(loopback, refusing), new InetSocketAddress(loopback, backend.getLocalPort())));
            CompletableFuture<Integer> status = new CompletableFuture<>();
            new Upstream(connector, twoAddresses, "backend.example", 80).send(new Get(status));
            assertEquals(Integer.valueOf(204), status.get(10, TimeUnit.SECONDS));
            answering.join(5_000);
        }
    }

    private static void answerOnce(ServerSocket backend) {
        try (Socket s = backend.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) head.append((char) in.read());
            out.write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A bodiless GET whose status completes {@code status}. */
    private record Get(CompletableFuture<Integer> status) implements Exchange {
        @Override
        public ByteBuffer head() {
            return ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: backend.example\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }

        @Override
        public boolean isHead() {
            return false;
        }

        @Override
        public boolean hasBody() {
            return false;
        }

        @Override
        public boolean isReplayable() {
            return true;
        }

        @Override
        public void sendBody(BodyWriter out) {}

        @Override
        public void onHeaders(int code, HttpFields headers) {
            status.complete(code);
        }

        @Override
        public void onContent(ByteBuffer chunk, Callback passedOn) {
            passedOn.succeeded();
        }

        @Override
        public void onComplete(ByteBuffer last) {}

        @Override
        public void onFailure(Throwable cause, boolean answered) {
            status.completeExceptionally(cause);
        }
    }
}
