package dev.weft.core.site;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses {@code application/x-www-form-urlencoded} text: repeated keys and blank values kept. */
final class FormArgs {
    private FormArgs() {
    }

    static void parse(String text, Map<String, List<String>> into) {
        if (text == null || text.isEmpty()) return;
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            into.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
    }

    static Map<String, List<String>> parse(String text) {
        Map<String, List<String>> args = new LinkedHashMap<>();
        parse(text, args);
        return args;
    }

    /** Form decoding: {@code +} is a space, bad escapes are kept as written. */
    static String decode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) return s;
        return Paths.percentDecode(s.replace('+', ' '), false);
    }

}
