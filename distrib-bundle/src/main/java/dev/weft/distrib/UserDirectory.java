package dev.weft.distrib;

import dev.weft.core.api.ErrorPage;
import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import dev.weft.core.api.UrlPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Twisted's {@code UserDirectory} ({@code --mount /users=userdir}, {@code weft web --user}):
 * {@code /users/} lists the users who have a site; {@code /users/alice/} is alice's personal
 * server when {@code ~alice/.weft-web.sock} exists, else her {@code ~/public_html} as files.
 */
final class UserDirectory implements Resource {
    static final String PUBLIC_HTML = "public_html";
    static final String SOCKET = ".weft-web.sock";

    private final Passwd passwd;
    private final Function<Path, Resource> files;
    private final Function<Path, Resource> subscription;

    UserDirectory(Passwd passwd, Function<Path, Resource> files, Function<Path, Resource> subscription) {
        this.passwd = passwd;
        this.files = files;
        this.subscription = subscription;
    }

    @Override
    public Resource getChildWithDefault(String user, Request request) {
        if (user.isEmpty()) return this;
        return userSite(user);
    }

    /** The user's site, or a 404 page that says there is none. */
    Resource userSite(String user) {
        Path home = passwd.home(user).orElse(null);
        if (home != null) {
            if (Files.exists(home.resolve(SOCKET))) return subscription.apply(home.resolve(SOCKET));
            if (Files.isDirectory(home.resolve(PUBLIC_HTML))) return files.apply(home.resolve(PUBLIC_HTML));
        }
        return ErrorPage.notFound("No user site for " + ErrorPage.escape(user) + ".");
    }

    @Override
    public void render(Request request) {
        StringBuilder list = new StringBuilder();
        for (Map.Entry<String, Path> e : passwd.homes().entrySet()) {
            Path home = e.getValue();
            if (!Files.isDirectory(home.resolve(PUBLIC_HTML)) && !Files.exists(home.resolve(SOCKET))) continue;
            String name = ErrorPage.escape(e.getKey());
            String href = UrlPath.quote(e.getKey());
            list.append("<li><a href=\"").append(href).append("/\">").append(name).append("</a>")
                    .append(Files.exists(home.resolve(SOCKET)) ? " (personal server)" : "").append("</li>\n");
        }
        String body = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Users</title></head><body>\n<h1>Users</h1>\n<ul>\n"
                + list + "</ul>\n</body></html>\n";
        request.setHeader("Content-Type", "text/html; charset=utf-8");
        request.finish(body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "UserDirectory";
    }
}
