package dev.weft.core.api;

/** A leaf that redirects every path beneath it to one URL (Twisted's {@code util.Redirect}). */
public final class Redirect implements Resource {
    private final String url;

    public Redirect(String url) {
        this.url = url;
    }

    @Override
    public boolean isLeaf() {
        return true;
    }

    @Override
    public boolean isNonBlocking(Request request) {
        return true;
    }

    @Override
    public void render(Request request) {
        request.redirect(302, url);
    }

    @Override
    public String toString() {
        return "Redirect[" + url + "]";
    }
}
