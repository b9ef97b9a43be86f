package dev.weft.bannerfish;

import dev.weft.bannerfish.store.Banner;
import dev.weft.bannerfish.store.Images;
import dev.weft.bannerfish.store.Stats;
import dev.weft.bannerfish.store.Store;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code bannerfish:list}, {@code :add}, {@code :remove}, {@code :stats}, {@code :passwd}. */
@Component(service = BannerfishCommands.class, property = {"osgi.command.scope=bannerfish", "osgi.command.function=list",
    "osgi.command.function=add", "osgi.command.function=remove", "osgi.command.function=stats", "osgi.command.function=passwd"})
public final class BannerfishCommands {
    private static final SecureRandom RANDOM = new SecureRandom();
    @Reference private BannerfishApp app;

    @Descriptor("list the banners")
    public String list() {
        Store store = app.store();
        StringBuilder out = new StringBuilder();
        for (Banner b : store.banners()) {
            out.append(String.format("%4d  %-3s  weight %-4d  %s  -> %s%n", b.id(), b.on() ? "on" : "off", b.weight(), b.alt(), b.target()));
        }
        return out.length() == 0 ? "no banners\n" : out.toString();
    }

    @Descriptor("add a banner: bannerfish:add TARGET-URL IMAGE-FILE ALT-TEXT [WEIGHT]")
    public String add(String target, String image, String alt, int... weight) throws Exception {
        Path file = Path.of(image);
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no such file: " + file);
        if (Files.size(file) > Images.MAX_BYTES) throw new IllegalArgumentException("the image is larger than 2 MiB");
        Banner b = done(app.store().add(Files.readAllBytes(file), target, alt, weight.length > 0 ? weight[0] : 1, null, null));
        return "added banner " + b.id() + "\n";
    }

    @Descriptor("remove a banner: bannerfish:remove ID")
    public String remove(int id) throws Exception {
        done(app.store().remove(id));
        return "removed banner " + id + "\n";
    }

    @Descriptor("impressions, clicks and click-through rate: bannerfish:stats [ID] (per day with an ID)")
    public String stats(int... id) {
        Store store = app.store();
        StringBuilder out = new StringBuilder();
        if (id.length > 0) {
            for (Map.Entry<LocalDate, Stats> e : store.daily(id[0]).entrySet()) {
                out.append(String.format("%s  %8d impressions  %6d clicks  %6.2f%%%n", e.getKey(), e.getValue().impressions(), e.getValue().clicks(), e.getValue().ctr()));
            }
            return out.length() == 0 ? "nothing counted for banner " + id[0] + "\n" : out.toString();
        }
        for (Banner b : store.banners()) {
            Stats s = store.total(b.id());
            out.append(String.format("%4d  %8d impressions  %6d clicks  %6.2f%%  %s%n", b.id(), s.impressions(), s.clicks(), s.ctr(), b.alt()));
        }
        return out.length() == 0 ? "no banners\n" : out.toString();
    }

    @Descriptor("set an admin password: bannerfish:passwd USER PASSWORD")
    public String passwd(String user, String password) throws Exception {
        done(app.store().setPassword(user, password));
        return "password set for " + user + "\n";
    }

    @Descriptor("give an admin a new random password, shown once: bannerfish:passwd USER")
    public String passwd(String user) throws Exception {
        byte[] bytes = new byte[15];
        RANDOM.nextBytes(bytes);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes); // 20 characters, 120 bits
        done(app.store().setPassword(user, password));
        return "password for " + user + ": " + password + "\n(shown only now; set your own with bannerfish:passwd " + user + " PASSWORD)\n";
    }

    /** The result, once on disk; a refusal as its own message rather than wrapped. */
    private static <T> T done(CompletableFuture<T> change) throws Exception {
        try {
            return change.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
