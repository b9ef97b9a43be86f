package dev.weft.core.api;

import java.nio.file.Path;

/**
 * Turns a static file into a resource by its extension (Twisted's {@code File.processors}):
 * {@code --processor .cgi=cgi} runs {@code *.cgi} through the processor named {@code cgi},
 * {@code --processor .pl=filter:/usr/bin/perl} through {@code filter} with that argument.
 * Register as a service with {@value #NAME}; until it is registered, matching files answer 503.
 */
public interface Processor {
    /** Service property: the processor's name, e.g. {@code cgi}. */
    String NAME = "weft.processor";

    /** The resource for {@code file} (an existing regular file); {@code argument} may be "". */
    Resource process(Path file, String argument);
}
