package dev.weft.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A raw HTTP/1.1 client for tests: it sends exactly the bytes asked for (paths with {@code ..},
 * any Host, odd methods) over TCP to 127.0.0.1 or over a UNIX socket, and parses the answer
 * without normalising anything. One connection per exchange, {@code Connection: close}.
 */
public final class Http {
    private final int port;
    private final Path unixSocket;
    private final SSLContext tls;
    private Duration timeout = Duration.ofSeconds(30);

    private Http(int port, Path unixSocket, SSLContext tls) {
        this.port = port;
        this.unixSocket = unixSocket;
        this.tls = tls;
    }

    /** A client for 127.0.0.1:port. */
    public static Http tcp(int port) {
        return new Http(port, null, null);
    }

    /** A client for https://127.0.0.1:port, trusting what {@code tls} trusts (see {@link SelfSigned}). */
    public static Http tls(int port, SSLContext tls) {
        return new Http(port, null, tls);
    }

    /** A client for a UNIX domain socket. */
    public static Http unix(Path socket) {
        return new Http(-1, socket, null);
    }

    public Http timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** GET with optional extra header lines ({@code "Name: value"}). */
    public Response get(String target, String... headers) throws IOException {
        return send("GET", target, null, headers);
    }

    /** Any method; {@code body} may be null; adds Host and Content-Length unless given. */
    public Response send(String method, String target, byte[] body, String... headers) throws IOException {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        boolean host = false;
        boolean length = false;
        boolean connection = false;
        for (String h : headers) {
            String lower = h.toLowerCase(Locale.ROOT);
            host |= lower.startsWith("host:");
            length |= lower.startsWith("content-length:") || lower.startsWith("transfer-encoding:");
            connection |= lower.startsWith("connection:");
            head.append(h).append("\r\n");
        }
        if (!host) head.append("Host: 127.0.0.1").append(port > 0 ? ":" + port : "").append("\r\n");
        if (!connection) head.append("Connection: close\r\n");
        if (body != null && !length) head.append("Content-Length: ").append(body.length).append("\r\n");
        head.append("\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = body == null ? h : concat(h, body);
        return raw(all, "HEAD".equals(method));
    }

    /** Sends raw bytes and parses one response; {@code head} says whether it answers a HEAD. */
    public Response raw(byte[] request, boolean head) throws IOException {
        try (Conn c = open()) {
            c.out.write(request);
            c.out.flush();
            return Response.read(c.in, head);
        }
    }

    /** Sends raw text (ISO-8859-1) and parses one response. */
    public Response raw(String request) throws IOException {
        return raw(request.getBytes(StandardCharsets.ISO_8859_1), request.startsWith("HEAD "));
    }

    /** An open connection, for tests that pipeline, stream a body slowly or hang up early. */
    public Conn open() throws IOException {
        if (unixSocket != null) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(unixSocket));
            return new Conn(ch, null, Channels.newInputStream(ch), Channels.newOutputStream(ch));
        }
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
        s.setSoTimeout((int) timeout.toMillis());
        if (tls != null) {
            SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(s, "localhost", port, true);
            secure.startHandshake();
            s = secure;
        }
        return new Conn(null, s, s.getInputStream(), s.getOutputStream());
    }

    /** One connection: write to {@code out}, read answers with {@link Response#read}. */
    public static final class Conn implements AutoCloseable {
        private final SocketChannel channel;
        private final Socket socket;
        public final InputStream in;
        public final OutputStream out;

        Conn(SocketChannel channel, Socket socket, InputStream in, OutputStream out) {
            this.channel = channel;
            this.socket = socket;
            this.in = in;
            this.out = out;
        }

        @Override
        public void close() throws IOException {
            if (socket != null) socket.close();
            if (channel != null) channel.close();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** A parsed response: status, headers in order (repeats kept), body (de-chunked). */
    public static final class Response {
        public final String protocol;
        public final int status;
        public final String reason;
        public final List<String[]> headers;
        public final byte[] body;
        public final boolean chunked;

        private Response(String protocol, int status, String reason, List<String[]> headers, byte[] body, boolean chunked) {
            this.protocol = protocol;
            this.status = status;
            this.reason = reason;
            this.headers = headers;
            this.body = body;
            this.chunked = chunked;
        }

        /** The last value of a header (case-insensitive name), or null. */
        public String header(String name) {
            String value = null;
            for (String[] h : headers) if (h[0].equalsIgnoreCase(name)) value = h[1];
            return value;
        }

        public List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            for (String[] h : headers) if (h[0].equalsIgnoreCase(name)) values.add(h[1]);
            return values;
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(protocol + " " + status + " " + reason + "\n");
            for (String[] h : headers) s.append(h[0]).append(": ").append(h[1]).append('\n');
            return s.append('\n').append(text()).toString();
        }

        /** Reads one response from a stream (the connection may stay open after it). */
        public static Response read(InputStream in, boolean head) throws IOException {
            String statusLine = line(in);
            if (statusLine == null) throw new IOException("connection closed before a response");
            String[] parts = statusLine.split(" ", 3);
            int status = Integer.parseInt(parts[1]);
            List<String[]> headers = new ArrayList<>();
            for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
                int colon = l.indexOf(':');
                headers.add(new String[] {l.substring(0, colon), l.substring(colon + 1).trim()});
            }
            Response shell = new Response(parts[0], status, parts.length > 2 ? parts[2] : "", headers, new byte[0], false);
            if (head || status == 204 || status == 304 || status / 100 == 1) return shell;
            String te = shell.header("Transfer-Encoding");
            if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                for (;;) {
                    String size = line(in);
                    int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                    if (n == 0) {
                        while (!line(in).isEmpty()) { /* trailers */ }
                        break;
                    }
                    body.write(in.readNBytes(n));
                    line(in);
                }
                return new Response(parts[0], status, shell.reason, headers, body.toByteArray(), true);
            }
            String cl = shell.header("Content-Length");
            byte[] body = cl != null ? in.readNBytes(Integer.parseInt(cl)) : in.readAllBytes();
            return new Response(parts[0], status, shell.reason, headers, body, false);
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n') break;
                if (c != '\r') b.write(c);
            }
            if (c == -1 && b.size() == 0) return null;
            return b.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
