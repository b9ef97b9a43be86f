package dev.weft.proxy;

import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import java.util.Map;

/**
 * Twisted's {@code NameVirtualHost}: the tree for the request's host name (case and port
 * ignored), or the default tree for any other host.
 */
final class NameVirtualHost implements Resource.Delegating {
    private final Resource defaultTree;
    private final Map<String, VirtualHost> hosts;

    NameVirtualHost(Resource defaultTree, Map<String, VirtualHost> hosts) {
        this.defaultTree = defaultTree;
        this.hosts = hosts;
    }

    @Override
    public Resource target(Request request) {
        VirtualHost host = hosts.get(VirtualHost.normal(request.getRequestHostname()));
        return host == null ? defaultTree : host.tree();
    }

    @Override
    public String toString() {
        return "NameVirtualHost" + hosts.keySet() + " default " + defaultTree;
    }
}
