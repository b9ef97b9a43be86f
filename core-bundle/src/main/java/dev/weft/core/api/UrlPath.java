package dev.weft.core.api;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Decoded path segments written back into URLs, the one way every bundle does it: each segment
 * percent-encoded but for RFC 3986's unreserved characters, Python's {@code quote(segment,
 * safe="")} as Twisted uses it, so an encoded slash stays inside its segment.
 */
public final class UrlPath {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UrlPath() {
    }

    /** {@code a b/c} is {@code a%20b%2Fc}. */
    public static String quote(String segment) {
        StringBuilder out = null;
        byte[] bytes = segment.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean keep = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                    || b == '-' || b == '.' || b == '_' || b == '~';
            if (keep) {
                if (out != null) out.append((char) b);
            } else {
                if (out == null) out = new StringBuilder(segment.length() + 16).append(new String(bytes, 0, i, StandardCharsets.UTF_8));
                out.append('%').append(HEX[b >> 4]).append(HEX[b & 15]);
            }
        }
        return out == null ? segment : out.toString();
    }

    /** Each segment quoted after a slash: {@code /sub/a%20b}; empty for no segments. */
    public static String join(List<String> segments) {
        StringBuilder out = new StringBuilder();
        for (String segment : segments) out.append('/').append(quote(segment));
        return out.toString();
    }
}
