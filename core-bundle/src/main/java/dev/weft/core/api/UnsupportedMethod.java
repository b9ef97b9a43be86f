package dev.weft.core.api;

import java.util.List;

/**
 * Thrown by {@link Resource#render} for a method the resource does not handle. The site answers
 * 405 with {@code Allow} for methods HTTP defines and 501 for method tokens it does not know.
 */
public class UnsupportedMethod extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> allowed;

    public UnsupportedMethod(List<String> allowed) {
        super("allowed: " + allowed, null, false, false);
        this.allowed = List.copyOf(allowed);
    }

    public List<String> allowed() {
        return allowed;
    }
}
