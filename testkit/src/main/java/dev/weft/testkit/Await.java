package dev.weft.testkit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** Polls a condition with a deadline, so tests wait for what they need instead of sleeping. */
public final class Await {
    private Await() {
    }

    /** A check that may throw; an exception counts as "not yet". */
    @FunctionalInterface
    public interface Probe<T> {
        T get() throws Exception;
    }

    /** Returns the first non-null, non-false value of {@code probe}; fails after {@code timeout}. */
    public static <T> T until(Duration timeout, String what, Probe<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable last = null;
        for (;;) {
            try {
                T value = probe.get();
                if (value != null && !Boolean.FALSE.equals(value)) return value;
            } catch (Exception | AssertionError e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError failure = new AssertionError("timed out after " + timeout + " waiting for " + what);
                if (last != null) failure.initCause(last);
                throw failure;
            }
            LockSupport.parkNanos(20_000_000L);
        }
    }
}
