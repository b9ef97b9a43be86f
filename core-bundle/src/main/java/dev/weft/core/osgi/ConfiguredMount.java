package dev.weft.core.osgi;

import dev.weft.core.api.ErrorPage;
import dev.weft.core.api.Resource;
import dev.weft.core.api.ResourceType;
import dev.weft.core.mount.MountTable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured mount: a resource of a named type at a path. Until a bundle provides the type
 * the path answers 503; when the type arrives the resource is created and mounted, and when it
 * leaves the path waits briefly for its return (an update), then answers 503 again.
 */
@Component(service = ConfiguredMount.class, configurationPid = MountConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
public final class ConfiguredMount {
    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredMount.class);

    @Reference
    private Mounts mounts;

    private String path;
    private String typeName;
    private String argument;
    private ServiceReference<ResourceType> using;
    private boolean active;

    @Activate
    synchronized void activate(MountConfig config) {
        path = MountTable.format(MountTable.parse(config.path()));
        int colon = config.type().indexOf(':');
        typeName = colon < 0 ? config.type() : config.type().substring(0, colon);
        argument = colon < 0 ? "" : config.type().substring(colon + 1);
        active = true;
        bound.forEach(this::offer);
        if (using == null) {
            LOG.info("{} waits for resource type '{}' (503 until a bundle provides it)", path, typeName);
            mounts.table().unmount(path, 0, notInstalled());
        }
    }

    @Deactivate
    synchronized void deactivate() {
        active = false;
        using = null; // DS unbinds the type after this; that is not the type leaving
        mounts.table().remove(path);
    }

    /** Every type bound so far (DS binds before activation, and types come and go). */
    private final Map<ServiceReference<ResourceType>, ResourceType> bound = new LinkedHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    synchronized void bindType(ServiceReference<ResourceType> ref, ResourceType type) {
        bound.put(ref, type);
        if (active) offer(ref, type);
    }

    synchronized void unbindType(ServiceReference<ResourceType> ref, ResourceType type) {
        bound.remove(ref);
        if (!active || !ref.equals(using)) return;
        using = null;
        LOG.info("resource type '{}' left; {} waits for it", typeName, path);
        mounts.typeLeft(path, ref.getBundle(), notInstalled());
        bound.forEach(this::offer);
    }

    private void offer(ServiceReference<ResourceType> ref, ResourceType type) {
        if (using != null || !typeName.equals(ref.getProperty(ResourceType.NAME))) return;
        using = ref;
        try {
            Resource resource = type.create(argument);
            mounts.table().mount(path, resource);
            LOG.info("mounted {} at {}", resource, path);
        } catch (RuntimeException e) {
            LOG.error("cannot mount {}={}:{}: {}", path, typeName, argument, e.getMessage());
            mounts.table().mount(path, new ErrorPage(503, "Service Unavailable",
                    "The resource at this path is misconfigured; the server log says why."));
        }
    }

    private ErrorPage notInstalled() {
        return new ErrorPage(503, "Service Unavailable",
                "This path is served by a resource of type '" + typeName + "', which is not installed.");
    }
}
