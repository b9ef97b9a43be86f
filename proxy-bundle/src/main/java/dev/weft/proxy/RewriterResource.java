package dev.weft.proxy;

import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;
import java.util.ArrayList;
import java.util.List;

/**
 * Twisted's {@code RewriterResource}: rewrites the path before the tree below sees it, by rules
 * applied in order. {@code tilde-users}: {@code /~alice/x} is {@code /users/alice/x};
 * {@code alias /OLD=/NEW}: a path under /OLD is the same path under /NEW.
 */
final class RewriterResource implements Resource {
    private final Resource tree;
    private final List<Rule> rules;

    RewriterResource(Resource tree, List<Rule> rules) {
        this.tree = tree;
        this.rules = rules;
    }

    /** One rewrite rule over the path's segments. */
    interface Rule {
        List<String> apply(List<String> segments);

        static Rule parse(String spec) {
            if (spec.equals("tilde-users")) return new TildeUsers();
            if (spec.startsWith("alias ") && spec.contains("=")) {
                String[] pair = spec.substring(6).trim().split("=", 2);
                return new Alias(segments(pair[0]), segments(pair[1]), spec.substring(6).trim());
            }
            throw new IllegalArgumentException("unknown rewrite rule '" + spec + "': tilde-users or alias /OLD=/NEW");
        }

        private static List<String> segments(String path) {
            if (!path.startsWith("/")) throw new IllegalArgumentException("alias paths start with /: " + path);
            List<String> out = new ArrayList<>();
            for (String s : path.substring(1).split("/")) if (!s.isEmpty()) out.add(s);
            return out;
        }
    }

    record TildeUsers() implements Rule {
        @Override
        public List<String> apply(List<String> segments) {
            if (segments.isEmpty() || !segments.get(0).startsWith("~") || segments.get(0).length() < 2) return segments;
            List<String> out = new ArrayList<>(List.of("users", segments.get(0).substring(1)));
            out.addAll(segments.subList(1, segments.size()));
            return out;
        }

        @Override
        public String toString() {
            return "tilde-users";
        }
    }

    record Alias(List<String> from, List<String> to, String spec) implements Rule {
        @Override
        public List<String> apply(List<String> segments) {
            if (segments.size() < from.size() || !segments.subList(0, from.size()).equals(from)) return segments;
            List<String> out = new ArrayList<>(to);
            out.addAll(segments.subList(from.size(), segments.size()));
            return out;
        }

        @Override
        public String toString() {
            return "alias " + spec;
        }
    }

    @Override
    public Resource getChildWithDefault(String segment, Request request) {
        List<String> path = new ArrayList<>();
        path.add(segment);
        path.addAll(request.postpath());
        for (Rule rule : rules) path = rule.apply(path);
        if (path.isEmpty()) path.add("");
        List<String> prepath = request.prepath();
        prepath.set(prepath.size() - 1, path.get(0));
        request.postpath().clear();
        request.postpath().addAll(path.subList(1, path.size()));
        return Resource.childOf(tree, path.get(0), request);
    }

    @Override
    public void render(Request request) throws Exception {
        tree.render(request);
    }

    @Override
    public String toString() {
        return "RewriterResource" + rules + " -> " + tree;
    }
}
