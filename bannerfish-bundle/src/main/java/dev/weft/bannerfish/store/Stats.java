package dev.weft.bannerfish.store;

/** Impressions and clicks, for one banner on one day or in total. */
public record Stats(long impressions, long clicks) {
    public static final Stats NONE = new Stats(0, 0);

    public Stats plus(Stats other) {
        return new Stats(impressions + other.impressions, clicks + other.clicks);
    }

    /** Click-through rate in percent, or 0 with no impressions. */
    public double ctr() {
        return impressions == 0 ? 0 : 100.0 * clicks / impressions;
    }
}
