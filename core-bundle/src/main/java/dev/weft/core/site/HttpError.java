package dev.weft.core.site;

/** An answer the site gives for bad input it detects itself (400, 413...): rendered as an error page. */
final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int code;
    final String brief;

    HttpError(int code, String brief, String detail) {
        super(detail, null, false, false);
        this.code = code;
        this.brief = brief;
    }
}
