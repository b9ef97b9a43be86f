package dev.weft.proxy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.TreeMap;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code web:vhost add HOST DIR|TYPE:ARG}, {@code web:vhost remove HOST}, {@code web:vhost list}.
 * Hosts are configurations ({@value VirtualHost#PID}), so they apply at once and persist.
 */
@Component(service = VhostCommands.class, property = {"osgi.command.scope=web", "osgi.command.function=vhost"})
public final class VhostCommands {
    @Reference private ConfigurationAdmin configAdmin;
    @Reference private VirtualHosts virtualHosts;

    @Descriptor("name-based virtual hosts: web:vhost add HOST DIR|TYPE:ARG, web:vhost remove HOST, web:vhost list")
    public String vhost(@Descriptor("add, remove or list") String action, @Descriptor("HOST [DIR|TYPE:ARG]") String... args)
            throws IOException, InvalidSyntaxException {
        return switch (action) {
            case "add" -> {
                if (args.length != 2) throw new IllegalArgumentException("usage: web:vhost add HOST DIR|TYPE:ARG");
                String host = VirtualHost.normal(args[0]);
                String type = args[1].startsWith("/") ? "file:" + directory(args[1]) : args[1];
                Configuration c = find(host);
                if (c == null) c = configAdmin.getFactoryConfiguration(VirtualHost.PID, host.replaceAll("[^a-z0-9.-]", "-"), "?");
                Hashtable<String, Object> props = new Hashtable<>();
                props.put("host", host);
                props.put("type", type);
                c.update(props);
                yield "virtual host " + host + " -> " + type + "\n";
            }
            case "remove" -> {
                if (args.length != 1) throw new IllegalArgumentException("usage: web:vhost remove HOST");
                Configuration c = find(VirtualHost.normal(args[0]));
                if (c == null) yield "no virtual host " + args[0] + "\n";
                c.delete();
                yield "removed virtual host " + VirtualHost.normal(args[0]) + "\n";
            }
            case "list" -> {
                StringBuilder out = new StringBuilder();
                new TreeMap<>(virtualHosts.hosts()).values().forEach(h -> out.append(h.describe()).append('\n'));
                yield out.length() == 0 ? "no virtual hosts; every host gets the default tree\n" : out.toString();
            }
            default -> throw new IllegalArgumentException("web:vhost add|remove|list, not " + action);
        };
    }

    private static String directory(String dir) {
        Path p = Path.of(dir).toAbsolutePath().normalize();
        if (!Files.isDirectory(p)) throw new IllegalArgumentException("no such directory: " + dir);
        return p.toString();
    }

    private Configuration find(String host) throws IOException, InvalidSyntaxException {
        Configuration[] all = configAdmin.listConfigurations("(service.factoryPid=" + VirtualHost.PID + ")");
        if (all == null) return null;
        for (Configuration c : all) {
            if (c.getProperties() != null && host.equals(VirtualHost.normal(String.valueOf(c.getProperties().get("host"))))) return c;
        }
        return null;
    }
}
