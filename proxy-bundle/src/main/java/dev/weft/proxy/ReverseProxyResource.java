package dev.weft.proxy;

import dev.weft.core.api.ErrorPage;
import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import dev.weft.proxy.api.HttpForwarder;
import dev.weft.proxy.api.HttpForwarder.Outcome;
import dev.weft.proxy.api.Target;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Twisted's {@code ReverseProxyResource} ({@code proxy:http://127.0.0.1:81/foo/}): a leaf that
 * sends the rest of the path and the query on to the backend and streams its answer back.
 */
final class ReverseProxyResource implements Resource {
    private static final Logger LOG = LoggerFactory.getLogger(ReverseProxyResource.class);

    private final Target target;
    private final HttpForwarder forwarder;
    private final HttpForwarder.Options options;

    ReverseProxyResource(Target target, HttpForwarder forwarder, boolean keepHost) {
        this.target = target;
        this.forwarder = forwarder;
        this.options = new HttpForwarder.Options(keepHost, false, true);
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
        forwarder.forward(request, target, options).thenAccept(outcome -> {
            if (outcome == Outcome.UNREACHABLE) {
                LOG.warn("502 for {}: cannot connect to {}", request, target);
                new ErrorPage(502, "Bad Gateway", "Could not connect to the server behind this one.").render(request);
            }
        });
    }

    @Override
    public String toString() {
        return "ReverseProxyResource[" + target + "]";
    }
}
