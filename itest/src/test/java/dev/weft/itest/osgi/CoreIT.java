package dev.weft.itest.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertSame;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemPackages;

import dev.weft.core.api.Processor;
import dev.weft.core.api.Registry;
import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import dev.weft.core.api.ResourceType;
import dev.weft.testkit.Await;
import dev.weft.testkit.Http;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Hashtable;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The core bundle inside real Felix with the distribution's bundles: resources, types and
 * processors that other bundles register are served at once and leave with their service.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CoreIT {
    @Inject BundleContext context;
    @Inject ConfigurationAdmin configAdmin;
    @Inject Registry registry;

    @Configuration
    public Option[] config() throws IOException {
        Path dist = Path.of(System.getProperty("weft.dist"));
        Option[] bundles;
        try (Stream<Path> jars = Files.list(dist.resolve("bundle"))) {
            bundles = jars.sorted().map(j -> bundle(j.toUri().toString())).toArray(Option[]::new);
        }
        Path www = Files.createTempDirectory("weft-core-it");
        Files.writeString(www.resolve("page.html"), "<p>static</p>");
        Files.writeString(www.resolve("note.shout"), "quiet words");
        for (Path p : new Path[] {www, www.resolve("page.html"), www.resolve("note.shout")}) p.toFile().deleteOnExit();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        return options(
                systemPackages("org.slf4j;version=2.0.17", "org.slf4j.spi;version=2.0.17", "org.slf4j.event;version=2.0.17",
                        "org.slf4j.helpers;version=2.0.17", "org.slf4j;version=1.7.36", "org.slf4j.helpers;version=1.7.36"),
                frameworkProperty("gosh.args").value("--nointeractive"),
                frameworkProperty("weft.test.port").value(String.valueOf(port)),
                frameworkProperty("weft.test.www").value(www.toString()),
                junitBundles(),
                cleanCaches(),
                bundle(Path.of(System.getProperty("weft.testkit")).toUri().toString()),
                composite(bundles));
    }

    @Before
    public void site() throws Exception {
        org.osgi.service.cm.Configuration site = configAdmin.getConfiguration("dev.weft.site", "?");
        if (site.getProperties() == null) {
            Hashtable<String, Object> p = new Hashtable<>();
            p.put("port", Integer.valueOf(context.getProperty("weft.test.port")));
            p.put("processor", new String[] {".shout=upper"});
            site.update(p);
            mount("/", "file:" + context.getProperty("weft.test.www"));
            Await.until(Duration.ofSeconds(10), "the site", () -> http().get("/page.html").status == 200);
        }
    }

    @Test
    public void aRegisteredResourceIsServedAtItsPathAndLeavesWithItsService() throws Exception {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Resource.PATH, "/hello");
        ServiceRegistration<Resource> reg = context.registerService(Resource.class, text("hello from a service"), props);
        assertEquals("hello from a service", http().get("/hello").text());
        reg.unregister();
        Await.until(Duration.ofSeconds(10), "/hello to be gone", () -> http().get("/hello").status == 404);
    }

    @Test
    public void aMountNamingAMissingTypeAnswers503UntilTheTypeArrives() throws Exception {
        org.osgi.service.cm.Configuration mount = mount("/later", "greeting:hi there");
        Await.until(Duration.ofSeconds(10), "503 for the missing type", () -> http().get("/later").status == 503);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(ResourceType.NAME, "greeting");
        ServiceRegistration<ResourceType> type = context.registerService(ResourceType.class, arg -> text("greeting: " + arg), props);
        Await.until(Duration.ofSeconds(10), "the type's resource", () -> http().get("/later").text().equals("greeting: hi there"));
        type.unregister();
        Await.until(Duration.ofSeconds(10), "503 once the type left", () -> http().get("/later").status == 503);
        mount.delete();
        Await.until(Duration.ofSeconds(10), "404 once unmounted", () -> http().get("/later").status == 404);
    }

    @Test
    public void aProcessorFromAnotherBundleServesItsExtension() throws Exception {
        assertEquals(503, http().get("/note.shout").status);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Processor.NAME, "upper");
        ServiceRegistration<Processor> reg = context.registerService(Processor.class,
                (file, arg) -> {
                    try {
                        return text(Files.readString(file).toUpperCase());
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, props);
        assertEquals("QUIET WORDS", http().get("/note.shout").text());
        reg.unregister();
        assertEquals(503, http().get("/note.shout").status);
        assertEquals("<p>static</p>", http().get("/page.html").text());
    }

    @Test
    public void failuresAreErrorPagesInTheSitesEnvelopeWithoutAStackTrace() throws Exception {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Resource.PATH, "/boom");
        ServiceRegistration<Resource> reg = context.registerService(Resource.class, new Resource() {
            @Override
            public void render(Request request) {
                throw new IllegalStateException("secret detail");
            }
        }, props);
        try {
            Http.Response boom = http().get("/boom");
            assertEquals(500, boom.status);
            assertFalse(boom.text(), boom.text().contains("secret detail") || boom.text().contains("Exception"));
            // Refused by Jetty before the site: still the site's answer (404 for .., 405 for GET *).
            Http.Response dots = http().get("/../etc/passwd");
            assertEquals(404, dots.status);
            Http.Response star = http().get("*");
            assertEquals(405, star.status);
            assertEquals("OPTIONS", star.header("Allow"));
            for (Http.Response r : new Http.Response[] {boom, dots, star}) {
                assertEquals("Weft/0.1", r.header("Server"));
                assertEquals("text/html; charset=utf-8", r.header("Content-Type"));
            }
        } finally {
            reg.unregister();
        }
    }

    @Test
    public void theRegistryIsSharedByTypeAndName() {
        StringBuilder shared = new StringBuilder("shared");
        registry.setComponent(StringBuilder.class, shared);
        registry.setComponent(StringBuilder.class, "other", new StringBuilder("named"));
        // As another bundle (the testkit) sees it.
        BundleContext other = FrameworkUtil.getBundle(Http.class).getBundleContext();
        assertNotSame(context.getBundle(), other.getBundle());
        Registry seenElsewhere = other.getService(other.getServiceReference(Registry.class));
        assertSame(shared, seenElsewhere.getComponent(StringBuilder.class));
        assertEquals("named", seenElsewhere.getComponent(StringBuilder.class, "other").toString());
        registry.unsetComponent(StringBuilder.class);
        assertEquals(null, seenElsewhere.getComponent(StringBuilder.class));
    }

    private org.osgi.service.cm.Configuration mount(String path, String type) throws IOException {
        org.osgi.service.cm.Configuration c = configAdmin.getFactoryConfiguration("dev.weft.mount", "it" + path.replace('/', '-'), "?");
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("path", path);
        p.put("type", type);
        c.update(p);
        return c;
    }

    private Http http() {
        return Http.tcp(Integer.parseInt(context.getProperty("weft.test.port")));
    }

    private static Resource text(String body) {
        return new Resource() {
            @Override
            public boolean isLeaf() {
                return true;
            }

            @Override
            public void render(Request request) {
                request.setHeader("Content-Type", "text/plain");
                request.finish(body.getBytes(StandardCharsets.UTF_8));
            }
        };
    }

}
