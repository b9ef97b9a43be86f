package dev.weft.core.osgi;

/**
 * Factory configuration {@value #PID}: one per {@code --mount /PATH=TYPE[:ARG]} or
 * {@code web:mount PATH TYPE[:ARG]}.
 */
public @interface MountConfig {
    String PID = "dev.weft.mount";

    /** Where: {@code /cgi-bin}, or {@code /} for the root. */
    String path();

    /** What: a resource type and its argument, e.g. {@code file:/srv/www}, {@code proxy:http://127.0.0.1:81/}. */
    String type();
}
