package dev.weft.bannerfish;

import dev.weft.bannerfish.store.Banner;
import dev.weft.bannerfish.store.Store;
import dev.weft.core.api.ErrorPage;
import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import dev.weft.core.api.UnsupportedMethod;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public side of Bannerfish, wherever it is mounted: {@code banner} (one banner by weight,
 * HTML or {@code ?format=json}), {@code embed.js}, {@code image/ID}, {@code click/ID}, and
 * {@code admin/}. Links are built from where the request found it, so it works at any path,
 * behind the vhost monster and behind a subscription.
 */
final class BannerfishSite implements Resource {
    private static final Logger LOG = LoggerFactory.getLogger(BannerfishSite.class);
    private static final byte[] EMBED_JS = embedJs();

    private final Store store;
    private final Clock clock;
    private final Random random = new SecureRandom();
    private final LoginThrottle logins = new LoginThrottle();

    BannerfishSite(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    Store store() {
        return store;
    }

    LocalDate today() {
        return LocalDate.now(clock);
    }

    Instant now() {
        return clock.instant();
    }

    LoginThrottle logins() {
        return logins;
    }

    @Override
    public Resource getChildWithDefault(String segment, Request request) {
        String base = request.prePathURL();
        base = base.substring(0, base.lastIndexOf('/'));
        String root = base;
        // Banners, clicks and embed.js answer from memory (counts go to the journal's own thread).
        return switch (segment) {
            case "" -> Resource.nonBlocking(r -> r.redirect(302, root + "/admin/"));
            case "banner" -> Resource.nonBlocking(r -> banner(r, root));
            case "embed.js" -> Resource.nonBlocking(this::embed);
            case "image" -> new Numbered(this::image, false);
            case "click" -> new Numbered(this::click, true);
            case "admin" -> new Admin(this, root);
            default -> ErrorPage.notFound();
        };
    }

    @Override
    public void render(Request request) {
        // Bannerfish's own path without the slash: the admin is below it.
        request.redirect(302, request.prePathURL() + "/admin/");
    }

    /** A leaf for {@code NAME/ID}. */
    private record Numbered(java.util.function.BiConsumer<Request, Integer> handler, boolean nonBlocking) implements Resource {
        @Override
        public Resource getChildWithDefault(String id, Request request) {
            if (!id.matches("\\d{1,9}")) return ErrorPage.notFound();
            Resource answer = r -> handler.accept(r, Integer.parseInt(id));
            return nonBlocking ? Resource.nonBlocking(answer) : answer;
        }

        @Override
        public void render(Request request) {
            ErrorPage.notFound().render(request);
        }
    }

    private void banner(Request request, String base) {
        getOnly(request);
        Optional<Banner> chosen = store.choose(random, today());
        if (chosen.isEmpty()) {
            request.setResponseCode(204);
            request.setHeader("Access-Control-Allow-Origin", "*");
            request.finish();
            return;
        }
        Banner b = chosen.get();
        // A HEAD shows nobody a banner (link checkers, monitors): answered, not counted.
        CompletableFuture<Void> counted = request.getMethod().equals("HEAD") ? CompletableFuture.completedFuture(null) : store.shown(b.id(), today());
        counted.whenComplete((done, failure) -> {
            if (failure != null) {
                LOG.error("cannot count an impression of banner {}: {}", b.id(), failure.toString());
                ErrorPage error = new ErrorPage(503, "Service Unavailable", "Bannerfish cannot record impressions right now.");
                error.render(request);
                return;
            }
            String click = base + "/click/" + b.id();
            String image = imageUrl(base, b);
            boolean sized = b.width() > 0 && b.height() > 0;
            request.setHeader("Cache-Control", "no-store");
            request.setHeader("Access-Control-Allow-Origin", "*");
            if ("json".equals(request.getArg("format"))) {
                request.setHeader("Content-Type", "application/json");
                request.finish(("{\"id\":" + b.id() + ",\"click\":" + Page.json(click) + ",\"image\":" + Page.json(image)
                        + ",\"alt\":" + Page.json(b.alt()) + (sized ? ",\"width\":" + b.width() + ",\"height\":" + b.height() : "")
                        + "}").getBytes(StandardCharsets.UTF_8));
            } else {
                request.setHeader("Content-Type", "text/html; charset=utf-8");
                request.finish(("<a class=\"bannerfish\" href=\"" + Page.esc(click) + "\" rel=\"noopener\"><img src=\"" + Page.esc(image)
                        + "\" alt=\"" + Page.esc(b.alt()) + "\"" + (sized ? " width=\"" + b.width() + "\" height=\"" + b.height() + "\"" : "")
                        + "></a>\n").getBytes(StandardCharsets.UTF_8));
            }
        });
    }

    private void embed(Request request) {
        getOnly(request);
        request.setHeader("Content-Type", "text/javascript; charset=utf-8");
        request.setHeader("Cache-Control", "public, max-age=300");
        request.finish(EMBED_JS);
    }

    /**
     * Where a banner's image is: the link names the image's version, so what a browser or proxy
     * caches for good is never stale after the image is replaced.
     */
    static String imageUrl(String base, Banner b) {
        return base + "/image/" + b.id() + "?v=" + b.image().substring(b.image().indexOf('-') + 1, b.image().lastIndexOf('.'));
    }

    private void image(Request request, int id) {
        getOnly(request);
        Optional<Banner> b = store.banner(id);
        if (b.isEmpty()) {
            ErrorPage.notFound().render(request);
            return;
        }
        String etag = "\"" + b.get().image() + "\"";
        boolean current = imageUrl("", b.get()).endsWith("?v=" + request.getArg("v"));
        request.setHeader("ETag", etag);
        request.setHeader("Cache-Control", current ? "public, max-age=31536000, immutable" : "public, max-age=300");
        request.setHeader("X-Content-Type-Options", "nosniff");
        request.setHeader("Access-Control-Allow-Origin", "*");
        if (matches(request.getHeader("If-None-Match"), etag)) {
            request.setResponseCode(304);
            request.finish();
            return;
        }
        try {
            request.setHeader("Content-Type", b.get().imageType());
            request.finish(store.image(b.get()));
        } catch (IOException e) {
            LOG.error("image of banner {} cannot be read: {}", id, e.toString());
            ErrorPage.notFound().render(request);
        }
    }

    private void click(Request request, int id) {
        getOnly(request);
        Optional<Banner> b = store.banner(id);
        if (b.isEmpty()) {
            ErrorPage.notFound("No such banner.").render(request);
            return;
        }
        store.clicked(id, today()).whenComplete((done, failure) -> {
            if (failure != null) LOG.error("cannot count a click on banner {}: {}", id, failure.toString());
            request.setHeader("Cache-Control", "no-store");
            request.redirect(302, b.get().location());
        });
    }

    /** If-None-Match as RFC 9110 says: {@code *} or a list of tags, compared weakly. */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) return false;
        for (String tag : ifNoneMatch.split(",")) {
            tag = tag.strip();
            if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) return true;
        }
        return false;
    }

    private static void getOnly(Request request) {
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) throw new UnsupportedMethod(List.of("GET", "HEAD"));
    }

    private static byte[] embedJs() {
        try (InputStream in = BannerfishSite.class.getResourceAsStream("embed.js")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "Bannerfish[" + store.directory() + "]";
    }
}
