package dev.weft.proxy;

import dev.weft.core.api.Request;
import dev.weft.core.api.Resource;

/** Handing traversal on from a wrapper that stands in front of another resource. */
final class Traversal {
    private Traversal() {}

    /**
     * The child of {@code next} for {@code segment}, which the site has already moved to the
     * prepath; a leaf {@code next} takes the segment back, so it sees the whole rest of the path.
     */
    static Resource child(Resource next, String segment, Request request) {
        if (!next.isLeaf()) return next.getChildWithDefault(segment, request);
        request.prepath().remove(request.prepath().size() - 1);
        request.postpath().add(0, segment);
        return next;
    }
}
