package dev.weft.core.files;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import dev.weft.core.api.Processor;
import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import dev.weft.core.site.SiteRule;
import dev.weft.testkit.Http;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.RuleChain;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.TestRule;

/** Static files, each rule of twisted-behaviors.md section 2 (and this project's fixes) a test. */
public class FileResourceTest {
    static final String HUNDRED = "0123456789".repeat(10);

    /** Renders which file it was given, to show processors apply. */
    static final Processor SHOUT = (file, arg) -> new Resource.Abstract() {
        @Override
        protected void renderGet(Request r) {
            r.finish(("processed " + file.getFileName() + " arg=" + arg).getBytes(StandardCharsets.UTF_8));
        }
    };

    static final TemporaryFolder tmp = new TemporaryFolder();
    static Path www;
    static Path outside;

    static Path write(String name, String text) throws Exception {
        Path p = www.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    static Resource root() throws Exception {
        www = tmp.newFolder("www").toPath();
        outside = tmp.newFolder("outside").toPath();
        Files.writeString(outside.resolve("secret.txt"), "outside the root");
        write("hello.txt", HUNDRED);
        write("README", "readme");
        write("page.html", "<p>page</p>");
        write("style.css", "p {}");
        write("k.java", "class K {}");
        write("a.unknownext", "?");
        write("list/.hidden", "h");
        write("list/README", "r");
        write("list/a&b<c>.txt", "amp");
        write("list/sp ace.html", "space");
        write("list/data.tar.gz", "tgz");
        write("list/x.gz", "xgz");
        write("list/big.bin", "x".repeat(1536));
        Files.createDirectories(www.resolve("list/dir2"));
        Files.createSymbolicLink(www.resolve("list/broken"), www.resolve("nowhere"));
        write("idx/index", "bare index");
        write("idx/index.html", "index.html");
        write("idx2/index.htm", "htm");
        write("sub/index.html", "<p>sub index</p>");
        write("doc.txt", "doc text");
        write("run.shout", "script");
        write("run.nope", "script");
        Files.createSymbolicLink(www.resolve("out.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(www.resolve("in.txt"), www.resolve("hello.txt"));
        Files.createSymbolicLink(www.resolve("outdir"), outside);
        byte[] big = new byte[10 * 1024 * 1024 + 17];
        new Random(1).nextBytes(big);
        Files.write(www.resolve("big.bin"), big);
        FileOptions options = new FileOptions(FileOptions.DEFAULT_INDEX_NAMES, List.of(".txt"),
                new MimeTable(Map.of(".md", "text/markdown"), "text/html"),
                Map.of(".shout", "shout:loud", ".nope", "absent"), name -> name.equals("shout") ? SHOUT : null, false);
        return new FileResource(www, options);
    }

    static SiteRule site = new SiteRule(() -> root());

    @ClassRule
    public static TestRule chain = RuleChain.outerRule(tmp).around(site);

    Http http() {
        return site.http();
    }

    @Test
    public void servesAFileWithTypeLengthAndValidators() throws Exception {
        Http.Response r = http().get("/hello.txt");
        assertEquals(200, r.status);
        assertEquals(HUNDRED, r.text());
        assertEquals("text/plain", r.header("Content-Type"));
        assertEquals("100", r.header("Content-Length"));
        assertEquals("bytes", r.header("Accept-Ranges"));
        assertTrue(r.header("Last-Modified").endsWith(" GMT"));
        assertTrue(r.header("ETag").matches("\"[0-9a-f]+-[0-9a-f]+\""));
    }

    @Test
    public void contentTypesComeFromTheTableWithTwistedsAdditionsAndADefault() throws Exception {
        assertEquals("text/html", http().get("/README").header("Content-Type"));
        assertEquals("text/css", http().get("/style.css").header("Content-Type"));
        assertEquals("text/plain", http().get("/k.java").header("Content-Type"));
        assertEquals("text/html", http().get("/a.unknownext").header("Content-Type"));
        Http.Response gz = http().get("/list/data.tar.gz");
        assertEquals("application/x-tar", gz.header("Content-Type"));
        assertEquals("gzip", gz.header("Content-Encoding"));
        assertEquals("text/html", http().get("/list/x.gz").header("Content-Type"));
    }

    @Test
    public void mimeOverridesWin() throws Exception {
        write("notes.md", "# notes");
        assertEquals("text/markdown", http().get("/notes.md").header("Content-Type"));
    }

    @Test
    public void headHasTheHeadersAndNoBody() throws Exception {
        Http.Response r = http().send("HEAD", "/hello.txt", null);
        assertEquals(200, r.status);
        assertEquals("100", r.header("Content-Length"));
        assertEquals("text/plain", r.header("Content-Type"));
        assertEquals(0, r.body.length);
    }

    @Test
    public void otherMethodsAre405() throws Exception {
        Http.Response r = http().send("POST", "/hello.txt", new byte[0]);
        assertEquals(405, r.status);
        assertEquals("GET, HEAD", r.header("Allow"));
        assertEquals(405, http().send("DELETE", "/list/", null).status);
    }

    @Test
    public void aDirectoryWithoutItsSlashRedirectsPermanentlyToAnAbsoluteUrl() throws Exception {
        Http.Response r = http().get("/list?x=1", "Host: example.com");
        assertEquals(301, r.status);
        assertEquals("http://example.com:" + site.server.port() + "/list/?x=1", r.header("Location"));
        assertEquals(301, http().send("HEAD", "/sub", null).status);
    }

    @Test
    public void indexNamesAreTriedInOrder() throws Exception {
        assertEquals("bare index", http().get("/idx/").text());
        assertEquals("htm", http().get("/idx2/").text());
        assertEquals("<p>sub index</p>", http().get("/sub/").text());
    }

    @Test
    public void aDirectoryWithoutIndexIsListedEscapedAndSorted() throws Exception {
        Http.Response r = http().get("/list/");
        assertEquals(200, r.status);
        assertEquals("text/html; charset=utf-8", r.header("Content-Type"));
        String html = r.text();
        assertTrue(html.contains("<title>Directory listing for /list/</title>"));
        int dir = html.indexOf("href=\"dir2/\">dir2/</a>");
        int hidden = html.indexOf("href=\".hidden\"");
        int readme = html.indexOf("href=\"README\"");
        int amp = html.indexOf("<a href=\"a%26b%3Cc%3E.txt\">a&amp;b&lt;c&gt;.txt</a>");
        int space = html.indexOf("href=\"sp%20ace.html\"");
        assertTrue(html, dir > 0 && dir < hidden && hidden < readme && readme < amp && amp < space);
        assertTrue(html.contains("<td>[Directory]</td>"));
        assertTrue(html.contains("<td>1K</td><td>[application/octet-stream]</td>"));
        assertTrue(html.contains("<td>[application/x-tar]</td><td>[gzip]</td>"));
        assertFalse("broken symlinks are skipped", html.contains("broken"));
        assertTrue(html.contains("<tr class=\"odd\"><td><a href=\"dir2/\">"));
    }

    @Test
    public void aListingTitleIsEscaped() throws Exception {
        write("<b>/x", "x");
        String html = http().get("/%3Cb%3E/").text();
        assertTrue(html, html.contains("<title>Directory listing for /&lt;b&gt;/</title>"));
    }

    @Test
    public void ignoredExtensionsFindTheFileWithIt() throws Exception {
        assertEquals("doc text", http().get("/doc").text());
        assertEquals(404, http().get("/doc.html").status);
    }

    @Test
    public void processorsRunFilesByExtension() throws Exception {
        assertEquals("processed run.shout arg=loud", http().get("/run.shout").text());
    }

    @Test
    public void aProcessorNotInstalledIs503NotTheSource() throws Exception {
        Http.Response r = http().get("/run.nope");
        assertEquals(503, r.status);
        assertFalse(r.text().contains("script"));
        assertTrue(r.text().contains("absent"));
    }

    @Test
    public void missingFilesAre404() throws Exception {
        Http.Response r = http().get("/nope.txt");
        assertEquals(404, r.status);
        assertTrue(r.text().contains("File not found."));
        assertEquals(404, http().get("/hello.txt/x").status);
    }

    @Test
    public void nothingOutsideTheRootIsReachable() throws Exception {
        String[] attacks = {
            "/list/../../outside/secret.txt", "/..", "/../outside/secret.txt", "/%2e%2e/outside/secret.txt",
            "/list/%2e%2e/%2e%2e/outside/secret.txt", "/list/..%2f..%2foutside%2fsecret.txt", "/%252e%252e/outside/secret.txt",
            "/..%5c..%5coutside%5csecret.txt", "/list/..\\..\\outside\\secret.txt", "/hello.txt%00.html", "/%00", "/list%2f..%2f..%2foutside/secret.txt",
            "/list/../../../outside/secret.txt", "/%2E%2E/outside/secret.txt", "/.%2e/outside/secret.txt", "/list/%00/x", "/hello.txt%00",
            "/..;/outside/secret.txt", "/list/..;x/..;/outside/secret.txt", "/list/%2e%2e%2f%2e%2e%2foutside%2fsecret.txt",
        };
        site.site.setExtraHeaders(List.<String[]>of(new String[] {"X-Frame-Options", "DENY"}));
        try {
            for (String path : attacks) {
                for (String method : new String[] {"GET", "HEAD"}) {
                    Http.Response r = http().send(method, path, null);
                    assertEquals(method + " " + path, 404, r.status);
                    assertFalse(path, r.text().contains("outside the root"));
                    // The site's envelope and page even where Jetty refused the path before the site saw it.
                    assertEquals(path, dev.weft.core.site.Site.SERVER_SOFTWARE, r.header("Server"));
                    assertEquals(path, "DENY", r.header("X-Frame-Options"));
                    assertEquals(path, "text/html; charset=utf-8", r.header("Content-Type"));
                    if (method.equals("GET")) assertTrue(path + ": " + r.text(), r.text().contains("<h1>No Such Resource</h1>") || r.text().contains("File not found."));
                    else assertEquals(0, r.body.length);
                }
            }
        } finally {
            site.site.setExtraHeaders(List.of());
        }
    }

    @Test
    public void dotIsTheSameDirectory() throws Exception {
        assertEquals(HUNDRED, http().get("/./hello.txt").text());
    }

    @Test
    public void symlinksOutOfTheRootAreRefused() throws Exception {
        Http.Response r = http().get("/out.txt");
        assertEquals(403, r.status);
        assertFalse(r.text().contains("outside the root"));
        assertEquals(403, http().get("/outdir/secret.txt").status);
        assertEquals(HUNDRED, http().get("/in.txt").text());
    }

    @Test
    public void aChangedFileIsServedFreshWithinASecond() throws Exception {
        write("fresh.txt", "before");
        assertEquals("before", http().get("/fresh.txt").text());
        write("fresh.txt", "after, and longer");
        long start = System.nanoTime();
        dev.weft.testkit.Await.until(java.time.Duration.ofSeconds(3), "the new content", () -> http().get("/fresh.txt").text().equals("after, and longer"));
        assertTrue((System.nanoTime() - start) / 1_000_000 < 2000);
        Files.delete(www.resolve("fresh.txt"));
        dev.weft.testkit.Await.until(java.time.Duration.ofSeconds(3), "404 once deleted", () -> http().get("/fresh.txt").status == 404);
    }

    @Test
    public void aFileSwappedForALinkOutOfTheRootIsNeverServed() throws Exception {
        Path big = www.resolve("swapped.bin");
        Files.write(big, new byte[2 * 1024 * 1024]); // too big to be kept in memory: read from disk each time
        assertEquals(2 * 1024 * 1024, http().get("/swapped.bin").body.length);
        Files.delete(big);
        Files.createSymbolicLink(big, outside.resolve("secret.txt"));
        for (int i = 0; i < 20; i++) {
            Http.Response r = http().get("/swapped.bin");
            assertFalse(r.text().contains("outside the root"));
        }
        dev.weft.testkit.Await.until(java.time.Duration.ofSeconds(3), "403 once the link is seen", () -> http().get("/swapped.bin").status == 403);
        Files.delete(big);
    }

    @Test
    public void aDirectorySwappedForALinkOutOfTheRootIsNeverServed() throws Exception {
        Path elsewhere = outside.resolve("elsewhere");
        Files.createDirectories(elsewhere);
        byte[] outBig = new byte[2 * 1024 * 1024]; // too big to be kept in memory: opened per request
        byte[] marker = "outside the root".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(marker, 0, outBig, 0, marker.length);
        for (String name : new String[] {"in.txt", "other.txt", "run.shout"}) Files.writeString(elsewhere.resolve(name), "outside the root");
        Files.write(elsewhere.resolve("big.bin"), outBig);
        write("swap/in.txt", "inside");
        write("swap/run.shout", "inside");
        Files.write(www.resolve("swap/big.bin"), new byte[2 * 1024 * 1024]);
        String[] paths = {"/swap/in.txt", "/swap/other.txt", "/swap/big.bin", "/swap/", "/swap/run.shout"};
        for (String p : paths) assertFalse(p, http().get(p).text().contains("outside"));
        // Swapped within the second the server keeps what it learnt of /swap: still refused.
        deleteTree(www.resolve("swap"));
        Files.createSymbolicLink(www.resolve("swap"), elsewhere);
        try {
            for (String p : paths) {
                for (String range : new String[] {"X-No-Range: 1", "Range: bytes=0-20"}) {
                    Http.Response r = http().get(p, range);
                    assertFalse(p + " " + range + " -> " + r.status, r.text().contains("outside") || r.text().contains("other.txt"));
                }
            }
            assertEquals(403, http().get("/swap/other.txt").status);
        } finally {
            Files.delete(www.resolve("swap"));
        }
    }

    static void deleteTree(Path dir) throws Exception {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    @Test
    public void symlinksOutOfTheRootAreServedWhenAllowed() throws Throwable {
        FileOptions follow = new FileOptions(FileOptions.DEFAULT_INDEX_NAMES, List.of(), MimeTable.defaults(), Map.of(), n -> null, true);
        try (var s = SiteRule.running(new FileResource(www, follow))) {
            assertEquals("outside the root", s.http().get("/out.txt").text());
        }
    }

    @Test
    public void unreadableFilesAre403() throws Exception {
        assumeTrue("setpriv, to take root's power to read any file away", UnprivilegedServer.available());
        Path secret = write("locked/secret.txt", "s");
        write("locked/open.txt", "open");
        Path unlistable = write("unlistable/in.txt", "in").getParent();
        Path unsearchable = write("unsearchable/in.txt", "in").getParent();
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        Files.setPosixFilePermissions(unlistable, PosixFilePermissions.fromString("-wx--x--x"));
        Files.setPosixFilePermissions(unsearchable, PosixFilePermissions.fromString("rw-r--r--"));
        try (UnprivilegedServer server = UnprivilegedServer.serve(www)) {
            Http.Response r = server.http().get("/locked/secret.txt");
            assertEquals(403, r.status);
            assertEquals("bytes", r.header("Accept-Ranges")); // as Twisted
            assertTrue(r.text(), r.text().contains("Forbidden"));
            assertFalse(r.text().contains("s<"));
            assertEquals(403, server.http().send("HEAD", "/locked/secret.txt", null).status);
            assertEquals(403, server.http().get("/locked/secret.txt", "Range: bytes=0-0").status);
            assertEquals("open", server.http().get("/locked/open.txt").text());
            assertEquals(403, server.http().get("/unlistable/").status);
            assertEquals("in", server.http().get("/unlistable/in.txt").text());
            assertEquals(404, server.http().get("/unsearchable/in.txt").status);
        } finally {
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
            Files.setPosixFilePermissions(unlistable, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(unsearchable, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    public void specialFilesAre403() throws Exception {
        Path fifo = www.resolve("fifo");
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        assertEquals(403, http().get("/fifo").status);
    }

    @Test
    public void oneRangeIs206() throws Exception {
        Http.Response r = http().get("/hello.txt", "Range: bytes=0-9");
        assertEquals(206, r.status);
        assertEquals("bytes 0-9/100", r.header("Content-Range"));
        assertEquals("10", r.header("Content-Length"));
        assertEquals("0123456789", r.text());
        Http.Response tail = http().get("/hello.txt", "Range: bytes=95-200");
        assertEquals("bytes 95-99/100", tail.header("Content-Range"));
        assertEquals("56789", tail.text());
        assertEquals("bytes 95-99/100", http().get("/hello.txt", "Range: bytes=-5").header("Content-Range"));
    }

    @Test
    public void aSuffixLongerThanTheFileIsTheWholeFile() throws Exception {
        Http.Response r = http().get("/hello.txt", "Range: bytes=-200");
        assertEquals(206, r.status);
        assertEquals("bytes 0-99/100", r.header("Content-Range"));
        assertEquals(HUNDRED, r.text());
    }

    @Test
    public void unsatisfiableRangesAre416() throws Exception {
        for (String range : new String[] {"bytes=200-", "bytes=100-", "bytes=-0", "bytes=200-300,400-"}) {
            Http.Response r = http().get("/hello.txt", "Range: " + range);
            assertEquals(range, 416, r.status);
            assertEquals("bytes */100", r.header("Content-Range"));
        }
    }

    @Test
    public void invalidRangesAreIgnored() throws Exception {
        for (String range : new String[] {"bytes=5-2", "items=0-1", "bytes=a-b", "bytes=1"}) {
            Http.Response r = http().get("/hello.txt", "Range: " + range);
            assertEquals(range, 200, r.status);
            assertEquals(100, r.body.length);
        }
    }

    @Test
    public void rangesAskingForMoreThanTheFileGetTheFileOnce() throws Exception {
        for (String range : new String[] {"bytes=0-,0-", "bytes=" + "0-40,".repeat(2) + "0-40", "bytes=" + "1-1,".repeat(64) + "2-2"}) {
            Http.Response r = http().get("/hello.txt", "Range: " + range);
            assertEquals(range, 200, r.status);
            assertEquals(HUNDRED, r.text());
        }
        assertEquals(200, http().get("/big.bin", "Range: " + "bytes=" + "0-,".repeat(500) + "0-").status);
        Http.Response overlap = http().get("/hello.txt", "Range: bytes=0-1,1-2");
        assertEquals(206, overlap.status); // overlapping but small: served as asked, like Twisted
        assertTrue(overlap.header("Content-Type").startsWith("multipart/byteranges"));
    }

    @Test
    public void severalRangesAreMultipart() throws Exception {
        Http.Response r = http().get("/hello.txt", "Range: bytes=0-1,10-12,500-600");
        assertEquals(206, r.status);
        String type = r.header("Content-Type");
        assertTrue(type, type.startsWith("multipart/byteranges; boundary="));
        String boundary = type.substring(type.indexOf('=') + 1);
        assertEquals(String.valueOf(r.body.length), r.header("Content-Length"));
        assertEquals("\r\n--" + boundary + "\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/100\r\n\r\n01"
                + "\r\n--" + boundary + "\r\nContent-Type: text/plain\r\nContent-Range: bytes 10-12/100\r\n\r\n012"
                + "\r\n--" + boundary + "--\r\n", r.text());
    }

    @Test
    public void ifModifiedSinceGives304() throws Exception {
        Http.Response first = http().get("/hello.txt");
        Http.Response again = http().get("/hello.txt", "If-Modified-Since: " + first.header("Last-Modified"));
        assertEquals(304, again.status);
        assertEquals(0, again.body.length);
        assertEquals(first.header("ETag"), again.header("ETag"));
        assertEquals(200, http().get("/hello.txt", "If-Modified-Since: Mon, 01 Jan 1990 00:00:00 GMT").status);
        assertEquals(200, http().get("/hello.txt", "If-Modified-Since: garbage").status);
    }

    @Test
    public void ifNoneMatchGives304AndWinsOverTheDate() throws Exception {
        String etag = http().get("/hello.txt").header("ETag");
        assertEquals(304, http().get("/hello.txt", "If-None-Match: \"other\", " + etag).status);
        assertEquals(304, http().get("/hello.txt", "If-None-Match: *").status);
        assertEquals(200, http().get("/hello.txt", "If-None-Match: \"other\"", "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT").status);
    }

    @Test
    public void aChangedFileGetsANewEtag() throws Exception {
        Path p = write("changing.txt", "one");
        Files.setLastModifiedTime(p, FileTime.fromMillis(1_000_000_000_000L));
        String before = http().get("/changing.txt").header("ETag");
        Files.writeString(p, "two");
        Files.setLastModifiedTime(p, FileTime.fromMillis(1_000_000_001_000L));
        // Within a second at most (the file cache's validation period) the change shows.
        Http.Response r = dev.weft.testkit.Await.until(java.time.Duration.ofSeconds(3), "the changed file",
                () -> { Http.Response x = http().get("/changing.txt", "If-None-Match: " + before); return x.status == 200 ? x : null; });
        assertEquals("two", r.text());
        assertTrue(!before.equals(r.header("ETag")));
    }

    @Test
    public void ifRangeServesTheRangeOnlyForTheSameRepresentation() throws Exception {
        String etag = http().get("/hello.txt").header("ETag");
        assertEquals(206, http().get("/hello.txt", "Range: bytes=0-1", "If-Range: " + etag).status);
        assertEquals(200, http().get("/hello.txt", "Range: bytes=0-1", "If-Range: \"stale\"").status);
    }

    @Test
    public void filesOver4GiBHaveExactLengthsAndRanges() throws Exception {
        Path huge = www.resolve("huge.bin");
        long size = 5L * 1024 * 1024 * 1024 + 3; // sparse: takes no disk
        try (var f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(size);
            f.seek(size - 3);
            f.write("end".getBytes(StandardCharsets.US_ASCII));
        }
        try {
            assertEquals(String.valueOf(size), http().send("HEAD", "/huge.bin", null).header("Content-Length"));
            Http.Response tail = http().get("/huge.bin", "Range: bytes=-3");
            assertEquals(206, tail.status);
            assertEquals("bytes " + (size - 3) + "-" + (size - 1) + "/" + size, tail.header("Content-Range"));
            assertEquals("end", tail.text());
            Http.Response two = http().get("/huge.bin", "Range: bytes=0-0," + (size - 2) + "-");
            assertTrue(two.text(), two.text().contains("Content-Range: bytes " + (size - 2) + "-" + (size - 1) + "/" + size + "\r\n\r\nnd\r\n"));
            assertTrue(DirectoryLister.formatFileSize(size).equals("5G"));
        } finally {
            Files.delete(huge);
        }
    }

    @Test
    public void largeFilesStreamWhole() throws Exception {
        Http.Response r = http().get("/big.bin");
        assertEquals(200, r.status);
        assertEquals(String.valueOf(Files.size(www.resolve("big.bin"))), r.header("Content-Length"));
        assertArrayEquals(Files.readAllBytes(www.resolve("big.bin")), r.body);
        Http.Response part = http().get("/big.bin", "Range: bytes=100000-7000000");
        byte[] all = Files.readAllBytes(www.resolve("big.bin"));
        assertArrayEquals(java.util.Arrays.copyOfRange(all, 100000, 7000001), part.body);
        assertNull(part.header("Transfer-Encoding"));
    }
}
