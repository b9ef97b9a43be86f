package dev.weft.core.api;

/**
 * Routes requests before the mounted tree sees them: virtual hosts, rewrite rules. Register as a
 * service; the site wraps its root with every wrapper, the highest {@code service.ranking}
 * outermost, and rewraps when wrappers come and go.
 */
public interface RootWrapper {
    Resource wrap(Resource root);
}
