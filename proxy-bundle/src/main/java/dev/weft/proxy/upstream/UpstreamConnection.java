package dev.weft.proxy.upstream;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FutureCallback;

/**
 * An HTTP/1.1 connection to an upstream server, one exchange at a time: the request's head (and
 * body) written, the answer parsed with Jetty's {@link HttpParser} on the thread that reads it
 * (parsing and passing pieces on never block) and passed on piece by piece, the next piece read
 * only when the last one has been taken. Idle in its {@link Upstream}'s pool it keeps reading,
 * so a connection the upstream closes leaves the pool at once.
 */
final class UpstreamConnection extends AbstractConnection.NonBlocking implements HttpParser.ResponseHandler {
    private static final int RUNNING = 0, PAUSED = 1, MORE = 2;
    private static final int WRITING = 0, WRITTEN = 1, WAITING = 2;

    private final Upstream upstream;
    private final HttpParser parser = new HttpParser(this);
    private final ByteBuffer buffer = BufferUtil.allocateDirect(16 * 1024);
    private final AtomicReference<Exchange> exchange = new AtomicReference<>();
    /** Whether parsing runs, waits for the exchange to take a piece of body, or may go on. */
    private final AtomicInteger reading = new AtomicInteger(RUNNING);
    /**
     * Whether the request is being written, has been, or its complete answer waits for that.
     * The answer can come before the write's callback has run (its thread descheduled between
     * the flush and the callback), and until it has, the endpoint refuses the next write.
     */
    private final AtomicInteger request = new AtomicInteger(WRITING);
    /** The exchange whose answer is complete, and whether the connection can then serve another. */
    private Exchange ended;
    private boolean reusable;
    private HttpFields.Mutable headers;
    private int status;
    private boolean keepAlive, delivered, complete, interim;
    private IOException broken;
    private ByteBuffer last;
    private volatile boolean answered;
    private volatile int served;

    UpstreamConnection(EndPoint endPoint, Upstream upstream) {
        super(endPoint, Runnable::run); // nothing is handed to an executor: see onFillable
        this.upstream = upstream;
    }

    @Override
    public void onOpen() {
        super.onOpen();
        fillInterested();
    }

    /** Whether it has served an exchange before: a failure before any answer may then be the upstream closing it while idle. */
    boolean isReused() {
        return served > 0;
    }

    /** Sends {@code x} on this idle connection; with a body, on a thread that may block until it is written. */
    void send(Exchange x) {
        status = 0;
        headers = null;
        keepAlive = delivered = complete = interim = answered = false;
        broken = null;
        last = BufferUtil.EMPTY_BUFFER;
        reading.set(RUNNING);
        request.set(WRITING);
        parser.setHeadResponse(x.isHead());
        exchange.set(x);
        if (!x.hasBody()) {
            getEndPoint().write(Callback.from(this::written, this::writeFailed), x.head());
            return;
        }
        try {
            write(x.head());
            x.sendBody(this::write);
            written();
        } catch (Throwable t) {
            fail(t);
        }
    }

    private void write(ByteBuffer piece) throws IOException {
        FutureCallback written = new FutureCallback();
        getEndPoint().write(written, piece);
        written.block();
    }

    /** The whole request is written: an answer that waited for that ends now. */
    private void written() {
        if (request.getAndSet(WRITTEN) == WAITING) finish();
    }

    /** The request's head could not be written: the exchange fails, unless its answer had come anyway. */
    private void writeFailed(Throwable cause) {
        if (request.getAndSet(WRITTEN) != WAITING) {
            fail(cause);
            return;
        }
        reusable = false;
        finish();
    }

    @Override
    public void onFillable() {
        read();
    }

    /** Parses what is buffered, then reads more, until the answer waits for its taker, ends, or fails. */
    private void read() {
        try {
            while (true) {
                if (exchange.get() == null) { // idle: only the upstream closing it should come
                    int n = getEndPoint().fill(buffer);
                    if (n == 0) {
                        fillInterested();
                        return;
                    }
                    if (n < 0 || exchange.get() == null) {
                        close();
                        return;
                    }
                    continue; // the answer to a request sent meanwhile
                }
                if (parse()) return;
                BufferUtil.compact(buffer);
                int n = getEndPoint().fill(buffer);
                if (n > 0) continue;
                if (n == 0) {
                    fillInterested();
                    return;
                }
                parser.atEOF(); // a body that lasts until the connection closes ends here
                if (!parse()) fail(new EOFException("the upstream closed the connection before answering"));
                return;
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    /** True when the exchange waits for its taker, has ended, or has failed: stop reading. */
    private boolean parse() throws IOException {
        while (true) {
            boolean handle = parser.parseNext(buffer);
            if (broken != null) throw broken;
            Exchange x = exchange.get();
            if (x == null) return true; // failed meanwhile
            if (complete && interim) { // 100 Continue, 103 Early Hints: the answer is still to come
                parser.reset();
                parser.setHeadResponse(x.isHead());
                complete = interim = false;
                continue;
            }
            if (complete) {
                end();
                return true;
            }
            if (delivered) {
                delivered = false;
                if (reading.compareAndSet(RUNNING, PAUSED)) return true;
                reading.set(RUNNING); // taken already: go on
            }
            if (!handle) return false; // all of the buffer parsed: read more
        }
    }

    /** The exchange took its piece of body: go on reading, here if reading had stopped for it. */
    private void more() {
        while (true) {
            if (reading.compareAndSet(RUNNING, MORE)) return;
            if (reading.compareAndSet(PAUSED, RUNNING)) {
                read();
                return;
            }
            if (reading.get() == MORE) return;
        }
    }

    /**
     * The answer is complete. It ends once the request is written too: a bodiless request's
     * head soon will be. A body still being sent is left unfinished: the upstream answered
     * without it, and the connection closes.
     */
    private void end() {
        Exchange x = exchange.getAndSet(null);
        if (x == null) return;
        served++;
        parser.reset();
        ended = x;
        reusable = keepAlive && !buffer.hasRemaining();
        if (x.hasBody()) {
            reusable &= request.get() == WRITTEN;
            finish();
        } else if (!request.compareAndSet(WRITING, WAITING)) {
            finish();
        }
    }

    /** The connection goes back to the pool (or closes), then the exchange hears its answer has ended. */
    private void finish() {
        Exchange x = ended;
        ByteBuffer rest = last; // read before another exchange may take the connection
        ended = null;
        if (reusable && getEndPoint().isOpen()) {
            fillInterested();
            upstream.release(this);
        } else {
            close();
        }
        x.onComplete(rest);
    }

    /** The exchange fails (if it has not ended) and the connection closes: what is left on it cannot be trusted. */
    void fail(Throwable cause) {
        Exchange x = exchange.getAndSet(null);
        close();
        if (x != null) upstream.failed(this, x, cause, answered);
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        upstream.remove(this);
        Exchange x = exchange.getAndSet(null);
        if (x != null) upstream.failed(this, x, cause != null ? cause : new EOFException("the connection to the upstream closed"), answered);
    }

    @Override
    protected boolean onReadTimeout(TimeoutException timeout) {
        fail(timeout);
        return true;
    }

    @Override
    public boolean onIdleExpired(TimeoutException timeout) {
        fail(timeout);
        return true;
    }

    @Override
    public void startResponse(HttpVersion version, int status, String reason) {
        this.status = status;
        headers = HttpFields.build();
        keepAlive = version == HttpVersion.HTTP_1_1;
    }

    @Override
    public void parsedHeader(HttpField field) {
        if (field.getHeader() == HttpHeader.CONNECTION) {
            if (field.contains(HttpHeaderValue.CLOSE.asString())) keepAlive = false;
            else if (field.contains(HttpHeaderValue.KEEP_ALIVE.asString())) keepAlive = true;
        }
        headers.add(field);
    }

    @Override
    public boolean headerComplete() {
        if (status == 101) {
            broken = new Exchange.BadAnswer("the upstream switched protocols, which was not asked for");
            return true;
        }
        interim = status < 200;
        if (interim) return false;
        Exchange x = exchange.get();
        if (x == null) return true; // failed meanwhile (its body could not be sent): nothing to pass on
        answered = true;
        x.onHeaders(status, headers);
        return false;
    }

    @Override
    public boolean content(ByteBuffer chunk) {
        ByteBuffer copy = ByteBuffer.allocate(chunk.remaining());
        copy.put(chunk).flip();
        Exchange x = exchange.get();
        if (x == null) return true;
        if (!parser.isChunking() && parser.getContentRead() == parser.getContentLength()) {
            last = copy; // goes with the end, once the connection is back in the pool
            return false;
        }
        delivered = true;
        x.onContent(copy, Callback.from(this::more, this::fail));
        return true;
    }

    @Override
    public boolean contentComplete() {
        return false;
    }

    @Override
    public boolean messageComplete() {
        complete = true;
        return true;
    }

    @Override
    public void earlyEOF() {
        broken = new EOFException("the upstream closed the connection in the middle of its answer");
    }

    @Override
    public void badMessage(HttpException failure) {
        broken = new Exchange.BadAnswer("the upstream's answer is not HTTP: " + failure.getReason());
    }
}
