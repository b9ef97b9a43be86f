package dev.weft.launcher;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.util.Dictionary;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns a command line into configuration files in {@code etc/} (Felix's typed {@code .config}
 * format), which FileInstall hands to ConfigAdmin. Files a command line wrote carry
 * {@value #ORIGIN} and are replaced by the next command line; everything else in {@code etc/}
 * (files a user wrote, mounts made from the shell) is left as it is.
 */
final class EtcFiles {
    static final String ORIGIN = "weft.origin";
    private static final String MARK = ORIGIN + "=\"command line\"";

    private final Path etc;

    EtcFiles(Path etc) {
        this.etc = etc;
    }

    void write(Home home, SiteOptions o) throws IOException {
        removePrevious();
        writeIfMissing("org.apache.felix.fileinstall-deploy.cfg", """
                # Hot deploy: a jar dropped here is installed and started, a newer one updates it,
                # deleting it uninstalls it.
                felix.fileinstall.dir = ${weft.home}/deploy
                felix.fileinstall.poll = 250
                felix.fileinstall.noInitialDelay = true
                """);
        write("dev.weft.site", new Config()
                .put("port", o.port)
                .put("interface", o.iface)
                .put("listen", o.listen)
                .put("logfile", o.logfile == null ? home.log().resolve("access.log").toString()
                        : o.logfile.equals("-") ? "" : Path.of(o.logfile).toAbsolutePath().toString())
                .put("header", o.header)
                .put("index", o.index)
                .put("ignoreExt", o.ignoreExt)
                .put("mimeType", o.mimeType)
                .put("defaultType", o.defaultType)
                .put("processor", o.processor)
                .put("followSymlinks", o.followSymlinks));
        if (o.root != null) mount("/", "file:" + o.root);
        o.mounts.forEach(this::mount);
        o.vhosts.forEach((host, type) -> write("dev.weft.vhost-cli-" + name(host), new Config().put("host", host).put("type", type)));
        if (!o.rewrites.isEmpty()) write("dev.weft.rewrite", new Config().put("rules", o.rewrites));
        if (o.userHosts != null) write("dev.weft.userhosts", new Config().put("domain", o.userHosts));
        if (!o.bannerfish.isEmpty()) {
            Config c = new Config();
            o.bannerfish.forEach(c::put);
            write("dev.weft.bannerfish", c);
        }
    }

    /**
     * FileInstall forgets nothing it loaded: a file removed while the server was stopped leaves
     * its configuration in ConfigAdmin. Delete the command line's configurations whose file is
     * gone. ConfigAdmin's classes live in its bundle, so this goes through reflection on its
     * public API rather than sharing the package with the launcher.
     */
    static void forgetRemoved(BundleContext context) throws Exception {
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, "org.osgi.service.cm.ConfigurationAdmin", null);
        tracker.open();
        try {
            Object admin = tracker.waitForService(10_000);
            if (admin == null) throw new IllegalStateException("ConfigurationAdmin did not start");
            Object[] configs = (Object[]) admin.getClass().getMethod("listConfigurations", String.class)
                    .invoke(admin, "(&(" + ORIGIN + "=command line)(felix.fileinstall.filename=*))");
            if (configs == null) return;
            for (Object config : configs) {
                Method properties = config.getClass().getMethod("getProperties");
                properties.setAccessible(true);
                Object file = ((Dictionary<?, ?>) properties.invoke(config)).get("felix.fileinstall.filename");
                if (!Files.exists(Path.of(URI.create(file.toString())))) {
                    Method delete = config.getClass().getMethod("delete");
                    delete.setAccessible(true);
                    delete.invoke(config);
                }
            }
        } finally {
            tracker.close();
        }
    }

    private void mount(String path, String type) {
        write("dev.weft.mount-cli-" + name(path), new Config().put("path", path).put("type", type));
    }

    /** {@code /} is {@code root}, {@code /a/b} is {@code a-b}, {@code foo.com} stays. */
    private static String name(String key) {
        String name = key.replaceAll("[^A-Za-z0-9._]+", "-").replaceAll("^-+|-+$", "");
        return name.isEmpty() ? "root" : name;
    }

    private void removePrevious() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(etc, "*.config")) {
            for (Path f : files) {
                if (Files.readAllLines(f, StandardCharsets.UTF_8).contains(MARK)) Files.delete(f);
            }
        }
    }

    private void writeIfMissing(String file, String text) throws IOException {
        Path f = etc.resolve(file);
        if (!Files.exists(f)) atomically(f, text);
    }

    private void write(String pid, Config config) {
        try {
            atomically(etc.resolve(pid + ".config"), config.put(ORIGIN, "command line").text());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void atomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** One {@code .config} file: {@code key=I"1"}, {@code key="text"}, {@code key=["a","b"]}; unset values left out. */
    private static final class Config {
        private final StringBuilder text = new StringBuilder();

        Config put(String key, Object value) {
            if (value == null || value instanceof List<?> l && l.isEmpty()) return this;
            text.append(key).append('=');
            if (value instanceof Integer i) text.append("I\"").append(i).append('"');
            else if (value instanceof Boolean b) text.append("B\"").append(b).append('"');
            else if (value instanceof List<?> l) text.append(l.stream().map(v -> quote(v.toString())).collect(Collectors.joining(",", "[", "]")));
            else text.append(quote(value.toString()));
            text.append('\n');
            return this;
        }

        String text() {
            return text.toString();
        }

        private static String quote(String s) {
            return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }
    }

}
