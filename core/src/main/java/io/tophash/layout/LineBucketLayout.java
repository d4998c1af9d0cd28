package io.tophash.layout;

/**
 * The cache-line bucket: Go's layout with the slot count fitted to two whole 64-byte lines
 * instead of padding. Seven slots make the tophash word plus the seven keys exactly one line, and
 * the seven values plus the link word exactly the next, so the bucket is 128 bytes, one x86
 * adjacent-line pair, with no padding at all.
 *
 * <pre>
 *   line 0                                                     line 1
 *   0       8                                            64                                     120      128
 *   +-------+--------------------------------------------+----------------------------------------+--------+
 *   |tophash| key 0 | key 1 | ...                | key 6 | val 0 | val 1 | ...              | val 6 |  link  |
 *   | 8 x u8| 7 x i64                                    | 7 x i64                                |  i64   |
 *   +-------+--------------------------------------------+----------------------------------------+--------+
 *   |&lt;----------------------------------------- BUCKET_LENGTH = 128 -------------------------------------&gt;|
 * </pre>
 *
 * Byte 7 of the tophash word has no slot; it stays 0 and is masked out of every match. A miss in
 * a bucket that is not full reads line 0 only (tophash and keys); a hit reads line 0 and the value
 * in line 1; only a full bucket's miss reads the link word in line 1.
 */
public final class LineBucketLayout {

    public static final int SLOTS = 7;
    public static final long TOPHASH_OFFSET = 0;
    public static final long TOPHASH_LENGTH = Long.BYTES;
    public static final long KEYS_OFFSET = TOPHASH_OFFSET + TOPHASH_LENGTH;
    public static final long KEYS_LENGTH = SLOTS * (long) Long.BYTES;
    public static final long VALUES_OFFSET = KEYS_OFFSET + KEYS_LENGTH;
    public static final long VALUES_LENGTH = SLOTS * (long) Long.BYTES;
    public static final long LINK_OFFSET = VALUES_OFFSET + VALUES_LENGTH;
    public static final long LINK_LENGTH = Long.BYTES;
    public static final long BUCKET_LENGTH = LINK_OFFSET + LINK_LENGTH;

    public static final BucketFormat FORMAT = new BucketFormat("line128", SLOTS, TOPHASH_OFFSET, KEYS_OFFSET,
            Long.BYTES, Long.BYTES, VALUES_OFFSET, Long.BYTES, Long.BYTES, LINK_OFFSET, BUCKET_LENGTH, true,
            BucketFormat.Shape.LINE_128);

    private LineBucketLayout() {
    }
}
