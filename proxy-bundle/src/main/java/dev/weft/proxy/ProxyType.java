package dev.weft.proxy;

import dev.weft.core.api.Resource;
import dev.weft.core.api.ResourceType;
import dev.weft.proxy.api.HttpForwarder;
import dev.weft.proxy.api.Target;
import java.time.Duration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The {@code proxy} resource type, {@code --mount /foo=proxy:http://127.0.0.1:81/foo/}. Configuration
 * {@value #PID} (optional): {@code timeout} seconds a backend may stay silent (504), and
 * {@code keepHost} to send the client's {@code Host} instead of the backend's.
 */
@Component(property = ResourceType.NAME + "=proxy", configurationPid = ProxyType.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class ProxyType implements ResourceType {
    static final String PID = "dev.weft.proxy";

    @interface Config {
        int timeout() default 60;

        boolean keepHost() default false;
    }

    private HttpForwarder forwarder;
    private boolean keepHost;

    @Activate
    void activate(Config config) throws Exception {
        forwarder = new HttpForwarder(Duration.ofSeconds(config.timeout()));
        keepHost = config.keepHost();
    }

    @Deactivate
    void deactivate() throws Exception {
        forwarder.close();
    }

    @Override
    public Resource create(String url) {
        return new ReverseProxyResource(Target.http(url), forwarder, keepHost);
    }
}
