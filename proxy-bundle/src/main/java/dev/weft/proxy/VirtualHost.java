package dev.weft.proxy;

import dev.weft.core.api.ErrorPage;
import dev.weft.core.api.Resource;
import dev.weft.core.api.ResourceType;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * One named virtual host, configuration {@value #PID} ({@code --vhost foo.com=DIR}): its tree
 * is a resource of a named type ({@code file:DIR}, {@code proxy:URL}, ...), made when the type
 * is present and answering 503 until then.
 */
@Component(service = VirtualHost.class, configurationPid = VirtualHost.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class VirtualHost {
    static final String PID = "dev.weft.vhost";

    @interface Config {
        String host();

        String type();
    }

    private final Map<ResourceType, Resource> made = new ConcurrentHashMap<>();
    private final Map<String, ResourceType> types = new ConcurrentHashMap<>();
    private String host;
    private String typeName;
    private String argument;

    @Activate
    void activate(Config config) {
        host = normal(config.host());
        int colon = config.type().indexOf(':');
        typeName = colon < 0 ? config.type() : config.type().substring(0, colon);
        argument = colon < 0 ? "" : config.type().substring(colon + 1);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindType(ResourceType type, Map<String, Object> props) {
        if (props.get(ResourceType.NAME) instanceof String name) types.put(name, type);
    }

    void unbindType(ResourceType type, Map<String, Object> props) {
        if (props.get(ResourceType.NAME) instanceof String name) types.remove(name, type);
        made.remove(type);
    }

    String host() {
        return host;
    }

    /** The host's tree now: made once per provider of its type. */
    Resource tree() {
        ResourceType type = types.get(typeName);
        if (type == null) {
            return new ErrorPage(503, "Service Unavailable", "This host is served by a resource of type '" + typeName + "', which is not installed.");
        }
        return made.computeIfAbsent(type, t -> t.create(argument));
    }

    String describe() {
        return host + " -> " + typeName + (argument.isEmpty() ? "" : ":" + argument) + (types.containsKey(typeName) ? "" : "  (type not installed: 503)");
    }

    /** Host names match without case and without a port. */
    static String normal(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) return h;
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }
}
