package dev.weft.core.osgi;

import dev.weft.core.api.Resource;
import dev.weft.core.api.RootWrapper;
import dev.weft.core.site.Listener;
import dev.weft.core.site.Sessions;
import dev.weft.core.site.Site;
import dev.weft.core.site.WebServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running site: configuration {@value SiteConfig#PID} gives its listeners, log and headers;
 * its root is the mount table wrapped by every {@link RootWrapper} service (virtual hosts,
 * rewrites), rewrapped as they come and go.
 */
@Component(service = SiteComponent.class, configurationPid = SiteConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
public final class SiteComponent {
    private static final Logger LOG = LoggerFactory.getLogger(SiteComponent.class);

    @Reference
    private Mounts mounts;

    /** Wrappers by ranking, then by service id (older first). */
    private final Map<ServiceReference<RootWrapper>, RootWrapper> wrappers = new ConcurrentSkipListMap<>();
    private Site site;
    private WebServer server;

    @Activate
    void activate(SiteConfig config) throws Exception {
        List<Listener> listeners = new ArrayList<>();
        if (config.port() >= 0) listeners.add(Listener.tcp(config.interface$(), config.port()));
        for (String spec : config.listen()) listeners.add(Listener.parse(spec));
        site = new Site(mounts.table(), new Sessions(Duration.ofSeconds(config.sessionTimeout()), config.sessionHttpOnly()));
        site.setExtraHeaders(headers(config.header()));
        rewrap();
        server = new WebServer(site, listeners, config.logfile().isEmpty() ? null : Path.of(config.logfile()), config.stopTimeout());
        try {
            server.start();
        } catch (Exception e) {
            LOG.error("cannot start the site on {}: {}", listeners, e.getMessage());
            throw e;
        }
        LOG.info("serving on {}", server.describe());
    }

    @Deactivate
    void deactivate() throws Exception {
        server.stop();
    }

    /** {@code Name: value} lines, split at the first colon and trimmed (Twisted's rule). */
    static List<String[]> headers(String[] lines) {
        List<String[]> out = new ArrayList<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon <= 0) throw new IllegalArgumentException("--add-header expects 'Name: value', got '" + line + "'");
            out.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
        }
        return out;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindWrapper(ServiceReference<RootWrapper> ref, RootWrapper wrapper) {
        wrappers.put(ref, wrapper);
        rewrap();
    }

    void unbindWrapper(ServiceReference<RootWrapper> ref, RootWrapper wrapper) {
        wrappers.remove(ref);
        rewrap();
    }

    /** ServiceReference orders by ranking then age, ascending: the highest ranking wraps last, outermost. */
    private synchronized void rewrap() {
        if (site == null) return;
        Resource root = mounts.table();
        for (RootWrapper w : wrappers.values()) root = w.wrap(root);
        site.setRoot(root);
    }

    public List<String> listeners() {
        return server == null ? List.of() : server.describe();
    }

    public Resource root() {
        return site == null ? null : site.root();
    }
}
