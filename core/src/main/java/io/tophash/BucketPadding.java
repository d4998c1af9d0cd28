package io.tophash;

import io.tophash.layout.BucketFormat;
import io.tophash.layout.GoBucketLayout;
import io.tophash.layout.LineBucketLayout;
import io.tophash.layout.PaddedGoBucketLayout;

/**
 * How buckets sit against cache lines. Whether a bucket really starts on a line also depends on
 * the {@link io.tophash.memory.Allocator}: {@code naive} placement defeats any padding, which is
 * the point of measuring it. {@link MapStats} audits the result.
 */
public enum BucketPadding {

    /**
     * Go's packed bucket: 8 slots in 144 bytes, one after another, no regard for lines. Least
     * memory per slot; a bucket spans three lines from an aligned base, four from a misaligned one.
     */
    NONE(GoBucketLayout.FORMAT),

    /**
     * Every bucket starts on a 64-byte line and fills exactly two: 7 slots in 128 bytes (tophash
     * word and keys in the first line, values and overflow link in the second). The slots are
     * fitted to the lines instead of the bucket being padded, so no byte is padding. The chosen
     * line-aligned layout; see the README for what it measured against the others.
     */
    CACHE_LINE(LineBucketLayout.FORMAT),

    /**
     * Go's 8-slot bucket padded to 192 bytes (three lines). A third more memory than {@link #NONE};
     * kept so the cost of padding can be measured next to {@link #CACHE_LINE}.
     */
    CACHE_LINE_PADDED(PaddedGoBucketLayout.FORMAT);

    private final BucketFormat format;

    BucketPadding(BucketFormat format) {
        this.format = format;
    }

    BucketFormat format() {
        return format;
    }

    /** The layout's code in a map file's header: fixed per layout, whatever the enum's order. */
    long fileCode() {
        return switch (this) {
            case NONE -> 1;
            case CACHE_LINE -> 2;
            case CACHE_LINE_PADDED -> 3;
        };
    }

    /**
     * Entries one bucket holds before it needs an overflow bucket.
     *
     * @return slots per bucket
     */
    public int slotsPerBucket() {
        return format.slots();
    }

    /**
     * Bytes from one bucket to the next.
     *
     * @return the bucket stride in bytes
     */
    public long bucketLength() {
        return format.bucketLength();
    }

    /**
     * Offset of the 8-byte tophash word within a bucket (for layout models and reports).
     *
     * @return the tophash word's offset in bytes
     */
    public long tophashOffset() {
        return format.tophashOffset();
    }

    /**
     * Offset of key 0 within a bucket; key {@code i} is 8 bytes further per slot.
     *
     * @return key 0's offset in bytes
     */
    public long keysOffset() {
        return format.keysOffset();
    }

    /**
     * Offset of value 0 within a bucket; value {@code i} is 8 bytes further per slot.
     *
     * @return value 0's offset in bytes
     */
    public long valuesOffset() {
        return format.valuesOffset();
    }

    /**
     * Offset of the 8-byte overflow link (the concurrent map's lock word) within a bucket.
     *
     * @return the link word's offset in bytes
     */
    public long overflowOffset() {
        return format.linkOffset();
    }
}
