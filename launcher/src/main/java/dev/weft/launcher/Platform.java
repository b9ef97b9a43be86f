package dev.weft.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.jar.JarFile;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The running server: Felix with the platform bundles from {@code bundle/}, the applications the
 * command asked for from {@code apps/}, FileInstall watching {@code etc/} (configuration) and
 * {@code deploy/} (hot deploy), and the Gogo shell on the terminal and on {@code data/shell.sock}.
 */
final class Platform {
    private static final Logger LOG = LoggerFactory.getLogger("weft");
    private static final long STOP_WAIT_MS = 30_000;

    private final Home home;
    private final SiteOptions site;
    /** Where the platform's own bundles come from (see {@link #platformDirs}); the others are the user's. */
    private List<String> platformDirs = List.of();

    Platform(Home home, SiteOptions site) {
        this.home = home;
        this.site = site;
    }

    int run() throws Exception {
        long started = System.nanoTime();
        home.create();
        if (ShellClient.answers(home.shellSocket())) {
            throw new BadCommandLine("a server is already running from " + home.home() + "; stop it with: weft shell 'stop 0'");
        }
        Preflight.check(site);
        new EtcFiles(home.etc()).write(home, site);
        if (site.pidfile != null) Preflight.writePidfile(site.pidfile);
        FileInstallLog.install();
        try {
            Framework framework = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(properties());
            framework.init();
            BundleContext context = framework.getBundleContext();
            context.addFrameworkListener(e -> {
                if (e.getType() == FrameworkEvent.ERROR) LOG.error("{}: {}", e.getBundle().getSymbolicName(), cause(e.getThrowable()));
            });
            platformDirs = platformDirs();
            context.addBundleListener(this::reportDeploy);
            installPlatform(context);
            Signal.handle(new Signal("TERM"), s -> stop(framework));
            Signal.handle(new Signal("INT"), s -> stop(framework));
            framework.start();
            EtcFiles.forgetRemoved(context);
            new BrokenJars(home.deploy()).watch();
            LOG.info("Weft started in {} ms; home {}", (System.nanoTime() - started) / 1_000_000, home.home());
            waitForStop(framework);
            return 0;
        } finally {
            if (site.pidfile != null) Preflight.removePidfile(site.pidfile);
        }
    }

    private static void waitForStop(Framework framework) throws InterruptedException {
        while (true) {
            FrameworkEvent event = framework.waitForStop(0);
            if (event.getType() != FrameworkEvent.STOPPED_UPDATE) return;
        }
    }

    /** Ctrl-C and SIGTERM: stop gracefully (the site lets requests in flight finish), then exit. */
    private static void stop(Framework framework) {
        LOG.info("stopping");
        Thread stopper = new Thread(() -> {
            try {
                framework.stop();
                if (framework.waitForStop(STOP_WAIT_MS).getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                    LOG.error("did not stop within {} s; exiting anyway", STOP_WAIT_MS / 1000);
                    Runtime.getRuntime().halt(1);
                }
            } catch (BundleException | InterruptedException e) {
                LOG.error("stopping: {}", e.toString());
            }
        }, "weft-stop");
        stopper.start();
    }

    private Map<String, String> properties() throws IOException {
        Map<String, String> p = new HashMap<>();
        p.put(Constants.FRAMEWORK_STORAGE, home.data().resolve("felix-cache").toString());
        p.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, classPathExports());
        p.put("felix.log.level", "1");
        p.put("weft.home", home.home().toString());
        p.put("weft.data", home.data().toString());
        p.put("weft.shell.socket", home.shellSocket().toString());
        p.put("felix.fileinstall.dir", home.etc().toString());
        p.put("felix.fileinstall.poll", "250");
        p.put("felix.fileinstall.noInitialDelay", "true");
        p.put("felix.fileinstall.log.level", "2");
        p.put("felix.fileinstall.log.default", "jul"); // one line per problem: FileInstallLog
        // Gogo reads the terminal only when we own it: EOF on stdin would stop the server, and a
        // read from the background (./weft web ... &) would stop the whole process (SIGTTIN).
        p.put("gosh.args", Terminal.inForeground() ? "" : "--nointeractive");
        return p;
    }

    /** slf4j lives on the class path (one copy for every bundle); the system bundle exports it. */
    private String classPathExports() throws IOException {
        List<String> exports = new ArrayList<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(home.lib(), "slf4j-*.jar")) {
            for (Path jar : jars) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    String header = file.getManifest().getMainAttributes().getValue(Constants.EXPORT_PACKAGE);
                    if (header != null) exports.add(header);
                }
            }
        }
        return String.join(",", exports);
    }

    /**
     * Brings the bundles this distribution provides (bundle/ and the command's apps/) to what is
     * on disk: installs new ones, updates changed ones, removes ones no longer wanted. Bundles
     * from deploy/ or the shell are not ours and are left alone.
     */
    private void installPlatform(BundleContext context) throws IOException, BundleException {
        Set<String> wanted = new LinkedHashSet<>();
        for (Path jar : jars(home.bundles())) wanted.add(jar.toUri().toString());
        for (Path jar : jars(home.apps())) {
            if (site.apps.stream().anyMatch(app -> jar.getFileName().toString().startsWith(app))) wanted.add(jar.toUri().toString());
        }
        for (Bundle b : context.getBundles()) {
            if (isPlatform(b) && !wanted.contains(b.getLocation())) b.uninstall();
        }
        for (String location : wanted) {
            Path jar = Path.of(java.net.URI.create(location));
            Bundle b = context.getBundle(location);
            if (b == null) {
                b = context.installBundle(location);
            } else if (Files.getLastModifiedTime(jar).toMillis() > b.getLastModified()) {
                try (InputStream in = Files.newInputStream(jar)) {
                    b.update(in);
                }
            }
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) b.start();
        }
        Files.writeString(lastDistribution(), home.dist().toString());
    }

    /**
     * This distribution's bundle/ and apps/, and those of the one that ran this home before, if
     * that was another (an upgrade unpacked elsewhere, as with Karaf): its bundles are replaced,
     * not left to clash with these.
     */
    private List<String> platformDirs() throws IOException {
        List<String> dirs = new ArrayList<>(List.of(dirUri(home.bundles()), dirUri(home.apps())));
        if (Files.exists(lastDistribution())) {
            Home before = new Home(Path.of(Files.readString(lastDistribution()).strip()), home.home());
            if (!before.dist().equals(home.dist())) {
                LOG.info("this home ran the distribution in {} before; its bundles give way to those of {}", before.dist(), home.dist());
                dirs.addAll(List.of(dirUri(before.bundles()), dirUri(before.apps())));
            }
        }
        return dirs;
    }

    private Path lastDistribution() {
        return home.data().resolve("distribution");
    }

    private static String dirUri(Path dir) {
        String uri = dir.toUri().toString();
        return uri.endsWith("/") ? uri : uri + "/";
    }

    private boolean isPlatform(Bundle b) {
        return platformDirs.stream().anyMatch(b.getLocation()::startsWith);
    }

    private static List<Path> jars(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "*.jar")) {
            jars.forEach(out::add);
        }
        out.sort(null);
        return out;
    }

    /** One line per bundle that hot deploy or the shell installs, updates or removes. */
    private void reportDeploy(BundleEvent e) {
        String what = switch (e.getType()) {
            case BundleEvent.INSTALLED -> "installed";
            case BundleEvent.UPDATED -> "updated";
            case BundleEvent.UNINSTALLED -> "uninstalled";
            case BundleEvent.STARTED -> "started";
            default -> null;
        };
        boolean ours = e.getBundle().getBundleId() == 0 || isPlatform(e.getBundle());
        if (what != null && !ours) LOG.info("{} {} {} ({})", what, e.getBundle().getSymbolicName(), e.getBundle().getVersion(), e.getBundle().getLocation());
    }

    private static String cause(Throwable t) {
        if (t == null) return "error";
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
