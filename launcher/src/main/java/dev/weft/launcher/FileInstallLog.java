package dev.weft.launcher;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FileInstall (hot deploy, etc/) prints a stack trace for every jar it cannot install or start.
 * Told to log through java.util.logging, it comes here instead: one line per problem, with the
 * reason, in the same log as the rest.
 */
final class FileInstallLog extends Handler {
    private static final Logger LOG = LoggerFactory.getLogger("fileinstall");
    /** java.util.logging keeps loggers weakly: this one must stay, with its handler. */
    private static final java.util.logging.Logger JUL = java.util.logging.Logger.getLogger("fileinstall");

    static void install() {
        JUL.setUseParentHandlers(false);
        JUL.setLevel(Level.ALL);
        for (Handler h : JUL.getHandlers()) JUL.removeHandler(h);
        JUL.addHandler(new FileInstallLog());
    }

    @Override
    public void publish(LogRecord r) {
        String line = r.getThrown() == null ? r.getMessage() : r.getMessage() + ": " + reason(r.getThrown());
        int level = r.getLevel().intValue();
        if (level >= Level.SEVERE.intValue()) LOG.error(line);
        else if (level >= Level.WARNING.intValue()) LOG.warn(line);
        else if (level >= Level.INFO.intValue()) LOG.info(line);
        else LOG.debug(line);
    }

    private static String reason(Throwable t) {
        String message = t.getMessage();
        if (message == null && t.getCause() != null) return reason(t.getCause());
        return message != null ? message.replaceAll("\\s+", " ") : t.toString();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
