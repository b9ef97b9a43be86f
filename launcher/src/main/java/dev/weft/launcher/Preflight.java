package dev.weft.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a command line asks for that the system must allow, checked before anything starts, so a
 * refusal is one line and exit code 2: ports and sockets free, the access log writable, the
 * pidfile ours to take (and to remove).
 */
final class Preflight {
    private static final Logger LOG = LoggerFactory.getLogger("weft");

    private Preflight() {
    }

    static void check(SiteOptions site) throws BadCommandLine {
        checkPortFree(site);
        checkLogfile(site);
    }

    /** Like twistd: a pidfile naming a live process means another server; a stale one is replaced. */
    static void writePidfile(Path pidfile) throws BadCommandLine {
        try {
            if (Files.isRegularFile(pidfile)) {
                String old = Files.readString(pidfile).strip();
                if (old.matches("\\d{1,18}") && ProcessHandle.of(Long.parseLong(old)).map(ProcessHandle::isAlive).orElse(false)) {
                    throw new BadCommandLine("--pidfile " + pidfile + ": another server is running, PID " + old);
                }
            }
            Files.writeString(pidfile, ProcessHandle.current().pid() + "\n");
        } catch (IOException e) {
            throw new BadCommandLine("--pidfile: cannot write " + pidfile + ": " + reason(e));
        }
    }

    /** Only our own: a pidfile another server has taken over since is left to it. */
    static void removePidfile(Path pidfile) {
        try {
            if (Files.readString(pidfile).strip().equals(String.valueOf(ProcessHandle.current().pid()))) Files.delete(pidfile);
        } catch (IOException e) {
            LOG.warn("cannot remove the pidfile {}: {}", pidfile, reason(e));
        }
    }

    /** An access log that cannot be written would otherwise stop the site from starting, later and less clearly. */
    private static void checkLogfile(SiteOptions site) throws BadCommandLine {
        if (site.logfile == null || site.logfile.equals("-")) return;
        Path log = Path.of(site.logfile).toAbsolutePath();
        Path dir = log.getParent();
        if (dir != null && Files.exists(dir) && !Files.isDirectory(dir)) throw new BadCommandLine("--logfile: cannot write " + log + ": " + dir + " is not a directory");
        try {
            if (dir != null) Files.createDirectories(dir);
            Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND).close();
        } catch (IOException e) {
            throw new BadCommandLine("--logfile: cannot write " + log + ": " + reason(e));
        }
    }

    private static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        if (e instanceof NoSuchFileException) return "no such file or directory";
        return e.getMessage();
    }

    /** A port or socket already taken is a command-line problem: say so before starting anything. */
    private static void checkPortFree(SiteOptions site) throws BadCommandLine {
        for (String listener : site.listen) {
            if (!listener.startsWith("unix:")) continue;
            Path socket = Path.of(listener.substring(5));
            if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS) && !isSocket(socket)) {
                throw new BadCommandLine("cannot listen on " + listener + ": " + socket + " exists and is not a socket; not replacing it");
            }
            if (ShellClient.answers(socket)) {
                throw new BadCommandLine("cannot listen on " + listener + ": another server is listening on " + socket);
            }
        }
        probe(site.iface, site.port);
        if (site.httpsPort != null) probe(site.iface, site.httpsPort);
    }

    private static void probe(String iface, int port) throws BadCommandLine {
        if (port <= 0) return;
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(iface, port));
        } catch (IOException e) {
            throw new BadCommandLine("cannot listen on " + iface + ":" + port + ": " + e.getMessage());
        }
    }

    private static boolean isSocket(Path path) {
        try {
            return ((Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000) == 0140000;
        } catch (IOException e) {
            return false;
        }
    }
}
