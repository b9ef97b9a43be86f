package dev.weft.proxy.upstream;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.util.Callback;

/**
 * One request sent to an upstream server, as its connection reports it: the answer's head, its
 * body a piece at a time (the next piece is read only when the last one's callback succeeds, so
 * a slow client holds the upstream back instead of filling memory), its end, or a failure.
 */
public interface Exchange {
    /** The request's head as it goes on the wire; the body, if any, follows from {@link #sendBody}. */
    ByteBuffer head();

    boolean isHead();

    /** True when a body follows the head ({@link #sendBody} is then called on the sending thread). */
    boolean hasBody();

    /** True when sending it twice does no harm (a bodiless GET or HEAD): a pooled connection the upstream closed meanwhile is then retried on a new one. */
    boolean isReplayable();

    /** Sends the body through {@code out}; returns when it is all written. */
    void sendBody(BodyWriter out) throws Exception;

    void onHeaders(int status, HttpFields headers);

    /** A piece of the body, the callee's to keep; {@code passedOn} succeeds when it has gone on, or fails to give up the exchange. */
    void onContent(ByteBuffer chunk, Callback passedOn);

    /** The answer's end; {@code last} is its body's final piece when that completes a known length (one write for both), else empty. */
    void onComplete(ByteBuffer last);

    /** The exchange failed; {@code answered} says whether the answer's head had arrived. */
    void onFailure(Throwable cause, boolean answered);

    /** The upstream answered something that is not HTTP (or switched protocols unasked): trying again will not help. */
    final class BadAnswer extends java.io.IOException {
        BadAnswer(String message) {
            super(message);
        }
    }

    /** Writes a request body to the upstream, blocking until each piece is written. */
    interface BodyWriter {
        void write(ByteBuffer piece) throws Exception;
    }
}
