package dev.weft.proxy;

import dev.weft.core.api.Resource;
import dev.weft.core.api.RootWrapper;
import java.util.Arrays;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * Configuration {@value #PID} ({@code --rewrite tilde-users}, {@code --alias /OLD=/NEW}): the
 * rewrite rules, in order, in front of everything else (virtual hosts included).
 */
@Component(configurationPid = Rewrites.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, property = "service.ranking:Integer=200")
public final class Rewrites implements RootWrapper {
    static final String PID = "dev.weft.rewrite";

    @interface Config {
        String[] rules() default {};
    }

    private List<RewriterResource.Rule> rules;

    @Activate
    void activate(Config config) {
        rules = Arrays.stream(config.rules()).map(RewriterResource.Rule::parse).toList();
    }

    @Override
    public Resource wrap(Resource root) {
        return rules.isEmpty() ? root : new RewriterResource(root, rules);
    }
}
