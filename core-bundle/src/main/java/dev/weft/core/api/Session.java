package dev.weft.core.api;

/**
 * Per-client state kept in memory and found through a cookie (Twisted's {@code server.Session}).
 * A session expires after the site's timeout without a request that uses it.
 */
public interface Session {
    /** The cookie value: 64 lowercase hex digits. */
    String getId();

    Object getAttribute(String name);

    void setAttribute(String name, Object value);

    void removeAttribute(String name);

    /** Ends the session now; the next {@link Request#getSession()} starts a new one. */
    void expire();

    /** Runs once when the session expires or is expired. */
    void notifyOnExpire(Runnable callback);
}
