package dev.weft.core.site;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.TryExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners' executor: the server's pool, except for one hand-off. When an answer finishes
 * after its handler returned (a proxied or subscribed request, any asynchronous answer), Jetty
 * gives the connection to the pool to read the next request, waking a thread that mostly finds
 * nothing to read yet. No handler here blocks (the {@link Site} renders blocking resources on the
 * pool itself), so the connection goes on on the thread that finished the answer, as it does on
 * a selector thread. One level deep: a connection that finishes another's answer while resuming
 * hands that one to the pool, so stacks stay short.
 */
final class ConnectionExecutor implements TryExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionExecutor.class);
    private static final ThreadLocal<Boolean> RESUMING = new ThreadLocal<>();

    private final QueuedThreadPool pool;

    ConnectionExecutor(QueuedThreadPool pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        if (!(task instanceof Connection) || RESUMING.get() != null) {
            pool.execute(task);
            return;
        }
        RESUMING.set(Boolean.TRUE);
        try {
            task.run();
        } catch (Throwable t) {
            LOG.warn("{} failed to resume", task, t);
        } finally {
            RESUMING.remove();
        }
    }

    @Override
    public boolean tryExecute(Runnable task) {
        return pool.tryExecute(task);
    }
}
