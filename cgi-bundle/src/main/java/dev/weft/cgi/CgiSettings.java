package dev.weft.cgi;

import java.time.Duration;

/** How scripts run: killed after {@code timeout}, with {@code path} as PATH. */
record CgiSettings(Duration timeout, boolean passAuthorization, String path) {
    static final CgiSettings DEFAULT = new CgiSettings(Duration.ofSeconds(60), false, "/usr/local/bin:/usr/bin:/bin");
}
