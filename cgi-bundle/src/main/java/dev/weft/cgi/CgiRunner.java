package dev.weft.cgi;

import dev.weft.core.api.Request;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and watches CGI processes: the threads that pump their pipes (blocking pipes need a
 * thread each; Java has no selectable process pipes), their timeouts, and every run still going
 * when the bundle stops, so none outlives it.
 *
 * <p>Each script starts in a session of its own ({@code setsid}): Ctrl-C on the server's terminal
 * is not delivered to it, and killing it reaches everything it started, even children that
 * outlived their parent and were handed to init.
 */
@Component(service = CgiRunner.class, configurationPid = CgiConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class CgiRunner {
    private static final Logger LOG = LoggerFactory.getLogger(CgiRunner.class);
    final ExecutorService pipes = Executors.newCachedThreadPool(daemon("weft-cgi"));
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("weft-cgi-timeout"));
    /** Put before every script's command: a new session, where {@code setsid} exists. */
    static final List<String> SESSION = sessionLeader();

    final Set<CgiExchange> running = ConcurrentHashMap.newKeySet();
    volatile CgiSettings settings = CgiSettings.DEFAULT;

    public CgiRunner() {
        timer.scheduleWithFixedDelay(this::checkClients, 1, 1, TimeUnit.SECONDS);
    }

    @Activate
    @Modified
    void configure(CgiConfig config) {
        settings = new CgiSettings(Duration.ofSeconds(config.timeout()), config.passAuthorization(), config.path());
    }

    /** Stops the scripts whose clients have hung up: one look at the kernel's tables for all of them. */
    private void checkClients() {
        if (running.isEmpty()) return;
        try {
            Set<String> closeWaiting = ClientWatch.closeWaiting();
            running.forEach(run -> run.checkClient(closeWaiting));
        } catch (RuntimeException e) { // else the timer would never run this again
            LOG.warn("cannot check for clients that hung up: {}", e.toString());
        }
    }

    void run(CGIScript script, Request request) {
        new CgiExchange(this, script, request).start();
    }

    @Deactivate
    void close() {
        running.forEach(CgiExchange::bundleStopped);
        timer.shutdownNow();
        pipes.shutdownNow();
    }

    /** What starts a program in a new session: {@code setsid}, where there is one. */
    private static List<String> sessionLeader() {
        for (String setsid : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(setsid))) return List.of(setsid);
        }
        return List.of();
    }

    /**
     * The script and everything it started: its session (children reparented to init included),
     * and its descendants in case it ran without a session of its own.
     */
    static void killTree(Process process) {
        long session = process.pid();
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        ProcessHandle.allProcesses().filter(p -> p.pid() != session && sessionOf(p.pid()) == session).forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** The session id of a process (Linux: field 6 of /proc/PID/stat), or -1. */
    static long sessionOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[3]); // state ppid pgrp session
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
