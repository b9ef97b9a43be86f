package dev.weft.distrib;

import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import java.util.Locale;

/**
 * The tutorial's {@code <user>.example.com}: Host {@code alice.example.com} is alice's user
 * site; any other host is the site as usual.
 */
final class UserHosts implements Resource.Delegating {
    private final Resource tree;
    private final String domain;
    private final UserDirectory users;

    UserHosts(Resource tree, String domain, UserDirectory users) {
        this.tree = tree;
        this.domain = "." + domain.toLowerCase(Locale.ROOT);
        this.users = users;
    }

    @Override
    public Resource target(Request request) {
        String host = request.getRequestHostname().toLowerCase(Locale.ROOT);
        if (!host.endsWith(domain) || host.length() == domain.length()) return tree;
        String user = host.substring(0, host.length() - domain.length());
        return user.contains(".") ? tree : users.userSite(user);
    }

    @Override
    public String toString() {
        return "UserHosts[*" + domain + "] -> " + tree;
    }
}
