package dev.weft.bannerfish;

import dev.weft.bannerfish.store.Store;
import dev.weft.core.api.Resource;
import dev.weft.core.api.ResourceType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bannerfish in the server. Configuration {@value #PID} (optional): {@code path} where it
 * mounts itself (default {@code /bannerfish}; empty for nowhere) and {@code data}, its data
 * directory (default {@code <weft.data>/bannerfish}). It is also the resource type
 * {@code bannerfish} ({@code --mount /ads=bannerfish} or {@code bannerfish:DATA-DIR}).
 */
@Component(service = {ResourceType.class, BannerfishApp.class}, property = ResourceType.NAME + "=bannerfish",
        configurationPid = BannerfishApp.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class BannerfishApp implements ResourceType {
    static final String PID = "dev.weft.bannerfish";
    private static final Logger LOG = LoggerFactory.getLogger(BannerfishApp.class);

    @interface Config {
        String path() default "/bannerfish";

        String data() default "";
    }

    private final Map<Path, Store> stores = new ConcurrentHashMap<>();
    private Path defaultData;
    private ServiceRegistration<Resource> mounted;

    @Activate
    void activate(BundleContext context, Config config) {
        String data = config.data();
        if (data.isEmpty()) {
            String weftData = context.getProperty("weft.data");
            data = (weftData != null ? Path.of(weftData) : Path.of(System.getProperty("user.home"), ".weft")).resolve("bannerfish").toString();
        }
        defaultData = Path.of(data).toAbsolutePath().normalize();
        if (!config.path().isEmpty()) {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(Resource.PATH, config.path());
            mounted = context.registerService(Resource.class, site(defaultData), props);
        }
        LOG.info("Bannerfish ready; data in {}{}", defaultData, config.path().isEmpty() ? "" : ", mounted at " + config.path());
    }

    @Deactivate
    void deactivate() {
        if (mounted != null) mounted.unregister();
        for (Store s : stores.values()) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.warn("closing {}: {}", s.directory(), e.toString());
            }
        }
        stores.clear();
    }

    @Override
    public Resource create(String dataDir) {
        return site(dataDir.isEmpty() ? defaultData : Path.of(dataDir).toAbsolutePath().normalize());
    }

    /** The store in the default data directory, for the shell commands. */
    Store store() {
        return store(defaultData);
    }

    private BannerfishSite site(Path data) {
        return new BannerfishSite(store(data), Clock.systemDefaultZone());
    }

    private Store store(Path data) {
        return stores.computeIfAbsent(data, d -> {
            try {
                return Store.open(d);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open Bannerfish's data in " + d, e);
            }
        });
    }
}
