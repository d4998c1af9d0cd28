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
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * An off-heap {@code long -> long} hash map for any number of threads, with the buckets of
 * {@link LongLongMap}.
 *
 * <h2>Implementation notes</h2>
 * <p><b>One lock word per bucket.</b> The 8-byte overflow link of each primary bucket doubles as
 * its seqlock: the low 32 bits link the first overflow bucket, the high 32 bits are a version that
 * is odd while a writer holds the bucket (and the overflow chain hanging from it). Writers take a
 * bucket with one CAS, change it with plain writes and release it with a release store; writers
 * of different buckets never touch the same word. Readers write nothing: they load the word with
 * acquire, read the chain, fence, and check that the word is unchanged, retrying otherwise (the
 * protocol is written down in {@code io.tophash.internal}'s package documentation). The word is
 * accessed atomically, so it must be naturally aligned: every chunk is checked when allocated,
 * and an allocator that cannot give 8-byte alignment ({@code naive(3)}) is refused by
 * {@link Builder#build()}.
 *
 * <p><b>Growth</b> is Go's, made concurrent. When an insert finds the map at 13/16 of its slots,
 * a new table of twice the buckets is installed next to the old one (no memory yet). Every later
 * write first evacuates, under the old bucket's lock, the old bucket its key maps to, then claims
 * the next old bucket nobody has claimed and evacuates that too; evacuation copies the chain into
 * the two new buckets it splits into, allocating their chunks if needed, and marks the old bucket
 * evacuated before releasing its lock. A key is therefore in the old bucket until the instant the
 * old bucket's lock is released evacuated, and in the new table after; readers that see an
 * evacuated old bucket read the new one, so no key is ever missing or seen twice. Nothing copies
 * the whole table. The writer that evacuates the last old bucket installs the new table alone;
 * the old table's chunks go to a background thread for release (closing a chunk's shared arena
 * is a handshake with every thread, which no write should wait for). A reader still inside a
 * released chunk gets an {@link IllegalStateException} from FFM and simply retries. Since every
 * write claims an old bucket nobody has claimed, a growth ends within as many writes as the old
 * table has buckets; {@link #finishGrowth()} ends it at once, for maps whose writes stop. No
 * same-size (compacting) growth: removed slots are reused by later inserts into the same chain.
 *
 * <p><b>Size.</b> {@link #size()} sums a {@link LongAdder}. Inserts do not: only an insert whose
 * hash has its sampling bits clear (one in up to 64, fewer for small tables) sums it to decide
 * whether the table is full, so a growth starts at most a few dozen inserts past 13/16 of the
 * slots, never before, and never on an update: a map built with {@code expectedSize(n)} holds
 * {@code n} entries without growing.
 *
 * <p><b>Failure atomicity.</b> Evacuation allocates what it needs (both destination chunks and
 * every overflow bucket) before it writes; an insert allocates its overflow bucket before it
 * writes. An allocator that throws leaves every entry where it was. Growth work a write does for
 * the map (evacuating its key's old bucket, helping with another) is skipped when it cannot get
 * memory, and the write then happens in the key's old bucket: only a write that itself needs a
 * new overflow bucket fails with the allocator's exception.
 *
 * <p><b>close()</b> takes the allocation lock, marks the map closed and releases every chunk once,
 * through the per-map ledger ({@code MapMemory}) that records every chunk, waiting for releases
 * already queued on the background thread: it returns when all memory is back. Operations
 * running in other threads then fail with {@link IllegalStateException}, from the closed check or
 * from FFM's closed arenas; none can crash the JVM. A map that becomes unreachable unclosed is
 * freed by a {@link java.lang.ref.Cleaner} after GC, with one warning per map class.
 *
 * <p><b>Threading.</b> Every public method may be called from any thread at any time. Single-key
 * operations are linearizable; {@link #size()} and {@link #forEach} are not (see each).
 *
 * <p><b>Known limits.</b> The version has 32 bits and each write adds 2: a reader paused between
 * its two loads of a bucket's word for exactly a multiple of 2^31 writes to that bucket would
 * accept a torn read (StampedLock has the same kind of bound). An allocator that returns
 * misaligned memory only sometimes makes later writes fail with {@link IllegalArgumentException}
 * (never a crash).
 */
public final class ConcurrentLongLongMap implements AutoCloseable {

    private static final long LINK_MASK = 0xFFFF_FFFFL;
    /** One step of the version in the high half of the link word; its lowest bit means "locked". */
    private static final long VERSION_STEP = 1L << 32;
    private static final long LOCKED = VERSION_STEP;
    /** Overflow bucket numbers must fit the link word's low half. */
    private static final long MAX_OVERFLOW_INDEX = LINK_MASK;
    /** Retries after exceptions while the map is open, before one is taken for a bug and rethrown. */
    private static final int MAX_FAULT_RETRIES = 1_000;

    private static final int PUT = 0;
    private static final int PUT_IF_ABSENT = 1;
    private static final int REMOVE = 2;
    private static final int REMOVE_IF = 3;
    private static final int REPLACE_IF = 4;
    private static final int ADD = 5;

    /** The current table and, while growing, the growth; replaced as a whole. */
    private record Tables(BucketTable table, Growth growth) {
    }

    /** One doubling in progress: which old buckets are claimed and how many are done. */
    private static final class Growth {
        final BucketTable old;
        final BucketTable next;
        final AtomicLong claimed = new AtomicLong();
        final AtomicLong done = new AtomicLong();
        /** Claimed buckets whose evacuation failed (no memory): retried by later writes. */
        final ConcurrentLinkedQueue<Long> failed = new ConcurrentLinkedQueue<>();

        Growth(BucketTable old, BucketTable next) {
            this.old = old;
            this.next = next;
        }
    }

    private final Allocator allocator;
    private final BucketPadding padding;
    private final BucketFormat format;
    private final long seed;
    private final long missingValue;
    private final long chunkBytes;
    private final int slots;
    private final long tophashOffset;
    private final long keysOffset;
    private final long valuesOffset;
    private final long linkOffset;
    private final long slotMask;

    /** Guards every allocation, every change of {@link #tables}, and close. Never held while waiting for a bucket. */
    private final Object allocationLock = new Object();
    private volatile Tables tables;
    private volatile boolean closed;
    private final LongAdder size = new LongAdder();
    /** Every chunk the map holds; releases retired ones off the writing threads. */
    private final MapMemory memory;

    private ConcurrentLongLongMap(Builder b) {
        MapOptions o = b.options;
        this.allocator = o.allocator;
        this.padding = o.padding;
        this.format = o.padding.format();
        this.seed = o.seedForNewMap();
        this.missingValue = o.missingValue;
        this.chunkBytes = o.chunkBytes;
        this.slots = format.slots();
        this.tophashOffset = format.tophashOffset();
        this.keysOffset = format.keysOffset();
        this.valuesOffset = format.valuesOffset();
        this.linkOffset = format.overflowOffset();
        this.slotMask = format.slotMask();
        if (linkOffset % Long.BYTES != 0 || format.bucketLength() % Long.BYTES != 0) {
            throw new IllegalArgumentException("layout " + format.name() + " puts the link word at offset "
                    + linkOffset + ", not 8-byte aligned");
        }
        this.memory = new MapMemory(allocator);
        memory.freeWhenUnreachable(this);
        BucketTable initial = new BucketTable(format, memory, o.initialLog2Buckets(format), chunkBytes);
        try {
            for (int c = 0; c < initial.chunkCount(); c++) {
                initial.ensureChunk(c);
                requireAligned(initial.chunks[c]);
            }
        } catch (RuntimeException | Error e) {
            memory.abandon(e);
            throw e;
        }
        this.tables = new Tables(initial, null);
    }

    /** A builder with the same options and defaults as {@link LongLongMap#builder()}. */
    public static Builder builder() {
        return new Builder();
    }

    private void requireAligned(MemorySegment chunk) {
        if (chunk.address() % Long.BYTES != 0) {
            throw new IllegalArgumentException("ConcurrentLongLongMap needs 8-byte aligned memory for the atomic "
                    + "link word of each bucket, but allocator " + allocator.name() + " returned address 0x"
                    + Long.toHexString(chunk.address()) + ": on ARM64 a misaligned atomic access faults, on x86 it "
                    + "is a split lock, and FFM refuses it (IllegalArgumentException). Use cacheLineAligned(), "
                    + "pageAligned(), hugePages() or naive(8)");
        }
    }

    // ------------------------------------------------------------------------------ reads

    /**
     * The value of {@code key}, or the map's missing value. Lock-free for readers: writes nothing,
     * waits only while a writer holds the key's bucket. Any thread.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public long get(long key) {
        return read(key, missingValue, false);
    }

    /**
     * The value of {@code key}, or {@code defaultValue} if absent. Any thread.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public long getOrDefault(long key, long defaultValue) {
        return read(key, defaultValue, false);
    }

    /**
     * Whether {@code key} is present. Any thread.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public boolean containsKey(long key) {
        return read(key, 0, true) != 0;
    }

    /**
     * The optimistic read. Returns the value or {@code absent}; with {@code presence}, 1 or 0.
     * During a growth it reads the key's old bucket unless that is evacuated, then the new one.
     */
    private long read(long key, long absent, boolean presence) {
        try {
            return readOptimistically(key, absent, presence);
        } finally {
            // the Cleaner must not free the memory of a map dropped right after this call
            Reference.reachabilityFence(this);
        }
    }

    private long readOptimistically(long key, long absent, boolean presence) {
        long h = Hashing.hash(key, seed);
        int faults = 0;
        int spins = 0;
        while (true) {
            Tables ts = tables;
            if (closed) {
                throw closedException();
            }
            try {
                Growth g = ts.growth;
                if (g != null) {
                    BucketTable old = g.old;
                    long ob = h & old.bucketMask;
                    MemorySegment os = old.chunkOf(ob);
                    long oo = old.offsetOf(ob);
                    long w = RawMemory.getLongAcquire(os, oo + linkOffset);
                    if ((w & LOCKED) != 0) {
                        backOff(++spins);
                        continue;
                    }
                    if (RawMemory.getLong(os, oo + tophashOffset) != Tophash.EVACUATED_WORD) {
                        long result = searchChain(old, os, oo, w, key, h, absent, presence);
                        RawMemory.loadFence();
                        if (RawMemory.getLongOpaque(os, oo + linkOffset) == w) {
                            return result;
                        }
                        continue;
                    }
                    RawMemory.loadFence();
                    if (RawMemory.getLongOpaque(os, oo + linkOffset) != w) {
                        continue;
                    }
                }
                BucketTable t = ts.table;
                long b = h & t.bucketMask;
                MemorySegment seg = t.chunkOf(b);
                long off = t.offsetOf(b);
                long w = RawMemory.getLongAcquire(seg, off + linkOffset);
                if ((w & LOCKED) != 0) {
                    backOff(++spins);
                    continue;
                }
                if (RawMemory.getLong(seg, off + tophashOffset) == Tophash.EVACUATED_WORD) {
                    continue; // a newer growth moved it: read the tables again
                }
                long result = searchChain(t, seg, off, w, key, h, absent, presence);
                RawMemory.loadFence();
                if (RawMemory.getLongOpaque(seg, off + linkOffset) == w) {
                    return result;
                }
            } catch (IllegalStateException | IndexOutOfBoundsException | NullPointerException e) {
                // a torn read followed a stale link, or the chunk was released after a growth
                if (closed) {
                    throw closedException();
                }
                if (++faults > MAX_FAULT_RETRIES) {
                    throw e;
                }
            }
        }
    }

    /** Plain reads of one chain; the caller validates. Stops on a link that does not go forward (torn). */
    private long searchChain(BucketTable t, MemorySegment seg, long off, long word, long key, long h,
                             long absent, boolean presence) {
        int top = Tophash.tophash(h);
        long link = word & LINK_MASK;
        long lastIndex = 0;
        while (true) {
            long tophashes = RawMemory.getLong(seg, off + tophashOffset);
            long matches = Tophash.match(tophashes, top) & slotMask;
            while (matches != 0) {
                int i = Tophash.firstSlot(matches);
                if (RawMemory.getLong(seg, off + keysOffset + ((long) i << 3)) == key) {
                    return presence ? 1 : RawMemory.getLong(seg, off + valuesOffset + ((long) i << 3));
                }
                matches &= matches - 1;
            }
            if ((Tophash.matchEmptyRest(tophashes) & slotMask) != 0 || link == 0 || link <= lastIndex) {
                return presence ? 0 : absent;
            }
            lastIndex = link;
            seg = t.overflowChunkOf(link);
            off = t.overflowOffsetOf(link);
            link = RawMemory.getLong(seg, off + linkOffset) & LINK_MASK;
        }
    }

    // ----------------------------------------------------------------------------- writes

    /**
     * Associates {@code value} with {@code key}. Linearizable. Any thread.
     *
     * @return the previous value, or the missing value if the key was absent
     * @throws IllegalStateException after {@link #close()}
     * @throws OutOfMemoryError      if the allocator cannot supply memory the write needs (map unchanged)
     */
    public long put(long key, long value) {
        return write(key, PUT, value, 0);
    }

    /**
     * Inserts {@code value} only if {@code key} is absent; atomic. Any thread.
     *
     * @return the present value, or the missing value if this call inserted
     * @throws IllegalStateException after {@link #close()}
     * @throws OutOfMemoryError      if the allocator cannot supply memory the write needs (map unchanged)
     */
    public long putIfAbsent(long key, long value) {
        return write(key, PUT_IF_ABSENT, value, 0);
    }

    /**
     * Removes {@code key}. Linearizable. Any thread.
     *
     * @return the removed value, or the missing value if absent
     * @throws IllegalStateException after {@link #close()}
     * @throws OutOfMemoryError      if a growth step this write must make cannot get memory (map unchanged)
     */
    public long remove(long key) {
        return write(key, REMOVE, 0, 0);
    }

    /**
     * Removes {@code key} only if it maps to {@code expectedValue}; atomic. Any thread.
     *
     * @return whether it was removed
     * @throws IllegalStateException after {@link #close()}
     */
    public boolean remove(long key, long expectedValue) {
        return write(key, REMOVE_IF, expectedValue, 0) != 0;
    }

    /**
     * Sets {@code key} to {@code newValue} only if it maps to {@code expectedValue}; atomic. Any thread.
     *
     * @return whether it was replaced
     * @throws IllegalStateException after {@link #close()}
     */
    public boolean replace(long key, long expectedValue, long newValue) {
        return write(key, REPLACE_IF, expectedValue, newValue) != 0;
    }

    /**
     * Adds {@code delta} to the value of {@code key} (an absent key counts as 0) and returns the
     * sum; atomic, no increment is lost. Any thread.
     *
     * @throws IllegalStateException after {@link #close()}
     * @throws OutOfMemoryError      if the allocator cannot supply memory the write needs (map unchanged)
     */
    public long addAndGet(long key, long delta) {
        return write(key, ADD, delta, 0);
    }

    private long write(long key, int op, long arg, long arg2) {
        try {
            return writeLocked(key, op, arg, arg2);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    private long writeLocked(long key, int op, long arg, long arg2) {
        long h = Hashing.hash(key, seed);
        int faults = 0;
        while (true) {
            Tables ts = tables;
            if (closed) {
                throw closedException();
            }
            try {
                Growth g = ts.growth;
                if (g != null) {
                    BucketTable old = g.old;
                    long ob = h & old.bucketMask;
                    MemorySegment os = old.chunkOf(ob);
                    if (os == null) {
                        // The growth finished and detached the old table. That racy null read orders
                        // nothing: read the volatile tables again before using the new table.
                        continue;
                    }
                    long oo = old.offsetOf(ob);
                    lock(os, oo);
                    boolean evacuatedNow = false;
                    boolean writtenInOld = false;
                    long result = 0;
                    try {
                        if (RawMemory.getLong(os, oo + tophashOffset) != Tophash.EVACUATED_WORD) {
                            try {
                                evacuateLocked(g, os, oo, ob);
                                evacuatedNow = true;
                            } catch (RuntimeException | OutOfMemoryError starved) {
                                if (closed) {
                                    throw closedException();
                                }
                                // No memory to move the bucket: the key is still in it, write there.
                                result = apply(old, os, oo, key, h, op, arg, arg2, false);
                                writtenInOld = true;
                            }
                        }
                    } finally {
                        unlock(os, oo);
                    }
                    if (evacuatedNow && g.done.incrementAndGet() == old.bucketCount) {
                        completeGrowth(g);
                    }
                    helpEvacuate(g);
                    if (writtenInOld) {
                        return result;
                    }
                }
                BucketTable t = ts.table;
                long b = h & t.bucketMask;
                MemorySegment seg = t.chunkOf(b);
                if (seg == null) {
                    continue;
                }
                long off = t.offsetOf(b);
                lock(seg, off);
                try {
                    if (RawMemory.getLong(seg, off + tophashOffset) == Tophash.EVACUATED_WORD) {
                        continue; // evacuated by a newer growth since we read the tables
                    }
                    return apply(t, seg, off, key, h, op, arg, arg2, g == null);
                } finally {
                    unlock(seg, off);
                }
            } catch (GrowthNeeded signal) {
                startGrowth(ts);
            } catch (IllegalStateException | IndexOutOfBoundsException | NullPointerException e) {
                // a chunk released by a finished growth (or by close) under a stale view of the tables
                if (closed) {
                    throw closedException();
                }
                if (++faults > MAX_FAULT_RETRIES) {
                    throw e;
                }
            } catch (RuntimeException | Error e) {
                if (closed && !(e instanceof OutOfMemoryError)) {
                    throw closedException();
                }
                throw e;
            }
        }
    }

    /**
     * Thrown (one shared, stackless instance) by {@link #apply} when an insert finds the table full:
     * the writer unlocks, starts the growth and retries. Once per doubling, never per write.
     */
    private static final class GrowthNeeded extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final GrowthNeeded SIGNAL = new GrowthNeeded();

        private GrowthNeeded() {
            super("growth needed", null, false, false);
        }
    }

    /**
     * Whether inserting one more entry overloads {@code t}. Sums the size counter for one insert in
     * up to 64 (by hash bits that neither index buckets nor make tophash bytes), so that inserts do
     * not all read every counter cell; the growth then starts a few dozen inserts late, never early.
     */
    private boolean overloadedByInsert(BucketTable t, long h) {
        long sampleMask = Math.min(63, Long.highestOneBit(Math.max(1, t.bucketCount >>> 4)) - 1);
        if (((h >>> 48) & sampleMask) != 0) {
            return false;
        }
        return format.overloadedBy(size.sum() + 1, t.bucketCount) && t.log2Buckets < LongLongMap.MAX_LOG2_BUCKETS;
    }

    /**
     * The write itself, with the home bucket locked. With {@code mayGrow}, an insert into a full
     * table throws {@link GrowthNeeded} having changed nothing.
     */
    private long apply(BucketTable t, MemorySegment first, long firstOff, long key, long h, int op,
                       long arg, long arg2, boolean mayGrow) {
        int top = Tophash.tophash(h);
        MemorySegment seg = first;
        long off = firstOff;
        MemorySegment freeSeg = null;
        long freeOff = 0;
        int freeSlot = -1;
        while (true) {
            long tophashes = RawMemory.getLong(seg, off + tophashOffset);
            long matches = Tophash.match(tophashes, top) & slotMask;
            while (matches != 0) {
                int i = Tophash.firstSlot(matches);
                long keyOffset = off + keysOffset + ((long) i << 3);
                if (RawMemory.getLong(seg, keyOffset) == key) {
                    return applyToPresent(seg, off, i, op, arg, arg2);
                }
                matches &= matches - 1;
            }
            if (freeSlot < 0) {
                long empty = Tophash.matchEmpty(tophashes) & slotMask;
                if (empty != 0) {
                    freeSeg = seg;
                    freeOff = off;
                    freeSlot = Tophash.firstSlot(empty);
                }
            }
            long link = RawMemory.getLong(seg, off + linkOffset) & LINK_MASK;
            if ((Tophash.matchEmptyRest(tophashes) & slotMask) != 0 || link == 0) {
                break;
            }
            seg = t.overflowChunkOf(link);
            off = t.overflowOffsetOf(link);
        }
        // absent
        if (op == REMOVE) {
            return missingValue;
        }
        if (op == REMOVE_IF || op == REPLACE_IF) {
            return 0;
        }
        if (mayGrow && overloadedByInsert(t, h)) {
            throw GrowthNeeded.SIGNAL;
        }
        if (freeSlot < 0) {
            long index = takeOverflowBucket(t);
            freeSeg = t.overflowChunkOf(index);
            freeOff = t.overflowOffsetOf(index);
            freeSlot = 0;
            writeEntry(freeSeg, freeOff, freeSlot, key, op == ADD ? arg : arg, top);
            // link the new bucket from the chain's last one (the primary keeps its version bits)
            long lastWord = RawMemory.getLong(seg, off + linkOffset);
            RawMemory.setLongOpaque(seg, off + linkOffset, (lastWord & ~LINK_MASK) | index);
        } else {
            writeEntry(freeSeg, freeOff, freeSlot, key, arg, top);
        }
        size.increment();
        return op == ADD ? arg : missingValue;
    }

    private long applyToPresent(MemorySegment seg, long off, int slot, int op, long arg, long arg2) {
        long valueOffset = off + valuesOffset + ((long) slot << 3);
        long current = RawMemory.getLong(seg, valueOffset);
        switch (op) {
            case PUT -> {
                RawMemory.putLong(seg, valueOffset, arg);
                return current;
            }
            case PUT_IF_ABSENT -> {
                return current;
            }
            case REMOVE -> {
                RawMemory.putByte(seg, off + tophashOffset + slot, Tophash.EMPTY_ONE);
                size.decrement();
                return current;
            }
            case REMOVE_IF -> {
                if (current != arg) {
                    return 0;
                }
                RawMemory.putByte(seg, off + tophashOffset + slot, Tophash.EMPTY_ONE);
                size.decrement();
                return 1;
            }
            case REPLACE_IF -> {
                if (current != arg) {
                    return 0;
                }
                RawMemory.putLong(seg, valueOffset, arg2);
                return 1;
            }
            case ADD -> {
                long sum = current + arg;
                RawMemory.putLong(seg, valueOffset, sum);
                return sum;
            }
            default -> throw new AssertionError(op);
        }
    }

    private void writeEntry(MemorySegment seg, long off, int slot, long key, long value, int top) {
        RawMemory.putLong(seg, off + keysOffset + ((long) slot << 3), key);
        RawMemory.putLong(seg, off + valuesOffset + ((long) slot << 3), value);
        RawMemory.putByte(seg, off + tophashOffset + slot, top);
    }

    /** Spins (then yields) until the bucket's link word is taken; returns the locked word. */
    private long lock(MemorySegment seg, long off) {
        for (int spins = 0; ; spins++) {
            long w = RawMemory.getLongOpaque(seg, off + linkOffset);
            if ((w & LOCKED) == 0 && RawMemory.compareAndSetLong(seg, off + linkOffset, w, w + VERSION_STEP)) {
                return w + VERSION_STEP;
            }
            backOff(spins);
        }
    }

    /** Publishes the bucket's changes and frees it: the next even version, same link. */
    private void unlock(MemorySegment seg, long off) {
        long w = RawMemory.getLong(seg, off + linkOffset);
        RawMemory.setLongRelease(seg, off + linkOffset, w + VERSION_STEP);
    }

    // ----------------------------------------------------------------------------- growth

    private void startGrowth(Tables seen) {
        synchronized (allocationLock) {
            if (closed || tables != seen || seen.growth != null) {
                return;
            }
            BucketTable old = seen.table;
            if (old.log2Buckets >= LongLongMap.MAX_LOG2_BUCKETS) {
                throw new OutOfMemoryError("map cannot grow past 2^" + LongLongMap.MAX_LOG2_BUCKETS + " buckets");
            }
            BucketTable next = new BucketTable(format, memory, old.log2Buckets + 1, chunkBytes);
            old.grownInto = next;
            tables = new Tables(next, new Growth(old, next));
        }
    }

    /**
     * Evacuates the next unclaimed old bucket, or one whose evacuation failed before. Work a write
     * does for the map, not for itself: if it cannot get memory the bucket is queued for a later
     * write and this write goes on.
     */
    private void helpEvacuate(Growth g) {
        if (g.done.get() == g.old.bucketCount) {
            completeGrowth(g); // idempotent: in case the thread that evacuated the last bucket failed to
            return;
        }
        long next = g.claimed.getAndIncrement();
        if (next >= g.old.bucketCount) {
            Long retry = g.failed.poll();
            if (retry == null) {
                return;
            }
            next = retry;
        }
        try {
            evacuate(g, next);
        } catch (RuntimeException | OutOfMemoryError e) {
            g.failed.add(next);
            if (closed) {
                throw closedException();
            }
        }
    }

    /**
     * Evacuates old bucket {@code ob} unless it is already evacuated; the growth's last evacuation
     * completes it. Returns false if the growth was already complete (its old table detached).
     */
    private boolean evacuate(Growth g, long ob) {
        BucketTable old = g.old;
        MemorySegment os = old.chunkOf(ob);
        if (os == null) {
            // The growth finished and detached the old table. That racy null read orders
            // nothing: the caller must read the volatile tables again before using the new table.
            return false;
        }
        long oo = old.offsetOf(ob);
        lock(os, oo);
        boolean evacuatedNow = false;
        try {
            if (RawMemory.getLong(os, oo + tophashOffset) != Tophash.EVACUATED_WORD) {
                evacuateLocked(g, os, oo, ob);
                evacuatedNow = true;
            }
        } finally {
            unlock(os, oo);
        }
        if (evacuatedNow && g.done.incrementAndGet() == old.bucketCount) {
            completeGrowth(g);
        }
        return true;
    }

    /**
     * Moves old bucket {@code ob}'s chain into new buckets {@code ob} and {@code ob + oldCount}; the
     * caller holds the old bucket's lock and has seen it not evacuated. Allocates everything
     * first, so a failure moves nothing. Nobody reads or writes the two new buckets before the old
     * one is released marked evacuated, so they need no lock of their own.
     */
    private void evacuateLocked(Growth g, MemorySegment os, long oo, long ob) {
        BucketTable old = g.old;
        BucketTable next = g.next;
        {
            long xBucket = ob;
            long yBucket = ob + old.bucketCount;
            long xCount = 0;
            long yCount = 0;
            MemorySegment seg = os;
            long off = oo;
            while (true) {
                long tophashes = RawMemory.getLong(seg, off + tophashOffset);
                for (int i = 0; i < slots; i++) {
                    if (((tophashes >>> (i << 3)) & 0xFF) >= Tophash.MIN_TOPHASH) {
                        long k = RawMemory.getLong(seg, off + keysOffset + ((long) i << 3));
                        if ((Hashing.hash(k, seed) & old.bucketCount) == 0) {
                            xCount++;
                        } else {
                            yCount++;
                        }
                    }
                }
                long link = RawMemory.getLong(seg, off + linkOffset) & LINK_MASK;
                if (link == 0) {
                    break;
                }
                seg = old.overflowChunkOf(link);
                off = old.overflowOffsetOf(link);
            }
            long xOverflow = Math.max(0, (xCount + slots - 1) / slots - 1);
            long yOverflow = Math.max(0, (yCount + slots - 1) / slots - 1);
            long firstOverflow = prepareDestination(next, xBucket, yBucket, xOverflow + yOverflow);
            Destination x = new Destination(next, xBucket, firstOverflow);
            Destination y = new Destination(next, yBucket, firstOverflow + xOverflow);
            seg = os;
            off = oo;
            while (true) {
                long tophashes = RawMemory.getLong(seg, off + tophashOffset);
                for (int i = 0; i < slots; i++) {
                    int tag = (int) ((tophashes >>> (i << 3)) & 0xFF);
                    if (tag >= Tophash.MIN_TOPHASH) {
                        long k = RawMemory.getLong(seg, off + keysOffset + ((long) i << 3));
                        long v = RawMemory.getLong(seg, off + valuesOffset + ((long) i << 3));
                        ((Hashing.hash(k, seed) & old.bucketCount) == 0 ? x : y).append(k, v, tag);
                    }
                }
                long link = RawMemory.getLong(seg, off + linkOffset) & LINK_MASK;
                if (link == 0) {
                    break;
                }
                seg = old.overflowChunkOf(link);
                off = old.overflowOffsetOf(link);
            }
            RawMemory.putLong(os, oo + tophashOffset, Tophash.EVACUATED_WORD);
        }
    }

    /** Allocates both destination chunks and {@code overflowBuckets} consecutive overflow buckets; returns the first. */
    private long prepareDestination(BucketTable next, long xBucket, long yBucket, long overflowBuckets) {
        synchronized (allocationLock) {
            if (closed) {
                throw closedException();
            }
            ensureChunk(next, (int) (xBucket >>> next.chunkShift));
            ensureChunk(next, (int) (yBucket >>> next.chunkShift));
            if (overflowBuckets == 0) {
                return 0;
            }
            reserveOverflow(next, overflowBuckets);
            long first = next.takeOverflow();
            for (long i = 1; i < overflowBuckets; i++) {
                next.takeOverflow();
            }
            return first;
        }
    }

    private long takeOverflowBucket(BucketTable t) {
        synchronized (allocationLock) {
            if (closed) {
                throw closedException();
            }
            reserveOverflow(t, 1);
            return t.takeOverflow();
        }
    }

    /** Under the allocation lock. */
    private void ensureChunk(BucketTable t, int c) {
        if (t.chunks[c] == null) {
            t.ensureChunk(c);
            try {
                requireAligned(t.chunks[c]);
            } catch (IllegalArgumentException e) {
                t.releaseChunk(c);
                throw e;
            }
        }
    }

    /** Under the allocation lock. A misaligned new overflow chunk is refused (it stays owned by the table). */
    private void reserveOverflow(BucketTable t, long n) {
        if (t.overflowBucketsInUse() + n >= MAX_OVERFLOW_INDEX) {
            throw new OutOfMemoryError("more than 2^32 overflow buckets");
        }
        long reserved = t.bytesReserved();
        t.reserveOverflow(n);
        if (t.bytesReserved() != reserved) {
            for (MemorySegment chunk : t.overflowChunks) {
                if (chunk != null) {
                    requireAligned(chunk);
                }
            }
        }
    }

    /** Installs the new table alone and hands the old one to the background releaser. Idempotent. */
    private void completeGrowth(Growth g) {
        synchronized (allocationLock) {
            Tables ts = tables;
            if (closed || ts.growth != g) {
                return;
            }
            tables = new Tables(g.next, null);
            g.old.detachAll(memory::releaseLater);
        }
    }

    /**
     * Completes a growth in progress now: evacuates every old bucket not yet evacuated and hands the
     * old table to the background releaser. Growth is otherwise driven by writes only (as in Go),
     * so a map whose last writes started a growth keeps both tables, and reads keep checking both,
     * until later writes finish it; a service that bulk-loads and then only reads calls this after
     * loading. Any thread; concurrent writes and reads go on meanwhile (each old bucket is locked
     * only while it is moved). Does nothing when no growth is in progress.
     *
     * @return whether a growth was in progress
     * @throws IllegalStateException after {@link #close()}
     * @throws OutOfMemoryError      if the allocator cannot supply the new table's memory; the
     *                               growth stays in progress, no entry is lost
     */
    public boolean finishGrowth() {
        try {
            boolean grew = false;
            while (true) {
                Tables ts = tables;
                if (closed) {
                    throw closedException();
                }
                Growth g = ts.growth;
                if (g == null) {
                    return grew;
                }
                grew = true;
                for (long ob = 0; ob < g.old.bucketCount; ob++) {
                    if (!evacuate(g, ob)) {
                        break;
                    }
                }
                if (g.done.get() == g.old.bucketCount) {
                    completeGrowth(g);
                }
            }
        } catch (IllegalStateException | IndexOutOfBoundsException | NullPointerException e) {
            if (closed) {
                throw closedException();
            }
            throw e;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Where evacuation appends in one destination chain (buckets all allocated beforehand). */
    private final class Destination {
        private final BucketTable table;
        private MemorySegment seg;
        private long off;
        private int slot;
        private long nextOverflow;

        Destination(BucketTable table, long bucket, long firstOverflow) {
            this.table = table;
            this.seg = table.chunkOf(bucket);
            this.off = table.offsetOf(bucket);
            this.nextOverflow = firstOverflow;
        }

        void append(long key, long value, int tag) {
            if (slot == slots) {
                long index = nextOverflow++;
                long word = RawMemory.getLong(seg, off + linkOffset);
                RawMemory.putLong(seg, off + linkOffset, (word & ~LINK_MASK) | index);
                seg = table.overflowChunkOf(index);
                off = table.overflowOffsetOf(index);
                slot = 0;
            }
            writeEntry(seg, off, slot, key, value, tag);
            slot++;
        }
    }

    // ------------------------------------------------------------------------ whole map

    /**
     * The number of entries. Exact when no write runs concurrently; while writers run it is a
     * sum of per-thread counters that may be off by the writes in flight (as
     * {@code ConcurrentHashMap.size()}). Any thread.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public long size() {
        if (closed) {
            throw closedException();
        }
        return size.sum();
    }

    /**
     * Calls {@code action} for each entry. Weakly consistent, as ConcurrentHashMap's iterators:
     * never throws {@link java.util.ConcurrentModificationException}, visits every entry present
     * for the whole call exactly once, and may or may not see entries written meanwhile. Each
     * bucket's entries are read as one consistent snapshot; the action runs with no lock held and
     * may itself write to the map. Any thread.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public void forEach(LongLongConsumer action) {
        Objects.requireNonNull(action, "action");
        Tables ts = tables;
        if (closed) {
            throw closedException();
        }
        Snapshot snapshot = new Snapshot(slots);
        BucketTable start = ts.growth != null ? ts.growth.old : ts.table;
        for (long b = 0; b < start.bucketCount; b++) {
            visit(start, b, snapshot, action);
        }
        Reference.reachabilityFence(this);
    }

    /**
     * Visits bucket {@code b} of {@code t}: its entries if it holds them, else (evacuated, or
     * released after its growth finished) the two buckets it split into, in the table it grew into.
     */
    private void visit(BucketTable t, long b, Snapshot snapshot, LongLongConsumer action) {
        int faults = 0;
        int spins = 0;
        while (true) {
            if (closed) {
                throw closedException();
            }
            boolean evacuated;
            MemorySegment seg = t.chunkOf(b);
            if (seg == null) {
                evacuated = true; // detached after its growth finished
            } else {
                try {
                    long off = t.offsetOf(b);
                    long w = RawMemory.getLongAcquire(seg, off + linkOffset);
                    if ((w & LOCKED) != 0) {
                        backOff(++spins);
                        continue;
                    }
                    evacuated = RawMemory.getLong(seg, off + tophashOffset) == Tophash.EVACUATED_WORD;
                    if (!evacuated) {
                        snapshot.read(t, seg, off, w);
                    }
                    RawMemory.loadFence();
                    if (RawMemory.getLongOpaque(seg, off + linkOffset) != w) {
                        continue;
                    }
                } catch (IllegalStateException | IndexOutOfBoundsException | NullPointerException e) {
                    if (closed) {
                        throw closedException();
                    }
                    if (++faults > MAX_FAULT_RETRIES) {
                        throw e;
                    }
                    continue;
                }
            }
            if (!evacuated) {
                snapshot.emit(action);
                return;
            }
            BucketTable into = t.grownInto;
            if (into == null) {
                return;
            }
            visit(into, b, snapshot, action);
            visit(into, b + t.bucketCount, snapshot, action);
            return;
        }
    }

    /** Waits for a bucket's writer: spin first, then yield the CPU to it. */
    private void backOff(int spins) {
        if (spins < 100) {
            Thread.onSpinWait();
        } else {
            if (closed) {
                throw closedException();
            }
            Thread.yield();
        }
    }

    /** One bucket chain's entries, copied out under validation. Owned by one forEach call. */
    private final class Snapshot {
        long[] keys;
        long[] values;
        int count;

        Snapshot(int slots) {
            keys = new long[slots * 2];
            values = new long[slots * 2];
        }

        void read(BucketTable t, MemorySegment seg, long off, long word) {
            count = 0;
            long link = word & LINK_MASK;
            long lastIndex = 0;
            while (true) {
                long tophashes = RawMemory.getLong(seg, off + tophashOffset);
                for (int i = 0; i < slots; i++) {
                    if (((tophashes >>> (i << 3)) & 0xFF) >= Tophash.MIN_TOPHASH) {
                        if (count == keys.length) {
                            keys = java.util.Arrays.copyOf(keys, count * 2);
                            values = java.util.Arrays.copyOf(values, count * 2);
                        }
                        keys[count] = RawMemory.getLong(seg, off + keysOffset + ((long) i << 3));
                        values[count] = RawMemory.getLong(seg, off + valuesOffset + ((long) i << 3));
                        count++;
                    }
                }
                if (link == 0 || link <= lastIndex) {
                    return;
                }
                lastIndex = link;
                seg = t.overflowChunkOf(link);
                off = t.overflowOffsetOf(link);
                link = RawMemory.getLong(seg, off + linkOffset) & LINK_MASK;
            }
        }

        void emit(LongLongConsumer action) {
            int n = count;
            for (int i = 0; i < n; i++) {
                action.accept(keys[i], values[i]);
            }
        }
    }

    /**
     * A snapshot of the map's shape and memory, as {@link LongLongMap#stats()}; taken under the
     * allocation lock, so writers that need memory wait for it; {@code size} is approximate while
     * writers run. Any thread.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public MapStats stats() {
        synchronized (allocationLock) {
            if (closed) {
                throw closedException();
            }
            Tables ts = tables;
            Growth g = ts.growth;
            return MapStats.of(size.sum(), ts.table, g == null ? null : g.old, g == null ? 0 : g.done.get(), memory);
        }
    }

    /** Waits for every chunk queued for background release to be back with the allocator. For tests. */
    void awaitRetiredReleased() {
        memory.awaitReleased();
    }

    /** Whether a growth is in progress. For tests. */
    boolean growing() {
        return tables.growth != null;
    }

    /** Primary buckets of the table being evacuated, 0 when not growing. For tests. */
    long oldBucketCount() {
        Growth g = tables.growth;
        return g == null ? 0 : g.old.bucketCount;
    }

    /** The padding this map was built with. */
    public BucketPadding padding() {
        return padding;
    }

    /** The allocator this map takes memory from. */
    public Allocator allocator() {
        return allocator;
    }

    /** The value reads return for absent keys. */
    public long missingValue() {
        return missingValue;
    }

    /**
     * Releases all memory, once, and returns when all of it is back with the allocator (chunks a
     * growth queued for background release included). Any thread, at any time: operations running
     * meanwhile in other threads, and every later one, throw {@link IllegalStateException}.
     * Idempotent, except that if the allocator failed to release some memory, the exception it
     * threw is thrown here (after everything else is released) and calling {@code close()} again
     * retries those releases.
     */
    @Override
    public void close() {
        try {
            synchronized (allocationLock) {
                if (closed && memory.bytesHeld() == 0) {
                    return;
                }
                closed = true;
                // The tables keep their (now closed) chunks: racing threads get ISE from FFM.
                memory.close();
            }
        } finally {
            Reference.reachabilityFence(this); // keeps the Cleaner out while memory.close() runs
        }
    }

    private static IllegalStateException closedException() {
        return new IllegalStateException("ConcurrentLongLongMap is closed");
    }

    @Override
    public String toString() {
        Tables ts = tables;
        return "ConcurrentLongLongMap[size~" + size.sum() + ", buckets=" + ts.table.bucketCount + ", layout="
                + format.name() + ", allocator=" + allocator.name() + (ts.growth != null ? ", growing" : "")
                + (closed ? ", closed" : "") + "]";
    }

    /** Options for a {@link ConcurrentLongLongMap}; the same as {@link LongLongMap.Builder}'s. */
    public static final class Builder {
        private final MapOptions options = new MapOptions();

        private Builder() {
        }

        /**
         * Pre-sizes the map for {@code entries} entries; all of that memory is allocated by {@link #build()}.
         *
         * @throws IllegalArgumentException if negative or above {@link LongLongMap#MAX_EXPECTED_SIZE}
         */
        public Builder expectedSize(long entries) {
            options.expectedSize(entries);
            return this;
        }

        /**
         * Where memory comes from; {@link Allocators#cacheLineAligned()} by default. It must give
         * 8-byte aligned memory ({@code naive(3)} cannot): {@link #build()} checks.
         */
        public Builder allocator(Allocator allocator) {
            options.allocator(allocator);
            return this;
        }

        /** The bucket layout; {@link BucketPadding#CACHE_LINE} by default. */
        public Builder padding(BucketPadding padding) {
            options.padding(padding);
            return this;
        }

        /** The value reads return for absent keys; 0 by default. */
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
         * The size of the memory chunks a table is made of; see {@link LongLongMap.Builder#chunkBytes}.
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
         * @throws IllegalArgumentException if the allocator's memory is not 8-byte aligned (nothing is leaked)
         * @throws OutOfMemoryError         if the allocator cannot supply it (nothing is leaked)
         */
        public ConcurrentLongLongMap build() {
            return new ConcurrentLongLongMap(this);
        }
    }
}
