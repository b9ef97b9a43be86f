package dev.weft.bannerfish;

import dev.weft.core.api.ErrorPage;
import dev.weft.core.api.Request;
import java.nio.charset.StandardCharsets;

/** Bannerfish's HTML: one clean page layout, everything the user gave escaped. */
final class Page {
    private Page() {}

    static final String CSS = """
            body{font:15px/1.5 system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}
            h1{font-weight:600;font-size:1.6em}h1 a{color:inherit;text-decoration:none}
            table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4em .6em;border-bottom:1px solid #ddd;vertical-align:middle}
            th{font-weight:600;background:#f6f6f6}td.n{text-align:right;font-variant-numeric:tabular-nums}
            img.thumb{max-height:40px;max-width:120px}form.inline{display:inline}
            fieldset{border:1px solid #ddd;border-radius:6px;padding:1em;margin:1.5em 0}label{display:block;margin:.4em 0}
            input[type=text],input[type=url],input[type=password],input[type=number],input[type=date]{padding:.3em;width:24em;max-width:100%}
            button{padding:.35em .9em;border:1px solid #888;border-radius:4px;background:#fafafa;cursor:pointer}
            button.danger{border-color:#b33;color:#b33}.off{color:#999}.error{color:#b33;font-weight:600}.nav{float:right}
            """;

    static String esc(String s) {
        return ErrorPage.escape(s == null ? "" : s);
    }

    static void send(Request request, int status, String title, String body) {
        String html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
                + "<title>" + esc(title) + " - Bannerfish</title><style>" + CSS + "</style></head>\n<body>\n" + body + "\n</body></html>\n";
        request.setResponseCode(status);
        request.setHeader("Content-Type", "text/html; charset=utf-8");
        request.setHeader("Cache-Control", "no-store");
        request.setHeader("X-Frame-Options", "DENY");
        request.setHeader("Content-Security-Policy", "default-src 'self'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'");
        request.finish(html.getBytes(StandardCharsets.UTF_8));
    }

    static String json(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '<' -> out.append("\\u003c");
                case '>' -> out.append("\\u003e");
                case '&' -> out.append("\\u0026");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.append('"').toString();
    }
}
