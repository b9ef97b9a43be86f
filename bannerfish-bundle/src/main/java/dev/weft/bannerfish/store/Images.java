package dev.weft.bannerfish.store;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * What an uploaded image is, by its content, never by its name or what the client claims: PNG,
 * JPEG, GIF or WebP whose structure holds together (a PNG's chunks and checksums, a JPEG's
 * segments, a GIF's trailer, a WebP's RIFF size), and its size in pixels. Anything else, SVG
 * included (it can carry scripts), is refused with a message saying why.
 */
public final class Images {
    public static final int MAX_BYTES = 2 * 1024 * 1024;
    public static final int MAX_PIXELS_PER_SIDE = 4000;

    /** A checked image: its content type and size in pixels. */
    public record Info(String type, int width, int height) {}

    private Images() {}

    /** Checks an upload; throws IllegalArgumentException with a message for the user. */
    public static Info inspect(byte[] b) {
        if (b.length == 0) throw new IllegalArgumentException("the image file is empty");
        if (b.length > MAX_BYTES) throw new IllegalArgumentException("the image is larger than 2 MiB");
        Info info;
        if (starts(b, 0, 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a)) info = png(b);
        else if (starts(b, 0, 0xff, 0xd8, 0xff)) info = jpeg(b);
        else if (starts(b, 0, 'G', 'I', 'F', '8', '7', 'a') || starts(b, 0, 'G', 'I', 'F', '8', '9', 'a')) info = gif(b);
        else if (b.length >= 12 && starts(b, 0, 'R', 'I', 'F', 'F') && starts(b, 8, 'W', 'E', 'B', 'P')) info = webp(b);
        else if (looksLikeSvg(b)) throw new IllegalArgumentException("SVG images are refused (they can carry scripts): upload PNG, JPEG, GIF or WebP");
        else throw new IllegalArgumentException("the image is not PNG, JPEG, GIF or WebP");
        if (info.width() < 1 || info.height() < 1) throw damaged(info.type());
        if (info.width() > MAX_PIXELS_PER_SIDE || info.height() > MAX_PIXELS_PER_SIDE) {
            throw new IllegalArgumentException("the image is " + info.width() + "x" + info.height() + " pixels; at most "
                    + MAX_PIXELS_PER_SIDE + " on each side");
        }
        return info;
    }

    public static String extension(String type) {
        return switch (type) {
            case "image/png" -> "png";
            case "image/jpeg" -> "jpg";
            case "image/gif" -> "gif";
            case "image/webp" -> "webp";
            default -> throw new IllegalArgumentException(type);
        };
    }

    /** Every chunk whole with a right CRC, IHDR first, at least one IDAT, IEND last. */
    private static Info png(byte[] b) {
        int at = 8, width = 0, height = 0;
        boolean data = false;
        for (int n = 0; ; n++) {
            if (at + 12 > b.length) throw damaged("image/png");
            long length = u32be(b, at);
            if (length > b.length - at - 12) throw damaged("image/png");
            String type = new String(b, at + 4, 4, StandardCharsets.ISO_8859_1);
            CRC32 crc = new CRC32();
            crc.update(b, at + 4, 4 + (int) length);
            if (crc.getValue() != u32be(b, at + 8 + (int) length)) throw damaged("image/png");
            if (n == 0) {
                if (!type.equals("IHDR") || length != 13) throw damaged("image/png");
                width = (int) Math.min(u32be(b, at + 8), Integer.MAX_VALUE);
                height = (int) Math.min(u32be(b, at + 12), Integer.MAX_VALUE);
            }
            if (type.equals("IDAT")) data = true;
            at += 12 + (int) length;
            if (type.equals("IEND")) break;
        }
        if (!data) throw damaged("image/png");
        return new Info("image/png", width, height);
    }

    /** Segments from SOI to a frame header (the size), a scan, and an EOI after it. */
    private static Info jpeg(byte[] b) {
        int at = 2, width = 0, height = 0;
        while (true) {
            if (at + 4 > b.length || (b[at] & 0xff) != 0xff) throw damaged("image/jpeg");
            int marker = b[at + 1] & 0xff;
            if (marker == 0xff) {
                at++; // fill byte
                continue;
            }
            int length = u16be(b, at + 2);
            if (length < 2 || at + 2 + length > b.length) throw damaged("image/jpeg");
            boolean frame = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
            if (frame) {
                if (length < 7) throw damaged("image/jpeg");
                height = u16be(b, at + 5);
                width = u16be(b, at + 7);
            }
            at += 2 + length;
            if (marker == 0xda) break; // start of scan: entropy-coded data follows
        }
        if (width == 0) throw damaged("image/jpeg");
        for (int i = b.length - 2; i >= at; i--) {
            if ((b[i] & 0xff) == 0xff && (b[i + 1] & 0xff) == 0xd9) return new Info("image/jpeg", width, height);
        }
        throw damaged("image/jpeg");
    }

    /** The logical screen's size, and the trailer that ends every whole GIF. */
    private static Info gif(byte[] b) {
        if (b.length < 14 || b[b.length - 1] != 0x3b) throw damaged("image/gif");
        return new Info("image/gif", u16le(b, 6), u16le(b, 8));
    }

    /** The RIFF size matches the file, and the first chunk is VP8, VP8L or VP8X with the size. */
    private static Info webp(byte[] b) {
        long riff = u32le(b, 4);
        if (riff + 8 != b.length && riff + 9 != b.length || b.length < 30) throw damaged("image/webp");
        if (starts(b, 12, 'V', 'P', '8', 'X')) {
            return new Info("image/webp", u24le(b, 24) + 1, u24le(b, 27) + 1);
        }
        if (starts(b, 12, 'V', 'P', '8', 'L') && (b[20] & 0xff) == 0x2f) {
            long bits = u32le(b, 21);
            return new Info("image/webp", (int) (bits & 0x3fff) + 1, (int) ((bits >> 14) & 0x3fff) + 1);
        }
        if (starts(b, 12, 'V', 'P', '8', ' ') && starts(b, 23, 0x9d, 0x01, 0x2a)) {
            return new Info("image/webp", u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff);
        }
        throw damaged("image/webp");
    }

    private static boolean looksLikeSvg(byte[] b) {
        String head = new String(b, 0, Math.min(b.length, 4096), StandardCharsets.ISO_8859_1).stripLeading().toLowerCase();
        return head.startsWith("<") && head.contains("<svg");
    }

    private static IllegalArgumentException damaged(String type) {
        String name = switch (type) {
            case "image/png" -> "PNG";
            case "image/jpeg" -> "JPEG";
            case "image/gif" -> "GIF";
            default -> "WebP";
        };
        return new IllegalArgumentException("the " + name + " image is damaged or incomplete");
    }

    private static boolean starts(byte[] b, int offset, int... prefix) {
        if (b.length < offset + prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if ((b[offset + i] & 0xff) != prefix[i]) return false;
        return true;
    }

    private static long u32be(byte[] b, int i) {
        return ((long) (b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    private static int u16be(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    private static int u16le(byte[] b, int i) {
        return (b[i] & 0xff) | ((b[i + 1] & 0xff) << 8);
    }

    private static int u24le(byte[] b, int i) {
        return (b[i] & 0xff) | ((b[i + 1] & 0xff) << 8) | ((b[i + 2] & 0xff) << 16);
    }

    private static long u32le(byte[] b, int i) {
        return (b[i] & 0xff) | ((b[i + 1] & 0xff) << 8) | ((b[i + 2] & 0xff) << 16) | ((long) (b[i + 3] & 0xff) << 24);
    }
}
