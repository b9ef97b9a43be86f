package dev.weft.core.files;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.MimeTypes;

/**
 * Content types by extension: Jetty's table, Twisted's additions, then the user's overrides
 * ({@code --mime-type .EXT=TYPE}). {@code .gz} and {@code .bz2} are encodings: the type then comes
 * from the extension inside ({@code data.tar.gz} is {@code application/x-tar}, gzip).
 */
public final class MimeTable {
    private static final Map<String, String> ENCODINGS = Map.of("gz", "gzip", "bz2", "bzip2");
    private final Map<String, String> types;
    private final String defaultType;

    public MimeTable(Map<String, String> overrides, String defaultType) {
        Map<String, String> t = new HashMap<>(MimeTypes.DEFAULTS.getMimeMap());
        for (String ext : new String[] {"conf", "diff", "java", "patch"}) t.put(ext, "text/plain");
        t.put("flac", "audio/x-flac");
        t.put("oz", "text/x-oz");
        t.put("swf", "application/x-shockwave-flash");
        t.put("wml", "text/vnd.wap.wml");
        t.put("xul", "application/vnd.mozilla.xul+xml");
        overrides.forEach((ext, type) -> t.put(normalise(ext), type));
        this.types = Map.copyOf(t);
        this.defaultType = defaultType;
    }

    public static MimeTable defaults() {
        return new MimeTable(Map.of(), "text/html");
    }

    /** {@code .TXT} and {@code txt} both mean {@code txt}. */
    public static String normalise(String ext) {
        return (ext.startsWith(".") ? ext.substring(1) : ext).toLowerCase(Locale.ROOT);
    }

    /** [type, encoding-or-null] for a file name. */
    public String[] typeAndEncoding(String name) {
        String ext = extension(name);
        String encoding = ext == null ? null : ENCODINGS.get(ext);
        if (encoding != null) {
            String inner = name.substring(0, name.length() - ext.length() - 1);
            return new String[] {typeOf(extension(inner)), encoding};
        }
        return new String[] {typeOf(ext), null};
    }

    private String typeOf(String ext) {
        String type = ext == null ? null : types.get(ext);
        return type != null ? type : defaultType;
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot <= 0 || dot == name.length() - 1 ? null : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
