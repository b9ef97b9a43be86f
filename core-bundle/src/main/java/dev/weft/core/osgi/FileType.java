package dev.weft.core.osgi;

import dev.weft.core.api.Processor;
import dev.weft.core.api.Resource;
import dev.weft.core.api.ResourceType;
import dev.weft.core.files.FileOptions;
import dev.weft.core.files.FileResource;
import dev.weft.core.files.MimeTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The {@code file} resource type: {@code file:DIR} serves a directory with the site's static-file
 * options (index names, ignored extensions, types, processors). Processors are looked up by name
 * at request time, so installing the CGI bundle makes {@code .cgi} files run at once.
 */
@Component(service = ResourceType.class, property = ResourceType.NAME + "=file",
        configurationPid = SiteConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class FileType implements ResourceType {
    private final Map<String, Processor> processors = new ConcurrentHashMap<>();
    private FileOptions options = FileOptions.defaults();

    @Activate
    void activate(SiteConfig config) {
        options = new FileOptions(Arrays.asList(config.index()), Arrays.asList(config.ignoreExt()),
                new MimeTable(pairs(config.mimeType(), "--mime-type"), config.defaultType()),
                pairs(config.processor(), "--processor"), processors::get, config.followSymlinks());
    }

    /** {@code .EXT=VALUE} lines to a map; malformed ones are refused by name. */
    static Map<String, String> pairs(String[] lines, String option) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq <= 0 || !line.startsWith(".")) throw new IllegalArgumentException(option + " expects .EXT=VALUE, got '" + line + "'");
            map.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
        return map;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindProcessor(Processor processor, Map<String, Object> props) {
        if (props.get(Processor.NAME) instanceof String name) processors.put(name, processor);
    }

    void unbindProcessor(Processor processor, Map<String, Object> props) {
        if (props.get(Processor.NAME) instanceof String name) processors.remove(name, processor);
    }

    @Override
    public Resource create(String argument) {
        if (argument.isEmpty()) throw new IllegalArgumentException("file: needs a directory, e.g. file:/srv/www");
        Path dir = Path.of(argument);
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("no such directory: " + dir.toAbsolutePath());
        try {
            return new FileResource(dir, options);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot serve " + dir + ": " + e.getMessage());
        }
    }
}
