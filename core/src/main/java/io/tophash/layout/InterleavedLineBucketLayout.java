package io.tophash.layout;

/**
 * The cache-line bucket with each key next to its value: 7 slots in two whole 64-byte lines, as
 * {@link LineBucketLayout}, but a hit in slots 0 to 2 reads one line only (its key and value are
 * both in line 0), where the split layout always reads the value from line 1. Slot 3 has its key in
 * line 0 and its value in line 1; slots 4 to 6 are in line 1.
 *
 * <pre>
 *   line 0                                                  line 1
 *   0       8      16      24          56      64      72          104     112     120      128
 *   +-------+-------+-------+--  ...  --+-------+-------+--  ...  --+-------+-------+--------+
 *   |tophash| key 0 | val 0 | key 1 ... | key 3 | val 3 | key 4 ... | key 6 | val 6 |  link  |
 *   | 8 x u8|  i64  |  i64  |           |  i64  |  i64  |           |  i64  |  i64  |  i64   |
 *   +-------+-------+-------+--  ...  --+-------+-------+--  ...  --+-------+-------+--------+
 *   |&lt;---------------------------------- BUCKET_LENGTH = 128 --------------------------------&gt;|
 * </pre>
 */
public final class InterleavedLineBucketLayout {

    public static final int SLOTS = 7;
    public static final long TOPHASH_OFFSET = 0;
    public static final long TOPHASH_LENGTH = Long.BYTES;
    public static final long SLOTS_OFFSET = TOPHASH_OFFSET + TOPHASH_LENGTH;
    public static final long KEY_LENGTH = Long.BYTES;
    public static final long VALUE_LENGTH = Long.BYTES;
    public static final long SLOT_LENGTH = KEY_LENGTH + VALUE_LENGTH;
    public static final long SLOTS_LENGTH = SLOTS * SLOT_LENGTH;
    public static final long LINK_OFFSET = SLOTS_OFFSET + SLOTS_LENGTH;
    public static final long LINK_LENGTH = Long.BYTES;
    public static final long BUCKET_LENGTH = LINK_OFFSET + LINK_LENGTH;

    public static final BucketFormat FORMAT = new BucketFormat("line128i", SLOTS, TOPHASH_OFFSET, SLOTS_OFFSET,
            SLOT_LENGTH, KEY_LENGTH, SLOTS_OFFSET + KEY_LENGTH, SLOT_LENGTH, VALUE_LENGTH, LINK_OFFSET, BUCKET_LENGTH,
            true);

    private InterleavedLineBucketLayout() {
    }
}
