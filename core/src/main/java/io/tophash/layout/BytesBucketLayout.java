package io.tophash.layout;

/**
 * The bucket of the byte-keyed maps: Go's tophash word, keys and values, with the link word moved
 * up beside the tophash word, a 24-byte key region per slot and a value region of the map's value
 * size, fixed when the map is built.
 *
 * <pre>
 *   0       8       16                     16 + 24 s                                 16 + 24 s + V s   BUCKET_LENGTH
 *   +-------+-------+-----------------------+-----------------------------------------+--------+
 *   |tophash| link  | key 0 | ... | key s-1 | value 0 | value 1 | ...     | value s-1 |  pad   |
 *   | 8 x u8|  i64  | s x 24 bytes          | s x V bytes (V = value size, rounded up | to 16  |
 *   |       |       |                       | to 8, so every value is 8-aligned)      | or 64  |
 *   +-------+-------+-----------------------+-----------------------------------------+--------+
 *
 *   key region of one slot (24 bytes):
 *   0          8                   16                  24
 *   +----------+-------------------+-------------------+
 *   | hash     | descriptor word   | inline bytes 7-14 |   key of up to 14 bytes: inline
 *   | (64-bit  | byte 0: length    |                   |
 *   |  seeded) | bytes 1-7: key 0-6|                   |
 *   +----------+-------------------+-------------------+
 *   | hash     | 0xFF | length<<8  | store locator     |   longer key: in the map's key store
 *   +----------+-------------------+-------------------+
 *
 *   value region of one slot when values have any length (V = 16):
 *   0                   8                   16
 *   +-------------------+-------------------+
 *   | byte 0: length    | value bytes 7-14  |   value of up to 15 bytes: inline, its bytes
 *   | bytes 1-7: 0-6    |                   |   contiguous from byte 1
 *   +-------------------+-------------------+
 *   | 0xFF | length<<8  | store locator     |   longer value: in the same store as long keys
 *   +-------------------+-------------------+
 * </pre>
 *
 * The key word the engine compares is the key's 64-bit seeded hash, so a probe touches key bytes
 * only for a slot whose tophash byte and whole hash match. Keys of up to {@value #INLINE_KEY_LIMIT}
 * bytes (device ids like {@code dev-131071}, MAC addresses and short names fit; UUIDs as text do
 * not) are compared as two words with no second memory access; longer ones through
 * the key store. The link sits in the first line with the tophash word (with 64-byte values the
 * end of the bucket is nine lines further): a probe for an absent key in a full bucket, and so
 * every insert and every remove of a chain's last slot, reads the link without touching another
 * line, and the concurrent map's lock word (the link word of a primary bucket) shares the line
 * the tophash match reads.
 *
 * <p>Slots per bucket: {@link io.tophash.BucketPadding#NONE} and {@code CACHE_LINE_PADDED} keep
 * Go's 8 (rounded to 16 bytes, or padded to whole 64-byte lines); {@code CACHE_LINE} takes the slot
 * count of 1 to 8 that wastes the fewest bytes per slot when the bucket is rounded up to whole
 * lines (the most slots among equals).
 */
public final class BytesBucketLayout {

    public static final long TOPHASH_OFFSET = 0;
    public static final long TOPHASH_LENGTH = Long.BYTES;
    public static final long LINK_OFFSET = TOPHASH_OFFSET + TOPHASH_LENGTH;
    public static final long LINK_LENGTH = Long.BYTES;
    public static final long KEYS_OFFSET = LINK_OFFSET + LINK_LENGTH;
    /** One slot's key region: hash word, descriptor word, second inline word. */
    public static final long KEY_REGION_LENGTH = 3L * Long.BYTES;
    /** Offset of the descriptor word in a key region. */
    public static final long DESCRIPTOR_OFFSET = Long.BYTES;
    /** Offset of the second inline word (or the store locator) in a key region. */
    public static final long INLINE_TAIL_OFFSET = 2L * Long.BYTES;
    /** Offset of a key's first inline byte in a key region (byte 1 of the descriptor word). */
    public static final long INLINE_BYTES_OFFSET = DESCRIPTOR_OFFSET + 1;
    /** Keys of at most this many bytes are kept inline in their slot. */
    public static final int INLINE_KEY_LIMIT = 15;
    /** Descriptor byte 0 of a key kept in the key store. */
    public static final int STORED = 0xFF;
    /** A value region when values have any length: descriptor word, second inline word or locator. */
    public static final long VALUE_REGION_LENGTH = 2L * Long.BYTES;
    /** Offset of the descriptor word in a value region. */
    public static final long VALUE_DESCRIPTOR_OFFSET = 0;
    /** Offset of the second word (inline value bytes 7-14, or the store locator) in a value region. */
    public static final long VALUE_SECOND_OFFSET = VALUE_DESCRIPTOR_OFFSET + Long.BYTES;
    /** Offset of an inline value's first byte in a value region (byte 1 of the descriptor word). */
    public static final long INLINE_VALUE_BYTES_OFFSET = VALUE_DESCRIPTOR_OFFSET + 1;
    /** Values of at most this many bytes are kept inline in their slot, when values have any length. */
    public static final int INLINE_VALUE_LIMIT = 15;
    /** Largest value size a bucket holds (8 slots of it, and a table of 2^30 buckets stays addressable). */
    public static final int MAX_VALUE_SIZE = 1 << 20;

    private static final long LINE = 64;

    private BytesBucketLayout() {
    }

    /** Offset of the values in a bucket of {@code slots} slots. */
    public static long valuesOffset(int slots) {
        return KEYS_OFFSET + slots * KEY_REGION_LENGTH;
    }

    /** Bytes from one slot's value to the next: the value size rounded up to 8. */
    public static long valueStride(int valueSize) {
        return (valueSize + 7L) & -8L;
    }

    /** Bytes the tophash word, the link and the slots take, before rounding. */
    static long usedLength(int slots, int valueSize) {
        return valuesOffset(slots) + slots * valueStride(valueSize);
    }

    /**
     * The format of a bucket for values of {@code valueSize} bytes.
     *
     * @param lineAligned  whether buckets are rounded up to whole 64-byte lines (and the map asks for
     *                     line-aligned memory); else to 16 bytes
     * @param fitSlotsToLines whether the slot count is chosen to waste the least per slot (1..8),
     *                     else Go's 8
     * @throws IllegalArgumentException if {@code valueSize} is not in 1..{@value #MAX_VALUE_SIZE}
     */
    public static BucketFormat format(int valueSize, boolean lineAligned, boolean fitSlotsToLines) {
        if (valueSize < 1 || valueSize > MAX_VALUE_SIZE) {
            throw new IllegalArgumentException("valueSize must be 1.." + MAX_VALUE_SIZE + " bytes, got " + valueSize);
        }
        int slots = fitSlotsToLines ? slotsFittingLines(valueSize) : 8;
        long round = lineAligned ? LINE : 16;
        long length = (usedLength(slots, valueSize) + round - 1) & -round;
        String name = "bytes" + slots + "x" + valueSize + (lineAligned ? "-lines" : "");
        return new BucketFormat(name, slots, TOPHASH_OFFSET, KEYS_OFFSET, KEY_REGION_LENGTH, KEY_REGION_LENGTH,
                valuesOffset(slots), valueStride(valueSize), valueStride(valueSize), LINK_OFFSET,
                length, lineAligned, BucketFormat.Shape.OTHER);
    }

    /** The slot count of 1..8 whose whole-line bucket wastes the fewest bytes per slot; the most slots among equals. */
    static int slotsFittingLines(int valueSize) {
        int best = 8;
        double bestPerSlot = Double.MAX_VALUE;
        for (int s = 8; s >= 1; s--) {
            long lines = (usedLength(s, valueSize) + LINE - 1) / LINE;
            double perSlot = (double) (lines * LINE) / s;
            if (perSlot < bestPerSlot) {
                bestPerSlot = perSlot;
                best = s;
            }
        }
        return best;
    }
}
