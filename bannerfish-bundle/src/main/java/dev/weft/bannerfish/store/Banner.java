package dev.weft.bannerfish.store;

import java.time.LocalDate;

/**
 * One banner: its image (stored by Bannerfish), where a click goes (http or https only), alt
 * text, a weight for the random choice, optional first and last days, and whether it is on.
 */
public record Banner(int id, String image, String imageType, String target, String alt, int weight,
        LocalDate start, LocalDate end, boolean on) {

    public Banner {
        if (!target.matches("(?i)https?://[^\\s]+")) throw new IllegalArgumentException("the target must be an http:// or https:// URL");
        if (weight < 1 || weight > 1000) throw new IllegalArgumentException("the weight must be from 1 to 1000");
        if (alt.length() > 500) throw new IllegalArgumentException("the alt text is longer than 500 characters");
        if (start != null && end != null && end.isBefore(start)) throw new IllegalArgumentException("the last day is before the first");
    }

    /** Shown today: on, and today within its days. */
    public boolean activeOn(LocalDate day) {
        return on && (start == null || !day.isBefore(start)) && (end == null || !day.isAfter(end));
    }

    public Banner switched(boolean on) {
        return new Banner(id, image, imageType, target, alt, weight, start, end, on);
    }
}
