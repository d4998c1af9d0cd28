package io.tophash.layout;

/**
 * The directory of a key store kept in a map file (one per table generation of a byte-keyed map):
 * what a reopen needs to go on with the store, written through by the store on every change.
 * Every field is a little-endian {@code long} at an 8-byte aligned offset.
 *
 * <pre>
 *   0        8        16       24       32       40       48       56       64
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   | chunks |bump chk|bump top|evac chk|evac top| live   | free   |reserved|  counts and fill marks
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   64                                                                     2048
 *   +----------------------------------------------------------------------+
 *   | free-list head of size class 0 | class 1 | ...      | class 247      |  a locator, or -1
 *   +----------------------------------------------------------------------+
 *   2048                                                                   65536
 *   +----------------------------------------------------------------------+
 *   | chunk 0: file offset, length | chunk 1 | ...        | chunk 3967     |  in chunk index order
 *   +----------------------------------------------------------------------+
 *   |&lt;-------------------------- DIRECTORY_LENGTH = 65536 ------------------------&gt;|
 * </pre>
 *
 * <p>A chunk index is part of every locator the map's slots hold, so the chunk table keeps the
 * store's order. {@code bump chk} and {@code evac chk} are chunk indexes, -1 for none.
 */
public final class KeyStoreDirectoryLayout {

    public static final long CHUNK_COUNT_OFFSET = 0;
    public static final long CHUNK_COUNT_LENGTH = Long.BYTES;
    public static final long BUMP_CHUNK_OFFSET = CHUNK_COUNT_OFFSET + CHUNK_COUNT_LENGTH;
    public static final long BUMP_CHUNK_LENGTH = Long.BYTES;
    public static final long BUMP_TOP_OFFSET = BUMP_CHUNK_OFFSET + BUMP_CHUNK_LENGTH;
    public static final long BUMP_TOP_LENGTH = Long.BYTES;
    public static final long EVACUATION_CHUNK_OFFSET = BUMP_TOP_OFFSET + BUMP_TOP_LENGTH;
    public static final long EVACUATION_CHUNK_LENGTH = Long.BYTES;
    public static final long EVACUATION_TOP_OFFSET = EVACUATION_CHUNK_OFFSET + EVACUATION_CHUNK_LENGTH;
    public static final long EVACUATION_TOP_LENGTH = Long.BYTES;
    public static final long LIVE_BYTES_OFFSET = EVACUATION_TOP_OFFSET + EVACUATION_TOP_LENGTH;
    public static final long LIVE_BYTES_LENGTH = Long.BYTES;
    public static final long FREE_BYTES_OFFSET = LIVE_BYTES_OFFSET + LIVE_BYTES_LENGTH;
    public static final long FREE_BYTES_LENGTH = Long.BYTES;
    public static final long RESERVED_BYTES_OFFSET = FREE_BYTES_OFFSET + FREE_BYTES_LENGTH;
    public static final long RESERVED_BYTES_LENGTH = Long.BYTES;

    public static final int MAX_SIZE_CLASSES = 248;
    public static final long FREE_HEADS_OFFSET = RESERVED_BYTES_OFFSET + RESERVED_BYTES_LENGTH;
    public static final long FREE_HEADS_LENGTH = MAX_SIZE_CLASSES * Long.BYTES;

    /** A chunk: its file offset and length. */
    public static final long CHUNK_ENTRY_LENGTH = 2 * Long.BYTES;
    public static final long CHUNKS_OFFSET = FREE_HEADS_OFFSET + FREE_HEADS_LENGTH;
    public static final long DIRECTORY_LENGTH = 64 * 1024;
    public static final int MAX_CHUNKS = (int) ((DIRECTORY_LENGTH - CHUNKS_OFFSET) / CHUNK_ENTRY_LENGTH);
    public static final long CHUNKS_LENGTH = MAX_CHUNKS * CHUNK_ENTRY_LENGTH;

    private KeyStoreDirectoryLayout() {
    }

    /** Offset of the free-list head of size class {@code sizeClass}. */
    public static long freeHeadOffset(int sizeClass) {
        return FREE_HEADS_OFFSET + (long) sizeClass * Long.BYTES;
    }

    /** Offset of chunk {@code i}'s entry. */
    public static long chunkOffset(int i) {
        return CHUNKS_OFFSET + (long) i * CHUNK_ENTRY_LENGTH;
    }
}
