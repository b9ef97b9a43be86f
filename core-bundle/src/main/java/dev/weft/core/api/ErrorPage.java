package dev.weft.core.api;

import java.nio.charset.StandardCharsets;

/**
 * An HTML error answer (Twisted's {@code pages.errorPage}); every child is the page itself, so
 * any deeper path gets the same answer. {@code brief} and {@code detail} are plain text and are
 * escaped.
 */
public final class ErrorPage implements Resource {
    private static final ErrorPage NOT_FOUND = new ErrorPage(404, "No Such Resource", "Sorry. No luck finding that resource.");
    private static final ErrorPage FORBIDDEN = new ErrorPage(403, "Forbidden Resource", "Sorry, resource is forbidden.");

    private final int code;
    private final String brief;
    private final String detail;

    public ErrorPage(int code, String brief, String detail) {
        this.code = code;
        this.brief = brief;
        this.detail = detail;
    }

    /** 404 No Such Resource (Twisted's {@code NoResource}). */
    public static ErrorPage notFound() {
        return NOT_FOUND;
    }

    public static ErrorPage notFound(String detail) {
        return new ErrorPage(404, "No Such Resource", detail);
    }

    /** 403 Forbidden Resource (Twisted's {@code ForbiddenResource}). */
    public static ErrorPage forbidden() {
        return FORBIDDEN;
    }

    public int code() {
        return code;
    }

    @Override
    public Resource getChildWithDefault(String segment, Request request) {
        return this;
    }

    @Override
    public boolean isNonBlocking(Request request) {
        return true;
    }

    @Override
    public void render(Request request) {
        request.setResponseCode(code);
        request.setHeader("Content-Type", "text/html; charset=utf-8");
        request.finish(html(code, brief, detail).getBytes(StandardCharsets.UTF_8));
    }

    /** The page body; also used by the site for the answers it makes itself (405, 500, 503...). */
    public static String html(int code, String brief, String detail) {
        String b = escape(brief);
        return "<!DOCTYPE html>\n<html><head><title>" + code + " - " + b + "</title></head><body><h1>" + b
                + "</h1><p>" + escape(detail) + "</p></body></html>\n";
    }

    /** Escapes text for HTML content and attribute values. */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#x27;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "ErrorPage[" + code + " " + brief + "]";
    }
}
