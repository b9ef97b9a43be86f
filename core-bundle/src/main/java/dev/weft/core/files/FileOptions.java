package dev.weft.core.files;

import dev.weft.core.api.Processor;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How a tree of static files is served (what {@code twistd web --path} options set): index names
 * tried in order, extensions to try for a missing name ({@code "*"} = any), content types,
 * processors by extension ({@code ".cgi" -> "cgi"}, {@code ".pl" -> "filter:/usr/bin/perl"}), how
 * processor names find processors, and whether symlinks may lead out of the served root.
 */
public record FileOptions(
        List<String> indexNames,
        List<String> ignoredExts,
        MimeTable mimeTypes,
        Map<String, String> processors,
        Function<String, Processor> processorLookup,
        boolean followSymlinks) {

    public static final List<String> DEFAULT_INDEX_NAMES = List.of("index", "index.html", "index.htm");

    public FileOptions {
        indexNames = List.copyOf(indexNames);
        ignoredExts = List.copyOf(ignoredExts);
        processors = Map.copyOf(processors);
    }

    /** Twisted's defaults, no processors. */
    public static FileOptions defaults() {
        return new FileOptions(DEFAULT_INDEX_NAMES, List.of(), MimeTable.defaults(), Map.of(), name -> null, false);
    }
}
