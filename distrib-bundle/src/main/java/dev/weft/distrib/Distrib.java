package dev.weft.distrib;

import dev.weft.core.api.Resource;
import dev.weft.core.api.ResourceType;
import dev.weft.core.api.RootWrapper;
import dev.weft.proxy.api.HttpForwarder;
import dev.weft.proxy.api.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/** What the bundle contributes: the {@code subscription} and {@code userdir} types, and user hosts. */
final class Distrib {
    private Distrib() {}

    /**
     * {@code subscription:unix:/PATH}, {@code subscription:tcp:HOST:PORT}, comma-separated for
     * several. Configuration {@value #PID} (optional): {@code timeout} seconds.
     */
    @Component(service = {ResourceType.class, Subscriptions.class}, property = ResourceType.NAME + "=subscription",
            configurationPid = Subscriptions.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
    public static final class Subscriptions implements ResourceType {
        static final String PID = "dev.weft.distrib";

        @interface Config {
            int timeout() default 60;
        }

        private HttpForwarder forwarder;

        @Activate
        void activate(Config config) throws Exception {
            forwarder = new HttpForwarder(Duration.ofSeconds(config.timeout()));
        }

        @Deactivate
        void deactivate() throws Exception {
            forwarder.close();
        }

        @Override
        public Resource create(String spec) {
            return new ResourceSubscription(ResourceSubscription.parse(spec), forwarder);
        }

        Resource to(Path socket) {
            return new ResourceSubscription(List.of(Target.unix(socket)), forwarder);
        }
    }

    /** {@code userdir}: the system's users' sites; public_html served with the site's file options. */
    @Component(service = {ResourceType.class, UserDirectories.class}, property = ResourceType.NAME + "=userdir")
    public static final class UserDirectories implements ResourceType {
        @Reference(target = "(" + ResourceType.NAME + "=file)") private ResourceType files;
        @Reference private Subscriptions subscriptions;

        @Override
        public Resource create(String passwd) {
            return directory(passwd);
        }

        UserDirectory directory(String passwd) {
            return new UserDirectory(new Passwd(Path.of(passwd.isEmpty() ? "/etc/passwd" : passwd)),
                    dir -> files.create(dir.toString()), subscriptions::to);
        }
    }

    /** Configuration {@value #PID} ({@code --user-hosts example.com}). */
    @Component(configurationPid = UserHostsWrapper.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, property = "service.ranking:Integer=150")
    public static final class UserHostsWrapper implements RootWrapper {
        static final String PID = "dev.weft.userhosts";

        @interface Config {
            String domain();

            String passwd() default "";
        }

        @Reference private UserDirectories users;
        private String domain;
        private String passwd;

        @Activate
        void activate(Config config) {
            domain = config.domain();
            passwd = config.passwd();
        }

        @Override
        public Resource wrap(Resource root) {
            return new UserHosts(root, domain, users.directory(passwd));
        }
    }
}
