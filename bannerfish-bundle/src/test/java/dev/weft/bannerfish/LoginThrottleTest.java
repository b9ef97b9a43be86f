package dev.weft.bannerfish;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.time.Instant;
import org.junit.Test;

public class LoginThrottleTest {
    private final LoginThrottle throttle = new LoginThrottle();
    private final Instant t0 = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    public void aClientIsRefusedAfterTheLimitUntilItsWindowHasPassed() {
        for (int i = 0; i < LoginThrottle.LIMIT - 1; i++) throttle.failed("10.0.0.1", t0.plusSeconds(i));
        assertNull(throttle.refusedUntil("10.0.0.1", t0.plusSeconds(10)));
        throttle.failed("10.0.0.1", t0.plusSeconds(10));
        assertEquals(t0.plus(LoginThrottle.WINDOW), throttle.refusedUntil("10.0.0.1", t0.plusSeconds(11)));
        assertNull("another address is not refused", throttle.refusedUntil("10.0.0.2", t0.plusSeconds(11)));
        assertNull(throttle.refusedUntil("10.0.0.1", t0.plus(LoginThrottle.WINDOW)));
    }

    @Test
    public void clientsWhoseWindowHasPassedAreForgottenOnceManyAreRemembered() {
        for (int i = 0; i < 10_000; i++) throttle.failed("10.1." + (i >> 8) + "." + (i & 255), t0);
        throttle.failed("10.2.0.1", t0.plus(LoginThrottle.WINDOW));
        assertEquals("only the client still within its window", 1, throttle.remembered());

        Instant pruned = t0.plus(LoginThrottle.WINDOW);
        for (int i = 0; i < 10_000; i++) throttle.failed("10.3." + (i >> 8) + "." + (i & 255), t0);
        throttle.failed("10.2.0.2", pruned.plusSeconds(30));
        assertEquals("not scanned again within a minute", 10_002, throttle.remembered());
        throttle.failed("10.2.0.3", pruned.plusSeconds(60));
        assertEquals(3, throttle.remembered());
    }
}
