package dev.weft.proxy;

import dev.weft.core.api.Resource;
import dev.weft.core.api.RootWrapper;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Puts a {@link NameVirtualHost} in front of the site's tree (which stays the default host),
 * with the configured {@link VirtualHost}s as they come and go.
 */
@Component(service = {RootWrapper.class, VirtualHosts.class}, property = "service.ranking:Integer=100")
public final class VirtualHosts implements RootWrapper {
    private final Map<String, VirtualHost> hosts = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindHost(VirtualHost host) {
        hosts.put(host.host(), host);
    }

    void unbindHost(VirtualHost host) {
        hosts.remove(host.host(), host);
    }

    @Override
    public Resource wrap(Resource root) {
        return new NameVirtualHost(root, hosts);
    }

    Map<String, VirtualHost> hosts() {
        return hosts;
    }
}
