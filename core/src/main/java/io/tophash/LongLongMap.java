package io.tophash;

import io.tophash.internal.BucketFormat;
import io.tophash.internal.BucketTable;
import io.tophash.internal.Hashing;
import io.tophash.internal.MapMemory;
import io.tophash.internal.RawMemory;
import io.tophash.internal.Tophash;
import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.util.ConcurrentModificationException;
import java.util.Objects;

/**
 * An off-heap {@code long -> long} hash map laid out as Go's classic runtime map.
 *
 * <h2>Implementation notes</h2>
 * <p><b>Buckets.</b> Entries live in buckets of {@link BucketPadding#slotsPerBucket() 7 or 8}
 * slots in native memory: a word of tophash bytes, the keys, the values, and an overflow link
 * (see {@code GoBucketLayout}, {@code LineBucketLayout}). A key's 64-bit hash is its seeded mix;
 * the low bits choose the bucket, the top byte is its tophash. A lookup loads the tophash word,
 * finds the slots whose byte matches with one SWAR expression, compares only those keys, and
 * stops at the first bucket holding an {@code EMPTY_REST} byte (removal maintains Go's
 * empty-rest marking so that misses stop early). Full buckets chain to overflow buckets.
 *
 * <p><b>Growth.</b> When a new key would take the map past 13/16 of its slots (Go's 6.5 of 8) the
 * bucket count doubles; when the overflow buckets outnumber the primary ones a same-size growth
 * compacts them. Growth only creates the new table; each later write evacuates the old bucket
 * its key maps to plus the lowest not yet evacuated one ({@code nevacuate}), sending each entry to
 * bucket {@code i} or {@code i + oldCount} by one hash bit. Lookups during growth read the old
 * bucket while it is not evacuated and the new one after. The new table is made of chunks that
 * are allocated (zero-filled, page-faulted) only when evacuation first writes into them, and the
 * old table's chunks are released as {@code nevacuate} passes them, on a background thread
 * ({@code MapMemory}: closing a chunk's shared arena is a handshake with every thread), so
 * neither the copying nor the memory traffic of a growth lands on a single operation.
 * {@link #close()} waits for those releases, so its caller gets all memory back. Every write
 * evacuates the bucket at {@code nevacuate} or, finding it already evacuated (a write to its key
 * got there first), moves the mark past it, so a growth ends within as many writes as the old
 * table has buckets; {@link #finishGrowth()} ends it at once, for maps whose writes stop.
 *
 * <p><b>Failure atomicity.</b> Every allocation a write needs is made before the write changes
 * anything: an allocator that throws leaves every entry in place. A growth that cannot start is
 * abandoned; a growth step that cannot get memory is skipped and retried by the next write,
 * and the write goes to wherever its key's bucket is now, so only a write that itself needs a
 * new overflow bucket fails for want of memory.
 *
 * <p><b>Memory.</b> Every chunk is recorded in a per-map ledger ({@code MapMemory}), which
 * {@link #close()} empties; a map that becomes unreachable unclosed is freed by a
 * {@link java.lang.ref.Cleaner} after GC, with one warning per map class. Closing a map does not
 * drop its references to the released chunks: a thread still using it meets FFM's closed arenas
 * ({@link IllegalStateException}) rather than a null.
 *
 * <p><b>Threading.</b> One writer at a time, and no reader while it writes; any number of
 * threads may read a map that no thread is writing, as with Go's maps. A map may be built on one
 * thread and published to others (a volatile write, a lock, a queue): its memory belongs to no
 * thread, and reads write no shared state, not even scratch fields. As Go does with
 * {@code hashWriting}, writes set a flag; another thread that writes or reads meanwhile gets
 * a {@link ConcurrentModificationException} if it sees the flag. This detection is best effort
 * and costs no atomic instruction; it is not a lock.
 */
public final class LongLongMap implements AutoCloseable {

    /** Chunks of new tables are about this size: the most one evacuation step may page-fault in. */
    static final long DEFAULT_CHUNK_BYTES = 256 * 1024;
    static final int MAX_LOG2_BUCKETS = 40;
    /** Largest accepted {@link Builder#expectedSize}: beyond it no table could be addressed. */
    public static final long MAX_EXPECTED_SIZE = 1L << 40;

    private static final int WRITING = 1;
    private static final int CLOSED = 2;

    private final Allocator allocator;
    /** Every chunk the map holds; releases those evacuation no longer needs off the writing thread. */
    private final MapMemory memory;
    private final BucketPadding padding;
    private final BucketFormat format;
    private final long seed;
    private final long missingValue;
    private final long chunkBytes;
    private final int slots;
    private final long keysOffset;
    private final long valuesOffset;
    private final long overflowOffset;
    private final long slotMask;

    private BucketTable table;
    /** The table being evacuated; null when not growing. */
    private BucketTable oldTable;
    /** Every old bucket below this index is evacuated (and its chunk may be released). */
    private long nevacuate;
    private long evacuated;
    private long size;
    private int state;
    private int modCount;

    /** Segment of the slot found by {@link #locateForWrite} (writes only: readers use no scratch field). */
    private MemorySegment foundSegment;
    /** Where {@link #locateForWrite} would insert: segment, bucket offset, slot (-1: chain full). */
    private MemorySegment insertSegment;
    private long insertOffset;
    private int insertSlot;
    /** Last bucket of the chain {@link #locateForWrite} walked, to link an overflow bucket to. */
    private MemorySegment lastSegment;
    private long lastOffset;

    private final Appender toX = new Appender();
    private final Appender toY = new Appender();

    private LongLongMap(Builder b) {
        MapOptions o = b.options;
        this.allocator = o.allocator;
        this.memory = new MapMemory(o.allocator);
        this.padding = o.padding;
        this.format = o.padding.format();
        this.seed = o.seedForNewMap();
        this.missingValue = o.missingValue;
        this.chunkBytes = o.chunkBytes;
        this.slots = format.slots();
        this.keysOffset = format.keysOffset();
        this.valuesOffset = format.valuesOffset();
        this.overflowOffset = format.overflowOffset();
        this.slotMask = format.slotMask();
        memory.freeWhenUnreachable(this);
        BucketTable initial = new BucketTable(format, memory, o.initialLog2Buckets(format), chunkBytes);
        try {
            initial.allocateAll();
        } catch (RuntimeException | Error e) {
            memory.abandon(e);
            throw e;
        }
        this.table = initial;
    }

    /** A builder with defaults: no pre-sizing, cache-line allocator and padding, missing value 0, random seed. */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------------------------- reads

    /**
     * The value of {@code key}, or {@link #missingValue()} when absent. Use {@link #containsKey}
     * to tell a stored missing value from an absent key. Single-threaded; never allocates.
     *
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if a write is seen in progress on another thread
     */
    public long get(long key) {
        return getOrDefault(key, missingValue);
    }

    /**
     * The value of {@code key}, or {@code defaultValue} when absent. Single-threaded; never allocates.
     *
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if a write is seen in progress on another thread
     */
    public long getOrDefault(long key, long defaultValue) {
        try {
            return find(key, defaultValue);
        } finally {
            // the Cleaner must not free the memory of a map dropped right after this call
            Reference.reachabilityFence(this);
        }
    }

    private long find(long key, long defaultValue) {
        if (state != 0) {
            checkReadable();
        }
        // The primary bucket is searched inline and the overflow chain out of line, which keeps
        // this method small enough for the JIT to inline into callers (measured: a general
        // find() here compiled to a "big method" that no caller inlined).
        long h = Hashing.hash(key, seed);
        BucketTable t = oldTable == null ? table : homeTable(h);
        long bucket = h & t.bucketMask;
        MemorySegment seg = t.chunks[(int) (bucket >>> t.chunkShift)];
        long off = (bucket & t.chunkMask) * t.stride;
        long tags = RawMemory.getLong(seg, off);
        for (long m = Tophash.match(tags, Tophash.tophash(h)) & slotMask; m != 0; m &= m - 1) {
            long slot = (long) Tophash.firstSlot(m) << 3;
            if (RawMemory.getLong(seg, off + keysOffset + slot) == key) {
                return RawMemory.getLong(seg, off + valuesOffset + slot);
            }
        }
        if ((Tophash.matchEmptyRest(tags) & slotMask) != 0) {
            return defaultValue;
        }
        return getFromOverflow(t, seg, off, key, h, defaultValue);
    }

    private long getFromOverflow(BucketTable t, MemorySegment seg, long off, long key, long h, long defaultValue) {
        long next = RawMemory.getLong(seg, off + overflowOffset);
        if (next == 0) {
            return defaultValue;
        }
        return chainGet(t, t.overflowChunkOf(next), t.overflowOffsetOf(next), key, Tophash.tophash(h), defaultValue,
                false);
    }

    /**
     * Whether {@code key} is present. Single-threaded; never allocates.
     *
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if a write is seen in progress on another thread
     */
    public boolean containsKey(long key) {
        if (state != 0) {
            checkReadable();
        }
        long h = Hashing.hash(key, seed);
        BucketTable t = oldTable == null ? table : homeTable(h);
        long bucket = h & t.bucketMask;
        boolean found = chainGet(t, t.chunkOf(bucket), t.offsetOf(bucket), key, Tophash.tophash(h), 0, true) != 0;
        Reference.reachabilityFence(this);
        return found;
    }

    /** Entries in the map. Single-threaded. @throws IllegalStateException after {@link #close()} */
    public long size() {
        checkOpen();
        return size;
    }

    /** Whether the map holds no entry. Single-threaded. @throws IllegalStateException after {@link #close()} */
    public boolean isEmpty() {
        return size() == 0;
    }

    /** The value reads return for absent keys (set by {@link Builder#missingValue}; 0 by default). */
    public long missingValue() {
        return missingValue;
    }

    /**
     * Calls {@code action} once for every entry, in no particular order, without allocating.
     * The action may read the map but not change it. Single-threaded.
     *
     * @throws ConcurrentModificationException if the action changes the map
     * @throws IllegalStateException           after {@link #close()}, also when the action closes it
     */
    public void forEach(LongLongConsumer action) {
        Objects.requireNonNull(action, "action");
        if (state != 0) {
            checkReadable();
        }
        int expectedModCount = modCount;
        BucketTable old = oldTable;
        if (old != null) {
            for (long ob = nevacuate; ob < old.bucketCount; ob++) {
                if (!isEvacuated(old, ob)) {
                    visitChain(old, ob, action, expectedModCount);
                }
            }
        }
        BucketTable t = table;
        for (long b = 0; b < t.bucketCount; b++) {
            if (old != null && !isEvacuated(old, b & old.bucketMask)) {
                continue; // its entries are still in the old bucket, visited above
            }
            visitChain(t, b, action, expectedModCount);
        }
        Reference.reachabilityFence(this);
    }

    private void visitChain(BucketTable t, long bucket, LongLongConsumer action, int expectedModCount) {
        MemorySegment seg = t.chunkOf(bucket);
        long off = t.offsetOf(bucket);
        while (true) {
            long tags = RawMemory.getLong(seg, off);
            for (int i = 0; i < slots; i++) {
                if ((int) (tags >>> (i << 3) & 0xFF) >= Tophash.MIN_TOPHASH) {
                    action.accept(RawMemory.getLong(seg, off + keysOffset + ((long) i << 3)),
                            RawMemory.getLong(seg, off + valuesOffset + ((long) i << 3)));
                    if (modCount != expectedModCount || state != 0) {
                        checkReadable();
                        throw new ConcurrentModificationException("the map was changed during forEach");
                    }
                }
            }
            long next = RawMemory.getLong(seg, off + overflowOffset);
            if (next == 0) {
                return;
            }
            seg = t.overflowChunkOf(next);
            off = t.overflowOffsetOf(next);
        }
    }

    /**
     * A cursor over every entry, in the same order as {@link #forEach}: allocation-free after this
     * call, and able to update or remove the entry it stands on. Other changes to the map while a
     * cursor is in use make the cursor throw {@link ConcurrentModificationException}.
     * Single-threaded.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public Cursor cursor() {
        checkOpen();
        return new Cursor();
    }

    /**
     * Walks a map's entries: {@code while (cursor.next()) { cursor.key(); cursor.value(); }}.
     * Same threading rules as the map. Removing through the cursor never moves other entries
     * (it does no growth work), so the walk neither skips nor repeats an entry.
     */
    public final class Cursor {
        private int expectedModCount = modCount;
        /** 0: unevacuated old buckets; 1: new-table buckets whose old bucket is evacuated; 2: done. */
        private int phase;
        private long bucket;
        private BucketTable chainTable;
        private MemorySegment segment;
        private long offset;
        private int slot;
        private boolean positioned;

        private Cursor() {
        }

        /**
         * Moves to the next entry.
         *
         * @return false when every entry has been visited
         * @throws ConcurrentModificationException if the map changed other than through this cursor
         * @throws IllegalStateException           if the map was closed
         */
        public boolean next() {
            check();
            positioned = false;
            while (phase < 2) {
                if (segment == null && !enterNextChain()) {
                    continue;
                }
                long tags = RawMemory.getLong(segment, offset);
                while (++slot < slots) {
                    if ((int) (tags >>> (slot << 3) & 0xFF) >= Tophash.MIN_TOPHASH) {
                        positioned = true;
                        Reference.reachabilityFence(LongLongMap.this);
                        return true;
                    }
                }
                long next = RawMemory.getLong(segment, offset + overflowOffset);
                if (next == 0) {
                    segment = null;
                    bucket++;
                } else {
                    segment = chainTable.overflowChunkOf(next);
                    offset = chainTable.overflowOffsetOf(next);
                    slot = -1;
                }
            }
            Reference.reachabilityFence(LongLongMap.this);
            return false;
        }

        /** Positions on the chain of {@link #bucket} if it holds entries for this phase; else steps on. */
        private boolean enterNextChain() {
            BucketTable old = oldTable;
            BucketTable t = phase == 0 ? old : table;
            if (t == null || bucket >= t.bucketCount) {
                phase++;
                bucket = 0;
                return false;
            }
            boolean skip = phase == 0 ? isEvacuated(old, bucket)
                    : old != null && !isEvacuated(old, bucket & old.bucketMask);
            if (skip) {
                bucket++;
                return false;
            }
            chainTable = t;
            segment = t.chunkOf(bucket);
            offset = t.offsetOf(bucket);
            slot = -1;
            return true;
        }

        /** The key of the current entry. @throws IllegalStateException if {@link #next()} has not returned true */
        public long key() {
            checkPositioned();
            long key = RawMemory.getLong(segment, offset + keysOffset + ((long) slot << 3));
            Reference.reachabilityFence(LongLongMap.this);
            return key;
        }

        /** The value of the current entry. @throws IllegalStateException if not on an entry */
        public long value() {
            checkPositioned();
            long value = RawMemory.getLong(segment, offset + valuesOffset + ((long) slot << 3));
            Reference.reachabilityFence(LongLongMap.this);
            return value;
        }

        /** Replaces the value of the current entry. @throws IllegalStateException if not on an entry */
        public void setValue(long value) {
            checkPositioned();
            RawMemory.putLong(segment, offset + valuesOffset + ((long) slot << 3), value);
            Reference.reachabilityFence(LongLongMap.this);
        }

        /**
         * Removes the current entry; {@link #next()} then moves on to the entry after it.
         *
         * @throws IllegalStateException if not on an entry (also after a previous remove)
         */
        public void remove() {
            checkPositioned();
            beginWrite();
            try {
                clearSlot(chainTable, bucket, segment, offset, slot);
                size--;
                expectedModCount = ++modCount;
                positioned = false;
            } finally {
                endWrite();
            }
        }

        private void check() {
            if (state != 0) {
                checkReadable();
            }
            if (modCount != expectedModCount) {
                throw new ConcurrentModificationException("the map was changed outside this cursor");
            }
        }

        private void checkPositioned() {
            check();
            if (!positioned) {
                throw new IllegalStateException("the cursor is not on an entry: call next() first");
            }
        }
    }

    /**
     * A snapshot of the map's shape, memory and alignment audit. Walks every bucket address
     * (not its contents): O(buckets), meant for diagnostics, not hot paths. Single-threaded.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public MapStats stats() {
        checkOpen();
        return MapStats.of(size, table, oldTable, evacuated, memory);
    }

    /** Whether a growth is in progress; cheap, unlike {@link #stats()}. For tests. */
    boolean growing() {
        return oldTable != null;
    }

    /** Old buckets evacuated so far in the current growth; cheap. For tests. */
    long evacuatedBuckets() {
        return oldTable == null ? 0 : evacuated;
    }

    /** Primary buckets of the table being evacuated, 0 when not growing; cheap. For tests. */
    long oldBucketCount() {
        BucketTable old = oldTable;
        return old == null ? 0 : old.bucketCount;
    }

    /** The padding this map was built with. */
    public BucketPadding padding() {
        return padding;
    }

    /** The allocator this map was built with. */
    public Allocator allocator() {
        return allocator;
    }

    // --------------------------------------------------------------------------------- writes

    /**
     * Associates {@code value} with {@code key}. Single-threaded. May allocate a chunk or an
     * overflow bucket; if that fails the map is unchanged.
     *
     * @return the previous value, or {@link #missingValue()} if the key was absent
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if another write is seen in progress
     * @throws OutOfMemoryError                if the allocator cannot supply memory (map unchanged)
     */
    public long put(long key, long value) {
        beginWrite();
        try {
            long h = Hashing.hash(key, seed);
            long at = locateOrPrepareInsert(key, h);
            if (at >= 0) {
                long previous = RawMemory.getLong(foundSegment, at);
                RawMemory.putLong(foundSegment, at, value);
                return previous;
            }
            insert(key, value, h);
            return missingValue;
        } finally {
            endWrite();
        }
    }

    /**
     * Associates {@code value} with {@code key} only if the key is absent. Single-threaded.
     *
     * @return the existing value, or {@link #missingValue()} if this call inserted
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if another write is seen in progress
     * @throws OutOfMemoryError                if the allocator cannot supply memory (map unchanged)
     */
    public long putIfAbsent(long key, long value) {
        beginWrite();
        try {
            long h = Hashing.hash(key, seed);
            long at = locateOrPrepareInsert(key, h);
            if (at >= 0) {
                return RawMemory.getLong(foundSegment, at);
            }
            insert(key, value, h);
            return missingValue;
        } finally {
            endWrite();
        }
    }

    /**
     * Adds {@code delta} to the value of {@code key}, an absent key counting as 0 (so it is
     * inserted with {@code delta}). Overflow wraps as {@code long} arithmetic does. Single-threaded.
     *
     * @return the new value
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if another write is seen in progress
     * @throws OutOfMemoryError                if the allocator cannot supply memory (map unchanged)
     */
    public long addAndGet(long key, long delta) {
        beginWrite();
        try {
            long h = Hashing.hash(key, seed);
            long at = locateOrPrepareInsert(key, h);
            if (at >= 0) {
                long updated = RawMemory.getLong(foundSegment, at) + delta;
                RawMemory.putLong(foundSegment, at, updated);
                return updated;
            }
            insert(key, delta, h);
            return delta;
        } finally {
            endWrite();
        }
    }

    /**
     * Removes {@code key}. Never allocates (a growth step it would have done is skipped if
     * memory is short). Single-threaded.
     *
     * @return the previous value, or {@link #missingValue()} if the key was absent
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if another write is seen in progress
     */
    public long remove(long key) {
        beginWrite();
        try {
            long h = Hashing.hash(key, seed);
            if (oldTable != null) {
                try {
                    growWork(h);
                } catch (RuntimeException | OutOfMemoryError e) {
                    // Growth progress is optional for a removal: the key is found wherever it is.
                }
            }
            BucketTable t = homeTable(h);
            long bucket = h & t.bucketMask;
            int top = Tophash.tophash(h);
            MemorySegment seg = t.chunkOf(bucket);
            long off = t.offsetOf(bucket);
            while (true) {
                long tags = RawMemory.getLong(seg, off);
                long m = Tophash.match(tags, top) & slotMask;
                while (m != 0) {
                    int i = Tophash.firstSlot(m);
                    if (RawMemory.getLong(seg, off + keysOffset + ((long) i << 3)) == key) {
                        long previous = RawMemory.getLong(seg, off + valuesOffset + ((long) i << 3));
                        clearSlot(t, bucket, seg, off, i);
                        size--;
                        modCount++;
                        return previous;
                    }
                    m &= m - 1;
                }
                if ((Tophash.matchEmptyRest(tags) & slotMask) != 0) {
                    return missingValue;
                }
                long next = RawMemory.getLong(seg, off + overflowOffset);
                if (next == 0) {
                    return missingValue;
                }
                seg = t.overflowChunkOf(next);
                off = t.overflowOffsetOf(next);
            }
        } finally {
            endWrite();
        }
    }

    /**
     * Removes every entry, keeping the current capacity (memory stays allocated and is zeroed).
     * A growth in progress is completed first, which may allocate the rest of the new table; if
     * that fails the map is unchanged. Single-threaded.
     *
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if another write is seen in progress
     * @throws OutOfMemoryError                if the allocator cannot supply memory (map unchanged)
     */
    public void clear() {
        beginWrite();
        try {
            BucketTable t = table;
            if (oldTable != null) {
                for (int c = 0; c < t.chunkCount(); c++) {
                    t.ensureChunk(c);
                }
                oldTable.releaseAll();
                oldTable = null;
            }
            awaitRetiredReleased();
            for (int c = 0; c < t.chunkCount(); c++) {
                RawMemory.zero(t.chunks[c]);
            }
            t.clearOverflow();
            size = 0;
            modCount++;
        } finally {
            endWrite();
        }
    }

    /**
     * Frees all off-heap memory and returns once all of it is back with the allocator (chunks a
     * growth queued for background release included). Afterwards every other method throws
     * {@link IllegalStateException}. Single-threaded: closing while another thread uses the map
     * makes that thread's accesses fail with {@link IllegalStateException}, never crash.
     * Idempotent, except that if the allocator failed to release some memory, the exception it
     * threw is thrown here (after everything else is released) and calling {@code close()} again
     * retries those releases.
     */
    @Override
    public void close() {
        if ((state & CLOSED) == 0) {
            state = CLOSED;
            modCount++;
        } else if (memory.bytesHeld() == 0) {
            return;
        }
        try {
            memory.close(); // the tables keep their (now closed) chunks: racing readers get ISE from FFM
        } finally {
            // Without this the map is unreachable while memory.close() runs, and the Cleaner may
            // run the safety net at the same time (the ledger makes that harmless, not intended).
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Completes a growth in progress now: evacuates every old bucket not yet evacuated and hands the
     * old table back for release. Growth is otherwise driven by writes only (as in Go), so a map
     * whose last writes started a growth keeps both tables, and reads keep checking both, until
     * later writes finish it; a service that bulk-loads and then only reads calls this after
     * loading. Costs one evacuation per remaining old bucket; does nothing when no growth is in
     * progress. Single-threaded, a write.
     *
     * @return whether a growth was in progress
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if another write is seen in progress
     * @throws OutOfMemoryError                if the allocator cannot supply the new table's memory;
     *                                         the growth stays in progress, no entry is lost
     */
    public boolean finishGrowth() {
        beginWrite();
        try {
            if (oldTable == null) {
                return false;
            }
            while (oldTable != null) {
                evacuate(nevacuate);
            }
            return true;
        } finally {
            endWrite();
        }
    }

    // ----------------------------------------------------------------------------- internals

    /**
     * Searches the chain from the bucket at ({@code seg}, {@code off}) on. Returns the value of
     * {@code key}, or with {@code presence} 1 if found; {@code absent} if not. Writes nothing, not
     * even scratch fields, so that any number of threads may read a map no thread is writing.
     */
    private long chainGet(BucketTable t, MemorySegment seg, long off, long key, int top, long absent,
                          boolean presence) {
        while (true) {
            long tags = RawMemory.getLong(seg, off);
            for (long m = Tophash.match(tags, top) & slotMask; m != 0; m &= m - 1) {
                long slot = (long) Tophash.firstSlot(m) << 3;
                if (RawMemory.getLong(seg, off + keysOffset + slot) == key) {
                    return presence ? 1 : RawMemory.getLong(seg, off + valuesOffset + slot);
                }
            }
            if ((Tophash.matchEmptyRest(tags) & slotMask) != 0) {
                return absent;
            }
            long next = RawMemory.getLong(seg, off + overflowOffset);
            if (next == 0) {
                return absent;
            }
            seg = t.overflowChunkOf(next);
            off = t.overflowOffsetOf(next);
        }
    }

    /** The table whose bucket currently holds the entries of hash {@code h}. */
    private BucketTable homeTable(long h) {
        BucketTable old = oldTable;
        if (old != null && !isEvacuated(old, h & old.bucketMask)) {
            return old;
        }
        return table;
    }

    private boolean isEvacuated(BucketTable old, long oldBucket) {
        return oldBucket < nevacuate
                || RawMemory.getLong(old.chunkOf(oldBucket), old.offsetOf(oldBucket)) == Tophash.EVACUATED_WORD;
    }

    /**
     * Does the growth work a write owes, then finds {@code key} for writing: returns the offset of
     * its value in {@link #foundSegment}, or -1 with the insertion point prepared, having started
     * a growth first if inserting would overload the table.
     *
     * <p>If the key's old bucket cannot be evacuated for want of memory, a key already present is
     * still returned (it can be updated where it is), but an insert rethrows the failure.
     */
    private long locateOrPrepareInsert(long key, long h) {
        if (oldTable != null) {
            try {
                growWork(h);
            } catch (RuntimeException | OutOfMemoryError e) {
                // Growth progress is retried by the next write. The key stays in its unevacuated
                // old bucket, where it is found, updated or inserted like any other.
            }
        }
        long at = locateForWrite(key, h);
        if (at >= 0) {
            return at;
        }
        if (oldTable == null) {
            BucketTable t = table;
            boolean overloaded = format.overloadedBy(size + 1, t.bucketCount) && t.log2Buckets < MAX_LOG2_BUCKETS;
            boolean tooManyOverflow = t.overflowBucketsInUse() >= Math.max(t.bucketCount, 16);
            if (overloaded || tooManyOverflow) {
                startGrowth(overloaded, h);
                at = locateForWrite(key, h);
            }
        }
        return at;
    }

    /**
     * Walks the home chain of {@code key}: returns its value offset in {@link #foundSegment}, or
     * -1 having set the insertion point ({@link #insertSegment}, {@link #insertOffset},
     * {@link #insertSlot}, and the chain's last bucket).
     */
    private long locateForWrite(long key, long h) {
        BucketTable t = homeTable(h);
        long bucket = h & t.bucketMask;
        int top = Tophash.tophash(h);
        MemorySegment seg = t.chunkOf(bucket);
        long off = t.offsetOf(bucket);
        insertSlot = -1;
        insertSegment = null;
        while (true) {
            long tags = RawMemory.getLong(seg, off);
            long m = Tophash.match(tags, top) & slotMask;
            while (m != 0) {
                long slot = (long) Tophash.firstSlot(m) << 3;
                if (RawMemory.getLong(seg, off + keysOffset + slot) == key) {
                    foundSegment = seg;
                    return off + valuesOffset + slot;
                }
                m &= m - 1;
            }
            if (insertSlot < 0) {
                long empty = Tophash.matchEmpty(tags) & slotMask;
                if (empty != 0) {
                    insertSlot = Tophash.firstSlot(empty);
                    insertSegment = seg;
                    insertOffset = off;
                }
            }
            if ((Tophash.matchEmptyRest(tags) & slotMask) != 0) {
                return -1;
            }
            long next = RawMemory.getLong(seg, off + overflowOffset);
            if (next == 0) {
                lastSegment = seg;
                lastOffset = off;
                return -1;
            }
            seg = t.overflowChunkOf(next);
            off = t.overflowOffsetOf(next);
        }
    }

    /** Inserts a new entry at the point {@link #locateForWrite} prepared. */
    private void insert(long key, long value, long h) {
        if (insertSlot < 0) {
            BucketTable t = homeTable(h);
            t.reserveOverflow(1); // may throw: nothing has been changed yet
            long idx = t.takeOverflow();
            RawMemory.putLong(lastSegment, lastOffset + overflowOffset, idx);
            insertSegment = t.overflowChunkOf(idx);
            insertOffset = t.overflowOffsetOf(idx);
            insertSlot = 0;
        }
        long slot = (long) insertSlot << 3;
        RawMemory.putLong(insertSegment, insertOffset + keysOffset + slot, key);
        RawMemory.putLong(insertSegment, insertOffset + valuesOffset + slot, value);
        RawMemory.putByte(insertSegment, insertOffset + insertSlot, Tophash.tophash(h));
        size++;
        modCount++;
    }

    /**
     * Empties slot {@code i} of the bucket at ({@code seg}, {@code off}) in the chain of primary
     * bucket {@code bucket}, then, as Go's mapdelete does, turns the run of empty slots that now
     * ends the chain into {@code EMPTY_REST} so that lookups stop early.
     */
    private void clearSlot(BucketTable t, long bucket, MemorySegment seg, long off, int i) {
        RawMemory.putByte(seg, off + i, Tophash.EMPTY_ONE);
        boolean lastInChain;
        if (i == slots - 1) {
            long next = RawMemory.getLong(seg, off + overflowOffset);
            lastInChain = next == 0
                    || RawMemory.getByte(t.overflowChunkOf(next), t.overflowOffsetOf(next)) == Tophash.EMPTY_REST;
        } else {
            lastInChain = RawMemory.getByte(seg, off + i + 1) == Tophash.EMPTY_REST;
        }
        if (!lastInChain) {
            return;
        }
        MemorySegment firstSeg = t.chunkOf(bucket);
        long firstOff = t.offsetOf(bucket);
        while (true) {
            RawMemory.putByte(seg, off + i, Tophash.EMPTY_REST);
            if (i == 0) {
                if (seg == firstSeg && off == firstOff) {
                    return;
                }
                // Step back to the bucket before this one in the chain.
                MemorySegment ps = firstSeg;
                long po = firstOff;
                while (true) {
                    long next = RawMemory.getLong(ps, po + overflowOffset);
                    MemorySegment ns = t.overflowChunkOf(next);
                    long no = t.overflowOffsetOf(next);
                    if (ns == seg && no == off) {
                        break;
                    }
                    ps = ns;
                    po = no;
                }
                seg = ps;
                off = po;
                i = slots - 1;
            } else {
                i--;
            }
            if (RawMemory.getByte(seg, off + i) != Tophash.EMPTY_ONE) {
                return;
            }
        }
    }

    // ------------------------------------------------------------------------------- growth

    /**
     * Makes the new table (no memory yet) and evacuates the bucket of {@code h}. If even that
     * first step cannot get memory, the growth is abandoned and the map is as it was.
     */
    private void startGrowth(boolean doubling, long h) {
        BucketTable old = table;
        BucketTable next = new BucketTable(format, memory, old.log2Buckets + (doubling ? 1 : 0), chunkBytes);
        oldTable = old;
        table = next;
        nevacuate = 0;
        evacuated = 0;
        try {
            evacuate(h & old.bucketMask);
        } catch (RuntimeException | Error e) {
            table = old;
            oldTable = null;
            next.releaseAll();
            throw e;
        }
        evacuateNextQuietly();
    }

    /**
     * Evacuates the old bucket of {@code h} (a failure propagates: nothing moved) and then the
     * lowest bucket not yet evacuated (a failure there is left for a later write to retry).
     */
    private void growWork(long h) {
        evacuate(h & oldTable.bucketMask);
        evacuateNextQuietly();
    }

    private void evacuateNextQuietly() {
        if (oldTable != null) {
            try {
                evacuate(nevacuate);
            } catch (RuntimeException | OutOfMemoryError e) {
                // Progress is retried by the next write; nothing moved.
            }
        }
    }

    /**
     * Moves every entry of old bucket {@code ob} (and its overflow chain) into the new table.
     * All-or-nothing: the chunks and overflow buckets it needs are allocated before anything
     * moves. The destination buckets are empty: nothing is inserted into a new bucket before its
     * old bucket is evacuated.
     */
    private void evacuate(long ob) {
        BucketTable old = oldTable;
        if (ob < nevacuate) {
            return;
        }
        MemorySegment headSeg = old.chunkOf(ob);
        long headOff = old.offsetOf(ob);
        if (RawMemory.getLong(headSeg, headOff) == Tophash.EVACUATED_WORD) {
            // A write to one of its keys evacuated it ahead of the mark: move the mark on (as Go's
            // evacuate does), or a run of such buckets would stop the growth for good.
            if (ob == nevacuate) {
                advanceEvacuation();
            }
            return;
        }
        BucketTable next = table;
        long oldCount = old.bucketCount;
        boolean doubling = next.bucketCount != oldCount;

        // Allocate first, so that a refusal leaves the bucket unmoved: both destination chunks,
        // and overflow buckets for the worst split. A chain of n buckets holds at most n * slots
        // entries; however they split between the two destinations, those need at most n - 1
        // overflow buckets between them.
        int chainLength = 1;
        for (long n = RawMemory.getLong(headSeg, headOff + overflowOffset); n != 0;
             n = RawMemory.getLong(old.overflowChunkOf(n), old.overflowOffsetOf(n) + overflowOffset)) {
            chainLength++;
        }
        long low = ob;
        long highBucket = ob + oldCount;
        next.ensureChunk((int) (low >>> next.chunkShift));
        if (doubling) {
            next.ensureChunk((int) (highBucket >>> next.chunkShift));
        }
        next.reserveOverflow(chainLength - 1);

        toX.start(next, low);
        toY.start(next, doubling ? highBucket : low);
        MemorySegment seg = headSeg;
        long off = headOff;
        while (true) {
            long tags = RawMemory.getLong(seg, off);
            for (int i = 0; i < slots; i++) {
                int tag = (int) (tags >>> (i << 3) & 0xFF);
                if (tag >= Tophash.MIN_TOPHASH) {
                    long key = RawMemory.getLong(seg, off + keysOffset + ((long) i << 3));
                    long value = RawMemory.getLong(seg, off + valuesOffset + ((long) i << 3));
                    Appender to = doubling && (Hashing.hash(key, seed) & oldCount) != 0 ? toY : toX;
                    append(next, to, key, value, tag);
                }
            }
            long n = RawMemory.getLong(seg, off + overflowOffset);
            if (n == 0) {
                break;
            }
            seg = old.overflowChunkOf(n);
            off = old.overflowOffsetOf(n);
        }
        RawMemory.putLong(headSeg, headOff, Tophash.EVACUATED_WORD);
        evacuated++;
        if (ob == nevacuate) {
            advanceEvacuation();
        }
    }

    private void append(BucketTable t, Appender to, long key, long value, int tag) {
        if (to.slot == slots) {
            long idx = t.takeOverflow();
            RawMemory.putLong(to.segment, to.offset + overflowOffset, idx);
            to.segment = t.overflowChunkOf(idx);
            to.offset = t.overflowOffsetOf(idx);
            to.slot = 0;
        }
        long slot = (long) to.slot << 3;
        RawMemory.putLong(to.segment, to.offset + keysOffset + slot, key);
        RawMemory.putLong(to.segment, to.offset + valuesOffset + slot, value);
        RawMemory.putByte(to.segment, to.offset + to.slot, tag);
        to.slot++;
    }

    /**
     * Moves {@code nevacuate} past evacuated buckets (at most 1024 per call, as Go bounds it),
     * releasing each old chunk it leaves behind; ends the growth when it reaches the end.
     */
    private void advanceEvacuation() {
        BucketTable old = oldTable;
        long limit = Math.min(old.bucketCount, nevacuate + 1024);
        while (nevacuate < limit
                && RawMemory.getLong(old.chunkOf(nevacuate), old.offsetOf(nevacuate)) == Tophash.EVACUATED_WORD) {
            nevacuate++;
            if ((nevacuate & old.chunkMask) == 0) {
                retire(old.detachChunk((int) ((nevacuate - 1) >>> old.chunkShift)));
            }
        }
        if (nevacuate == old.bucketCount) {
            oldTable = null;
            old.detachAll(this::retire);
        }
    }

    /**
     * Hands memory the map no longer uses to the background releaser. Releasing a chunk closes
     * its shared arena, a handshake with every thread that cost 0.1 to 3.6 ms per chunk in a
     * 0 -> 10M growth on a 2-vCPU VM: done in the put that retires the chunk, it made that put the
     * slowest of the growth (released one per write, it still made a hundred slow puts).
     */
    private void retire(MemorySegment chunk) {
        if (chunk != null) {
            memory.releaseLater(chunk);
        }
    }

    /** Waits for every retired chunk to be back with the allocator. For clear() and tests. */
    void awaitRetiredReleased() {
        memory.awaitReleased();
    }

    /** Where evacuation writes next in one destination chain. */
    private static final class Appender {
        MemorySegment segment;
        long offset;
        int slot;

        void start(BucketTable t, long bucket) {
            segment = t.chunkOf(bucket);
            offset = t.offsetOf(bucket);
            slot = 0;
        }
    }

    // ------------------------------------------------------------------------------- state

    private void beginWrite() {
        int s = state;
        if (s != 0) {
            checkOpen();
            throw new ConcurrentModificationException("concurrent map writes: another thread is writing this LongLongMap");
        }
        state = WRITING;
    }

    private void endWrite() {
        state &= ~WRITING;
    }

    private void checkReadable() {
        int s = state;
        checkOpen();
        if ((s & WRITING) != 0) {
            throw new ConcurrentModificationException("concurrent map read and map write on a LongLongMap");
        }
    }

    private void checkOpen() {
        if ((state & CLOSED) != 0) {
            throw new IllegalStateException("LongLongMap is closed");
        }
    }

    @Override
    public String toString() {
        if ((state & CLOSED) != 0) {
            return "LongLongMap[closed]";
        }
        return "LongLongMap[size=" + size + ", buckets=" + table.bucketCount + ", padding=" + padding
                + ", allocator=" + allocator.name() + (oldTable != null ? ", growing" : "") + "]";
    }

    /**
     * Builds a {@link LongLongMap}. Not thread-safe; a builder may build several maps.
     */
    public static final class Builder {
        private final MapOptions options = new MapOptions();

        private Builder() {
        }

        /**
         * Pre-sizes the map for {@code entries} entries, like Go's {@code make(map, n)}: no growth
         * happens until more are inserted. All of that memory is allocated (and zero-filled) by
         * {@link #build()}.
         *
         * @throws IllegalArgumentException if negative or above {@link #MAX_EXPECTED_SIZE}
         */
        public Builder expectedSize(long entries) {
            options.expectedSize(entries);
            return this;
        }

        /** Where memory comes from; {@link Allocators#cacheLineAligned()} by default. */
        public Builder allocator(Allocator allocator) {
            options.allocator(allocator);
            return this;
        }

        /** The bucket layout; {@link BucketPadding#CACHE_LINE} by default. */
        public Builder padding(BucketPadding padding) {
            options.padding(padding);
            return this;
        }

        /** The value reads return for absent keys; 0 by default, as for Java's primitive maps. */
        public Builder missingValue(long value) {
            options.missingValue = value;
            return this;
        }

        /** A fixed hash seed, for reproducible tests and benchmarks. By default each map draws a random one. */
        public Builder seed(long seed) {
            options.seed(seed);
            return this;
        }

        /**
         * The size of the memory chunks a table is made of (rounded down to a power of two of
         * buckets): the most memory a single growth step may allocate and page-fault in at once.
         * 256 KiB by default; larger chunks mean fewer allocations, smaller ones a lower worst
         * single put during growth.
         *
         * @throws IllegalArgumentException if not between 4 KiB and 1 GiB
         */
        public Builder chunkBytes(long bytes) {
            options.chunkBytes(bytes);
            return this;
        }

        /**
         * Allocates the map's initial table.
         *
         * @throws OutOfMemoryError if the allocator cannot supply it (nothing is leaked)
         */
        public LongLongMap build() {
            return new LongLongMap(this);
        }
    }
}
