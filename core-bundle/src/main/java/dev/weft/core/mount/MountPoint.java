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
 *
 * <p>A resource that goes (or is replaced) first finishes the requests it is serving, for up to
 * {@link #DRAIN_MILLIS}: its bundle stops only after that, so an update fails none of them.
 */
final class MountPoint {
    static final long DRAIN_MILLIS = 2000;
    final List<String> path;
    private Tenure current;
    private Resource whenAbsent;
    private long graceUntil;
    private final List<Waiter> waiters = new ArrayList<>();

    private record Waiter(Request request, Runnable onGiveUp) {
    }

    /** A resource's time at this point, and the requests it is serving. */
    private static final class Tenure {
        final Resource resource;
        private int serving;

        Tenure(Resource resource) {
            this.resource = resource;
        }

        /** Counts {@code request} as served by this resource until it finishes. */
        synchronized Resource serve(Request request) {
            serving++;
            request.notifyFinish().whenComplete((done, failure) -> finished());
            return resource;
        }

        private synchronized void finished() {
            if (--serving == 0) notifyAll();
        }

        /** Waits until it serves nothing more, or {@code millis} have passed. */
        synchronized void drain(long millis) {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            try {
                for (long left; serving > 0 && (left = until - System.nanoTime()) > 0; ) TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    MountPoint(List<String> path) {
        this.path = List.copyOf(path);
    }

    synchronized Resource current() {
        return current == null ? null : current.resource;
    }

    /** The resource here, serving {@code request} (see {@link #clear}); null while it is away. */
    synchronized Resource serve(Request request) {
        return current == null ? null : current.serve(request);
    }

    /** The resource arrived (or was replaced): waiting requests continue with it; a replaced one finishes what it serves. */
    void set(Resource resource) {
        List<Waiter> ready;
        Tenure old;
        synchronized (this) {
            old = current;
            current = new Tenure(resource);
            ready = new ArrayList<>(waiters);
            waiters.clear();
        }
        for (Waiter w : ready) {
            Resource now = serve(w.request);
            if (now != null) Site.render(now, w.request);
            else w.onGiveUp.run(); // gone again already: the table takes it from the top
        }
        if (old != null) old.drain(DRAIN_MILLIS);
    }

    /**
     * The resource went; requests wait up to {@code graceMillis} for another, then get {@code
     * absent}. Returns once the requests it was serving have finished (or {@link #DRAIN_MILLIS}).
     */
    void clear(Resource absent, long graceMillis) {
        Tenure old;
        synchronized (this) {
            old = current;
            current = null;
            whenAbsent = absent;
            graceUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        }
        if (old != null) old.drain(DRAIN_MILLIS);
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
                    now = serve(request);
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
