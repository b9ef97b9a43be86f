package dev.weft.core.mount;

import dev.weft.core.api.ErrorPage;
import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import dev.weft.core.api.UrlPath;
import dev.weft.core.site.Paths;
import dev.weft.core.site.Site;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The site's URL space: resources mounted at paths, the longest mounted prefix of a request's
 * path winning, {@code /} being the default tree (the {@code --path} directory). A mount takes
 * the segments of its path out of postpath and traversal continues in it.
 */
public final class MountTable implements Resource {
    private static final List<String> ROOT = List.of();
    private final Map<List<String>, MountPoint> points = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "weft-mount-grace");
        t.setDaemon(true);
        return t;
    });
    private volatile int depth;

    /** {@code /a/b/} and {@code a/b} are both {@code [a, b]}; {@code /} is {@code []}. */
    public static List<String> parse(String path) {
        String p = path.trim();
        while (p.startsWith("/")) p = p.substring(1);
        while (p.endsWith("/")) p = p.substring(0, p.length() - 1);
        if (p.isEmpty()) return ROOT;
        List<String> segments = Paths.segments(p);
        if (segments == null || segments.contains("") || segments.contains("..") || segments.contains(".")) {
            throw new IllegalArgumentException("bad mount path '" + path + "'");
        }
        return List.copyOf(segments);
    }

    public static String format(List<String> path) {
        return path.isEmpty() ? "/" : UrlPath.join(path);
    }

    /** Mounts (or replaces) the resource at a path. */
    public void mount(String path, Resource resource) {
        List<String> key = parse(path);
        MountPoint point = points.computeIfAbsent(key, MountPoint::new);
        depth = Math.max(depth, key.size());
        point.set(resource);
    }

    /**
     * The resource at {@code path} went (or, with {@code absent} given, is not there yet). Requests
     * wait up to {@code graceMillis} for it; after that they get {@code absent}, or, when that is
     * null, the tree without the mount.
     */
    public void unmount(String path, long graceMillis, Resource absent) {
        List<String> key = parse(path);
        MountPoint point = absent != null ? points.computeIfAbsent(key, MountPoint::new) : points.get(key);
        if (point == null) return;
        depth = Math.max(depth, key.size());
        point.clear(absent, graceMillis);
        if (absent == null) timer.schedule(() -> dropIfStillAbsent(point), graceMillis, TimeUnit.MILLISECONDS);
    }

    /** Ends any wait at {@code path} now (the provider was uninstalled, not updated). */
    public void giveUp(String path) {
        MountPoint point = points.get(parse(path));
        if (point != null) {
            dropIfStillAbsent(point);
            point.giveUp();
        }
    }

    /** Removes a path at once, with no grace: a mount the user deleted. */
    public void remove(String path) {
        MountPoint point = points.remove(parse(path));
        if (point != null) point.giveUp();
    }

    private void dropIfStillAbsent(MountPoint point) {
        if (point.current() == null && point.whenAbsent() == null && !point.waiting()) points.remove(point.path, point);
    }

    public void close() {
        timer.shutdownNow();
    }

    /** Mounted paths and what is at each, sorted by path, for {@code web:mounts}. */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        List<MountPoint> sorted = new ArrayList<>(points.values());
        sorted.sort(Comparator.comparing(p -> format(p.path)));
        for (MountPoint p : sorted) {
            Resource r = p.current();
            out.put(format(p.path), r != null ? r.toString() : p.waiting() ? "(waiting for its provider)" : String.valueOf(p.whenAbsent()));
        }
        return out;
    }

    @Override
    public Resource getChildWithDefault(String segment, Request request) {
        List<String> postpath = request.postpath();
        int longest = Math.min(depth, postpath.size() + 1);
        List<String> candidate = new ArrayList<>(longest);
        candidate.add(segment);
        for (int i = 0; i < longest - 1; i++) candidate.add(postpath.get(i));
        for (int n = longest; n >= 1; n--) {
            MountPoint point = points.get(candidate.subList(0, n));
            if (point == null) continue;
            for (int i = 1; i < n; i++) request.prepath().add(postpath.remove(0));
            return resolve(point, request, n);
        }
        MountPoint root = points.get(ROOT);
        if (root == null) return ErrorPage.notFound();
        Resource resource = root.serve(request);
        if (resource == null) {
            pushBack(request, 1);
            return resolve(root, request, 0);
        }
        if (resource.isLeaf()) {
            pushBack(request, 1);
            return resource;
        }
        return resource.getChildWithDefault(segment, request);
    }

    /** Puts the last {@code n} prepath segments back in front of postpath. */
    private static void pushBack(Request request, int n) {
        List<String> pre = request.prepath();
        for (int i = 0; i < n; i++) request.postpath().add(0, pre.remove(pre.size() - 1));
    }

    /**
     * The resource at a point; or a holder while it is away; or what stands in once it is gone:
     * its absent page, or, with the point dropped, this table again, which then reads the same
     * segments without it.
     */
    private Resource resolve(MountPoint point, Request request, int consumed) {
        Resource resource = point.serve(request);
        if (resource != null) return resource;
        if (point.waiting()) {
            return point.holder(timer, () -> {
                pushBack(request, consumed);
                Site.render(this, request);
            });
        }
        Resource absent = point.whenAbsent();
        if (absent != null) return absent;
        points.remove(point.path, point);
        pushBack(request, consumed);
        return this;
    }

    @Override
    public void render(Request request) throws Exception {
        MountPoint root = points.get(ROOT);
        Resource resource = root == null ? null : root.serve(request);
        if (resource == null) ErrorPage.notFound().render(request);
        else resource.render(request);
    }

    @Override
    public String toString() {
        return "MountTable" + describe().keySet();
    }
}
