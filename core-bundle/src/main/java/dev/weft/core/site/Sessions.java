package dev.weft.core.site;

import dev.weft.core.api.Session;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-memory sessions found by cookie (Twisted's {@code Site.sessions}): the cookie is
 * {@code TWISTED_SESSION} ({@code TWISTED_SECURE_SESSION} over HTTPS) plus {@code _segment} for
 * each segment of the site path, its value 32 random bytes in hex, {@code Path=/}.
 */
public final class Sessions {
    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
    private final long timeoutNanos;
    private final boolean httpOnly;
    private Scheduler.Task sweep;

    public Sessions(Duration timeout, boolean httpOnly) {
        this.timeoutNanos = timeout.toNanos();
        this.httpOnly = httpOnly;
    }

    /** Starts expiring idle sessions on the given scheduler. */
    public void start(Scheduler scheduler) {
        long period = Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(timeoutNanos) / 4, 60_000));
        Runnable[] self = new Runnable[1];
        self[0] = () -> {
            sweep();
            sweep = scheduler.schedule(self[0], period, TimeUnit.MILLISECONDS);
        };
        sweep = scheduler.schedule(self[0], period, TimeUnit.MILLISECONDS);
    }

    public void stop() {
        if (sweep != null) sweep.cancel();
        sessions.values().forEach(Entry::expire);
    }

    public int size() {
        return sessions.size();
    }

    void sweep() {
        long now = System.nanoTime();
        for (Entry e : sessions.values()) if (now - e.lastAccess > timeoutNanos) e.expire();
    }

    /** False once the session expired or was expired. */
    boolean isLive(Session session) {
        return sessions.get(session.getId()) == session;
    }

    Session forRequest(SiteRequest request) {
        StringBuilder name = new StringBuilder(request.isSecure() ? "TWISTED_SECURE_SESSION" : "TWISTED_SESSION");
        for (String segment : request.sitepath()) name.append('_').append(segment);
        String cookie = name.toString();
        String id = request.getCookie(cookie);
        Entry existing = id == null ? null : sessions.get(id);
        if (existing != null && System.nanoTime() - existing.lastAccess <= timeoutNanos) {
            existing.lastAccess = System.nanoTime();
            return existing;
        }
        if (existing != null) existing.expire();
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        Entry created = new Entry(HexFormat.of().formatHex(bytes));
        sessions.put(created.id, created);
        request.addHeader("Set-Cookie", cookie + "=" + created.id + "; Path=/"
                + (request.isSecure() ? "; Secure" : "") + (httpOnly ? "; HttpOnly; SameSite=Lax" : ""));
        return created;
    }

    private final class Entry implements Session {
        final String id;
        final Map<String, Object> attributes = new ConcurrentHashMap<>();
        final List<Runnable> onExpire = new CopyOnWriteArrayList<>();
        volatile long lastAccess = System.nanoTime();

        Entry(String id) {
            this.id = id;
        }

        @Override
        public String getId() {
            return id;
        }

        @Override
        public Object getAttribute(String name) {
            return attributes.get(name);
        }

        @Override
        public void setAttribute(String name, Object value) {
            attributes.put(name, value);
        }

        @Override
        public void removeAttribute(String name) {
            attributes.remove(name);
        }

        @Override
        public void expire() {
            if (sessions.remove(id, this)) {
                for (Runnable r : onExpire) {
                    try {
                        r.run();
                    } catch (RuntimeException e) {
                        LOG.warn("session expiry callback failed", e);
                    }
                }
            }
        }

        @Override
        public void notifyOnExpire(Runnable callback) {
            onExpire.add(callback);
        }
    }
}
