package dev.weft.core.osgi;

import dev.weft.core.api.Registry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The shared {@link Registry}: components set by type and name, falling back to the OSGi
 * service registry (a service of that type, with {@code name=NAME} when a name is given).
 */
@Component(service = Registry.class)
public final class RegistryComponent implements Registry {
    private record Key(Class<?> type, String name) {
    }

    private final Map<Key, Object> components = new ConcurrentHashMap<>();
    private final Map<ServiceReference<?>, Boolean> gotten = new ConcurrentHashMap<>();
    private BundleContext context;

    @Activate
    void activate(BundleContext context) {
        this.context = context;
    }

    @Deactivate
    void deactivate() {
        gotten.keySet().forEach(ref -> {
            try {
                context.ungetService(ref);
            } catch (IllegalStateException e) {
                // the framework is going away
            }
        });
    }

    @Override
    public <T> T getComponent(Class<T> type) {
        return getComponent(type, null);
    }

    @Override
    public <T> T getComponent(Class<T> type, String name) {
        Object set = components.get(new Key(type, name));
        if (set != null) return type.cast(set);
        try {
            for (ServiceReference<T> ref : context.getServiceReferences(type, name == null ? null : "(name=" + name + ")")) {
                T service = context.getService(ref);
                if (service != null) {
                    gotten.put(ref, Boolean.TRUE);
                    return service;
                }
            }
        } catch (InvalidSyntaxException | IllegalStateException e) {
            return null;
        }
        return null;
    }

    @Override
    public <T> void setComponent(Class<T> type, T component) {
        setComponent(type, null, component);
    }

    @Override
    public <T> void setComponent(Class<T> type, String name, T component) {
        components.put(new Key(type, name), type.cast(component));
    }

    @Override
    public void unsetComponent(Class<?> type) {
        unsetComponent(type, null);
    }

    @Override
    public void unsetComponent(Class<?> type, String name) {
        components.remove(new Key(type, name));
    }
}
