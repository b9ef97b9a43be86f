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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
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
 * session's CSRF token; logging in starts a fresh session (no fixation), which ends after 15 idle
 * minutes or 8 hours however busy; a wrong password is answered only after a second, without
 * holding a thread, and a client with too many is refused for a while ({@link LoginThrottle}).
 */
final class Admin implements Resource {
    private static final Logger LOG = LoggerFactory.getLogger(Admin.class);
    static final String USER = "bannerfish.user";
    /** When the session's user logged in: a login lasts {@link #LOGIN_LIFETIME} however busy it is. */
    static final String SINCE = "bannerfish.since";
    static final Duration LOGIN_LIFETIME = Duration.ofHours(8);
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

    /** What the user typed into a banner form, to show it again with what was wrong. */
    private record Form(String target, String alt, String weight, String start, String end, boolean on) {
        static final Form EMPTY = new Form("", "", "1", "", "", true);

        static Form of(Banner b) {
            return new Form(b.target(), b.alt(), String.valueOf(b.weight()), b.start() == null ? "" : b.start().toString(),
                    b.end() == null ? "" : b.end().toString(), b.on());
        }

        static Form of(Request r) {
            return new Form(value(r, "target"), value(r, "alt"), value(r, "weight"), value(r, "start"), value(r, "end"), r.getArg("on") != null);
        }

        private static String value(Request r, String name) {
            String v = r.getArg(name);
            return v == null ? "" : v.strip();
        }
    }

    private void handle(Request request, String action, List<String> rest) {
        boolean post = request.getMethod().equals("POST");
        if (!post && !request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) throw new UnsupportedMethod(List.of("GET", "HEAD", "POST"));
        Session session = request.getSession();
        if (post && !csrfOk(request, session)) {
            LOG.warn("bannerfish: POST {} from {} without a valid CSRF token", request.getUri(), request.getClientIP());
            message(request, 403, "Forbidden", "This form was stale or not sent from Bannerfish's own page, so nothing was changed.");
            return;
        }
        if (action.equals("login") && post) {
            login(request, session);
            return;
        }
        String user = (String) session.getAttribute(USER);
        if (user != null && site.now().isAfter(((Instant) session.getAttribute(SINCE)).plus(LOGIN_LIFETIME))) {
            LOG.info("bannerfish: {}'s login ended after {} hours", user, LOGIN_LIFETIME.toHours());
            session.expire();
            session = request.getSession();
            user = null;
        }
        if (user == null) {
            if (post) message(request, 403, "Forbidden", "Your session has ended: log in again.");
            else loginPage(request, session, 200, null, "");
            return;
        }
        switch (action) {
            case "" -> listPage(request, session, user, 200, null, Form.EMPTY);
            case "logout" -> {
                post(post);
                LOG.info("bannerfish: {} logged out", user);
                session.expire();
                request.redirect(303, base + "/admin/");
            }
            case "new" -> {
                post(post);
                add(request, session, user);
            }
            case "banner" -> banner(request, session, user, post, rest);
            default -> ErrorPage.notFound().render(request);
        }
    }

    private static void post(boolean post) {
        if (!post) throw new UnsupportedMethod(List.of("POST"));
    }

    private void login(Request request, Session session) {
        String user = String.valueOf(request.getArg("user")).strip();
        String client = String.valueOf(request.getClientIP());
        Instant now = site.now();
        Instant until = site.logins().refusedUntil(client, now);
        if (until != null) {
            long seconds = Math.max(1, (Duration.between(now, until).toMillis() + 999) / 1000);
            LOG.warn("bannerfish: login for '{}' from {} refused: {} wrong passwords", user, client, LoginThrottle.LIMIT);
            request.setHeader("Retry-After", String.valueOf(seconds));
            message(request, 429, "Too many wrong passwords", "Too many wrong passwords came from your address. Try again in "
                    + (seconds + 59) / 60 + " minutes.");
            return;
        }
        if (store.checkPassword(user, String.valueOf(request.getArg("password")))) {
            site.logins().succeeded(client);
            session.expire(); // a fresh session: whoever knew the old cookie is not logged in
            Session fresh = request.getSession();
            fresh.setAttribute(USER, user);
            fresh.setAttribute(SINCE, now);
            LOG.info("bannerfish: {} logged in from {}", user, request.getClientIP());
            request.redirect(303, base + "/admin/");
            return;
        }
        site.logins().failed(client, now);
        LOG.warn("bannerfish: failed login for '{}' from {}", user, client);
        CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(() -> loginPage(request, session, 403, "Wrong user name or password.", user));
    }

    private void loginPage(Request request, Session session, int status, String error, String user) {
        String setup = store.hasAccounts() ? "" : "<p class=\"note\">No account yet: create one with <code>weft shell 'bannerfish:passwd admin'</code>.</p>";
        Page.send(request, status, "Log in", base + "/admin/", "", "<div class=\"login card\"><h1>Log in</h1>"
                + (error == null ? "" : "<p class=\"error\">" + esc(error) + "</p>") + setup
                + "<form method=\"post\" action=\"" + esc(base) + "/admin/login\">" + csrfField(session)
                + "<label for=\"user\">User</label><input type=\"text\" id=\"user\" name=\"user\" autocomplete=\"username\" required"
                + (user.isEmpty() ? " autofocus" : " value=\"" + esc(user) + "\"") + ">"
                + "<label for=\"password\">Password</label><input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>"
                + "<button type=\"submit\" class=\"primary\">Log in</button></form></div>");
    }

    private String headerRight(Session session, String user) {
        return "<span class=\"who\">" + esc(user) + "</span><form method=\"post\" action=\"" + esc(base) + "/admin/logout\">"
                + csrfField(session) + "<button type=\"submit\">Log out</button></form>";
    }

    private void listPage(Request request, Session session, String user, int status, String error, Form form) {
        LocalDate today = site.today();
        StringBuilder rows = new StringBuilder();
        long shownToday = 0;
        long clickedToday = 0;
        int showing = 0;
        List<Banner> banners = store.banners();
        for (Banner b : banners) {
            Stats s = store.total(b.id());
            Stats t = store.daily(b.id()).getOrDefault(today, Stats.NONE);
            shownToday += t.impressions();
            clickedToday += t.clicks();
            if (b.activeOn(today)) showing++;
            String edit = base + "/admin/banner/" + b.id();
            rows.append("<tr").append(b.activeOn(today) ? "" : " class=\"off\"").append("><td class=\"n\">").append(b.id()).append("</td>")
                    .append("<td><a href=\"").append(esc(edit)).append("\"><img class=\"thumb\" src=\"").append(esc(BannerfishSite.imageUrl(base, b)))
                    .append("\" alt=\"").append(esc(b.alt())).append("\"></a></td>")
                    .append("<td><a href=\"").append(esc(edit)).append("\">").append(esc(b.alt())).append("</a><span class=\"target\" title=\"")
                    .append(esc(b.target())).append("\">").append(esc(b.target())).append("</span></td>")
                    .append("<td class=\"n\">").append(b.weight()).append("</td><td>").append(state(b, today)).append("</td>")
                    .append("<td class=\"n\">").append(s.impressions()).append("</td><td class=\"n\">").append(s.clicks()).append("</td>")
                    .append("<td class=\"n\">").append(ctr(s)).append("</td><td class=\"actions\">")
                    .append("<a class=\"button\" href=\"").append(esc(edit)).append("\">Edit</a> ")
                    .append(button(session, edit + "/toggle", b.on() ? "Switch off" : "Switch on", ""))
                    .append("<a class=\"button danger\" href=\"").append(esc(edit + "/delete")).append("\">Delete</a></td></tr>\n");
        }
        Stats todayTotal = new Stats(shownToday, clickedToday);
        String table = banners.isEmpty()
                ? "<p class=\"empty\">No banners yet: add the first one below.</p>"
                : "<table><thead><tr><th class=\"n\">#</th><th>Image</th><th>Banner</th><th class=\"n\">Weight</th><th>State</th>"
                        + "<th class=\"n\">Impressions</th><th class=\"n\">Clicks</th><th class=\"n\">CTR</th><th></th></tr></thead><tbody>\n"
                        + rows + "</tbody></table>";
        Page.send(request, status, "Banners", base + "/admin/", headerRight(session, user), "<h1>Banners</h1>"
                + "<div class=\"cards\">" + card(showing + " of " + banners.size(), "banners showing today")
                + card(String.valueOf(shownToday), "impressions today") + card(String.valueOf(clickedToday), "clicks today")
                + card(ctr(todayTotal), "click-through today") + "</div>"
                + "<div class=\"card\">" + table + "</div>"
                + "<div class=\"card\" id=\"add\"><h2>Add a banner</h2>" + form(session, null, form, error) + "</div>");
    }

    private static String card(String number, String what) {
        return "<div class=\"card\"><b>" + esc(number) + "</b><small>" + esc(what) + "</small></div>";
    }

    private static String state(Banner b, LocalDate today) {
        if (!b.on()) return "<span class=\"badge off\">off</span>";
        if (b.start() != null && today.isBefore(b.start())) return "<span class=\"badge waiting\">from " + b.start() + "</span>";
        if (b.end() != null && today.isAfter(b.end())) return "<span class=\"badge off\">ended " + b.end() + "</span>";
        return "<span class=\"badge showing\">showing</span>";
    }

    private static String ctr(Stats s) {
        return String.format(java.util.Locale.ROOT, "%.2f%%", s.ctr());
    }

    /** The add form ({@code b} null) or the edit form, filled with {@code f}. */
    private String form(Session session, Banner b, Form f, String error) {
        String action = b == null ? base + "/admin/new" : base + "/admin/banner/" + b.id();
        return (error == null ? "" : "<p class=\"error\">" + esc(error) + "</p>")
                + "<form method=\"post\" enctype=\"multipart/form-data\" action=\"" + esc(action) + "\">" + csrfField(session) + "<div class=\"grid\">"
                + "<label for=\"image\">Image</label><input type=\"file\" id=\"image\" name=\"image\" accept=\"image/png,image/jpeg,image/gif,image/webp\""
                + (b == null ? " required" : "") + ">"
                + "<span class=\"hint\">PNG, JPEG, GIF or WebP, up to 2 MiB" + (b == null ? "" : "; leave empty to keep the current one") + "</span>"
                + "<label for=\"target\">Target URL</label><input type=\"url\" id=\"target\" name=\"target\" required placeholder=\"https://\" value=\"" + esc(f.target()) + "\">"
                + "<label for=\"alt\">Alt text</label><input type=\"text\" id=\"alt\" name=\"alt\" required maxlength=\"500\" value=\"" + esc(f.alt()) + "\">"
                + "<span class=\"hint\">What the banner says, for people who cannot see it</span>"
                + "<label for=\"weight\">Weight</label><input type=\"number\" id=\"weight\" name=\"weight\" min=\"1\" max=\"1000\" value=\"" + esc(f.weight()) + "\">"
                + "<span class=\"hint\">A banner of weight 2 is shown twice as often as one of weight 1</span>"
                + "<label for=\"start\">First day</label><input type=\"date\" id=\"start\" name=\"start\" value=\"" + esc(f.start()) + "\">"
                + "<label for=\"end\">Last day</label><input type=\"date\" id=\"end\" name=\"end\" value=\"" + esc(f.end()) + "\">"
                + "<span class=\"hint\">Optional: shown only from the first day to the last, both included</span>"
                + (b == null ? "" : "<label for=\"on\">Showing</label><span><input type=\"checkbox\" id=\"on\" name=\"on\" value=\"1\"" + (f.on() ? " checked" : "") + "> on</span>")
                + "<div class=\"buttons\"><button type=\"submit\" class=\"primary\">" + (b == null ? "Add banner" : "Save changes") + "</button>"
                + (b == null ? "" : "<a class=\"button\" href=\"" + esc(base) + "/admin/\">Cancel</a>") + "</div></div></form>";
    }

    private void add(Request request, Session session, String user) {
        try {
            byte[] image = upload(request);
            if (image == null) throw new IllegalArgumentException("choose an image to upload");
            store.add(image, arg(request, "target"), arg(request, "alt"), weight(request), day(request, "start"), day(request, "end"))
                    .whenComplete((b, failure) -> done(request, failure, "added banner " + (b == null ? "" : b.id()), user));
        } catch (IllegalArgumentException e) {
            LOG.info("bannerfish: {} could not add a banner: {}", user, e.getMessage());
            listPage(request, session, user, 400, "Not added: " + e.getMessage() + ".", Form.of(request));
        }
    }

    private void banner(Request request, Session session, String user, boolean post, List<String> rest) {
        if (rest.isEmpty() || !rest.get(0).matches("\\d{1,9}")) {
            ErrorPage.notFound().render(request);
            return;
        }
        int id = Integer.parseInt(rest.get(0));
        Banner b = store.banner(id).orElse(null);
        if (b == null) {
            message(request, 404, "No such banner", "There is no banner " + id + " (any more).");
            return;
        }
        String what = rest.size() > 1 ? rest.get(1) : "";
        switch (what) {
            case "" -> {
                if (!post) {
                    editPage(request, session, user, b, 200, null, Form.of(b));
                    return;
                }
                try {
                    store.update(id, upload(request), arg(request, "target"), arg(request, "alt"), weight(request), day(request, "start"), day(request, "end"),
                            request.getArg("on") != null).whenComplete((x, failure) -> done(request, failure, "changed banner " + id, user));
                } catch (IllegalArgumentException e) {
                    LOG.info("bannerfish: {} could not change banner {}: {}", user, id, e.getMessage());
                    editPage(request, session, user, b, 400, "Not saved: " + e.getMessage() + ".", Form.of(request));
                }
            }
            case "toggle" -> {
                post(post);
                store.switchOn(id, !b.on()).whenComplete((x, failure) -> done(request, failure, "switched banner " + id + (b.on() ? " off" : " on"), user));
            }
            case "delete" -> {
                if (post) {
                    store.remove(id).whenComplete((x, failure) -> done(request, failure, "deleted banner " + id, user));
                } else {
                    Page.send(request, 200, "Delete banner " + id, base + "/admin/", headerRight(session, user), "<div class=\"card\"><h1>Delete banner " + id + "?</h1>"
                            + "<p><img class=\"preview\" src=\"" + esc(BannerfishSite.imageUrl(base, b)) + "\" alt=\"" + esc(b.alt()) + "\"></p>"
                            + "<p>&ldquo;" + esc(b.alt()) + "&rdquo;, its image and its numbers are removed for good. To stop showing it for now, switch it off instead.</p>"
                            + "<form method=\"post\" action=\"" + esc(base + "/admin/banner/" + id + "/delete") + "\">" + csrfField(session)
                            + "<button type=\"submit\" class=\"danger\">Delete</button> <a class=\"button\" href=\"" + esc(base) + "/admin/\">Cancel</a></form></div>");
                }
            }
            default -> ErrorPage.notFound().render(request);
        }
    }

    private void editPage(Request request, Session session, String user, Banner b, int status, String error, Form form) {
        StringBuilder days = new StringBuilder();
        for (Map.Entry<LocalDate, Stats> e : store.daily(b.id()).descendingMap().entrySet()) {
            Stats s = e.getValue();
            days.append("<tr><td>").append(e.getKey()).append("</td><td class=\"n\">").append(s.impressions()).append("</td><td class=\"n\">")
                    .append(s.clicks()).append("</td><td class=\"n\">").append(ctr(s)).append("</td></tr>\n");
        }
        Stats total = store.total(b.id());
        String perDay = days.length() == 0 ? "<p class=\"empty\">Not shown yet.</p>"
                : "<table><thead><tr><th>Day</th><th class=\"n\">Impressions</th><th class=\"n\">Clicks</th><th class=\"n\">CTR</th></tr></thead><tbody>\n"
                        + days + "</tbody><tfoot><tr><td>All days</td><td class=\"n\">" + total.impressions() + "</td><td class=\"n\">" + total.clicks()
                        + "</td><td class=\"n\">" + ctr(total) + "</td></tr></tfoot></table>";
        String size = b.width() > 0 ? b.width() + " &times; " + b.height() + " pixels, " : "";
        Page.send(request, status, "Banner " + b.id(), base + "/admin/", headerRight(session, user),
                "<p><a href=\"" + esc(base) + "/admin/\">&larr; All banners</a></p><h1>Banner " + b.id() + " " + state(b, site.today()) + "</h1>"
                + "<div class=\"card\"><p><img class=\"preview\" src=\"" + esc(BannerfishSite.imageUrl(base, b)) + "\" alt=\"" + esc(b.alt()) + "\"></p>"
                + "<p class=\"note\">" + size + esc(b.imageType()) + "</p></div>"
                + "<div class=\"card\"><h2>Change it</h2>" + form(session, b, form, error) + "</div>"
                + "<div class=\"card\"><h2>Per day</h2>" + perDay + "</div>");
    }

    private void message(Request request, int status, String title, String text) {
        Page.send(request, status, title, base + "/admin/", "", "<div class=\"card\"><h1>" + esc(title) + "</h1><p>" + esc(text)
                + "</p><p><a href=\"" + esc(base) + "/admin/\">Back to Bannerfish</a></p></div>");
    }

    private void done(Request request, Throwable failure, String what, String user) {
        if (failure != null) {
            LOG.error("bannerfish: {} failed: {}", what, failure.toString());
            message(request, 500, "Not saved", "The change could not be written to disk; the server log says why.");
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
        if (v == null || v.isBlank()) throw new IllegalArgumentException("the " + (name.equals("alt") ? "alt text" : name + " URL") + " is required");
        return v.strip();
    }

    private static int weight(Request request) {
        String w = request.getArg("weight");
        try {
            return w == null || w.isBlank() ? 1 : Integer.parseInt(w.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the weight must be a whole number from 1 to 1000");
        }
    }

    private static LocalDate day(Request request, String name) {
        String d = request.getArg(name);
        try {
            return d == null || d.isBlank() ? null : LocalDate.parse(d.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("the " + (name.equals("start") ? "first" : "last") + " day must be a date like 2026-12-31");
        }
    }

    private String button(Session session, String action, String label, String css) {
        return "<form method=\"post\" action=\"" + esc(action) + "\">" + csrfField(session)
                + "<button type=\"submit\"" + (css.isEmpty() ? "" : " class=\"" + css + "\"") + ">" + esc(label) + "</button></form> ";
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
        return expected != null && given != null
                && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.UTF_8));
    }
}
