package dev.weft.bannerfish.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalDate;

/**
 * One banner: its image (stored by Bannerfish, with its size in pixels, 0 when unknown), where a
 * click goes (an http or https URL), alt text, a weight for the random choice, optional first
 * and last days, and whether it is on.
 */
public record Banner(int id, String image, String imageType, int width, int height, String target, String alt, int weight,
        LocalDate start, LocalDate end, boolean on) {

    /**
     * Refuses what no new or changed banner may have, with a message for the user. (Records read
     * back from the journal are not checked again, so a stricter rule never loses old data.)
     */
    public static void check(String target, String alt, int weight, LocalDate start, LocalDate end) {
        checkTarget(target);
        if (weight < 1 || weight > 1000) throw new IllegalArgumentException("the weight must be from 1 to 1000");
        if (alt.isBlank()) throw new IllegalArgumentException("the alt text is required: it is what people who cannot see the image read");
        if (alt.length() > 500) throw new IllegalArgumentException("the alt text is longer than 500 characters");
        if (start != null && end != null && end.isBefore(start)) throw new IllegalArgumentException("the last day is before the first");
    }

    /** An absolute http or https URL with a host: nothing a browser would run (javascript:, data:). */
    private static void checkTarget(String target) {
        String refused = "the target must be an http:// or https:// URL";
        if (target.length() > 2000) throw new IllegalArgumentException("the target URL is longer than 2000 characters");
        URI uri;
        try {
            uri = new URI(target);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(refused + " (" + e.getReason() + " at character " + (e.getIndex() + 1) + ")");
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException(refused);
        }
    }

    /** The target as the Location header carries it: non-ASCII characters percent-encoded. */
    public String location() {
        try {
            return new URI(target).toASCIIString();
        } catch (URISyntaxException e) {
            return target; // stored before targets were checked this strictly
        }
    }

    /** Shown today: on, and today within its days. */
    public boolean activeOn(LocalDate day) {
        return on && (start == null || !day.isBefore(start)) && (end == null || !day.isAfter(end));
    }

    public Banner switched(boolean on) {
        return new Banner(id, image, imageType, width, height, target, alt, weight, start, end, on);
    }
}
