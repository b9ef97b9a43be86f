package dev.weft.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The site a command line asks for, checked before anything starts. {@code weft web} options
 * follow {@code twistd web}; each becomes configuration in {@code etc/} ({@link EtcFiles}).
 */
final class SiteOptions {
    private static final Pattern EXT = Pattern.compile("\\.[^\\s=/]+");
    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9-]*(:.*)?");

    int port = 8080;
    String iface = "127.0.0.1";
    Path root;
    final List<String> listen = new ArrayList<>();
    final List<String> index = new ArrayList<>();
    final List<String> ignoreExt = new ArrayList<>();
    final List<String> mimeType = new ArrayList<>();
    String defaultType;
    final List<String> header = new ArrayList<>();
    final List<String> processor = new ArrayList<>();
    final Map<String, String> mounts = new LinkedHashMap<>();
    final Map<String, String> vhosts = new LinkedHashMap<>();
    final List<String> rewrites = new ArrayList<>();
    String logfile;
    Path pidfile;
    String userHosts;
    boolean followSymlinks;
    /** {@code --https PORT} with its PEM files (Twisted's defaults: both in server.pem). */
    Integer httpsPort;
    String certificate;
    String privkey;
    /** Jars from {@code apps/} this command installs, by file-name prefix. */
    final List<String> apps = new ArrayList<>();
    /** Bannerfish's own configuration, when the command sets it. */
    final Map<String, String> bannerfish = new LinkedHashMap<>();

    /** {@code weft} alone: the demo site in the distribution, with CGI and Bannerfish. */
    static SiteOptions demo(Home home) {
        SiteOptions o = new SiteOptions();
        o.root = home.demo();
        o.processor.add(".cgi=cgi");
        o.apps.add("weft-bannerfish");
        return o;
    }

    /** {@code weft web ...}: Twisted's {@code twistd web}. */
    static SiteOptions web(List<String> args, Home home) throws BadCommandLine {
        SiteOptions o = new SiteOptions();
        o.root = home.demo();
        Args a = new Args(args);
        boolean personal = false, portGiven = false;
        while (a.hasNext()) {
            String option = a.next();
            switch (option) {
                case "--path" -> o.root = directory(a.value(option), option);
                case "--port" -> {
                    o.port = port(a.value(option));
                    portGiven = true;
                }
                case "--interface" -> o.iface = a.value(option);
                case "--listen" -> o.listen.add(listener(a.value(option), option));
                case "--index" -> o.index.add(a.value(option));
                case "--ignore-ext" -> o.ignoreExt.add(ignoredExtension(a.value(option)));
                case "--mime-type" -> o.mimeType.add(extensionPair(a.value(option), option, "--mime-type .EXT=TYPE, e.g. .md=text/markdown"));
                case "--default-type" -> o.defaultType = a.value(option);
                case "--add-header" -> o.header.add(header(a.value(option)));
                case "--processor" -> o.processor.add(extensionPair(a.value(option), option, "--processor .EXT=TYPE, e.g. .cgi=cgi or .php=filter:/usr/bin/php-cgi"));
                case "--mount" -> o.mount(a.value(option));
                case "--vhost" -> o.vhost(a.value(option));
                case "--rewrite" -> o.rewrites.add(rewrite(a.value(option)));
                case "--alias" -> o.rewrites.add("alias " + alias(a.value(option)));
                case "--logfile" -> o.logfile = a.value(option);
                case "--pidfile" -> o.pidfile = Path.of(a.value(option)).toAbsolutePath();
                case "--publish" -> o.listen.add(listener(a.value(option), option));
                case "--user" -> o.mounts.put("/users", "userdir");
                case "--user-hosts" -> o.userHosts = domain(a.value(option));
                case "--personal" -> personal = true;
                case "--follow-symlinks" -> o.followSymlinks = true;
                case "--https" -> o.httpsPort = port(a.value(option));
                case "--certificate" -> o.certificate = a.value(option);
                case "--privkey" -> o.privkey = a.value(option);
                default -> throw unknown(option);
            }
        }
        if (personal) o.personal(portGiven);
        o.https();
        return o;
    }

    /** Adds the HTTPS listener, once {@code --interface} is known; its PEM files must be there. */
    private void https() throws BadCommandLine {
        if (httpsPort == null) {
            if (certificate != null || privkey != null) throw new BadCommandLine("--certificate and --privkey go with --https PORT");
            return;
        }
        Path key = pem(privkey == null ? "server.pem" : privkey, "--privkey", "PRIVATE KEY");
        Path cert = pem(certificate == null ? "server.pem" : certificate, "--certificate", "CERTIFICATE");
        listen.add("ssl:" + httpsPort + ":interface=" + iface + ":privateKey=" + key + ":certKey=" + cert);
    }

    private static Path pem(String value, String option, String block) throws BadCommandLine {
        Path file = Path.of(value).toAbsolutePath().normalize();
        try {
            if (Files.readString(file, StandardCharsets.US_ASCII).contains("-----BEGIN " + block + "-----")) return file;
        } catch (IOException | UncheckedIOException e) {
            throw new BadCommandLine(option + ": cannot read " + value + " (" + e.getClass().getSimpleName() + ")");
        }
        throw new BadCommandLine(option + ": " + value + " holds no PEM " + block.toLowerCase(Locale.ROOT)
                + " (-----BEGIN " + block + "-----)");
    }

    /** {@code weft bannerfish --port N --data DIR}: Bannerfish alone, at {@code /}. */
    static SiteOptions bannerfish(List<String> args, Home home) throws BadCommandLine {
        SiteOptions o = new SiteOptions();
        Path data = home.data().resolve("bannerfish");
        Args a = new Args(args);
        while (a.hasNext()) {
            String option = a.next();
            switch (option) {
                case "--port" -> o.port = port(a.value(option));
                case "--interface" -> o.iface = a.value(option);
                case "--data" -> data = Path.of(a.value(option)).toAbsolutePath().normalize();
                case "--publish" -> o.listen.add(listener(a.value(option), option));
                case "--logfile" -> o.logfile = a.value(option);
                case "--pidfile" -> o.pidfile = Path.of(a.value(option)).toAbsolutePath();
                default -> throw unknown(option);
            }
        }
        o.apps.add("weft-bannerfish");
        o.mounts.put("/", "bannerfish:" + data);
        o.bannerfish.put("path", ""); // served at / only, not also at /bannerfish
        o.bannerfish.put("data", data.toString());
        return o;
    }

    private void mount(String spec) throws BadCommandLine {
        int eq = spec.indexOf('=');
        if (eq <= 0 || !spec.startsWith("/") || !TYPE.matcher(spec.substring(eq + 1)).matches()) {
            throw new BadCommandLine("--mount expects /PATH=TYPE[:ARG], e.g. /docs=file:/srv/docs, got '" + spec + "'");
        }
        String type = spec.substring(eq + 1);
        if (type.startsWith("file:")) type = "file:" + directory(type.substring(5), "--mount");
        mounts.put(spec.substring(0, eq), type);
    }

    private void vhost(String spec) throws BadCommandLine {
        int eq = spec.indexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) throw new BadCommandLine("--vhost expects HOST=DIR or HOST=TYPE:ARG, got '" + spec + "'");
        String value = spec.substring(eq + 1);
        boolean typed = TYPE.matcher(value).matches() && value.contains(":") && !value.startsWith("/");
        vhosts.put(spec.substring(0, eq).toLowerCase(Locale.ROOT), typed ? value : "file:" + directory(value, "--vhost"));
    }

    /** Publishes on ~/.weft-web.sock, instead of the default port; a --port given too (before or after) is kept. */
    private void personal(boolean portGiven) {
        if (!portGiven) port = -1;
        listen.add("unix:" + Path.of(System.getProperty("user.home"), ".weft-web.sock"));
    }

    static Path directory(String value, String option) throws BadCommandLine {
        Path dir = Path.of(value).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) throw new BadCommandLine(option + ": no such directory: " + value);
        return dir;
    }

    static int port(String value) throws BadCommandLine {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) return port;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadCommandLine("--port expects a number from 0 to 65535, got '" + value + "'");
    }

    private static String listener(String value, String option) throws BadCommandLine {
        if (value.matches("unix:/.+") || value.matches("tcp:(\\d+|[^:]+:\\d+)(:.*)?") || value.matches("ssl:\\d+:.*privateKey=.+")) return value;
        throw new BadCommandLine(option + " expects unix:/PATH, tcp:PORT or ssl:PORT:privateKey=PEM, got '" + value + "'");
    }

    private static String ignoredExtension(String value) throws BadCommandLine {
        if (value.equals("*") || EXT.matcher(value).matches()) return value;
        throw new BadCommandLine("--ignore-ext expects .EXT or *, got '" + value + "'");
    }

    private static String extensionPair(String value, String option, String usage) throws BadCommandLine {
        int eq = value.indexOf('=');
        if (eq > 0 && EXT.matcher(value.substring(0, eq)).matches() && eq < value.length() - 1) return value;
        throw new BadCommandLine(option + " expects " + usage.substring(usage.indexOf(' ') + 1) + ", got '" + value + "'");
    }

    private static String header(String value) throws BadCommandLine {
        int colon = value.indexOf(':');
        if (colon > 0 && value.substring(0, colon).trim().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) return value;
        throw new BadCommandLine("--add-header expects 'Name: value', got '" + value + "'");
    }

    private static String rewrite(String value) throws BadCommandLine {
        if (value.equals("tilde-users")) return value;
        throw new BadCommandLine("--rewrite knows tilde-users (/~alice/x -> /users/alice/x), got '" + value + "'");
    }

    private static String alias(String value) throws BadCommandLine {
        if (value.matches("/[^=]*=/[^=]*")) return value;
        throw new BadCommandLine("--alias expects /OLD=/NEW, got '" + value + "'");
    }

    private static String domain(String value) throws BadCommandLine {
        if (value.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) return value.toLowerCase(Locale.ROOT);
        throw new BadCommandLine("--user-hosts expects a domain such as example.com, got '" + value + "'");
    }

    private static BadCommandLine unknown(String option) {
        return new BadCommandLine("unknown option '" + option + "' (weft --help lists them)");
    }

    /** {@code --name value} and {@code --name=value}. */
    private static final class Args {
        private final List<String> args;
        private int at;
        private String inline;

        Args(List<String> args) { this.args = args; }

        boolean hasNext() { return at < args.size(); }

        String next() {
            String arg = args.get(at++);
            int eq = arg.indexOf('=');
            inline = arg.startsWith("--") && eq > 0 ? arg.substring(eq + 1) : null;
            return inline == null ? arg : arg.substring(0, eq);
        }

        String value(String option) throws BadCommandLine {
            if (inline != null) return inline;
            if (at >= args.size()) throw new BadCommandLine(option + " needs a value (weft --help lists the options)");
            return args.get(at++);
        }
    }
}
