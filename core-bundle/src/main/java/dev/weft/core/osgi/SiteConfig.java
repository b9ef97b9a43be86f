package dev.weft.core.osgi;

/**
 * Configuration {@value #PID}: what {@code weft web} options set. Each is also a line in
 * {@code etc/dev.weft.site.config} and applies when saved.
 */
public @interface SiteConfig {
    String PID = "dev.weft.site";

    /** TCP port; 0 picks a free one; -1 for none (a personal server on a socket only). */
    int port() default 8080;

    /** Interface to listen on: {@code --interface}. */
    String interface$() default "127.0.0.1";

    /** More listeners: {@code unix:/path}, {@code tcp:PORT:interface=ADDR:trust=IP,...}. */
    String[] listen() default {};

    /** Combined-format access log file; empty logs through SLF4J. */
    String logfile() default "";

    /** {@code Name: value} headers added to every answer ({@code --add-header}). */
    String[] header() default {};

    /** Index file names tried in order ({@code --index}). */
    String[] index() default {"index", "index.html", "index.htm"};

    /** Extensions tried for a missing name, in order; {@code *} = any ({@code --ignore-ext}). */
    String[] ignoreExt() default {};

    /** {@code .EXT=TYPE} content type overrides ({@code --mime-type}). */
    String[] mimeType() default {};

    /** Type of files whose extension is unknown. */
    String defaultType() default "text/html";

    /** {@code .EXT=PROCESSOR[:ARG]} ({@code --processor}). */
    String[] processor() default {};

    /** Serve symlinks that lead out of a served directory (Twisted's behaviour). */
    boolean followSymlinks() default false;

    /** Seconds a session lives without use. */
    int sessionTimeout() default 900;

    /** Mark session cookies HttpOnly and SameSite=Lax. */
    boolean sessionHttpOnly() default false;

    /** Milliseconds requests in flight get to finish when the server stops. */
    long stopTimeout() default 10_000;
}
