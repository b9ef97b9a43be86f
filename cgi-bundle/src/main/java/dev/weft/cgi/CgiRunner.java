package dev.weft.cgi;

import dev.weft.core.api.Request;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;

/**
 * Starts and watches CGI processes: the threads that pump their pipes (blocking pipes need a
 * thread each; Java has no selectable process pipes), their timeouts, and every process still
 * running when the bundle stops, so none outlives it.
 */
@Component(service = CgiRunner.class, configurationPid = CgiConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class CgiRunner {
    final ExecutorService pipes = Executors.newCachedThreadPool(daemon("weft-cgi"));
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("weft-cgi-timeout"));
    final Set<Process> running = ConcurrentHashMap.newKeySet();
    volatile CgiSettings settings = CgiSettings.DEFAULT;

    @Activate
    @Modified
    void configure(CgiConfig config) {
        settings = new CgiSettings(Duration.ofSeconds(config.timeout()), config.passAuthorization(), config.path());
    }

    void run(CGIScript script, Request request) {
        new CgiExchange(this, script, request).start();
    }

    @Deactivate
    void close() {
        timer.shutdownNow();
        running.forEach(CgiRunner::killTree);
        pipes.shutdownNow();
    }

    /** The script and everything it started: children first, while they can still be found. */
    static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
