package io.tophash.layout;

/**
 * Go's 8-slot bucket padded from 144 to 192 bytes, three whole 64-byte lines, so every bucket
 * starts on a line. Kept to measure what padding costs against {@link LineBucketLayout}, which
 * reaches line alignment by fitting the slots instead: padding adds a third to the memory.
 *
 * <pre>
 *   0       8                                72                               136      144              192
 *   +-------+--------------------------------+--------------------------------+--------+----------------+
 *   |tophash| key 0 | ...          | key 7   | val 0 | ...          | val 7   |  link  |    padding     |
 *   | 8 x u8| 8 x i64                        | 8 x i64                        |  i64   |   48 bytes     |
 *   +-------+--------------------------------+--------------------------------+--------+----------------+
 *   |&lt;------------------------------------ BUCKET_LENGTH = 192 -------------------------------------&gt;|
 * </pre>
 */
public final class PaddedGoBucketLayout {

    public static final int SLOTS = 8;
    public static final long TOPHASH_OFFSET = 0;
    public static final long TOPHASH_LENGTH = Long.BYTES;
    public static final long KEYS_OFFSET = TOPHASH_OFFSET + TOPHASH_LENGTH;
    public static final long KEYS_LENGTH = SLOTS * (long) Long.BYTES;
    public static final long VALUES_OFFSET = KEYS_OFFSET + KEYS_LENGTH;
    public static final long VALUES_LENGTH = SLOTS * (long) Long.BYTES;
    public static final long LINK_OFFSET = VALUES_OFFSET + VALUES_LENGTH;
    public static final long LINK_LENGTH = Long.BYTES;
    public static final long PADDING_OFFSET = LINK_OFFSET + LINK_LENGTH;
    public static final long PADDING_LENGTH = 3 * 64 - PADDING_OFFSET;
    public static final long BUCKET_LENGTH = PADDING_OFFSET + PADDING_LENGTH;

    public static final BucketFormat FORMAT = new BucketFormat("go192", SLOTS, TOPHASH_OFFSET, KEYS_OFFSET,
            Long.BYTES, Long.BYTES, VALUES_OFFSET, Long.BYTES, Long.BYTES, LINK_OFFSET, BUCKET_LENGTH, true,
            BucketFormat.Shape.GO_192);

    private PaddedGoBucketLayout() {
    }
}
