package dev.weft.core.files;

import java.util.ArrayList;
import java.util.List;

/** Parses a {@code Range} header (RFC 9110 section 14) against a representation's size. */
final class ByteRanges {
    /** One satisfiable range, both ends inclusive. */
    record Range(long first, long last) {
        long length() {
            return last - first + 1;
        }

        String contentRange(long size) {
            return "bytes " + first + "-" + last + "/" + size;
        }
    }

    /** More parts than any reader of a document needs at once. */
    static final int MAX_RANGES = 64;

    private ByteRanges() {
    }

    /**
     * The satisfiable ranges in the order asked; empty when none is satisfiable (416); null when
     * the header is not a valid bytes range set and is to be ignored (200 with the whole body).
     */
    static List<Range> parse(String header, long size) {
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) return null;
        List<Range> ranges = new ArrayList<>();
        for (String spec : h.substring(6).split(",")) {
            String s = spec.trim();
            if (s.isEmpty()) continue;
            int dash = s.indexOf('-');
            if (dash < 0) return null;
            String a = s.substring(0, dash).trim();
            String b = s.substring(dash + 1).trim();
            try {
                if (a.isEmpty()) {
                    long suffix = digits(b);
                    // A suffix longer than the representation means all of it (Twisted answers 500).
                    if (suffix > 0 && size > 0) ranges.add(new Range(Math.max(0, size - suffix), size - 1));
                } else {
                    long first = digits(a);
                    long last = b.isEmpty() ? Long.MAX_VALUE : digits(b);
                    if (last < first) return null;
                    if (first < size) ranges.add(new Range(first, Math.min(last, size - 1)));
                }
            } catch (NumberFormatException e) {
                return null;
            }
        }
        // Overlapping ranges could make a small request ask for the file many times over
        // (bytes=0-,0-,0-...): like Apache, answer those with the whole file once (RFC 9110 14.2).
        long total = 0;
        for (Range r : ranges) total += r.length();
        if (ranges.size() > MAX_RANGES || total > size) return null;
        return ranges;
    }

    private static long digits(String s) {
        if (s.isEmpty() || !s.chars().allMatch(Character::isDigit) || s.length() > 18) throw new NumberFormatException(s);
        return Long.parseLong(s);
    }
}
