package dev.weft.cgi;

/** Configuration {@value #PID} (optional): {@code etc/dev.weft.cgi.config}. */
@interface CgiConfig {
    String PID = "dev.weft.cgi";

    /** Seconds a script may run before it is killed (504). */
    int timeout() default 60;

    /** Pass the Authorization header to scripts as HTTP_AUTHORIZATION. */
    boolean passAuthorization() default false;

    /** PATH scripts see. */
    String path() default "/usr/local/bin:/usr/bin:/bin";
}
