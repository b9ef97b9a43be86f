package dev.weft.core.site;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Splitting and percent-decoding of URL paths, one segment at a time (Twisted's rules); {@link dev.weft.core.api.UrlPath} writes them back. */
public final class Paths {
    private Paths() {
    }

    /**
     * The decoded segments of a raw path: {@code /a%2Fb/c/} is {@code ["a/b", "c", ""]}, so an
     * encoded slash stays inside its segment. Null when an escape is malformed or the bytes are
     * not UTF-8.
     */
    public static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        int start = rawPath.startsWith("/") ? 1 : 0;
        for (;;) {
            int slash = rawPath.indexOf('/', start);
            String raw = slash < 0 ? rawPath.substring(start) : rawPath.substring(start, slash);
            String decoded = percentDecode(raw, true);
            if (decoded == null) return null;
            segments.add(decoded);
            if (slash < 0) return segments;
            start = slash + 1;
        }
    }

    /**
     * Decodes %XX escapes as UTF-8. Strict: null for a malformed escape or invalid UTF-8. Lenient:
     * malformed escapes are kept as written and invalid bytes become U+FFFD.
     */
    static String percentDecode(String s, boolean strict) {
        if (s.indexOf('%') < 0) return s;
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '%' && i + 2 < bytes.length && hex(bytes[i + 1]) >= 0 && hex(bytes[i + 2]) >= 0) {
                out.write(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
                i += 2;
            } else if (b == '%' && strict) {
                return null;
            } else {
                out.write(b);
            }
        }
        if (!strict) return out.toString(StandardCharsets.UTF_8);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
}
