package dev.weft.core.osgi;

import dev.weft.core.api.Resource;
import dev.weft.core.mount.MountTable;
import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The {@code web:} shell commands. Mounts made here are configurations ({@value MountConfig#PID}),
 * so they apply at once and persist like the ones given on the command line.
 */
@Component(service = WebCommands.class, property = {
    "osgi.command.scope=web",
    "osgi.command.function=tree",
    "osgi.command.function=mounts",
    "osgi.command.function=mount",
    "osgi.command.function=unmount",
    "osgi.command.function=listeners",
})
public final class WebCommands {
    @Reference
    private Mounts mounts;

    @Reference
    private ConfigurationAdmin configAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile SiteComponent site;

    @Descriptor("list the mounted paths and what serves each")
    public String mounts() {
        StringBuilder out = new StringBuilder();
        Map<String, String> configured = configuredMounts();
        mounts.table().describe().forEach((path, what) -> {
            String spec = configured.get(path);
            out.append(String.format("%-20s %s%n", path, spec != null ? spec + "  ->  " + what : what + "  (service)"));
        });
        return out.length() == 0 ? "nothing is mounted\n" : out.toString();
    }

    @Descriptor("show the resource tree: root wrappers, mounts and their static children")
    public String tree() {
        StringBuilder out = new StringBuilder();
        SiteComponent s = site;
        Resource root = s == null ? null : s.root();
        out.append("site root: ").append(root == null ? "(no site configured)" : root).append('\n');
        mounts.table().describe().forEach((path, what) -> {
            out.append("  ").append(path).append("  ").append(what).append('\n');
        });
        return out.toString();
    }

    @Descriptor("mount a resource: web:mount /PATH TYPE[:ARG], e.g. web:mount /docs file:/srv/docs")
    public String mount(@Descriptor("where, e.g. /docs") String path, @Descriptor("what, e.g. file:/srv/docs") String type) throws IOException, InvalidSyntaxException {
        String normal = MountTable.format(MountTable.parse(path));
        if (type.isEmpty() || type.startsWith(":")) throw new IllegalArgumentException("TYPE[:ARG] expected, e.g. file:/srv/docs");
        Configuration config = find(normal);
        if (config == null) config = configAdmin.getFactoryConfiguration(MountConfig.PID, configName(normal), "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("path", normal);
        props.put("type", type);
        config.update(props);
        return "mounted " + type + " at " + normal + "\n";
    }

    @Descriptor("remove a mount made by configuration")
    public String unmount(@Descriptor("the mounted path") String path) throws IOException, InvalidSyntaxException {
        String normal = MountTable.format(MountTable.parse(path));
        Configuration config = find(normal);
        if (config == null) {
            return mounts.table().describe().containsKey(normal)
                    ? normal + " is mounted by a bundle's service; stop or uninstall that bundle to remove it\n"
                    : "nothing is mounted at " + normal + "\n";
        }
        config.delete();
        return "unmounted " + normal + "\n";
    }

    @Descriptor("list where the site listens")
    public String listeners() {
        SiteComponent s = site;
        if (s == null) return "no site is configured (" + SiteConfig.PID + ")\n";
        return String.join("\n", s.listeners()) + "\n";
    }

    private Configuration find(String path) throws IOException, InvalidSyntaxException {
        Configuration[] all = configAdmin.listConfigurations("(service.factoryPid=" + MountConfig.PID + ")");
        if (all == null) return null;
        for (Configuration c : all) {
            Object p = c.getProperties() == null ? null : c.getProperties().get("path");
            if (p != null && MountTable.format(MountTable.parse(p.toString())).equals(path)) return c;
        }
        return null;
    }

    private Map<String, String> configuredMounts() {
        Map<String, String> out = new java.util.HashMap<>();
        try {
            Configuration[] all = configAdmin.listConfigurations("(service.factoryPid=" + MountConfig.PID + ")");
            if (all != null) {
                for (Configuration c : all) {
                    var props = c.getProperties();
                    if (props != null && props.get("path") != null) out.put(MountTable.format(MountTable.parse(props.get("path").toString())), String.valueOf(props.get("type")));
                }
            }
        } catch (IOException | InvalidSyntaxException | IllegalArgumentException e) {
            // listing is best effort
        }
        return out;
    }

    /** A configuration name from a path: {@code /} is {@code root}, {@code /a/b} is {@code a-b}. */
    static String configName(String path) {
        String name = path.replaceAll("[^A-Za-z0-9._]+", "-").replaceAll("^-+|-+$", "");
        return name.isEmpty() ? "root" : name;
    }
}
