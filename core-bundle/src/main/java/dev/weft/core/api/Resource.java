package dev.weft.core.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A node of the URL space (Twisted's {@code IResource}). The site consumes a request's path one
 * segment at a time: each resource names the child for the next segment ({@code ""} for a trailing
 * slash) until a leaf or the end of the path; that resource then renders.
 *
 * <p>To mount a resource from another bundle, register it as a service with the property
 * {@value #PATH} (for example {@code /hello}); it is served at once and unmounted when the service
 * goes.
 */
public interface Resource {

    /** Service property: where a registered resource is mounted, e.g. {@code /hello}. */
    String PATH = "weft.path";

    /**
     * The child for one decoded path segment; never null: answer {@link ErrorPage#notFound()} when
     * there is none. Called with the segment already moved from postpath to prepath, on the
     * thread that read the request: as in Twisted, where it runs on the reactor, it must not
     * block (a lookup in memory or a file's metadata is fine); blocking work belongs in render.
     */
    default Resource getChildWithDefault(String segment, Request request) {
        return ErrorPage.notFound();
    }

    /**
     * Hands traversal on to {@code next}, for resources that stand in front of another (virtual
     * hosts, rewrites): its child for {@code segment}, which traversal has already moved to the
     * prepath; a leaf {@code next} takes the segment back, so it sees the whole rest of the path.
     */
    static Resource childOf(Resource next, String segment, Request request) {
        if (!next.isLeaf()) return next.getChildWithDefault(segment, request);
        request.prepath().remove(request.prepath().size() - 1);
        request.postpath().add(0, segment);
        return next;
    }

    /**
     * A resource that stands for another, chosen per request (virtual hosts by {@code Host},
     * user hosts): traversal and rendering go to {@link #target}.
     */
    interface Delegating extends Resource {
        Resource target(Request request);

        @Override
        default Resource getChildWithDefault(String segment, Request request) {
            return childOf(target(request), segment, request);
        }

        @Override
        default void render(Request request) throws Exception {
            target(request).render(request);
        }
    }

    /** A leaf takes the rest of the path itself: it stays in {@link Request#postpath()}. */
    default boolean isLeaf() {
        return false;
    }

    /**
     * True when {@link #render} of this request never blocks: it answers from memory (or hands
     * its work on asynchronously) without waiting on a disk, a process, a network, the request's
     * body or a lock. The site then renders it on the thread that read the request, as Jetty
     * runs its non-blocking handlers; every other resource renders on a pool thread, where it may
     * block.
     */
    default boolean isNonBlocking(Request request) {
        return false;
    }

    /** {@code r} (a lambda, say) declared {@linkplain #isNonBlocking non-blocking}. */
    static Resource nonBlocking(Resource r) {
        return new Resource() {
            @Override
            public boolean isNonBlocking(Request request) {
                return true;
            }

            @Override
            public boolean isLeaf() {
                return r.isLeaf();
            }

            @Override
            public Resource getChildWithDefault(String segment, Request request) {
                return r.getChildWithDefault(segment, request);
            }

            @Override
            public void render(Request request) throws Exception {
                r.render(request);
            }

            @Override
            public String toString() {
                return r.toString();
            }
        };
    }

    /**
     * Answers the request, now or later from any thread, by finishing it. Throw
     * {@link UnsupportedMethod} for a method this resource does not handle; any other exception
     * becomes a 500 page and a log line.
     */
    void render(Request request) throws Exception;

    /**
     * Twisted's {@code resource.Resource}: static children by name ({@link #putChild}), a dynamic
     * fallback ({@link #getChild}), and rendering dispatched per HTTP method to the
     * {@code renderGet}, {@code renderPost}, ... a subclass overrides. HEAD is answered from GET
     * without a body; a method the subclass does not override gets 405 with {@code Allow}.
     */
    abstract class Abstract implements Resource {
        private final Map<String, Resource> children = new ConcurrentHashMap<>();

        /** Adds a static child; it wins over {@link #getChild}. */
        public void putChild(String segment, Resource child) {
            children.put(segment, child);
        }

        /** The static children, for listings and {@code web:tree}. */
        public Map<String, Resource> children() {
            return Collections.unmodifiableMap(children);
        }

        @Override
        public final Resource getChildWithDefault(String segment, Request request) {
            Resource child = children.get(segment);
            return child != null ? child : getChild(segment, request);
        }

        /** The child for a segment with no static child; 404 unless overridden. */
        protected Resource getChild(String segment, Request request) {
            return ErrorPage.notFound();
        }

        @Override
        public void render(Request request) throws Exception {
            switch (request.getMethod()) {
                case "GET" -> renderGet(request);
                case "HEAD" -> renderHead(request);
                case "POST" -> renderPost(request);
                case "PUT" -> renderPut(request);
                case "PATCH" -> renderPatch(request);
                case "DELETE" -> renderDelete(request);
                case "OPTIONS" -> renderOptions(request);
                default -> throw unsupported();
            }
        }

        protected void renderGet(Request request) throws Exception { throw unsupported(); }

        /** GET with the body suppressed by the site. */
        protected void renderHead(Request request) throws Exception { renderGet(request); }

        protected void renderPost(Request request) throws Exception { throw unsupported(); }

        protected void renderPut(Request request) throws Exception { throw unsupported(); }

        protected void renderPatch(Request request) throws Exception { throw unsupported(); }

        protected void renderDelete(Request request) throws Exception { throw unsupported(); }

        protected void renderOptions(Request request) throws Exception { throw unsupported(); }

        /** The methods this class renders, computed once per class from its overrides. */
        public List<String> allowedMethods() {
            return ALLOWED.get(getClass());
        }

        private UnsupportedMethod unsupported() {
            return new UnsupportedMethod(allowedMethods());
        }

        private static final Map<String, String> RENDERERS = new LinkedHashMap<>();
        static {
            RENDERERS.put("GET", "renderGet");
            RENDERERS.put("HEAD", "renderGet");
            RENDERERS.put("POST", "renderPost");
            RENDERERS.put("PUT", "renderPut");
            RENDERERS.put("PATCH", "renderPatch");
            RENDERERS.put("DELETE", "renderDelete");
            RENDERERS.put("OPTIONS", "renderOptions");
        }

        private static final ClassValue<List<String>> ALLOWED = new ClassValue<>() {
            @Override
            protected List<String> computeValue(Class<?> type) {
                return RENDERERS.entrySet().stream()
                        .filter(e -> overrides(type, e.getValue()))
                        .map(Map.Entry::getKey)
                        .collect(Collectors.toUnmodifiableList());
            }
        };

        private static boolean overrides(Class<?> type, String method) {
            for (Class<?> c = type; c != Abstract.class && c != null; c = c.getSuperclass()) {
                try {
                    c.getDeclaredMethod(method, Request.class);
                    return true;
                } catch (NoSuchMethodException e) {
                    // keep looking up the hierarchy
                }
            }
            return false;
        }
    }

    /** Methods the HTTP spec defines; any other method token is answered 501, these 405. */
    Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT");
}
