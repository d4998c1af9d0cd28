package io.tophash;

import io.tophash.engine.Chain;
import io.tophash.engine.Evacuation;
import io.tophash.engine.Growth;
import io.tophash.engine.Hashing;
import io.tophash.engine.MapMemory;
import io.tophash.engine.RawMemory;
import io.tophash.engine.Table;
import io.tophash.layout.BucketFormat;
import io.tophash.layout.Tophash;
import io.tophash.memory.Allocator;

import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * An off-heap {@code long -> long} hash map for any number of threads, with the buckets and the
 * incremental growth of {@link LongLongMap}.
 *
 * <p><b>Threading.</b> Every public method may be called from any thread at any time. Single-key
 * operations are linearizable; reads are lock-free (they write nothing and wait only while a
 * writer holds the key's bucket); writers of different buckets never wait for each other.
 * {@link #size()} and {@link #forEach} are not linearizable (see each).
 *
 * <p><b>Memory.</b> The allocator must give 8-byte aligned memory ({@code naive(3)} cannot):
 * each bucket's link word is accessed atomically. Off-heap memory is freed by {@link #close()}; a
 * map that becomes unreachable unclosed is freed after GC by a {@link java.lang.ref.Cleaner},
 * with one warning per map class.
 *
 * <p><b>Known limits.</b> A bucket's version has 32 bits and each write adds 2: a reader paused
 * between its two loads of a bucket's link word for exactly a multiple of 2^31 writes to that
 * bucket would accept a torn read (StampedLock has the same kind of bound).
 */
public final class ConcurrentLongLongMap implements AutoCloseable {

    /*
     * Implementation notes.
     *
     * This class is the concurrent policy over the engine (io.tophash.engine): one lock word per
     * bucket and optimistic reads, around the same probe (Chain), evacuation (Evacuation) and
     * growth bookkeeping (Growth) that LongLongMap runs under its writer flag.
     *
     * One lock word per bucket. The link word of each primary bucket doubles as its seqlock: the
     * low 32 bits link the first overflow bucket, the high 32 bits are a version that is odd while
     * a writer holds the bucket (and the chain hanging from it). Writers take a bucket with one CAS
     * (casLink), change it with plain writes and release it with a release store (unlock); readers
     * load the word with acquire (lvLink), read the chain with plain reads, fence, and check the word
     * is unchanged (validate), retrying otherwise. The memory-order rules are written once in the
     * engine's package documentation.
     *
     * Growth is Go's, made concurrent. When an insert finds the map at 13/16 of its slots (or the
     * overflow buckets in use as many as the primaries), a growth of the table is installed (the
     * next table reserved, lazily mapped). Every later write first evacuates, under the old
     * bucket's lock, the old bucket its key maps to, then claims the next old bucket nobody has
     * claimed and evacuates that too. A key is in the old bucket until the instant that bucket's
     * lock is released marked evacuated, and in the next table after; a reader that finds an
     * evacuated old bucket reads the next table, so no key is missing or seen twice. The writer
     * that evacuates the last old bucket installs the next table alone and hands the old one to the
     * background releaser; a reader still inside it gets FFM's IllegalStateException and retries.
     * An insert that starts a growth while holding its bucket's lock inserts into that (old,
     * unevacuated) bucket; evacuation never needs memory (Growth sizes the next table's overflow
     * area), so the only write that can fail for want of memory is one that must start a growth
     * and cannot, with no room left.
     *
     * Size: inserts add to a LongAdder; only one insert in up to 64 (by hash bits that neither
     * index buckets nor make tophash bytes) sums it to check the growth threshold, so a growth
     * starts a few dozen inserts late, never early and never on an update.
     *
     * close() takes the allocation lock, marks the map closed and releases everything through the
     * per-map ledger (MapMemory), waiting for releases in flight; racing operations get
     * IllegalStateException, from the closed flag or from FFM's closed arenas, never a crash.
     *
     * The file: reads, writes, growth, whole map, builder.
     */

    private static final long LINK_MASK = Table.LINK_MASK;
    /** One step of the version in the high half of the link word; its lowest bit means "locked". */
    private static final long VERSION_STEP = 1L << 32;
    private static final long LOCKED = VERSION_STEP;
    /** Retries after exceptions while the map is open, before one is taken for a bug and rethrown. */
    private static final int MAX_FAULT_RETRIES = 1_000;

    /** The table writes go to (while growing, the one being evacuated into) and the growth; replaced as a whole. */
    private record Tables(Table table, Growth growth) {
    }

    /** What a read takes from the slot it found, inside its validated window. */
    @FunctionalInterface
    private interface SlotReader {
        long read(Table t, long ref);
    }

    private static final SlotReader VALUE = Table::longValueAt;
    private static final SlotReader PRESENCE = (t, ref) -> 1;

    private final Allocator allocator;
    private final BucketPadding padding;
    private final BucketFormat format;
    private final long seed;
    private final Evacuation.KeyWords keyWords;
    private final long missingValue;
    /** Every chunk the map holds; releases retired tables off the writing threads. */
    private final MapMemory memory;

    /** Guards growth start and completion, and close. Never held while waiting for a bucket. */
    private final Object allocationLock = new Object();
    private volatile Tables tables;
    private volatile boolean closed;
    private final LongAdder size = new LongAdder();

    private ConcurrentLongLongMap(Builder b) {
        MapOptions o = b.options;
        this.allocator = o.allocator;
        this.padding = o.padding;
        this.format = o.padding.format();
        this.seed = o.seedForNewMap();
        this.keyWords = new Evacuation.KeyWords(seed, false);
        this.missingValue = o.missingValue;
        if (format.linkOffset() % Long.BYTES != 0 || format.bucketLength() % Long.BYTES != 0) {
            throw new IllegalArgumentException("layout " + format.name() + " puts the link word at offset "
                    + format.linkOffset() + ", not 8-byte aligned");
        }
        this.memory = new MapMemory(allocator);
        memory.freeWhenUnreachable(this);
        Table first = Table.reserveFirst(format, memory, o.initialLog2Buckets(format), true);
        try {
            requireAligned(first);
        } catch (IllegalArgumentException misaligned) {
            memory.abandon(misaligned);
            throw misaligned;
        }
        this.tables = new Tables(first, null);
    }

    /** A builder with the same options and defaults as {@link LongLongMap#builder()}. */
    public static Builder builder() {
        return new Builder();
    }

    private void requireAligned(Table t) {
        if (t.segment.address() % Long.BYTES != 0) {
            throw new IllegalArgumentException("ConcurrentLongLongMap needs 8-byte aligned memory for the atomic "
                    + "link word of each bucket, but allocator " + allocator.name() + " returned address 0x"
                    + Long.toHexString(t.segment.address()) + ": on ARM64 a misaligned atomic access faults, on x86 it "
                    + "is a split lock, and FFM refuses it (IllegalArgumentException). Use cacheLineAligned(), "
                    + "pageAligned(), hugePages() or naive(8)");
        }
    }

    // ------------------------------------------------------------------- bucket lock word

    /** The link word, acquire: the start of a reader's window. */
    private static long lvLink(Table t, long off) {
        return RawMemory.getLongAcquire(t.segment, off + t.format.linkOffset());
    }

    private static boolean isLocked(long word) {
        return (word & LOCKED) != 0;
    }

    /** The end of a reader's window: its plain reads saw one state iff the word is still {@code word}. */
    private static boolean validate(Table t, long off, long word) {
        RawMemory.loadFence();
        return RawMemory.getLongOpaque(t.segment, off + t.format.linkOffset()) == word;
    }

    /** Spins (then yields) until this thread holds the bucket: CAS of an even version to the next (odd). */
    private void lock(Table t, long off) {
        long at = off + t.format.linkOffset();
        for (int spins = 0; ; spins++) {
            long w = RawMemory.getLongOpaque(t.segment, at);
            if (!isLocked(w) && RawMemory.compareAndSetLong(t.segment, at, w, w + VERSION_STEP)) {
                return;
            }
            backOff(spins);
        }
    }

    /** Publishes the bucket's changes and frees it: a release store of the next even version, same link. */
    private static void unlock(Table t, long off) {
        long at = off + t.format.linkOffset();
        RawMemory.setLongRelease(t.segment, at, RawMemory.getLong(t.segment, at) + VERSION_STEP);
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

    // ------------------------------------------------------------------------------ reads

    /**
     * The value of {@code key}, or the map's missing value. Lock-free: writes nothing, waits only
     * while a writer holds the key's bucket. Any thread.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public long get(long key) {
        return read(key, VALUE, missingValue);
    }

    /**
     * The value of {@code key}, or {@code defaultValue} if absent. Any thread.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public long getOrDefault(long key, long defaultValue) {
        return read(key, VALUE, defaultValue);
    }

    /**
     * Whether {@code key} is present. Any thread.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public boolean containsKey(long key) {
        return read(key, PRESENCE, 0) != 0;
    }

    /**
     * The optimistic read: probes the key's bucket inside a validated window and returns what
     * {@code reader} takes from the slot found, or {@code absent}. During a growth it reads the
     * key's old bucket unless that is evacuated, then the next table's.
     */
    private long read(long key, SlotReader reader, long absent) {
        long h = Hashing.hash(key, seed);
        boolean interruptedBefore = Thread.currentThread().isInterrupted();
        int faults = 0;
        int spins = 0;
        try {
            while (true) {
                Tables ts = tables;
                if (closed) {
                    throw closedException();
                }
                try {
                    Table t = ts.growth != null ? ts.growth.old : ts.table;
                    while (true) {
                        long off = t.homeOffset(h);
                        long w = lvLink(t, off);
                        if (isLocked(w)) {
                            backOff(++spins);
                            continue;
                        }
                        boolean evacuated = t.tophashWord(off) == Tophash.EVACUATED_WORD;
                        long ref = evacuated ? Table.NONE : Chain.find(t, h, key);
                        long result = ref == Table.NONE ? absent : reader.read(t, ref);
                        if (!validate(t, off, w)) {
                            continue;
                        }
                        if (!evacuated) {
                            return result;
                        }
                        if (t == ts.table) {
                            break; // moved by a newer growth: read the tables again
                        }
                        t = ts.table; // evacuated into the growth's next table
                    }
                } catch (IllegalStateException | IndexOutOfBoundsException | NullPointerException e) {
                    // a torn read, or a table released after its growth completed
                    faults = retryOrRethrow(e, faults, interruptedBefore);
                }
            }
        } finally {
            // the Cleaner must not free the memory of a map dropped right after this call
            Reference.reachabilityFence(this);
        }
    }

    private int retryOrRethrow(RuntimeException e, int faults) {
        return retryOrRethrow(e, faults, true);
    }

    /**
     * As {@link #retryOrRethrow(RuntimeException, int)}, for a caller that knows whether its thread
     * was interrupted before the operation began: if not, an interrupt found now is cleared. When
     * a shared arena is closed while a thread is inside an access to it, HotSpot stops that thread
     * with an asynchronous exception and also interrupts it (JavaThread::install_async_exception);
     * that interrupt is the JDK's, not the caller's, and must not leak out of a map operation that
     * then succeeds (or fails with {@link IllegalStateException} after {@link #close()}).
     */
    private int retryOrRethrow(RuntimeException e, int faults, boolean interruptedBefore) {
        if (!interruptedBefore && e instanceof IllegalStateException) {
            Thread.interrupted();
        }
        if (closed) {
            throw closedException();
        }
        if (faults >= MAX_FAULT_RETRIES) {
            throw e;
        }
        return faults + 1;
    }

    // ----------------------------------------------------------------------------- writes

    /**
     * Associates {@code value} with {@code key}. Linearizable. Any thread.
     *
     * @return the previous value, or the missing value if the key was absent
     * @throws IllegalStateException after {@link #close()}
     * @throws OutOfMemoryError      if the map must grow, the allocator refuses and there is no room left (map unchanged)
     */
    public long put(long key, long value) {
        long h = Hashing.hash(key, seed);
        Table t = lockHome(h);
        try {
            long ref = Chain.find(t, h, key);
            if (ref == Table.NONE) {
                insertLocked(t, h, key, value);
                return missingValue;
            }
            long previous = t.longValueAt(ref);
            t.putLongValue(ref, value);
            return previous;
        } catch (RuntimeException e) {
            throw closedOr(e);
        } finally {
            unlockHome(t, h);
        }
    }

    /**
     * Inserts {@code value} only if {@code key} is absent; atomic. Any thread.
     *
     * @return the present value, or the missing value if this call inserted
     * @throws IllegalStateException after {@link #close()}
     * @throws OutOfMemoryError      if the map must grow, the allocator refuses and there is no room left (map unchanged)
     */
    public long putIfAbsent(long key, long value) {
        long h = Hashing.hash(key, seed);
        Table t = lockHome(h);
        try {
            long ref = Chain.find(t, h, key);
            if (ref == Table.NONE) {
                insertLocked(t, h, key, value);
                return missingValue;
            }
            return t.longValueAt(ref);
        } catch (RuntimeException e) {
            throw closedOr(e);
        } finally {
            unlockHome(t, h);
        }
    }

    /**
     * Adds {@code delta} to the value of {@code key} (an absent key counts as 0) and returns the
     * sum; atomic, no increment is lost. Any thread.
     *
     * @throws IllegalStateException after {@link #close()}
     * @throws OutOfMemoryError      if the map must grow, the allocator refuses and there is no room left (map unchanged)
     */
    public long addAndGet(long key, long delta) {
        long h = Hashing.hash(key, seed);
        Table t = lockHome(h);
        try {
            long ref = Chain.find(t, h, key);
            if (ref == Table.NONE) {
                insertLocked(t, h, key, delta);
                return delta;
            }
            long sum = t.longValueAt(ref) + delta;
            t.putLongValue(ref, sum);
            return sum;
        } catch (RuntimeException e) {
            throw closedOr(e);
        } finally {
            unlockHome(t, h);
        }
    }

    /**
     * Removes {@code key}. Linearizable; never needs memory. Any thread.
     *
     * @return the removed value, or the missing value if absent
     * @throws IllegalStateException after {@link #close()}
     */
    public long remove(long key) {
        long h = Hashing.hash(key, seed);
        Table t = lockHome(h);
        try {
            long ref = Chain.find(t, h, key);
            if (ref == Table.NONE) {
                return missingValue;
            }
            long previous = t.longValueAt(ref);
            removeLocked(t, h, ref);
            return previous;
        } catch (RuntimeException e) {
            throw closedOr(e);
        } finally {
            unlockHome(t, h);
        }
    }

    /**
     * Removes {@code key} only if it maps to {@code expectedValue}; atomic; never needs memory. Any thread.
     *
     * @return whether it was removed
     * @throws IllegalStateException after {@link #close()}
     */
    public boolean remove(long key, long expectedValue) {
        long h = Hashing.hash(key, seed);
        Table t = lockHome(h);
        try {
            long ref = Chain.find(t, h, key);
            if (ref == Table.NONE || t.longValueAt(ref) != expectedValue) {
                return false;
            }
            removeLocked(t, h, ref);
            return true;
        } catch (RuntimeException e) {
            throw closedOr(e);
        } finally {
            unlockHome(t, h);
        }
    }

    /**
     * Sets {@code key} to {@code newValue} only if it maps to {@code expectedValue}; atomic; never
     * needs memory. Any thread.
     *
     * @return whether it was replaced
     * @throws IllegalStateException after {@link #close()}
     */
    public boolean replace(long key, long expectedValue, long newValue) {
        long h = Hashing.hash(key, seed);
        Table t = lockHome(h);
        try {
            long ref = Chain.find(t, h, key);
            if (ref == Table.NONE || t.longValueAt(ref) != expectedValue) {
                return false;
            }
            t.putLongValue(ref, newValue);
            return true;
        } catch (RuntimeException e) {
            throw closedOr(e);
        } finally {
            unlockHome(t, h);
        }
    }

    /**
     * Locks the bucket of hash {@code h} in the table that holds it, after the growth work a write
     * owes; returns that table, whose bucket for {@code h} this thread now holds, not evacuated.
     */
    private Table lockHome(long h) {
        boolean interruptedBefore = Thread.currentThread().isInterrupted();
        int faults = 0;
        while (true) {
            Tables ts = tables;
            if (closed) {
                throw closedException();
            }
            try {
                Growth g = ts.growth;
                if (g != null) {
                    evacuate(g, h & g.old.bucketMask);
                    long claimed = g.claim();
                    if (claimed >= 0) {
                        evacuate(g, claimed);
                    }
                }
                Table t = ts.table;
                long off = t.homeOffset(h);
                lock(t, off);
                if (t.tophashWord(off) != Tophash.EVACUATED_WORD) {
                    return t;
                }
                unlock(t, off); // moved by a newer growth: read the tables again
            } catch (IllegalStateException | IndexOutOfBoundsException | NullPointerException e) {
                // a table released by a completed growth (or by close) under a stale view of the tables
                faults = retryOrRethrow(e, faults, interruptedBefore);
            }
        }
    }

    private void unlockHome(Table t, long h) {
        unlock(t, t.homeOffset(h));
        Reference.reachabilityFence(this);
    }

    /** An exception from inside a locked bucket: the map was closed under it, or it is a real failure. */
    private RuntimeException closedOr(RuntimeException e) {
        return closed ? closedException() : e;
    }

    /**
     * Inserts a key found absent in {@code t}, whose bucket for {@code h} this thread holds. Starts
     * a growth first when the map is full (the key still goes into the held bucket: it is not
     * evacuated, and its evacuation will move the key along).
     */
    private void insertLocked(Table t, long h, long key, long value) {
        boolean overloaded = shouldGrow(t, h);
        if (overloaded) {
            startGrowth(t, true);
        }
        Table target = t;
        long ref = Chain.freeSlot(t, h);
        if (ref == Table.NONE) {
            target = evacuateHeldBucket(t, h);
            ref = Chain.freeSlot(target, h);
            if (ref == Table.NONE) {
                throw new IllegalStateException("no free slot in a fresh table's overflow area");
            }
        }
        target.putKeyWord(ref, key);
        target.putLongValue(ref, value);
        Chain.occupy(target, ref, h);
        size.increment();
    }

    private void removeLocked(Table t, long h, long ref) {
        Chain.clearSlot(t, t.homeOffset(h), ref);
        size.decrement();
    }

    /**
     * Whether inserting one more entry should grow {@code t}. Sums the size counter for one insert
     * in up to 64 (by hash bits that neither index buckets nor make tophash bytes), so that inserts
     * do not all read every counter cell; the growth then starts a few dozen inserts late, never early.
     */
    private boolean shouldGrow(Table t, long h) {
        long sampleMask = Math.min(63, Long.highestOneBit(Math.max(1, t.bucketCount >>> 4)) - 1);
        if (((h >>> 48) & sampleMask) != 0 || t.log2Buckets >= Table.MAX_LOG2_BUCKETS) {
            return false;
        }
        return t.overloadedByOneMore(size.sum());
    }

    // ----------------------------------------------------------------------------- growth

    /**
     * Installs a growth of {@code t} unless the map already moved on from it. {@code doubling}:
     * twice the buckets; else the same number (compacting overflow chains).
     *
     * @throws OutOfMemoryError if the next table cannot be reserved (nothing changed)
     */
    private void startGrowth(Table t, boolean doubling) {
        synchronized (allocationLock) {
            Tables ts = tables;
            if (closed) {
                throw closedException();
            }
            if (ts.table != t || ts.growth != null) {
                return;
            }
            Growth g;
            try {
                g = Growth.start(t, doubling, memory);
            } catch (RuntimeException | OutOfMemoryError noMemory) {
                return; // the insert goes on in t while it has room
            }
            try {
                requireAligned(g.next);
            } catch (IllegalArgumentException e) {
                memory.release(g.next.segment);
                throw e;
            }
            tables = new Tables(g.next, g);
        }
    }

    /**
     * The chain of {@code h} in {@code t} is full and {@code t}'s overflow area used up (which the
     * sizing of overflow areas makes rare). This thread holds {@code t}'s bucket for {@code h}:
     * completes the growth {@code t} is the target of, if any, grows {@code t} (OutOfMemoryError
     * if it cannot: nothing changed), and evacuates the held bucket itself. Returns the table now
     * holding {@code h}'s bucket; nobody else reaches that bucket before the held one is unlocked.
     */
    private Table evacuateHeldBucket(Table t, long h) {
        Tables ts = tables;
        if (ts.growth != null && ts.growth.next == t) {
            completeNow(ts.growth); // our bucket's old bucket is evacuated: completing never waits for us
        }
        ts = tables;
        if (ts.growth == null || ts.growth.old != t) {
            synchronized (allocationLock) {
                ts = tables;
                if (ts.growth == null && ts.table == t) {
                    Growth g = Growth.start(t, format.overloadedBy(size.sum() + 1, t.bucketCount), memory);
                    requireAligned(g.next);
                    tables = new Tables(g.next, g);
                }
                ts = tables;
            }
        }
        Growth g = ts.growth;
        long ob = h & t.bucketMask;
        Evacuation.evacuate(g, ob, keyWords);
        if (g.evacuatedOne()) {
            completeGrowth(g);
        }
        return g.next;
    }

    /**
     * Evacuates old bucket {@code ob} under its lock unless it is already evacuated; the growth's
     * last evacuation completes it.
     */
    private void evacuate(Growth g, long ob) {
        Table old = g.old;
        long oo = old.offsetOf(ob);
        if (old.tophashWord(oo) == Tophash.EVACUATED_WORD) {
            return; // racy pre-check; the decision is taken under the lock
        }
        boolean evacuatedNow = false;
        lock(old, oo);
        try {
            if (old.tophashWord(oo) != Tophash.EVACUATED_WORD) {
                Evacuation.evacuate(g, ob, keyWords);
                evacuatedNow = true;
            }
        } finally {
            unlock(old, oo);
        }
        if (evacuatedNow && g.evacuatedOne()) {
            completeGrowth(g);
        }
    }

    /** Installs the next table alone and retires the old one (see {@link MapMemory#retire}). Idempotent. */
    private void completeGrowth(Growth g) {
        synchronized (allocationLock) {
            Tables ts = tables;
            if (closed || ts.growth != g) {
                return;
            }
            tables = new Tables(g.next, null);
            memory.retire(g.old.segment); // readers holding a stale view may still be inside it
        }
    }

    private void completeNow(Growth g) {
        for (long ob = 0; ob < g.old.bucketCount && !g.complete(); ob++) {
            evacuate(g, ob);
        }
        completeGrowth(g);
    }

    /**
     * Completes a growth in progress now: evacuates every old bucket not yet evacuated and retires
     * the old table (released in the background after a grace period for readers still inside
     * it). Growth is otherwise driven by writes only (as in Go), so a map whose last writes started a growth keeps both tables, and reads keep checking both,
     * until later writes finish it; a service that bulk-loads and then only reads calls this after
     * loading. Any thread; concurrent writes and reads go on meanwhile (each old bucket is locked
     * only while it is moved). Allocates nothing; does nothing when no growth is in progress.
     *
     * @return whether a growth was in progress
     * @throws IllegalStateException after {@link #close()}
     */
    public boolean finishGrowth() {
        boolean interruptedBefore = Thread.currentThread().isInterrupted();
        boolean grew = false;
        int faults = 0;
        try {
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
                try {
                    completeNow(g);
                } catch (IllegalStateException | IndexOutOfBoundsException | NullPointerException e) {
                    faults = retryOrRethrow(e, faults, interruptedBefore);
                }
            }
        } finally {
            Reference.reachabilityFence(this);
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

    /** Whether the map holds no entry; as {@link #size()}. Any thread. */
    public boolean isEmpty() {
        return size() == 0;
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
        Snapshot snapshot = new Snapshot();
        Table start = ts.growth != null ? ts.growth.old : ts.table;
        for (long b = 0; b < start.bucketCount; b++) {
            visit(start, b, snapshot, action);
        }
        Reference.reachabilityFence(this);
    }

    /**
     * Visits bucket {@code b} of {@code t}: its entries if it holds them, else (evacuated, or
     * released after its growth completed) the buckets it was evacuated into.
     */
    private void visit(Table t, long b, Snapshot snapshot, LongLongConsumer action) {
        int faults = 0;
        int spins = 0;
        while (true) {
            if (closed) {
                throw closedException();
            }
            boolean evacuated;
            try {
                long off = t.offsetOf(b);
                long w = lvLink(t, off);
                if (isLocked(w)) {
                    backOff(++spins);
                    continue;
                }
                evacuated = t.tophashWord(off) == Tophash.EVACUATED_WORD;
                if (!evacuated) {
                    snapshot.read(t, off);
                }
                if (!validate(t, off, w)) {
                    continue;
                }
            } catch (IllegalStateException e) {
                if (!snapshot.interruptedBefore) {
                    Thread.interrupted(); // the JDK's, as in retryOrRethrow
                }
                if (closed) {
                    throw closedException();
                }
                evacuated = true; // released: its growth completed, so it was evacuated
            } catch (IndexOutOfBoundsException | NullPointerException e) {
                faults = retryOrRethrow(e, faults); // a torn read
                continue;
            }
            if (!evacuated) {
                snapshot.emit(action);
                snapshot.interruptedBefore = Thread.currentThread().isInterrupted(); // the action's own interrupt is kept
                return;
            }
            Table into = t.grownInto;
            if (into == null) {
                return;
            }
            visit(into, b, snapshot, action);
            if (into.bucketCount != t.bucketCount) {
                visit(into, b + t.bucketCount, snapshot, action);
            }
            return;
        }
    }

    /** One chain's entries, copied out inside a validated window. Owned by one forEach call. */
    private static final class Snapshot {
        /** Whether the thread was interrupted before the walk (or by the action): such an interrupt is kept. */
        boolean interruptedBefore = Thread.currentThread().isInterrupted();
        long[] keys = new long[16];
        long[] values = new long[16];
        int count;

        void read(Table t, long off) {
            count = 0;
            for (long ref = Chain.firstLive(t, off); ref != Table.NONE; ref = Chain.nextLive(t, ref)) {
                if (count == keys.length) {
                    keys = Arrays.copyOf(keys, count * 2);
                    values = Arrays.copyOf(values, count * 2);
                }
                keys[count] = t.keyWordAt(ref);
                values[count] = t.longValueAt(ref);
                count++;
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
     * allocation lock; {@code size} is approximate while writers run. Any thread.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public MapStats stats() {
        synchronized (allocationLock) {
            if (closed) {
                throw closedException();
            }
            Tables ts = tables;
            return MapStats.of(size.sum(), ts.table, ts.growth, memory);
        }
    }

    /** Waits for every table queued for background release to be back with the allocator. For tests. */
    void awaitRetiredReleased() {
        memory.releaseRetiredNow();
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

    /** For tests: {@link Chain#auditEmptyRest} over both tables; null when sound. Only while no thread writes. */
    String auditChains() {
        Tables now = tables;
        String fault = Chain.auditEmptyRest(now.table);
        return fault != null || now.growth == null ? fault : Chain.auditEmptyRest(now.growth.old);
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
     * Releases all memory, once, and returns when all of it is back with the allocator (tables a
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
                // The tables keep their (now closed) segments: racing threads get ISE from FFM.
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

    /**
     * Options for a {@link ConcurrentLongLongMap}: those of {@link LongLongMap.Builder}, with the same
     * defaults and validation. Not thread-safe; a builder may build several maps.
     */
    public static final class Builder extends LongMapBuilder<Builder> {

        private Builder() {
        }

        /**
         * Reserves the map's initial table.
         *
         * @throws IllegalArgumentException if the allocator's memory is not 8-byte aligned (nothing is leaked)
         * @throws OutOfMemoryError         if the allocator cannot supply it (nothing is leaked)
         */
        public ConcurrentLongLongMap build() {
            return new ConcurrentLongLongMap(this);
        }
    }
}
