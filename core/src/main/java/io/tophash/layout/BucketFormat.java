package io.tophash.layout;

/**
 * The numbers of one bucket layout, as the engine consumes them. Each instance comes from one
 * {@code *BucketLayout} class (or, for maps whose slot size is chosen at build time, from
 * {@link #of}), which owns the offsets and draws them.
 *
 * <p>A bucket holds an 8-byte tophash word (one byte per slot), {@link #slots} slots and an
 * 8-byte link word. A slot is two regions: a key region, whose first 8 bytes are the slot's
 * <em>key word</em> (the whole key of a {@code long} key; the key's 64-bit hash when keys are
 * bytes), and a value region. The engine compares key words and copies regions; what a key word
 * means is the map's business.
 *
 * @param name          short name for reports
 * @param slots         slots per bucket (at most 8: one tophash byte each in one word)
 * @param tophashOffset offset of the 8-byte tophash word
 * @param keysOffset    offset of slot 0's key region; slot {@code i}'s at {@code keysOffset + i * keyStride}
 * @param keyStride     bytes from one slot's key region to the next's
 * @param keyLength     bytes of a key region (at least 8: the key word)
 * @param valuesOffset  offset of slot 0's value region; slot {@code i}'s at {@code valuesOffset + i * valueStride}
 * @param valueStride   bytes from one slot's value region to the next's
 * @param valueLength   bytes of a value region
 * @param linkOffset    offset of the 8-byte link word: the id of the next bucket of the chain in the
 *                      low 32 bits (0: none), and in a concurrent map's primary bucket a version in
 *                      the high 32 bits
 * @param bucketLength  bytes from one bucket to the next (the stride): a multiple of 16, so that a
 *                      slot reference can keep the slot index in its low 4 bits
 * @param lineAligned   whether buckets are meant to start on a cache line (the map then asks its
 *                      allocator for line-aligned memory)
 * @param shape         which built-in layout this is, or {@link Shape#OTHER}
 */
public record BucketFormat(String name, int slots, long tophashOffset, long keysOffset, long keyStride,
                           long keyLength, long valuesOffset, long valueStride, long valueLength, long linkOffset,
                           long bucketLength, boolean lineAligned, Shape shape) {

    /**
     * Which built-in layout a format is, so that the engine can probe it with its numbers as
     * constants; {@link #OTHER} for formats made at build time (byte-keyed maps).
     */
    public enum Shape { LINE_128, GO_144, GO_192, OTHER }

    /** Bytes of a key word. */
    public static final long KEY_WORD_LENGTH = Long.BYTES;

    public BucketFormat {
        if (slots < 1 || slots > 8) {
            throw new IllegalArgumentException("slots must be 1..8: " + slots);
        }
        if (keyLength < KEY_WORD_LENGTH) {
            throw new IllegalArgumentException("a key region holds at least the 8-byte key word: " + keyLength);
        }
        if (bucketLength % 16 != 0) {
            throw new IllegalArgumentException("bucket length must be a multiple of 16: " + bucketLength);
        }
    }

    /** The high-bit mask of the tophash bytes that belong to slots. */
    public long slotMask() {
        return Tophash.slotMask(slots);
    }

    /** Offset of slot {@code i}'s key word within a bucket. */
    public long keyOffset(int i) {
        return keysOffset + i * keyStride;
    }

    /** Offset of slot {@code i}'s value region within a bucket. */
    public long valueOffset(int i) {
        return valuesOffset + i * valueStride;
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

    /**
     * The smallest table, as log2 of its primary buckets (at most 30), that {@code entries} entries
     * do not overload: what a map pre-sized for them gets, and what a trim shrinks to.
     */
    public int log2BucketsFor(long entries) {
        int log2 = 0;
        while (log2 < 30 && overloadedBy(entries, 1L << log2)) {
            log2++;
        }
        return log2;
    }
}
