package dev.weft.cgi;

import dev.weft.core.api.Processor;
import dev.weft.core.api.Resource;
import dev.weft.core.api.ResourceType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** What the bundle contributes to the site, each a service the core finds by name. */
final class CgiServices {
    private CgiServices() {}

    /** {@code --processor .cgi=cgi}: the file is the program. */
    @Component(property = Processor.NAME + "=cgi")
    public static final class Cgi implements Processor {
        @Reference private CgiRunner runner;

        @Override
        public Resource process(Path file, String argument) {
            return new CGIScript(file, null, runner);
        }
    }

    /** {@code --processor .php=filter:/usr/bin/php-cgi}: the file goes through an interpreter. */
    @Component(property = Processor.NAME + "=filter")
    public static final class Filter implements Processor {
        @Reference private CgiRunner runner;

        @Override
        public Resource process(Path file, String interpreter) {
            if (interpreter == null || interpreter.isBlank()) throw new IllegalArgumentException("filter needs an interpreter: filter:/usr/bin/perl");
            if (!Files.isExecutable(Path.of(interpreter))) throw new IllegalArgumentException("filter interpreter " + interpreter + " is not an executable file");
            return new CGIScript(file, interpreter, runner);
        }
    }

    /** {@code --mount /cgi-bin=cgi-dir:DIR}. */
    @Component(property = ResourceType.NAME + "=cgi-dir")
    public static final class Directory implements ResourceType {
        @Reference private CgiRunner runner;

        @Override
        public Resource create(String dir) {
            if (!Files.isDirectory(Path.of(dir))) throw new IllegalArgumentException("cgi-dir: no such directory: " + dir);
            try {
                return new CGIDirectory(Path.of(dir), runner);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
