package dev.weft.proxy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assume.assumeTrue;

import dev.weft.core.api.Resource;
import dev.weft.core.files.FileOptions;
import dev.weft.core.files.FileResource;
import dev.weft.core.site.SiteRule;
import dev.weft.testkit.Nginx;
import dev.weft.testkit.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.RuleChain;
import org.junit.rules.TemporaryFolder;

/** The tutorial's setup: a real nginx in front, passing requests to the vhost monster. */
public class BehindNginxTest {
    final TemporaryFolder tmp = new TemporaryFolder();
    final SiteRule site = new SiteRule(() -> {
        Path www = tmp.newFolder("www").toPath();
        Files.createDirectories(www.resolve("dir"));
        Files.writeString(www.resolve("dir/f.txt"), "file");
        Resource.Abstract root = new Resource.Abstract() {};
        root.putChild("vhost", new VHostMonsterResource());
        root.putChild("www", new FileResource(www, FileOptions.defaults()));
        root.putChild("page", new RoutingTest.Where("page"));
        return root;
    });
    @Rule public RuleChain chain = RuleChain.outerRule(tmp).around(site);

    private Nginx nginx;

    @Before
    public void startNginx() throws Exception {
        assumeTrue("nginx installed (.ci/run installs it)", Nginx.installed());
        nginx = new Nginx(tmp.newFolder("nginx").toPath(),
                "proxy_pass http://127.0.0.1:" + site.server.port() + "/vhost/http/$host:$server_port$request_uri;");
    }

    @After
    public void stopNginx() {
        if (nginx != null) nginx.close();
    }

    @Test
    public void urlsTheSiteMakesPointAtNginx() throws Exception {
        String front = "http://127.0.0.1:" + nginx.port();
        assertEquals("page pre=[page] post=[x] url=" + front + "/page uri=/page/x?y=1", nginx.http().get("/page/x?y=1").text());
        Http.Response dir = nginx.http().get("/www/dir");
        assertEquals(301, dir.status);
        assertEquals(front + "/www/dir/", dir.header("Location"));
        assertEquals("file", nginx.http().get("/www/dir/f.txt").text());
    }
}
