package io.tophash.engine;

import io.tophash.layout.BucketFormat;
import io.tophash.layout.GoBucketLayout;
import io.tophash.layout.LineBucketLayout;
import io.tophash.layout.PaddedGoBucketLayout;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One generation of a map's buckets, in one segment: {@code 2^log2Buckets} primary buckets, then
 * an overflow area of {@link #overflowCapacity} buckets.
 *
 * <pre>
 *   bucket id  0             bucketCount - 1  bucketCount                         bucketCount + overflowCapacity - 1
 *   +---------+---- ... ----+----------------+--------------+---- ... ----+---------------------------+
 *   | primary |             | primary        | overflow     |             | overflow                  |
 *   +---------+---- ... ----+----------------+--------------+---- ... ----+---------------------------+
 *   offset = id * stride (one multiply; no chunk array between the hash and the first load)
 * </pre>
 *
 * <p>Implementation notes. A bucket's link word holds the id of the next bucket of its chain in
 * its low 32 bits (0: none; bucket 0 is primary, so never a link target); overflow buckets are
 * handed out in increasing id order, so along any chain ids increase, which lets readers that
 * race a writer (the concurrent map's optimistic reads) reject a torn link instead of following
 * it. The whole table is one reservation from the map's allocator, which maps large reservations
 * lazily (the kernel zero-fills each page on first touch): reserving the next table of a growth
 * costs no copying and no zeroing up front, and the overflow area costs memory only for the pages
 * its buckets use. Nothing is ever allocated after a table is reserved: a growth sizes the next
 * table's overflow area for everything its evacuation and the writes during it can need
 * ({@link Growth#overflowCapacityFor}), so evacuation cannot fail for want of memory.
 *
 * <p>Slot references: a slot is named by one {@code long}, its bucket's byte offset with the slot
 * index in the low 4 bits ({@link #ref}); every stride is a multiple of 16. {@link #NONE} (-1)
 * names no slot.
 *
 * <p>Thread-safety: the fields are final; {@link #takeOverflow} is atomic. Bucket memory follows
 * the rules of the map that owns the table (see the package documentation).
 */
public final class Table {

    /** Link words keep the next bucket's id in their low 32 bits. */
    public static final long LINK_MASK = 0xFFFF_FFFFL;
    /** Primary buckets are at most 2^30, so that every bucket id (overflow area included) fits a link. */
    public static final int MAX_LOG2_BUCKETS = 30;
    /** No slot. */
    public static final long NONE = -1;

    private static final VarHandle OVERFLOW_TAKEN;

    static {
        try {
            OVERFLOW_TAKEN = MethodHandles.lookup().findVarHandle(Table.class, "overflowTaken", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public final BucketFormat format;
    public final MemorySegment segment;
    public final int log2Buckets;
    public final long bucketCount;
    public final long bucketMask;
    public final long stride;
    public final long overflowCapacity;
    /** Whether link words are written with single-copy-atomic stores (the concurrent map's tables). */
    public final boolean atomicLinks;
    // The format's numbers, copied so the hot paths read them from the object they already hold.
    final int slots;
    final long slotMask;
    final long tophashOffset;
    final long keysOffset;
    final long keyStride;
    final long valuesOffset;
    final long valueStride;
    final long linkOffset;
    /** Entries this table holds before an insert must grow it: {@code format.maxEntries(bucketCount)}. */
    public final long maxEntries;
    /** log2 of the stride, key stride and value stride when they are powers of two, else -1: shifts, not multiplies. */
    final int strideShift;
    final int keyShift;
    final int valueShift;
    private final long endId;

    @SuppressWarnings("unused") // through OVERFLOW_TAKEN
    private volatile long overflowTaken;
    /** A map file's header, where this table's overflow count is kept too ({@link #persistOverflowCount}); else null. */
    private MemorySegment countHome;
    private long countHomeOffset;
    /** The table this one is being (or was) evacuated into; set once, when its growth starts. */
    public volatile Table grownInto;
    /** The growth evacuating into this table while it is in progress, else null: whose reserve inserts leave alone. */
    volatile Growth filledBy;
    /**
     * The store of this table's keys too long for their slot, in a concurrent byte-keyed map (one
     * store per table generation, compacted by evacuation); null otherwise. Set before the table
     * is published to other threads, never changed after.
     */
    public KeyStore keyStore;

    /** {@link #shape} of the built-in 128-byte line layout. */
    static final int LINE_128 = 0;
    /** {@link #shape} of Go's 144-byte bucket. */
    static final int GO_144 = 1;
    /** {@link #shape} of Go's bucket padded to 192 bytes. */
    static final int GO_192 = 2;
    /** {@link #shape} of any other format. */
    static final int OTHER = 3;

    /**
     * The format's shape as a small int in the table itself: a probe's dispatch to the layout's
     * constants is one load and a compare, where {@code format.shape()} would be three dependent
     * loads and a switch table.
     */
    final int shape;

    private Table(BucketFormat format, MemorySegment segment, int log2Buckets, long overflowCapacity,
                  boolean atomicLinks) {
        this.format = format;
        this.segment = segment;
        this.log2Buckets = log2Buckets;
        this.bucketCount = 1L << log2Buckets;
        this.bucketMask = bucketCount - 1;
        this.stride = format.bucketLength();
        this.overflowCapacity = overflowCapacity;
        this.atomicLinks = atomicLinks;
        this.slots = format.slots();
        this.slotMask = format.slotMask();
        this.tophashOffset = format.tophashOffset();
        this.keysOffset = format.keysOffset();
        this.keyStride = format.keyStride();
        this.valuesOffset = format.valuesOffset();
        this.valueStride = format.valueStride();
        this.linkOffset = format.linkOffset();
        this.maxEntries = format.maxEntries(bucketCount);
        this.strideShift = shiftOf(stride);
        this.keyShift = shiftOf(keyStride);
        this.valueShift = shiftOf(valueStride);
        this.endId = bucketCount + overflowCapacity;
        this.shape = switch (format.shape()) {
            case LINE_128 -> LINE_128;
            case GO_144 -> GO_144;
            case GO_192 -> GO_192;
            case OTHER -> OTHER;
        };
    }

    /**
     * Reserves a table of {@code 2^log2Buckets} primary buckets and {@code overflowCapacity}
     * overflow buckets, all empty (zeroed memory).
     *
     * @throws OutOfMemoryError if the allocator refuses, or the table could not be addressed
     */
    public static Table reserve(BucketFormat format, MapMemory memory, int log2Buckets, long overflowCapacity,
                                boolean atomicLinks) {
        if (log2Buckets > MAX_LOG2_BUCKETS) {
            throw new OutOfMemoryError("a table cannot have more than 2^" + MAX_LOG2_BUCKETS + " primary buckets");
        }
        long buckets = (1L << log2Buckets) + overflowCapacity;
        long stride = format.bucketLength();
        // A power-of-two bucket (128 bytes) is aligned to its own size, so it is one x86
        // adjacent-line pair and never crosses a page; other line-aligned buckets to the line.
        long alignment = !format.lineAligned() ? Long.BYTES : Long.bitCount(stride) == 1 ? stride : 64;
        MemorySegment segment = memory.allocate(Math.multiplyExact(buckets, stride), alignment);
        return new Table(format, segment, log2Buckets, overflowCapacity, atomicLinks);
    }

    /**
     * A table whose buckets are already in {@code segment} (a reopened map file's), with
     * {@code overflowTaken} of its overflow buckets in use.
     */
    public static Table adopt(BucketFormat format, MemorySegment segment, int log2Buckets, long overflowCapacity,
                              long overflowTaken, boolean atomicLinks) {
        long bytes = ((1L << log2Buckets) + overflowCapacity) * format.bucketLength();
        if (log2Buckets < 0 || log2Buckets > MAX_LOG2_BUCKETS || overflowTaken < 0 || overflowTaken > overflowCapacity
                || segment.byteSize() != bytes) {
            throw new IllegalArgumentException("a table of 2^" + log2Buckets + " buckets, " + overflowTaken + " of "
                    + overflowCapacity + " overflow buckets taken, in " + segment.byteSize() + " bytes");
        }
        Table t = new Table(format, segment, log2Buckets, overflowCapacity, atomicLinks);
        t.overflowTaken = overflowTaken;
        return t;
    }

    /**
     * From now on every overflow bucket taken is counted in {@code home} at {@code offset} too (a
     * map file's table slot) before the bucket is handed out, so that a reopen never hands out a
     * bucket a chain already links.
     */
    void persistOverflowCount(MemorySegment home, long offset) {
        this.countHome = home;
        this.countHomeOffset = offset;
        RawMemory.putLong(home, offset, overflowInUse());
        VarHandle.releaseFence();
    }

    /**
     * A reopened map file's table whose evacuation a crash interrupted: the overflow buckets taken
     * from {@code mark} on (that evacuation's, linked only from the buckets its redo empties) are
     * zeroed, then given back. Nothing when {@code mark} is -1 (not recorded) or not below the
     * buckets taken. Repeatable: a crash in the middle leaves the same work for the next reopen.
     */
    void rewindOverflow(long mark) {
        long taken = overflowInUse();
        if (mark < 0 || mark >= taken) {
            return;
        }
        RawMemory.zero(segment, offsetOf(bucketCount + mark), (taken - mark) * stride);
        VarHandle.releaseFence();
        overflowTaken = mark;
        if (countHome != null) {
            persistTaken(mark);
        }
    }

    /** A map file's table: records {@code taken} in its slot before the bucket it counts is used. */
    private void persistTaken(long taken) {
        RawMemory.putLong(countHome, countHomeOffset, taken);
        VarHandle.releaseFence();
    }

    /**
     * A new map's first table: {@code 2^log2Buckets} primary buckets and an overflow area of as many
     * (at least 16). If the allocator refuses, everything the map's ledger holds is given back
     * (the failure is rethrown, a failed release added to it) before the map's constructor fails.
     */
    public static Table reserveFirst(BucketFormat format, MapMemory memory, int log2Buckets, boolean atomicLinks) {
        try {
            return reserve(format, memory, log2Buckets, initialOverflowCapacity(log2Buckets), atomicLinks);
        } catch (RuntimeException | Error e) {
            memory.abandon(e);
            throw e;
        }
    }

    /**
     * Whether one more entry than {@code entries} overloads this table: the rule of
     * {@link BucketFormat#overloadedBy}, with the threshold computed once.
     */
    public boolean overloadedByOneMore(long entries) {
        return entries >= slots && entries >= maxEntries;
    }

    /** The overflow capacity a new map's first table gets: as many as its primary buckets, at least 16. */
    public static long initialOverflowCapacity(int log2Buckets) {
        return Math.max(16, 1L << log2Buckets);
    }

    /** Byte offset of bucket {@code id} (primary or overflow). */
    public long offsetOf(long id) {
        return id * stride;
    }

    private static int shiftOf(long n) {
        return Long.bitCount(n) == 1 ? Long.numberOfTrailingZeros(n) : -1;
    }

    /** Byte offset of the primary bucket of hash {@code h}. */
    public long homeOffset(long h) {
        return strideShift >= 0 ? (h & bucketMask) << strideShift : (h & bucketMask) * stride;
    }

    /** Byte offset of slot {@code i}'s key word in the bucket at {@code off}. */
    long keyOffset(long off, int i) {
        return off + keysOffset + (keyShift >= 0 ? (long) i << keyShift : i * keyStride);
    }


    /** Whether {@code id} names an overflow bucket of this table: what a link may hold. */
    boolean isOverflowId(long id) {
        return id >= bucketCount && id < endId;
    }

    /**
     * Takes a zeroed overflow bucket; returns its id, or {@link #NONE} when the area is used up.
     * Atomic: writers of different chains may take buckets at once.
     */
    public long takeOverflow() {
        long n = (long) OVERFLOW_TAKEN.getAndAdd(this, 1L);
        if (n >= overflowCapacity) {
            OVERFLOW_TAKEN.getAndAdd(this, -1L);
            return NONE;
        }
        if (countHome != null) {
            persistTaken(n + 1);
        }
        return bucketCount + n;
    }

    /**
     * Takes a zeroed overflow bucket for an insert, leaving the ones the growth evacuating into this
     * table may still need ({@link Growth#overflowStillNeeded}); {@link #NONE} when only those are left.
     */
    public long takeOverflowForInsert() {
        Growth g = filledBy;
        if (g == null) {
            return takeOverflow();
        }
        // compare-and-set, not add-then-undo: an undo below capacity would let a taker in between
        // get a bucket whose number the undo then hands out again
        long limit = overflowCapacity - g.overflowStillNeeded();
        while (true) {
            long n = (long) OVERFLOW_TAKEN.getVolatile(this);
            if (n >= limit) {
                return NONE;
            }
            if (OVERFLOW_TAKEN.compareAndSet(this, n, n + 1)) {
                if (countHome != null) {
                    persistTaken(n + 1);
                }
                return bucketCount + n;
            }
        }
    }

    /** Overflow buckets handed out. */
    public long overflowInUse() {
        return Math.min((long) OVERFLOW_TAKEN.getVolatile(this), overflowCapacity);
    }

    /** Bytes of the reservation. */
    public long bytesReserved() {
        return segment.byteSize();
    }

    // ---------------------------------------------------------------------------- slot refs

    /** The reference of slot {@code slot} of the bucket at {@code bucketOffset}. */
    public static long ref(long bucketOffset, int slot) {
        return bucketOffset | slot;
    }

    /** The bucket offset of a slot reference. */
    public static long bucketOf(long ref) {
        return ref & ~15L;
    }

    /** The slot index of a slot reference. */
    public static int slotOf(long ref) {
        return (int) ref & 15;
    }

    /** Byte offset of the key word of slot {@code ref}. */
    public long keyOffset(long ref) {
        return keyOffset(bucketOf(ref), slotOf(ref));
    }

    /** Byte offset of the value region of slot {@code ref}. */
    public long valueOffset(long ref) {
        int i = slotOf(ref);
        return bucketOf(ref) + valuesOffset + (valueShift >= 0 ? (long) i << valueShift : i * valueStride);
    }

    /** The key word of slot {@code ref}. */
    public long keyWordAt(long ref) {
        return RawMemory.getLong(segment, keyOffset(ref));
    }

    /** Sets the key word of slot {@code ref}. */
    public void putKeyWord(long ref, long word) {
        long slotBytes = (long) slotOf(ref) << 3;
        long at = switch (shape) {
            case LINE_128 -> bucketOf(ref) + LineBucketLayout.KEYS_OFFSET + slotBytes;
            case GO_144 -> bucketOf(ref) + GoBucketLayout.KEYS_OFFSET + slotBytes;
            case GO_192 -> bucketOf(ref) + PaddedGoBucketLayout.KEYS_OFFSET + slotBytes;
            default -> keyOffset(ref);
        };
        RawMemory.putLong(segment, at, word);
    }

    /** The first 8 bytes of slot {@code ref}'s value region: the value of a {@code long -> long} map. */
    public long longValueAt(long ref) {
        return RawMemory.getLong(segment, longValueOffset(ref));
    }

    /** Sets the first 8 bytes of slot {@code ref}'s value region. */
    public void putLongValue(long ref, long value) {
        RawMemory.putLong(segment, longValueOffset(ref), value);
    }

    /** {@link #valueOffset}, with a built-in layout's numbers as constants (see {@code Chain.find}). */
    private long longValueOffset(long ref) {
        long slotBytes = (long) slotOf(ref) << 3;
        return switch (shape) {
            case LINE_128 -> bucketOf(ref) + LineBucketLayout.VALUES_OFFSET + slotBytes;
            case GO_144 -> bucketOf(ref) + GoBucketLayout.VALUES_OFFSET + slotBytes;
            case GO_192 -> bucketOf(ref) + PaddedGoBucketLayout.VALUES_OFFSET + slotBytes;
            default -> valueOffset(ref);
        };
    }

    /** The link word of the bucket at {@code bucketOffset}, plain. */
    public long linkWord(long bucketOffset) {
        return RawMemory.getLong(segment, bucketOffset + linkOffset);
    }

    /** The tophash word of the bucket at {@code bucketOffset}, plain. */
    public long tophashWord(long bucketOffset) {
        return RawMemory.getLong(segment, bucketOffset + tophashOffset);
    }
}
