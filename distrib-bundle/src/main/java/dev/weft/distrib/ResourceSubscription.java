package dev.weft.distrib;

import dev.weft.core.api.ErrorPage;
import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import dev.weft.proxy.api.HttpForwarder;
import dev.weft.proxy.api.HttpForwarder.Outcome;
import dev.weft.proxy.api.Target;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Twisted's {@code ResourceSubscription}: this part of the site is served by one or more
 * publishers (other Weft sites on UNIX sockets or TCP). The request goes to them over HTTP with
 * its context (client, public host and scheme, the prefix it was mounted at), so what they
 * answer points at this site's URLs. Requests spread across the publishers in turn; one that
 * cannot be reached is skipped for a while, and when none can, the answer is 503.
 */
final class ResourceSubscription implements Resource {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceSubscription.class);
    private static final long RETRY_DEAD_AFTER_MS = 2000;
    private static final HttpForwarder.Options OPTIONS = new HttpForwarder.Options(true, true, false);

    private final List<Publisher> publishers;
    private final HttpForwarder forwarder;
    private final AtomicInteger next = new AtomicInteger();

    /** One publisher and when to try it again after it failed. */
    private static final class Publisher {
        final Target target;
        volatile long deadUntil;

        Publisher(Target target) {
            this.target = target;
        }
    }

    ResourceSubscription(List<Target> targets, HttpForwarder forwarder) {
        if (targets.isEmpty()) throw new IllegalArgumentException("a subscription needs a publisher");
        this.publishers = targets.stream().map(Publisher::new).toList();
        this.forwarder = forwarder;
    }

    /** {@code unix:/path}, {@code tcp:HOST:PORT}, several separated by commas. */
    static List<Target> parse(String spec) {
        List<Target> targets = new ArrayList<>();
        for (String one : spec.split(",")) {
            one = one.trim();
            if (one.startsWith("unix:/")) {
                targets.add(Target.unix(Path.of(one.substring(5))));
            } else if (one.matches("tcp:[^:/]+:\\d+")) {
                targets.add(Target.http("http://" + one.substring(4) + "/"));
            } else {
                throw new IllegalArgumentException("subscription:unix:/PATH or subscription:tcp:HOST:PORT (comma-separated for several), got '" + one + "'");
            }
        }
        return targets;
    }

    @Override
    public boolean isLeaf() {
        return true;
    }

    @Override
    public boolean isNonBlocking(Request request) {
        return HttpForwarder.isNonBlocking(request);
    }

    @Override
    public void render(Request request) {
        int start = Math.floorMod(next.getAndIncrement(), publishers.size());
        List<Publisher> order = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (int i = 0; i < publishers.size(); i++) {
            Publisher p = publishers.get((start + i) % publishers.size());
            if (p.deadUntil <= now) order.add(p);
        }
        for (int i = 0; i < publishers.size(); i++) { // the dead last, in case they are back
            Publisher p = publishers.get((start + i) % publishers.size());
            if (p.deadUntil > now) order.add(p);
        }
        attempt(request, order, 0);
    }

    private void attempt(Request request, List<Publisher> order, int index) {
        if (index == order.size()) {
            LOG.warn("503 for {}: no publisher answers ({})", request, publishers.stream().map(p -> p.target.toString()).toList());
            new ErrorPage(503, "Service Unavailable", "The server that publishes this part of the site is not running. Try again shortly.").render(request);
            return;
        }
        Publisher publisher = order.get(index);
        forwarder.forward(request, publisher.target, OPTIONS).thenAccept(outcome -> {
            if (outcome == Outcome.ANSWERED) {
                if (publisher.deadUntil != 0) LOG.info("publisher {} answers again", publisher.target);
                publisher.deadUntil = 0;
                return;
            }
            if (publisher.deadUntil == 0) LOG.warn("publisher {} does not answer; trying the others", publisher.target);
            publisher.deadUntil = System.currentTimeMillis() + RETRY_DEAD_AFTER_MS;
            attempt(request, order, index + 1);
        });
    }

    @Override
    public String toString() {
        return "ResourceSubscription" + publishers.stream().map(p -> p.target.toString()).toList();
    }
}
