package dev.weft.bannerfish;

import dev.weft.core.api.ErrorPage;
import dev.weft.core.api.Request;
import java.nio.charset.StandardCharsets;

/** Bannerfish's HTML: one clean page layout, everything the user gave escaped. */
final class Page {
    private Page() {}

    static final String CSS = """
            *{box-sizing:border-box}
            body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2733;background:#f4f6f9}
            a{color:#1a5fb4}header{background:#0b3d5c;color:#fff}
            header .bar{max-width:74em;margin:0 auto;padding:.7em 1.2em;display:flex;align-items:center;gap:1em}
            header .brand{font-weight:700;font-size:1.15em;color:#fff;text-decoration:none;letter-spacing:.01em}
            header .brand span{color:#7fd4f5}header .who{margin-left:auto;opacity:.85}
            header form{margin:0}header button{background:transparent;color:#fff;border-color:#ffffff80}
            main{max-width:74em;margin:1.5em auto;padding:0 1.2em}
            h1{font-size:1.45em;margin:.2em 0 .8em}h2{font-size:1.1em;margin:0 0 .8em}
            .card{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:1.2em 1.4em;margin:0 0 1.4em;overflow-x:auto}
            .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(11em,1fr));gap:1em;margin:0 0 1.4em}
            .cards .card{margin:0;padding:.8em 1.1em}.cards b{display:block;font-size:1.5em;font-variant-numeric:tabular-nums}
            .cards small{color:#5b6b7b}
            table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.5em .45em;border-bottom:1px solid #e6eaef;vertical-align:middle}
            th{font-size:.82em;text-transform:uppercase;letter-spacing:.04em;color:#5b6b7b;font-weight:600}
            tr:last-child td{border-bottom:0}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
            tfoot td{font-weight:600;border-top:2px solid #dde3ea}
            img.thumb{display:block;max-height:40px;max-width:124px;border:1px solid #e6eaef;border-radius:3px}
            .target{color:#5b6b7b;font-size:.85em;display:block;max-width:17em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
            .badge{display:inline-block;padding:.05em .55em;border-radius:1em;font-size:.82em;font-weight:600;white-space:nowrap}
            .badge.showing{background:#e3f6e8;color:#1b7a36}.badge.off{background:#eceff3;color:#5b6b7b}.badge.waiting{background:#fff3d6;color:#8a5a00}
            tr.off td{color:#8795a3}tr.off img.thumb{opacity:.5}
            .actions{white-space:nowrap;text-align:right}.actions form{display:inline}.actions button,.actions .button{font-size:.85em;padding:.28em .7em}
            .grid{display:grid;grid-template-columns:10em minmax(0,28em);gap:.7em 1em;align-items:center}
            .grid label{font-weight:600}.grid .hint{grid-column:2;color:#5b6b7b;font-size:.85em;margin-top:-.5em}
            input[type=text],input[type=url],input[type=password],input[type=number],input[type=date]{font:inherit;padding:.4em .55em;width:100%;
            border:1px solid #c3ccd6;border-radius:5px;background:#fff}
            input:focus{outline:2px solid #7fb6e8;outline-offset:0;border-color:#1a5fb4}input[type=number]{width:7em}input[type=date]{width:12em}
            button,.button{font:inherit;font-size:.92em;padding:.38em .95em;border:1px solid #b7c1cc;border-radius:5px;background:#fff;color:#1d2733;cursor:pointer;text-decoration:none;display:inline-block}
            button:hover,.button:hover{background:#f0f3f7}button.primary{background:#1a5fb4;border-color:#1a5fb4;color:#fff}
            button.primary:hover{background:#154c91}button.danger{color:#b42318;border-color:#e3a6a0}button.danger:hover{background:#fdf0ef}
            .buttons{grid-column:2;display:flex;gap:.6em;margin-top:.3em}
            .error{background:#fdf0ef;border:1px solid #f1b8b2;color:#912018;border-radius:6px;padding:.6em .9em;margin:0 0 1em}
            .empty{color:#5b6b7b;text-align:center;padding:1.5em}.preview{max-width:100%;border:1px solid #e6eaef;border-radius:4px}
            .login{max-width:23em;margin:4em auto}.login label{display:block;font-weight:600;margin:.8em 0 .25em}.login button{width:100%;margin-top:1.2em}
            .login h1{text-align:center}.note{color:#5b6b7b;font-size:.9em}code{background:#eef1f5;padding:.1em .35em;border-radius:3px}
            """;

    static String esc(String s) {
        return ErrorPage.escape(s == null ? "" : s);
    }

    /** A page: the header bar (with {@code headerRight}, e.g. who is logged in) and the body. */
    static void send(Request request, int status, String title, String home, String headerRight, String body) {
        String html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                + "<title>" + esc(title) + " - Bannerfish</title><style>" + CSS + "</style></head>\n<body>\n"
                + "<header><div class=\"bar\"><a class=\"brand\" href=\"" + esc(home) + "\">Banner<span>fish</span></a>" + headerRight + "</div></header>\n"
                + "<main>\n" + body + "\n</main>\n</body></html>\n";
        request.setResponseCode(status);
        request.setHeader("Content-Type", "text/html; charset=utf-8");
        request.setHeader("Cache-Control", "no-store");
        request.setHeader("X-Frame-Options", "DENY");
        request.setHeader("Referrer-Policy", "same-origin");
        request.setHeader("Content-Security-Policy", "default-src 'self'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'");
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
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.append('"').toString();
    }
}
