package dev.weft.core.site;

import dev.weft.core.api.Resource;
import dev.weft.testkit.Http;
import java.time.Duration;
import java.util.List;
import org.junit.rules.ExternalResource;

/** A real site on 127.0.0.1 (ephemeral port) for one test, stopped after it. */
public final class SiteRule extends ExternalResource implements AutoCloseable {
    /** Builds the root when the rule starts (after folders it needs exist). */
    @FunctionalInterface
    public interface RootFactory {
        Resource create() throws Exception;
    }

    private final RootFactory root;
    public Site site;
    public WebServer server;

    public SiteRule(Resource root) {
        this.root = () -> root;
    }

    public SiteRule(RootFactory root) {
        this.root = root;
    }

    /** A site started now, for try-with-resources. */
    public static SiteRule running(Resource root) throws Throwable {
        SiteRule rule = new SiteRule(root);
        rule.before();
        return rule;
    }

    @Override
    public void close() {
        after();
    }

    @Override
    protected void before() throws Throwable {
        site = new Site(root.create(), new Sessions(Duration.ofMinutes(15), false));
        server = new WebServer(site, List.of(Listener.tcp("127.0.0.1", 0)), null, 2000);
        server.start();
    }

    @Override
    protected void after() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    public Http http() {
        return Http.tcp(server.port());
    }
}
