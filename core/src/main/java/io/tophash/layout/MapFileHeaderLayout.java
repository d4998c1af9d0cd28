package io.tophash.layout;

/**
 * The first page of a map file: what the map is (checked on open), its state (what a reopen
 * resumes from), the write in progress (what a reopen after a crash settles) and the file's
 * regions. Every field is a little-endian {@code long} at an 8-byte aligned offset (the order of
 * all map memory, so a file reads the same on every platform), so each is written by one
 * single-copy-atomic store.
 *
 * <pre>
 *   0        8        16       24       32       40       48       56       64
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   | magic  |version | kind   |padding |key len |val len | seed   |bkt len |  identity: checked on open
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   64       72       80       88       96       104      112      120      128
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   | state  | size   | done   |shr need|  op    | op key |op size |op state|  state and the write in progress
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   128      136      144      152      160      168      176      184      192
 *   +--------+--------+--------+--------+--------+--------+--------+--------+
 *   |evac un.|evac dn.|regions | op ref |op table| undo 0 | undo 1 |evac top|  evacuation, region count, the
 *   +--------+--------+--------+--------+--------+--------+--------+--------+  write's slot and undo words
 *   192                  240                  288                  336                  384
 *   +--------------------+--------------------+--------------------+--------------------+
 *   | table slot 0       | table slot 1       | table slot 2       |        (0)         |  a slot: region, log2 buckets,
 *   +--------------------+--------------------+--------------------+--------------------+  overflow capacity and taken,
 *   384      392      400      408                                                   448    key store directory, (0)
 *   +--------+--------+--------+------------------------------------------------------+
 *   |undo reg|undo len|evac ovf|                         (0)                          |  the undo region, the
 *   +--------+--------+--------+------------------------------------------------------+  evacuation's overflow mark
 *   448                                                                              65536
 *   +--------------------------------------------------------------------------------+
 *   | region 0: offset | owner, length | region 1 | ...                 | region 4067  |
 *   +--------------------------------------------------------------------------------+
 *   |&lt;------------------------------ HEADER_LENGTH = 65536 ----------------------------&gt;|
 * </pre>
 *
 * <p>{@code state} packs the table slot writes go to (bits 0-1), the slot of the table a growth
 * evacuates (bits 2-3) and the growth's kind (bits 4-6, 0 when no growth is in progress), so that
 * installing a table, starting a growth and completing one are each one store.
 *
 * <p>A region's offset is a multiple of 64 KiB; its low 4 bits hold its owner: the table slot
 * (plus one) whose generation the region belongs to (its table, its key store's directory and
 * chunks), {@link #OWNER_PERMANENT} for the undo region, 0 for none. A region is live while its
 * owner's slot is named by the state word.
 */
public final class MapFileHeaderLayout {

    /** "tophash\0" read as a little-endian long. */
    public static final long MAGIC = 0x0068_7361_6870_6F74L;
    /** The format this library writes and reads; a file of a newer one is refused. */
    public static final long FORMAT_VERSION = 2;

    public static final long MAGIC_OFFSET = 0;
    public static final long MAGIC_LENGTH = Long.BYTES;
    public static final long VERSION_OFFSET = MAGIC_OFFSET + MAGIC_LENGTH;
    public static final long VERSION_LENGTH = Long.BYTES;
    public static final long KIND_OFFSET = VERSION_OFFSET + VERSION_LENGTH;
    public static final long KIND_LENGTH = Long.BYTES;
    public static final long PADDING_OFFSET = KIND_OFFSET + KIND_LENGTH;
    public static final long PADDING_LENGTH = Long.BYTES;
    public static final long KEY_LENGTH_OFFSET = PADDING_OFFSET + PADDING_LENGTH;
    public static final long KEY_LENGTH_LENGTH = Long.BYTES;
    public static final long VALUE_LENGTH_OFFSET = KEY_LENGTH_OFFSET + KEY_LENGTH_LENGTH;
    public static final long VALUE_LENGTH_LENGTH = Long.BYTES;
    public static final long SEED_OFFSET = VALUE_LENGTH_OFFSET + VALUE_LENGTH_LENGTH;
    public static final long SEED_LENGTH = Long.BYTES;
    /** The bucket's length in bytes: the layout as this library computes it. */
    public static final long BUCKET_LENGTH_OFFSET = SEED_OFFSET + SEED_LENGTH;
    public static final long BUCKET_LENGTH_LENGTH = Long.BYTES;

    public static final long STATE_OFFSET = BUCKET_LENGTH_OFFSET + BUCKET_LENGTH_LENGTH;
    public static final long STATE_LENGTH = Long.BYTES;
    public static final long SIZE_OFFSET = STATE_OFFSET + STATE_LENGTH;
    public static final long SIZE_LENGTH = Long.BYTES;
    /** Evacuation units of the growth in progress done, as of the last completed one. */
    public static final long DONE_OFFSET = SIZE_OFFSET + SIZE_LENGTH;
    public static final long DONE_LENGTH = Long.BYTES;
    /** A shrink's overflow buckets evacuation may need (its reserve). */
    public static final long SHRINK_NEED_OFFSET = DONE_OFFSET + DONE_LENGTH;
    public static final long SHRINK_NEED_LENGTH = Long.BYTES;
    /** The write in progress: 0, or one of the {@code OP_*} codes. */
    public static final long OP_OFFSET = SHRINK_NEED_OFFSET + SHRINK_NEED_LENGTH;
    public static final long OP_LENGTH = Long.BYTES;
    public static final long OP_KEY_OFFSET = OP_OFFSET + OP_LENGTH;
    public static final long OP_KEY_LENGTH = Long.BYTES;
    public static final long OP_SIZE_OFFSET = OP_KEY_OFFSET + OP_KEY_LENGTH;
    public static final long OP_SIZE_LENGTH = Long.BYTES;
    public static final long OP_STATE_OFFSET = OP_SIZE_OFFSET + OP_SIZE_LENGTH;
    public static final long OP_STATE_LENGTH = Long.BYTES;
    /** The evacuation in progress: its unit plus one, or 0. */
    public static final long EVACUATING_OFFSET = OP_STATE_OFFSET + OP_STATE_LENGTH;
    public static final long EVACUATING_LENGTH = Long.BYTES;
    /** {@link #DONE_OFFSET}'s value when that evacuation began. */
    public static final long EVACUATING_DONE_OFFSET = EVACUATING_OFFSET + EVACUATING_LENGTH;
    public static final long EVACUATING_DONE_LENGTH = Long.BYTES;
    public static final long REGION_COUNT_OFFSET = EVACUATING_DONE_OFFSET + EVACUATING_DONE_LENGTH;
    public static final long REGION_COUNT_LENGTH = Long.BYTES;
    /** The slot ref of the entry the write in progress changes, plus one; 0 while not chosen yet. */
    public static final long OP_REF_OFFSET = REGION_COUNT_OFFSET + REGION_COUNT_LENGTH;
    public static final long OP_REF_LENGTH = Long.BYTES;
    /** The table slot of {@link #OP_REF_OFFSET}'s table. */
    public static final long OP_TABLE_OFFSET = OP_REF_OFFSET + OP_REF_LENGTH;
    public static final long OP_TABLE_LENGTH = Long.BYTES;
    /** A replacement's undo words: the value region's two words as they were. */
    public static final long UNDO_0_OFFSET = OP_TABLE_OFFSET + OP_TABLE_LENGTH;
    public static final long UNDO_0_LENGTH = Long.BYTES;
    public static final long UNDO_1_OFFSET = UNDO_0_OFFSET + UNDO_0_LENGTH;
    public static final long UNDO_1_LENGTH = Long.BYTES;
    /** The next key store's evacuation fill mark when the evacuation in progress began. */
    public static final long EVACUATING_TOP_OFFSET = UNDO_1_OFFSET + UNDO_1_LENGTH;
    public static final long EVACUATING_TOP_LENGTH = Long.BYTES;

    /**
     * A table slot: the file offset of its region, log2 of its primary buckets, its overflow
     * capacity and overflow buckets taken, the file offset of its key store's directory (0: none).
     */
    public static final long SLOT_REGION_OFFSET = 0;
    public static final long SLOT_LOG2_OFFSET = SLOT_REGION_OFFSET + Long.BYTES;
    public static final long SLOT_CAPACITY_OFFSET = SLOT_LOG2_OFFSET + Long.BYTES;
    public static final long SLOT_TAKEN_OFFSET = SLOT_CAPACITY_OFFSET + Long.BYTES;
    public static final long SLOT_STORE_OFFSET = SLOT_TAKEN_OFFSET + Long.BYTES;
    public static final long SLOT_LENGTH = SLOT_STORE_OFFSET + 2 * Long.BYTES;
    public static final int TABLE_SLOTS = 3;
    public static final long TABLE_SLOTS_OFFSET = EVACUATING_TOP_OFFSET + EVACUATING_TOP_LENGTH;
    public static final long TABLE_SLOTS_LENGTH = 4 * SLOT_LENGTH;
    /** The undo region's file offset (0: none) and length: a replaced fixed-size value's old bytes. */
    public static final long UNDO_REGION_OFFSET = TABLE_SLOTS_OFFSET + TABLE_SLOTS_LENGTH;
    public static final long UNDO_REGION_LENGTH = Long.BYTES;
    public static final long UNDO_LENGTH_OFFSET = UNDO_REGION_OFFSET + UNDO_REGION_LENGTH;
    public static final long UNDO_LENGTH_LENGTH = Long.BYTES;
    /**
     * The next table's overflow buckets taken, plus one, when the evacuation in progress began (0:
     * not recorded): a redone unit gives back the ones its interrupted run took.
     */
    public static final long EVACUATING_OVERFLOW_OFFSET = UNDO_LENGTH_OFFSET + UNDO_LENGTH_LENGTH;
    public static final long EVACUATING_OVERFLOW_LENGTH = Long.BYTES;

    /** A region: its file offset with its owner in the low bits, and its length. */
    public static final long REGION_LENGTH = 2 * Long.BYTES;
    public static final long REGIONS_OFFSET = EVACUATING_OVERFLOW_OFFSET + EVACUATING_OVERFLOW_LENGTH + 5 * Long.BYTES;
    public static final long HEADER_LENGTH = 64 * 1024;
    public static final int MAX_REGIONS = (int) ((HEADER_LENGTH - REGIONS_OFFSET) / REGION_LENGTH);
    public static final long REGIONS_LENGTH = MAX_REGIONS * REGION_LENGTH;
    /** The low bits of a region's offset word that hold its owner. */
    public static final long OWNER_MASK = 0xF;
    /** The owner of a region that lives as long as the file (the undo region). */
    public static final long OWNER_PERMANENT = 0xF;

    /** {@link #OP_OFFSET}: an insert of {@link #OP_KEY_OFFSET}'s key, counted into {@link #OP_SIZE_OFFSET} when done. */
    public static final long OP_INSERT = 1;
    /** {@link #OP_OFFSET}: a removal of {@link #OP_KEY_OFFSET}'s key. */
    public static final long OP_REMOVE = 2;
    /** {@link #OP_OFFSET}: a clear, done once {@link #STATE_OFFSET} differs from {@link #OP_STATE_OFFSET}. */
    public static final long OP_CLEAR = 3;
    /** {@link #OP_OFFSET}: a replacement of the value at {@link #OP_REF_OFFSET}, undone from the undo words or region. */
    public static final long OP_REPLACE = 4;

    /** The map kinds' codes in {@link #KIND_OFFSET}. */
    public static final long KIND_LONG_LONG = 1;
    public static final long KIND_CONCURRENT_LONG_LONG = 2;
    public static final long KIND_BYTES = 3;
    public static final long KIND_CONCURRENT_BYTES = 4;

    private MapFileHeaderLayout() {
    }

    /** Offset of table slot {@code slot}. */
    public static long slotOffset(int slot) {
        return TABLE_SLOTS_OFFSET + slot * SLOT_LENGTH;
    }

    /** Offset of region {@code i} of the region table. */
    public static long regionOffset(int i) {
        return REGIONS_OFFSET + i * REGION_LENGTH;
    }

    /** The owner code of table slot {@code slot}'s generation. */
    public static long owner(int slot) {
        return slot + 1;
    }

    /** The state word: writes go to slot {@code current}; a growth of {@code growthKind} (0: none) evacuates slot {@code old}. */
    public static long state(int current, int old, int growthKind) {
        return current | (long) old << 2 | (long) growthKind << 4;
    }

    public static int currentSlot(long state) {
        return (int) (state & 3);
    }

    public static int oldSlot(long state) {
        return (int) (state >>> 2 & 3);
    }

    public static int growthKind(long state) {
        return (int) (state >>> 4 & 7);
    }
}
