package dev.weft.bannerfish;

import dev.weft.testkit.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Just enough of the W3C WebDriver protocol to drive Debian's headless Chromium through
 * chromedriver: open pages, find elements, type, click, read the page.
 */
final class WebDriver implements AutoCloseable {
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

    private final Process driver;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String session;

    WebDriver() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        driver = new ProcessBuilder(CHROMEDRIVER, "--port=" + port).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String root = "http://127.0.0.1:" + port;
        Await.until(Duration.ofSeconds(20), "chromedriver", () -> call("GET", root + "/status", null).contains("\"ready\":true"));
        String created = call("POST", root + "/session", """
                {"capabilities":{"alwaysMatch":{"browserName":"chrome","goog:chromeOptions":{"binary":"/usr/bin/chromium",
                "args":["--headless=new","--no-sandbox","--disable-gpu","--disable-dev-shm-usage","--window-size=1200,900"]}}}}""");
        session = value(created, "sessionId");
        base = root + "/session/" + session;
    }

    void open(String url) throws Exception {
        call("POST", base + "/url", "{\"url\":" + quote(url) + "}");
    }

    String url() throws Exception {
        return value(call("GET", base + "/url", null), "value");
    }

    String source() throws Exception {
        return value(call("GET", base + "/source", null), "value");
    }

    /** The first element for a CSS selector, waiting for it to appear. */
    String find(String css) {
        return Await.until(Duration.ofSeconds(15), "element " + css, () -> {
            String found = call("POST", base + "/element", "{\"using\":\"css selector\",\"value\":" + quote(css) + "}");
            return found.contains(ELEMENT) ? value(found, ELEMENT) : null;
        });
    }

    void type(String css, String text) throws Exception {
        call("POST", base + "/element/" + find(css) + "/value", "{\"text\":" + quote(text) + "}");
    }

    void click(String css) throws Exception {
        call("POST", base + "/element/" + find(css) + "/click", "{}");
    }

    @Override
    public void close() throws Exception {
        try {
            if (session != null) call("DELETE", base, null);
        } finally {
            driver.destroy();
            if (!driver.waitFor(10, TimeUnit.SECONDS)) driver.destroyForcibly();
        }
    }

    private String call(String method, String url, String json) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        r.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) r.header("Content-Type", "application/json");
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The string value of {@code key} in a JSON text (the first one). */
    private static String value(String json, String key) {
        int k = json.indexOf("\"" + key + "\"");
        if (k < 0) throw new IllegalStateException("no " + key + " in " + json);
        int open = json.indexOf('"', json.indexOf(':', k + key.length() + 2));
        int i = open + 1;
        while (json.charAt(i) != '"') i += json.charAt(i) == '\\' ? 2 : 1;
        return unescape(json.substring(open + 1, i));
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'u' -> {
                    out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(e);
            }
        }
        return out.toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
