package dev.weft.core.api;

/**
 * A named kind of resource that configuration can mount: {@code file:DIR}, {@code cgi-dir:DIR},
 * {@code proxy:URL}... Register as a service with {@value #NAME}; a mount that names a type not
 * registered yet answers 503 until it is.
 */
public interface ResourceType {
    /** Service property: the type's name, e.g. {@code file}. */
    String NAME = "weft.type";

    /**
     * A new resource for the text after the colon ({@code ""} when there is none).
     *
     * @throws IllegalArgumentException with a message a user can act on, for a bad argument
     */
    Resource create(String argument);
}
