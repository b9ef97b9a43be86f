package dev.weft.bannerfish;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import dev.weft.bannerfish.store.Banner;
import dev.weft.bannerfish.store.Store;
import dev.weft.bannerfish.store.ImagesTest;
import dev.weft.core.api.Resource;
import dev.weft.core.files.FileOptions;
import dev.weft.core.files.FileResource;
import dev.weft.core.site.SiteRule;
import dev.weft.testkit.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.RuleChain;
import org.junit.rules.TemporaryFolder;

/**
 * A person in a real browser (headless Chromium): logs in, uploads a banner, sees it on another
 * site's page through embed.js, clicks it, and finds the click counted.
 */
public class BrowserTest {
    final TemporaryFolder tmp = new TemporaryFolder();
    Store store;
    final SiteRule bannerfish = new SiteRule(() -> {
        store = Store.open(tmp.newFolder("data").toPath());
        Resource.Abstract root = new Resource.Abstract() {};
        root.putChild("bannerfish", new BannerfishSite(store, Clock.systemDefaultZone()));
        return root;
    });
    Path pages;
    final SiteRule otherSite = new SiteRule(() -> {
        pages = tmp.newFolder("pages").toPath();
        return new FileResource(pages, FileOptions.defaults());
    });
    @Rule public RuleChain chain = RuleChain.outerRule(tmp).around(bannerfish).around(otherSite);

    @Before
    public void browserPresent() {
        assumeTrue("chromium and chromedriver installed (.ci/run installs them)",
                Files.isExecutable(Path.of("/usr/bin/chromium")) && Files.isExecutable(Path.of(WebDriver.CHROMEDRIVER)));
    }

    @After
    public void close() throws Exception {
        if (store != null) store.close();
    }

    @Test
    public void logInUploadEmbedClickAndSeeItCounted() throws Exception {
        store.setPassword("admin", "correct horse").get();
        String admin = "http://127.0.0.1:" + bannerfish.server.port() + "/bannerfish/admin/";
        String other = "http://127.0.0.1:" + otherSite.server.port();
        Files.writeString(pages.resolve("landed.html"), "<!DOCTYPE html><title>landed</title><p id=\"landed\">the advertiser's page</p>");
        Files.writeString(pages.resolve("news.html"), "<!DOCTYPE html><title>news</title><h1>Some news</h1>\n"
                + "<script src=\"http://127.0.0.1:" + bannerfish.server.port() + "/bannerfish/embed.js\" data-rotate=\"2\"></script>");
        // The click on a page whose banner stays: on news.html it is replaced every 2 s, and a click can land in between.
        Files.writeString(pages.resolve("still.html"), "<!DOCTYPE html><title>still</title><h1>Still news</h1>\n"
                + "<script src=\"http://127.0.0.1:" + bannerfish.server.port() + "/bannerfish/embed.js\" data-rotate=\"off\"></script>");
        Path image = tmp.getRoot().toPath().resolve("fish.png");
        Files.write(image, ImagesTest.encode("png", 468, 60));
        Path svg = tmp.getRoot().toPath().resolve("fish.svg.png");
        Files.writeString(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>");

        try (WebDriver browser = new WebDriver()) {
            browser.open(admin);
            browser.type("input[name=user]", "admin");
            browser.type("input[name=password]", "correct horse");
            browser.click("button[type=submit]");
            browser.find("#add input[type=file]");
            browser.type("#add input[type=file]", svg.toString());
            browser.type("input[name=target]", other + "/landed.html");
            browser.type("input[name=alt]", "Fresh fish");
            browser.click("#add button[type=submit]");
            Await.until(Duration.ofSeconds(10), "the refusal", () -> browser.source().contains("Not added: SVG images are refused"));
            assertTrue("the form keeps what was typed", browser.source().contains("value=\"" + other + "/landed.html\""));
            browser.type("#add input[type=file]", image.toString());
            browser.click("#add button[type=submit]");
            Await.until(Duration.ofSeconds(10), "the banner in the list", () -> browser.source().contains("<span class=\"badge showing\">showing</span>"));
            Banner banner = store.banners().get(0);
            assertEquals(468, banner.width());

            browser.open(other + "/news.html");
            browser.find("div.bannerfish a img[alt='Fresh fish'][width='468']");
            Await.until(Duration.ofSeconds(10), "embed.js to rotate (every 2 s)", () -> store.total(banner.id()).impressions() >= 3);
            browser.open(other + "/still.html");
            browser.find("div.bannerfish a img[alt='Fresh fish']");
            browser.click("div.bannerfish a");
            Await.until(Duration.ofSeconds(10), "the advertiser's page", () -> browser.url().equals(other + "/landed.html"));
            assertEquals(1, store.total(banner.id()).clicks());

            browser.open(admin);
            long shown = store.total(banner.id()).impressions();
            String list = browser.source();
            assertTrue(list, list.matches("(?s).*Fresh fish.*<td class=\"n\">" + shown + "</td><td class=\"n\">1</td><td class=\"n\">"
                    + String.format(java.util.Locale.ROOT, "%.2f", 100.0 / shown).replace(".", "\\.") + "%</td>.*"));
        }
    }
}
