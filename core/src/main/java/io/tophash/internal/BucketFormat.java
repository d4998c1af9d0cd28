package io.tophash.internal;

/**
 * The numbers of one bucket layout, as the map code consumes them. Each instance comes from one
 * {@code *BucketLayout} class, which owns the offsets and draws them.
 *
 * @param name           short name for reports
 * @param slots          entries per bucket (at most 8: one tophash byte each in one word)
 * @param tophashOffset  offset of the 8-byte tophash word
 * @param keysOffset     offset of key 0; key {@code i} at {@code keysOffset + 8 * i}
 * @param valuesOffset   offset of value 0; value {@code i} at {@code valuesOffset + 8 * i}
 * @param overflowOffset offset of the 8-byte overflow link (0 = none, else an index into the
 *                       table's overflow area, never an address)
 * @param bucketLength   bytes from one bucket to the next (the stride)
 * @param lineAligned    whether buckets are meant to start on a cache line (the map then asks
 *                       its allocator for line-aligned chunks)
 */
public record BucketFormat(String name, int slots, long tophashOffset, long keysOffset, long valuesOffset,
                           long overflowOffset, long bucketLength, boolean lineAligned) {

    public BucketFormat {
        if (slots < 1 || slots > 8) {
            throw new IllegalArgumentException("slots must be 1..8: " + slots);
        }
    }

    /** The high-bit mask of the tophash bytes that belong to slots. */
    public long slotMask() {
        return Tophash.slotMask(slots);
    }

    /** Entries per bucket before growth, Go's 6.5 of 8 scaled to the slot count, in sixteenths. */
    public long maxEntries(long buckets) {
        return buckets * slots * 13 / 16;
    }

    /**
     * Whether {@code entries} entries overload a table of {@code buckets} primary buckets, so that
     * the insert making them that many starts a growth. A table holds at least one bucket's slots.
     * The one rule both maps grow by and pre-size by: a map pre-sized for {@code n} entries is one
     * that {@code n} does not overload.
     */
    public boolean overloadedBy(long entries, long buckets) {
        return entries > slots && entries > maxEntries(buckets);
    }
}
