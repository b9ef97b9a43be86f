package dev.weft.bannerfish;

import dev.weft.bannerfish.store.Store;
import dev.weft.core.api.ErrorPage;
import dev.weft.core.api.Request;
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

    private static final long RETRY_NANOS = 5_000_000_000L;
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
        try {
            return store(defaultData);
        } catch (IOException e) {
            throw new IllegalStateException("Bannerfish cannot open its data in " + defaultData + ": " + e.getMessage());
        }
    }

    /**
     * Bannerfish on the data in {@code data}. If that cannot be opened (unreadable, in use by
     * another process), a log line says why and requests get a 503 saying so, until it opens:
     * it is tried again at most every few seconds, so fixing the cause brings it back.
     */
    private Resource site(Path data) {
        Resource[] site = new Resource[1];
        long[] lastTry = {System.nanoTime()};
        try {
            site[0] = new BannerfishSite(store(data), Clock.systemDefaultZone());
            return site[0];
        } catch (IOException | RuntimeException e) {
            LOG.error("Bannerfish cannot open its data in {}: {}; answering 503 until it can", data, e.toString());
        }
        return new Resource.Delegating() {
            @Override
            public synchronized Resource target(Request request) {
                if (site[0] == null && System.nanoTime() - lastTry[0] > RETRY_NANOS) {
                    lastTry[0] = System.nanoTime();
                    try {
                        site[0] = new BannerfishSite(store(data), Clock.systemDefaultZone());
                        LOG.info("Bannerfish opened its data in {}", data);
                    } catch (IOException | RuntimeException e) {
                        LOG.error("Bannerfish still cannot open its data in {}: {}", data, e.toString());
                    }
                }
                return site[0] != null ? site[0] : new ErrorPage(503, "Service Unavailable",
                        "Bannerfish cannot open its data; the server log says why.");
            }

            @Override
            public String toString() {
                return "Bannerfish[" + data + ", unavailable]";
            }
        };
    }

    private Store store(Path data) throws IOException {
        try {
            return stores.computeIfAbsent(data, d -> {
                try {
                    return Store.open(d);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
