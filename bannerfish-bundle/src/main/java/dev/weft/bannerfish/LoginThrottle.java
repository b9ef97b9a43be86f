package dev.weft.bannerfish;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wrong passwords per client address: after {@value #LIMIT} within {@link #WINDOW}, that
 * client's logins are refused until the window has passed, so guessing goes no faster than that
 * from one address (each wrong password is also answered only after a second). A right password
 * clears the count.
 */
final class LoginThrottle {
    static final int LIMIT = 5;
    static final Duration WINDOW = Duration.ofMinutes(15);
    /**
     * More clients than this and those whose window has passed are forgotten, at most once a
     * minute: with that many guessing at once, a failure must not scan them all each time.
     */
    private static final int REMEMBERED = 10_000;
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);

    private record Failures(Instant first, int count) {}

    private final Map<String, Failures> byClient = new ConcurrentHashMap<>();
    private volatile Instant pruned = Instant.MIN;

    /** When {@code client} may try again, or null if it may now. */
    Instant refusedUntil(String client, Instant now) {
        Failures f = byClient.get(client);
        if (f == null || f.count() < LIMIT) return null;
        Instant until = f.first().plus(WINDOW);
        return now.isBefore(until) ? until : null;
    }

    void failed(String client, Instant now) {
        if (byClient.size() >= REMEMBERED && !now.isBefore(pruned.plus(PRUNE_EVERY))) {
            pruned = now;
            byClient.values().removeIf(f -> !now.isBefore(f.first().plus(WINDOW)));
        }
        byClient.merge(client, new Failures(now, 1),
                (old, one) -> now.isBefore(old.first().plus(WINDOW)) ? new Failures(old.first(), old.count() + 1) : one);
    }

    void succeeded(String client) {
        byClient.remove(client);
    }

    /** How many clients it remembers failures of. */
    int remembered() {
        return byClient.size();
    }
}
