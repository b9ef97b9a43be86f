import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import java.nio.charset.StandardCharsets;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * Dropped into Weft's deploy/ by bench/run: {@code /hello} answers from the resource API (and
 * {@code /hello-blocking} the same from a resource that may block);
 * {@code /one} is a resource one level deep and {@code /deep/a/b/c/d/e/f/g} eight levels deep,
 * both answering the same bytes, to price traversal.
 */
public final class HelloBundle implements BundleActivator {
    static final byte[] HELLO = "Hello, world!\n".getBytes(StandardCharsets.UTF_8);

    /** Answers from memory and says so, so the site renders it on the thread that read the request. */
    static final class Hello extends Resource.Abstract {
        @Override
        public boolean isNonBlocking(Request request) {
            return true;
        }

        @Override
        protected void renderGet(Request request) {
            request.setHeader("Content-Type", "text/plain");
            request.finish(HELLO);
        }
    }

    /** The same answer from a resource that does not say it never blocks: it renders on a pool thread. */
    static final class BlockingHello extends Resource.Abstract {
        @Override
        protected void renderGet(Request request) {
            request.setHeader("Content-Type", "text/plain");
            request.finish(HELLO);
        }
    }

    @Override
    public void start(BundleContext context) {
        mount(context, "/hello", new Hello());
        mount(context, "/hello-blocking", new BlockingHello());
        mount(context, "/one", new Hello());
        Resource.Abstract deep = new Resource.Abstract() {};
        Resource.Abstract at = deep;
        for (String name : new String[] {"a", "b", "c", "d", "e", "f"}) {
            Resource.Abstract child = new Resource.Abstract() {};
            at.putChild(name, child);
            at = child;
        }
        at.putChild("g", new Hello());
        mount(context, "/deep", deep);
    }

    private static void mount(BundleContext context, String path, Resource resource) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Resource.PATH, path);
        context.registerService(Resource.class, resource, props);
    }

    @Override
    public void stop(BundleContext context) {
    }
}
