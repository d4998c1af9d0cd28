package io.tophash.layout;

/**
 * Go's classic runtime bucket for {@code long -> long}: 8 tophash bytes, 8 keys, 8 values, an
 * link word. Packed at 144 bytes as Go packs it: buckets follow each other with no regard for
 * cache lines, so a bucket spans three 64-byte lines from an aligned base and four when the base is
 * off by 8.
 *
 * <pre>
 *   0       8                                72                               136      144
 *   +-------+--------------------------------+--------------------------------+--------+
 *   |tophash| key 0 | key 1 | ...  | key 7   | val 0 | val 1 | ...  | val 7   |  link  |
 *   | 8 x u8| 8 x i64                        | 8 x i64                        |  i64   |
 *   +-------+--------------------------------+--------------------------------+--------+
 *   |&lt;------------------------------- BUCKET_LENGTH = 144 -------------------------------&gt;|
 * </pre>
 */
public final class GoBucketLayout {

    public static final int SLOTS = 8;
    public static final long TOPHASH_OFFSET = 0;
    public static final long TOPHASH_LENGTH = Long.BYTES;
    public static final long KEYS_OFFSET = TOPHASH_OFFSET + TOPHASH_LENGTH;
    public static final long KEYS_LENGTH = SLOTS * (long) Long.BYTES;
    public static final long VALUES_OFFSET = KEYS_OFFSET + KEYS_LENGTH;
    public static final long VALUES_LENGTH = SLOTS * (long) Long.BYTES;
    public static final long LINK_OFFSET = VALUES_OFFSET + VALUES_LENGTH;
    public static final long LINK_LENGTH = Long.BYTES;
    public static final long BUCKET_LENGTH = LINK_OFFSET + LINK_LENGTH;

    public static final BucketFormat FORMAT = new BucketFormat("go144", SLOTS, TOPHASH_OFFSET, KEYS_OFFSET,
            Long.BYTES, Long.BYTES, VALUES_OFFSET, Long.BYTES, Long.BYTES, LINK_OFFSET, BUCKET_LENGTH, false,
            BucketFormat.Shape.GO_144);

    private GoBucketLayout() {
    }
}
