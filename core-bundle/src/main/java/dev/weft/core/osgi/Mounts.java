package dev.weft.core.osgi;

import dev.weft.core.api.Resource;
import dev.weft.core.mount.MountTable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the {@link MountTable} and feeds it the whiteboard: every {@link Resource} service with
 * {@value Resource#PATH} is mounted there while it is registered. When a provider goes, its path
 * waits {@link #GRACE_MILLIS} for it to come back (a bundle being updated), unless its bundle was
 * uninstalled.
 */
@Component(service = Mounts.class, immediate = true)
public final class Mounts {
    static final long GRACE_MILLIS = 5000;
    private static final Logger LOG = LoggerFactory.getLogger(Mounts.class);

    final MountTable table = new MountTable();
    /** Providers per path, newest last: the newest is the one mounted. */
    private final Map<String, List<Provider>> providers = new ConcurrentHashMap<>();
    /** Paths whose provider left, by the bundle that provided them. */
    private final Map<String, Long> departed = new ConcurrentHashMap<>();
    private BundleContext context;
    private final SynchronousBundleListener uninstalls = this::bundleChanged;

    private record Provider(Resource resource, long bundle) {
    }

    @Activate
    void activate(BundleContext context) {
        this.context = context;
        context.addBundleListener(uninstalls);
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(uninstalls);
        table.close();
    }

    @Reference(service = Resource.class, target = "(" + Resource.PATH + "=*)", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindResource(ServiceReference<Resource> ref, Resource resource) {
        String path = pathOf(ref);
        if (path == null) return;
        providers.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(new Provider(resource, ref.getBundle().getBundleId()));
        try {
            table.mount(path, resource);
            departed.remove(path);
            LOG.info("mounted {} at {} (bundle {})", resource, path, ref.getBundle().getSymbolicName());
        } catch (IllegalArgumentException e) {
            LOG.error("bundle {} registered a resource with a bad {}: {}", ref.getBundle().getSymbolicName(), Resource.PATH, e.getMessage());
        }
    }

    void unbindResource(ServiceReference<Resource> ref, Resource resource) {
        String path = pathOf(ref);
        if (path == null) return;
        List<Provider> list = providers.getOrDefault(path, List.of());
        list.removeIf(p -> p.resource == resource);
        Provider next = list.isEmpty() ? null : list.get(list.size() - 1);
        try {
            if (next != null) {
                table.mount(path, next.resource);
            } else {
                if (ref.getBundle() != null) departed.put(path, ref.getBundle().getBundleId());
                table.unmount(path, GRACE_MILLIS, null);
                LOG.info("{} left {}; holding requests up to {} ms for its return", resource, path, GRACE_MILLIS);
            }
        } catch (IllegalArgumentException e) {
            // never mounted
        }
    }

    /** A configured mount lost its type: wait for it, then answer {@code absent}. */
    void typeLeft(String path, Bundle provider, Resource absent) {
        if (provider != null) departed.put(path, provider.getBundleId());
        table.unmount(path, GRACE_MILLIS, absent);
    }

    private void bundleChanged(BundleEvent event) {
        if (event.getType() != BundleEvent.UNINSTALLED) return;
        long id = event.getBundle().getBundleId();
        departed.forEach((path, bundle) -> {
            if (bundle == id && departed.remove(path, bundle)) table.giveUp(path);
        });
    }

    private static String pathOf(ServiceReference<?> ref) {
        Object p = ref.getProperty(Resource.PATH);
        return p instanceof String s ? s : null;
    }

    public MountTable table() {
        return table;
    }
}
