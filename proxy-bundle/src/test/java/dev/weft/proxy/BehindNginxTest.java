package dev.weft.proxy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assume.assumeTrue;

import dev.weft.core.api.Resource;
import dev.weft.core.files.FileOptions;
import dev.weft.core.files.FileResource;
import dev.weft.core.site.SiteRule;
import dev.weft.testkit.Await;
import dev.weft.testkit.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.RuleChain;
import org.junit.rules.TemporaryFolder;

/** The tutorial's setup: a real nginx in front, passing requests to the vhost monster. */
public class BehindNginxTest {
    static final Path NGINX = Path.of("/usr/sbin/nginx");

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

    private Process nginx;
    private int port;

    @Before
    public void startNginx() throws Exception {
        assumeTrue("nginx installed (.ci/run installs it)", Files.isExecutable(NGINX));
        Path prefix = tmp.newFolder("nginx").toPath();
        Files.createDirectories(prefix.resolve("tmp"));
        port = ProxyTest.closedPort();
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        Files.writeString(prefix.resolve("nginx.conf"), user + """
                worker_processes 1;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/tmp; proxy_temp_path %1$s/tmp; fastcgi_temp_path %1$s/tmp;
                    uwsgi_temp_path %1$s/tmp; scgi_temp_path %1$s/tmp;
                    server {
                        listen 127.0.0.1:%2$d;
                        location / {
                            proxy_pass http://127.0.0.1:%3$d/vhost/http/$host:$server_port$request_uri;
                        }
                    }
                }
                """.formatted(prefix, port, site.server.port()));
        nginx = new ProcessBuilder(NGINX.toString(), "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("stdout").toFile()).start();
        Await.until(Duration.ofSeconds(10), "nginx on " + port, () -> Http.tcp(port).get("/page").status == 200);
    }

    @After
    public void stopNginx() throws Exception {
        if (nginx == null) return;
        nginx.descendants().forEach(ProcessHandle::destroy);
        nginx.destroy();
        if (!nginx.waitFor(10, TimeUnit.SECONDS)) nginx.destroyForcibly();
    }

    @Test
    public void urlsTheSiteMakesPointAtNginx() throws Exception {
        String front = "http://127.0.0.1:" + port;
        assertEquals("page pre=[page] post=[x] url=" + front + "/page", Http.tcp(port).get("/page/x?y=1").text());
        Http.Response dir = Http.tcp(port).get("/www/dir");
        assertEquals(301, dir.status);
        assertEquals(front + "/www/dir/", dir.header("Location"));
        assertEquals("file", Http.tcp(port).get("/www/dir/f.txt").text());
    }
}
