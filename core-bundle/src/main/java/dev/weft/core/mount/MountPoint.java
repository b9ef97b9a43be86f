package dev.weft.core.mount;

import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import dev.weft.core.site.Site;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One mounted path. While its resource is away for a moment (the bundle providing it is being
 * updated), requests for the path wait, without holding a thread, until it is back or the grace
 * period ends; then they get {@code whenAbsent}: a 503 page for configured mounts, or, for
 * mounts by service, whatever the tree has at that path once the mount is gone.
 */
final class MountPoint {
    final List<String> path;
    private Resource current;
    private Resource whenAbsent;
    private long graceUntil;
    private final List<Waiter> waiters = new ArrayList<>();

    private record Waiter(Request request, Runnable onGiveUp) {
    }

    MountPoint(List<String> path) {
        this.path = List.copyOf(path);
    }

    synchronized Resource current() {
        return current;
    }

    /** The resource arrived (or was replaced): waiting requests continue with it. */
    void set(Resource resource) {
        List<Waiter> ready;
        synchronized (this) {
            current = resource;
            ready = new ArrayList<>(waiters);
            waiters.clear();
        }
        for (Waiter w : ready) Site.render(resource, w.request);
    }

    /** The resource went; requests wait up to {@code graceMillis} for another, then get {@code absent}. */
    synchronized void clear(Resource absent, long graceMillis) {
        current = null;
        whenAbsent = absent;
        graceUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
    }

    /** Stops holding requests: they get what is there without the resource, now. */
    void giveUp() {
        List<Waiter> gone;
        synchronized (this) {
            graceUntil = 0;
            gone = new ArrayList<>(waiters);
            waiters.clear();
        }
        for (Waiter w : gone) w.onGiveUp.run();
    }

    synchronized boolean waiting() {
        return current == null && System.nanoTime() < graceUntil;
    }

    synchronized Resource whenAbsent() {
        return whenAbsent;
    }

    /**
     * A leaf standing in while the resource is away; it keeps the rest of the path so the
     * request continues from the resource when it returns.
     */
    Resource holder(ScheduledExecutorService timer, Runnable onGiveUp) {
        return new Resource() {
            @Override
            public boolean isLeaf() {
                return true;
            }

            @Override
            public void render(Request request) {
                Resource now;
                long left;
                synchronized (MountPoint.this) {
                    now = current;
                    left = graceUntil - System.nanoTime();
                    if (now == null && left > 0) waiters.add(new Waiter(request, onGiveUp));
                }
                if (now != null) Site.render(now, request);
                else if (left <= 0) onGiveUp.run();
                else timer.schedule(() -> expire(request), left, TimeUnit.NANOSECONDS);
            }

            private void expire(Request request) {
                Waiter mine = null;
                synchronized (MountPoint.this) {
                    for (Waiter w : waiters) {
                        if (w.request == request) mine = w;
                    }
                    if (mine != null) waiters.remove(mine);
                }
                if (mine != null) mine.onGiveUp.run();
            }

            @Override
            public String toString() {
                return "(waiting for " + MountTable.format(path) + ")";
            }
        };
    }
}
