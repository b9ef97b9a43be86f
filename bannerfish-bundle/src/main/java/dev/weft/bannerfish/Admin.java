package dev.weft.bannerfish;

import static dev.weft.bannerfish.Page.esc;

import dev.weft.bannerfish.store.Banner;
import dev.weft.bannerfish.store.Stats;
import dev.weft.bannerfish.store.Store;
import dev.weft.core.api.ErrorPage;
import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import dev.weft.core.api.Session;
import dev.weft.core.api.UnsupportedMethod;
import dev.weft.core.api.Upload;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code admin/}: log in, list, add, edit, switch off, delete and upload banners, and read
 * impressions, clicks and click-through rates per banner and per day. Every form carries the
 * session's CSRF token; a wrong password is answered only after a second, without holding a
 * thread.
 */
final class Admin implements Resource {
    private static final Logger LOG = LoggerFactory.getLogger(Admin.class);
    static final String USER = "bannerfish.user";
    static final String CSRF = "bannerfish.csrf";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final BannerfishSite site;
    private final Store store;
    private final String base;

    Admin(BannerfishSite site, String base) {
        this.site = site;
        this.store = site.store();
        this.base = base;
    }

    @Override
    public Resource getChildWithDefault(String segment, Request request) {
        return new Action(this, segment);
    }

    /** {@code admin/NAME/...}: the rest of the path is the action's own. */
    private record Action(Admin admin, String name) implements Resource {
        @Override
        public boolean isLeaf() {
            return true;
        }

        @Override
        public void render(Request request) {
            admin.handle(request, name, List.copyOf(request.postpath()));
        }
    }

    @Override
    public void render(Request request) {
        request.redirect(301, base + "/admin/");
    }

    private void handle(Request request, String action, List<String> rest) {
        boolean post = request.getMethod().equals("POST");
        if (!post && !request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) throw new UnsupportedMethod(List.of("GET", "HEAD", "POST"));
        Session session = request.getSession();
        if (post && !csrfOk(request, session)) {
            LOG.warn("bannerfish: POST {} from {} without a valid CSRF token", request.getUri(), request.getClientIP());
            Page.send(request, 403, "Forbidden", "<h1>Forbidden</h1><p>The form was stale or not ours. <a href=\"" + esc(base) + "/admin/\">Start again</a>.</p>");
            return;
        }
        if (action.equals("login") && post) {
            login(request, session);
            return;
        }
        String user = (String) session.getAttribute(USER);
        if (user == null) {
            if (post) Page.send(request, 403, "Forbidden", "<h1>Forbidden</h1><p>Log in first.</p>");
            else loginPage(request, session, 200, null);
            return;
        }
        try {
            switch (action) {
                case "" -> listPage(request, session, user, null);
                case "logout" -> {
                    post(post);
                    session.expire();
                    request.redirect(303, base + "/admin/");
                }
                case "new" -> {
                    post(post);
                    add(request, session, user);
                }
                case "banner" -> banner(request, session, post, rest);
                default -> ErrorPage.notFound().render(request);
            }
        } catch (IllegalArgumentException e) {
            listPage(request, session, user, e.getMessage());
        }
    }

    private static void post(boolean post) {
        if (!post) throw new UnsupportedMethod(List.of("POST"));
    }

    private void login(Request request, Session session) {
        String user = String.valueOf(request.getArg("user"));
        if (store.checkPassword(user, String.valueOf(request.getArg("password")))) {
            session.setAttribute(USER, user);
            LOG.info("bannerfish: {} logged in from {}", user, request.getClientIP());
            request.redirect(303, base + "/admin/");
            return;
        }
        LOG.warn("bannerfish: failed login for '{}' from {}", user, request.getClientIP());
        CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(() -> loginPage(request, session, 403, "Wrong user name or password."));
    }

    private void loginPage(Request request, Session session, int status, String error) {
        String setup = store.hasAccounts() ? "" : "<p>No account yet: set one with <code>weft shell 'bannerfish:passwd admin PASSWORD'</code>.</p>";
        Page.send(request, status, "Log in", "<h1>Bannerfish</h1>" + (error == null ? "" : "<p class=\"error\">" + esc(error) + "</p>") + setup
                + "<form method=\"post\" action=\"" + esc(base) + "/admin/login\">" + csrfField(session)
                + "<label>User <input type=\"text\" name=\"user\" autocomplete=\"username\" required></label>"
                + "<label>Password <input type=\"password\" name=\"password\" autocomplete=\"current-password\" required></label>"
                + "<button type=\"submit\">Log in</button></form>");
    }

    private void listPage(Request request, Session session, String user, String error) {
        StringBuilder rows = new StringBuilder();
        for (Banner b : store.banners()) {
            Stats s = store.total(b.id());
            String edit = base + "/admin/banner/" + b.id();
            rows.append("<tr").append(b.on() ? "" : " class=\"off\"").append("><td>").append(b.id())
                    .append("</td><td><img class=\"thumb\" src=\"").append(esc(base + "/image/" + b.id())).append("\" alt=\"").append(esc(b.alt())).append("\"></td>")
                    .append("<td><a href=\"").append(esc(edit)).append("\">").append(esc(b.alt())).append("</a><br><small>").append(esc(b.target())).append("</small></td>")
                    .append("<td class=\"n\">").append(b.weight()).append("</td><td>").append(b.activeOn(site.today()) ? "showing" : b.on() ? "not today" : "off")
                    .append("</td><td class=\"n\">").append(s.impressions()).append("</td><td class=\"n\">").append(s.clicks())
                    .append("</td><td class=\"n\">").append(String.format("%.2f%%", s.ctr())).append("</td><td>")
                    .append(button(session, edit + "/toggle", b.on() ? "Switch off" : "Switch on", ""))
                    .append(button(session, edit + "/delete", "Delete", "danger")).append("</td></tr>\n");
        }
        Page.send(request, error == null ? 200 : 400, "Banners", "<form class=\"inline nav\" method=\"post\" action=\"" + esc(base) + "/admin/logout\">"
                + csrfField(session) + esc(user) + " <button type=\"submit\">Log out</button></form><h1>Banners</h1>"
                + (error == null ? "" : "<p class=\"error\">" + esc(error) + "</p>")
                + "<table><tr><th>#</th><th>Image</th><th>Banner</th><th>Weight</th><th>State</th><th>Impressions</th><th>Clicks</th><th>CTR</th><th></th></tr>\n"
                + rows + "</table>" + form(session, null));
    }

    private String form(Session session, Banner b) {
        String action = b == null ? base + "/admin/new" : base + "/admin/banner/" + b.id();
        return "<fieldset><legend>" + (b == null ? "Add a banner" : "Edit banner " + b.id()) + "</legend>"
                + "<form method=\"post\" enctype=\"multipart/form-data\" action=\"" + esc(action) + "\">" + csrfField(session)
                + "<label>Image (PNG, JPEG, GIF or WebP, up to 2 MiB)" + (b == null ? "" : ", to replace it") + " <input type=\"file\" name=\"image\" accept=\"image/png,image/jpeg,image/gif,image/webp\"" + (b == null ? " required" : "") + "></label>"
                + "<label>Target URL <input type=\"url\" name=\"target\" required value=\"" + (b == null ? "" : esc(b.target())) + "\"></label>"
                + "<label>Alt text <input type=\"text\" name=\"alt\" required value=\"" + (b == null ? "" : esc(b.alt())) + "\"></label>"
                + "<label>Weight <input type=\"number\" name=\"weight\" min=\"1\" max=\"1000\" value=\"" + (b == null ? 1 : b.weight()) + "\"></label>"
                + "<label>First day <input type=\"date\" name=\"start\" value=\"" + (b == null || b.start() == null ? "" : b.start()) + "\"></label>"
                + "<label>Last day <input type=\"date\" name=\"end\" value=\"" + (b == null || b.end() == null ? "" : b.end()) + "\"></label>"
                + (b == null ? "" : "<label><input type=\"checkbox\" name=\"on\" value=\"1\"" + (b.on() ? " checked" : "") + "> On</label>")
                + "<button type=\"submit\">" + (b == null ? "Add" : "Save") + "</button></form></fieldset>";
    }

    private void add(Request request, Session session, String user) {
        byte[] image = upload(request);
        if (image == null) throw new IllegalArgumentException("choose an image to upload");
        store.add(image, arg(request, "target"), arg(request, "alt"), weight(request), day(request, "start"), day(request, "end"))
                .whenComplete((b, failure) -> done(request, failure, "added banner " + (b == null ? "" : b.id()), user));
    }

    private void banner(Request request, Session session, boolean post, List<String> rest) {
        if (rest.isEmpty() || !rest.get(0).matches("\\d{1,9}")) {
            ErrorPage.notFound().render(request);
            return;
        }
        int id = Integer.parseInt(rest.get(0));
        Banner b = store.banner(id).orElse(null);
        if (b == null) {
            ErrorPage.notFound("No such banner.").render(request);
            return;
        }
        String what = rest.size() > 1 ? rest.get(1) : "";
        String user = (String) session.getAttribute(USER);
        switch (what) {
            case "" -> {
                if (post) {
                    store.update(id, upload(request), arg(request, "target"), arg(request, "alt"), weight(request), day(request, "start"), day(request, "end"),
                            request.getArg("on") != null).whenComplete((x, failure) -> done(request, failure, "changed banner " + id, user));
                } else {
                    editPage(request, session, b);
                }
            }
            case "toggle" -> {
                post(post);
                store.switchOn(id, !b.on()).whenComplete((x, failure) -> done(request, failure, "switched banner " + id + (b.on() ? " off" : " on"), user));
            }
            case "delete" -> {
                post(post);
                store.remove(id).whenComplete((x, failure) -> done(request, failure, "deleted banner " + id, user));
            }
            default -> ErrorPage.notFound().render(request);
        }
    }

    private void editPage(Request request, Session session, Banner b) {
        StringBuilder days = new StringBuilder();
        for (Map.Entry<LocalDate, Stats> e : store.daily(b.id()).descendingMap().entrySet()) {
            Stats s = e.getValue();
            days.append("<tr><td>").append(e.getKey()).append("</td><td class=\"n\">").append(s.impressions()).append("</td><td class=\"n\">")
                    .append(s.clicks()).append("</td><td class=\"n\">").append(String.format("%.2f%%", s.ctr())).append("</td></tr>\n");
        }
        Page.send(request, 200, "Banner " + b.id(), "<p class=\"nav\"><a href=\"" + esc(base) + "/admin/\">All banners</a></p><h1>Banner " + b.id() + "</h1>"
                + "<p><img src=\"" + esc(base + "/image/" + b.id()) + "\" alt=\"" + esc(b.alt()) + "\"></p>" + form(session, b)
                + "<h2>Per day</h2><table><tr><th>Day</th><th>Impressions</th><th>Clicks</th><th>CTR</th></tr>\n" + days + "</table>");
    }

    private void done(Request request, Throwable failure, String what, String user) {
        if (failure != null) {
            LOG.error("bannerfish: {} failed: {}", what, failure.toString());
            Page.send(request, 500, "Error", "<h1>Not saved</h1><p>The change could not be written; the server log says why.</p>");
            return;
        }
        LOG.info("bannerfish: {} {}", user, what);
        request.redirect(303, base + "/admin/");
    }

    private static byte[] upload(Request request) {
        for (Upload u : request.getUploads()) {
            if (u.field().equals("image") && u.content().length > 0) return u.content();
        }
        return null;
    }

    private static String arg(Request request, String name) {
        String v = request.getArg(name);
        if (v == null || v.isBlank()) throw new IllegalArgumentException(name + " is required");
        return v.strip();
    }

    private static int weight(Request request) {
        String w = request.getArg("weight");
        try {
            return w == null || w.isBlank() ? 1 : Integer.parseInt(w.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the weight must be a number");
        }
    }

    private static LocalDate day(Request request, String name) {
        String d = request.getArg(name);
        try {
            return d == null || d.isBlank() ? null : LocalDate.parse(d.strip());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be a date like 2026-12-31");
        }
    }

    private String button(Session session, String action, String label, String css) {
        return "<form class=\"inline\" method=\"post\" action=\"" + esc(action) + "\">" + csrfField(session)
                + "<button type=\"submit\" class=\"" + css + "\">" + esc(label) + "</button></form> ";
    }

    private static String csrfField(Session session) {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + token(session) + "\">";
    }

    private static synchronized String token(Session session) {
        String token = (String) session.getAttribute(CSRF);
        if (token == null) {
            byte[] bytes = new byte[24];
            RANDOM.nextBytes(bytes);
            token = HexFormat.of().formatHex(bytes);
            session.setAttribute(CSRF, token);
        }
        return token;
    }

    private static boolean csrfOk(Request request, Session session) {
        String expected = (String) session.getAttribute(CSRF);
        String given = request.getArg("csrf");
        return expected != null && given != null && java.security.MessageDigest.isEqual(expected.getBytes(), given.getBytes());
    }
}
