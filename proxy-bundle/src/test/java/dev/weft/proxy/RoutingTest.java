package dev.weft.proxy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import dev.weft.core.api.ResourceType;
import dev.weft.core.files.FileOptions;
import dev.weft.core.files.FileResource;
import dev.weft.core.site.SiteRule;
import dev.weft.testkit.Http;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.RuleChain;
import org.junit.rules.TemporaryFolder;

/** Virtual hosts, rewrites and the vhost monster in front of a real site. */
public class RoutingTest {
    /** Answers with where traversal brought it and the URL it thinks it has. */
    static final class Where implements Resource {
        private final String name;

        Where(String name) {
            this.name = name;
        }

        @Override
        public boolean isLeaf() {
            return true;
        }

        @Override
        public void render(Request r) {
            r.setHeader("Content-Type", "text/plain");
            r.finish((name + " pre=" + r.prepath() + " post=" + r.postpath() + " url=" + r.prePathURL() + " uri=" + r.getUri()).getBytes(StandardCharsets.UTF_8));
        }
    }

    final TemporaryFolder tmp = new TemporaryFolder();
    final Map<String, VirtualHost> hosts = new ConcurrentHashMap<>();
    final SiteRule site = new SiteRule(this::root);
    @Rule public RuleChain chain = RuleChain.outerRule(tmp).around(site);

    private Resource root() throws Exception {
        Path www = tmp.newFolder("www").toPath();
        Files.createDirectories(www.resolve("dir"));
        Files.writeString(www.resolve("dir/f.txt"), "file");
        Resource.Abstract tree = new Resource.Abstract() {};
        tree.putChild("www", new FileResource(www, FileOptions.defaults()));
        tree.putChild("vhost", new VHostMonsterResource());
        tree.putChild("users", new Where("users"));
        tree.putChild("new", new Where("new"));
        tree.putChild("page", new Where("page"));
        Resource withHosts = new NameVirtualHost(tree, hosts);
        return new RewriterResource(withHosts, List.of(RewriterResource.Rule.parse("tilde-users"), RewriterResource.Rule.parse("alias /old=/new")));
    }

    static VirtualHost host(String host, String type, Map<String, ResourceType> types) {
        VirtualHost v = new VirtualHost();
        v.activate(new VirtualHost.Config() {
            public String host() {
                return host;
            }

            public String type() {
                return type;
            }

            public Class<? extends Annotation> annotationType() {
                return VirtualHost.Config.class;
            }
        });
        types.forEach((name, t) -> v.bindType(t, Map.of(ResourceType.NAME, name)));
        return v;
    }

    @Test
    public void hostsMatchWithoutCaseOrPortAndOthersGetTheDefaultTree() throws Exception {
        hosts.put("a.example", host("A.Example", "named:site A", Map.of("named", arg -> new Where(arg))));
        hosts.put("leafy.example", host("leafy.example", "named:leaf", Map.of("named", arg -> new Where(arg))));
        hosts.put("later.example", host("later.example", "absent:x", Map.of()));
        assertTrue(site.http().get("/anything", "Host: a.EXAMPLE:9999").text().startsWith("site A pre=[] post=[anything]"));
        assertTrue("a leaf host tree gets the whole path", site.http().get("/x/y", "Host: leafy.example").text().startsWith("leaf pre=[] post=[x, y]"));
        assertEquals(503, site.http().get("/", "Host: later.example").status);
        assertTrue(site.http().get("/page", "Host: other.example").text().startsWith("page "));
    }

    @Test
    public void rewritesApplyBeforeTraversalInOrder() throws Exception {
        assertTrue(site.http().get("/~alice/x/y").text().startsWith("users pre=[users] post=[alice, x, y]"));
        assertTrue(site.http().get("/old/deeper?q").text().startsWith("new pre=[new] post=[deeper]"));
        assertTrue(site.http().get("/page").text().startsWith("page pre=[page]"));
        assertEquals(404, site.http().get("/~").status);
        String described = site.site.root().toString();
        assertTrue(described, described.contains("[tilde-users, alias /old=/new]"));
    }

    @Test
    public void theVhostMonsterMakesTheSiteSpeakAsItsPublicName() throws Exception {
        assertEquals("page pre=[page] post=[x] url=https://example.com/page uri=/page/x?y=%20",
                site.http().get("/vhost/https/example.com:443/page/x?y=%20").text());
        assertEquals("page pre=[page] post=[] url=http://example.com:8080/page uri=/page", site.http().get("/vhost/http/example.com:8080/page").text());
        Http.Response dir = site.http().get("/vhost/https/public.example/www/dir");
        assertEquals(301, dir.status);
        assertEquals("https://public.example/www/dir/", dir.header("Location"));
        assertTrue(site.http().get("/vhost/https/public.example/www/dir/").text().contains("href=\"f.txt\""));
        assertEquals(404, site.http().get("/vhost/gopher/x/page").status);
        assertEquals(400, site.http().get("/vhost/http/host:notaport/page").status);
    }
}
