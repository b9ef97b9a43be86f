package dev.weft.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** The {@code weft} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        quietLogging();
        int code;
        try {
            code = run(Arrays.asList(args));
        } catch (BadCommandLine e) {
            System.err.println("weft: " + e.getMessage());
            code = 2;
        } catch (Exception e) {
            System.err.println("weft: " + e);
            code = 1;
        }
        System.exit(code);
    }

    static int run(List<String> args) throws Exception {
        Home home = Home.fromEnvironment();
        if (args.isEmpty()) return new Platform(home, SiteOptions.demo(home)).run();
        List<String> rest = args.subList(1, args.size());
        return switch (args.get(0)) {
            case "web" -> rest.contains("--help") ? help() : new Platform(home, SiteOptions.web(rest, home)).run();
            case "bannerfish" -> rest.contains("--help") ? help() : new Platform(home, SiteOptions.bannerfish(rest, home)).run();
            case "shell" -> ShellClient.run(home, String.join(" ", rest));
            case "--help", "-h", "help" -> help();
            default -> throw new BadCommandLine("unknown command '" + args.get(0) + "' (weft --help lists the commands)");
        };
    }

    private static int help() throws IOException {
        try (InputStream in = Main.class.getResourceAsStream("help.txt")) {
            System.out.print(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        return 0;
    }

    /**
     * One short line per event on the process's stderr; Jetty's start-up chatter only when asked
     * for. The stream is the one there at start: a shell command's stderr (which Gogo swaps in
     * for the thread running it) is the command's own, not the server's log.
     */
    private static void quietLogging() {
        setDefault("org.slf4j.simpleLogger.cacheOutputStream", "true");
        setDefault("org.slf4j.simpleLogger.showDateTime", "true");
        setDefault("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        setDefault("org.slf4j.simpleLogger.showThreadName", "false");
        setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
        setDefault("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }
}
