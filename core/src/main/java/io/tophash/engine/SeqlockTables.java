package io.tophash.engine;

import io.tophash.layout.BucketFormat;
import io.tophash.layout.Tophash;

import java.lang.ref.Reference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The concurrent policy over the engine, written once for every concurrent map: one lock word per
 * bucket, optimistic reads, and Go's incremental growth made concurrent. A concurrent map
 * subclasses it (privately) to say what a read takes from the slot it finds
 * ({@link #readSlot}) and uses the rest as is.
 *
 * <p>Implementation notes.
 *
 * <p>One lock word per bucket. The link word of each primary bucket doubles as its seqlock: the
 * low 32 bits link the first overflow bucket, the high 32 bits are a version that is odd while a
 * writer holds the bucket (and the chain hanging from it). Writers take a bucket with one CAS
 * ({@link #lock}), change it with plain writes and release it with a release store
 * ({@link #unlock}); readers load the word with acquire, read the chain with plain reads, fence,
 * and check the word is unchanged, retrying otherwise ({@link #read}). The memory-order rules are
 * written once in the package documentation.
 *
 * <p>Growth is Go's, made concurrent. When an insert finds the map at 13/16 of its slots (or the
 * overflow buckets in use as many as the primaries), a growth of the table is installed (the next
 * table reserved, lazily mapped). Every later write first evacuates, under the old bucket's lock,
 * the old bucket its key maps to, then claims the next old bucket nobody has claimed and
 * evacuates that too. A key is in the old bucket until the instant that bucket's lock is released
 * marked evacuated, and in the next table after; a reader that finds an evacuated old bucket reads
 * the next table, so no key is missing or seen twice. The mark is written with release and
 * checked with acquire before a writer goes on to the next table without the old bucket's lock,
 * so the entries evacuation copied there are visible to it. The writer that evacuates the last
 * old bucket installs the next table alone and hands the old one to the background releaser
 * after a grace period; a reader still inside it gets FFM's IllegalStateException and retries.
 *
 * <p>An insert into a held bucket of a table that is being evacuated (a growth installed after
 * the writer took the bucket, or by this insert) and an insert that finds no room both go to the
 * next table: the writer evacuates its held old bucket itself, unlocks it and starts over, which
 * takes the key's bucket in the next table. The evacuated bucket is counted (and the growth
 * completed, if it was the last) only after the writer has unlocked it, so no growth retires a
 * table while a thread still holds one of its buckets. A writer holds one bucket at a time, except
 * on the rare path where its chain and overflow area are full: holding a bucket of the next table,
 * it completes the growth, which locks old buckets; holders of old buckets never wait for another
 * bucket, so writers cannot deadlock. Evacuation never needs memory (Growth sizes the next table's overflow area), so the
 * only write that can fail for want of memory is one that must start a growth and cannot, with no
 * room left.
 *
 * <p>Size: inserts add to a LongAdder; only one insert in up to 64 (by hash bits that neither
 * index buckets nor make tophash bytes) sums it to check the growth threshold, so a growth starts
 * a few dozen inserts late, never early and never on an update.
 *
 * <p>{@link #close()} takes the allocation lock, marks the map closed and releases everything
 * through the per-map ledger, waiting for releases in flight; racing operations get
 * IllegalStateException, from the closed flag or from FFM's closed arenas, never a crash.
 *
 * <p>Threading: every method may be called from any thread.
 */
public abstract class SeqlockTables implements MapTables {

    /** One step of the version in the high half of the link word; its lowest bit means "locked". */
    private static final long VERSION_STEP = 1L << 32;
    private static final long LOCKED = VERSION_STEP;
    /** Retries after exceptions while the map is open, before one is taken for a bug and rethrown. */
    private static final int MAX_FAULT_RETRIES = 1_000;
    /** {@link #slotForInsert}'s answer when the key's bucket has moved to the next table; never a slot ref. */
    public static final long RETRY = -2;

    /** The table writes go to (while growing, the one being evacuated into) and the growth; replaced as a whole. */
    private record Tables(Table table, Growth growth) {
    }

    private final MapMemory memory;
    private final Evacuation.KeyWords keyWords;
    private final String mapName;
    /** Guards growth start and completion, and close. Never held while waiting for a bucket. */
    private final Object allocationLock = new Object();
    private volatile Tables tables;
    private volatile boolean closed;
    private final LongAdder size = new LongAdder();

    /**
     * Reserves the first table ({@code 2^log2Buckets} buckets).
     *
     * @throws IllegalArgumentException if the memory is not 8-byte aligned (nothing is leaked)
     * @throws OutOfMemoryError         if the allocator refuses (nothing is leaked)
     */
    protected SeqlockTables(BucketFormat format, MapMemory memory, int log2Buckets, Evacuation.KeyWords keyWords,
                            String mapName) {
        if (format.linkOffset() % Long.BYTES != 0 || format.bucketLength() % Long.BYTES != 0) {
            throw new IllegalArgumentException("layout " + format.name() + " puts the link word at offset "
                    + format.linkOffset() + ", not 8-byte aligned");
        }
        this.memory = memory;
        this.keyWords = keyWords;
        this.mapName = mapName;
        Table first = Table.reserveFirst(format, memory, log2Buckets, true);
        try {
            requireAligned(first);
        } catch (IllegalArgumentException misaligned) {
            memory.abandon(misaligned);
            throw misaligned;
        }
        this.tables = new Tables(first, null);
    }

    private void requireAligned(Table t) {
        if (t.segment.address() % Long.BYTES != 0) {
            throw new IllegalArgumentException(mapName + " needs 8-byte aligned memory for the atomic link word of"
                    + " each bucket, but allocator " + memory.allocator().name() + " returned address 0x"
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

    /** Whether old bucket {@code ob} is evacuated, acquire: a writer that sees it may use the next table's copies. */
    private static boolean evacuatedAcquire(Table old, long off) {
        return RawMemory.getLongAcquire(old.segment, off + old.tophashOffset) == Tophash.EVACUATED_WORD;
    }

    // ------------------------------------------------------------------------------ reads

    /**
     * What a read takes from the chain of hash {@code h} in {@code t}: called inside a reader's
     * window, with plain reads only and no side effect (its result is thrown away unless the window
     * validates, and it may see a torn chain: any exception but an {@link Error} means "retry").
     * {@code key}, {@code absent} and {@code probe} are {@link #read}'s, passed through. A probe
     * owned by the reading thread may take a second answer (as {@code ConcurrentLongLongMap}'s
     * presence): {@link #read} returns the result of the last call, which also wrote it last.
     */
    protected abstract long readSlot(Table t, long h, long key, long absent, Object probe);

    /**
     * The optimistic read: {@link #readSlot} on the key's bucket inside a validated window. During a
     * growth it reads the key's old bucket unless that is evacuated, then the next table's.
     * Lock-free: writes nothing, waits only while a writer holds the key's bucket.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public final long read(long h, long key, long absent, Object probe) {
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
                        long result = evacuated ? 0 : readSlot(t, h, key, absent, probe);
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
                } catch (RuntimeException e) {
                    // a torn read, or a table released after its growth completed
                    faults = retryOrRethrow(e, faults, interruptedBefore);
                }
            }
        } finally {
            // the Cleaner must not free the memory of a map dropped right after this call
            Reference.reachabilityFence(this);
        }
    }

    /**
     * After an exception inside an operation: throws the closed exception if the map is closed,
     * rethrows {@code e} after too many retries, else returns the next fault count. If the thread
     * was not interrupted before the operation began, an interrupt found now is cleared: when a
     * shared arena is closed while a thread is inside an access to it, HotSpot stops that thread
     * with an asynchronous exception and also interrupts it (JavaThread::install_async_exception);
     * that interrupt is the JDK's, not the caller's, and must not leak out of a map operation.
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
     * Locks the bucket of hash {@code h} in the table that holds it, after the growth work a write
     * owes; returns that table, whose bucket for {@code h} this thread now holds, not evacuated.
     * Pair with {@link #unlockHome} in a {@code finally}.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public final Table lockHome(long h) {
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

    /**
     * Releases the bucket of hash {@code h} in {@code t}, which {@link #lockHome} returned. If this
     * thread evacuated it ({@link #slotForInsert} answered {@link #RETRY}), counts the evacuation
     * now that the bucket is free, completing the growth if it was the last.
     */
    public final void unlockHome(Table t, long h) {
        long off = t.homeOffset(h);
        boolean evacuatedHere = t.tophashWord(off) == Tophash.EVACUATED_WORD; // only the holder evacuates it
        unlock(t, off);
        if (evacuatedHere) {
            Growth g = tables.growth; // t's growth: it cannot complete before this count
            if (g.evacuatedOne()) {
                completeGrowth(g);
            }
        }
        Reference.reachabilityFence(this);
    }

    /** An exception from inside a locked bucket: the map was closed under it, or it is a real failure. */
    public final RuntimeException closedOr(RuntimeException e) {
        return closed ? closedException() : e;
    }

    /**
     * A free slot for a key found absent in {@code t}, whose bucket for {@code h} this thread holds;
     * starts a growth first when the map is full. Returns {@link #RETRY} instead when the key
     * belongs in the next table: a growth of {@code t} is in progress (installed after this thread
     * took the bucket, or just now), or {@code t} has no room; this thread has then evacuated the
     * held bucket itself, and the caller unlocks it and starts over, which finds the bucket in the
     * next table. The caller writes the key and the value into the slot, then calls {@link #occupy}.
     *
     * @throws OutOfMemoryError if the map must grow, the allocator refuses and there is no room left (map unchanged)
     */
    public final long slotForInsert(Table t, long h) {
        if (shouldGrow(t, h)) {
            startGrowth(t, true);
        }
        Growth g = tables.growth;
        if (g == null || g.old != t) {
            long ref = Chain.freeSlot(t, h);
            if (ref != Table.NONE) {
                return ref;
            }
            g = growthOfHeld(t);
        }
        Evacuation.evacuate(g, h & t.bucketMask, keyWords);
        return RETRY; // counted by unlockHome, once the bucket is free

    }

    /** Marks a written slot live (the last write of an insert) and counts the entry. */
    public final void occupy(Table t, long ref, long h) {
        Chain.occupy(t, ref, h);
        size.increment();
    }

    /** Empties slot {@code ref} of the held bucket of {@code h} in {@code t} and counts the removal. */
    public final void removeSlot(Table t, long h, long ref) {
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
     * twice the buckets; else the same number (compacting overflow chains). A growth that cannot
     * be reserved is not an error here: the insert goes on in {@code t} while it has room.
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
                return;
            }
            try {
                requireAligned(g.next);
            } catch (IllegalArgumentException e) {
                memory.release(g.next.segment);
                throw e;
            }
            g.announce();
            tables = new Tables(g.next, g);
        }
    }

    /**
     * The growth that evacuates {@code t}, whose chain for the insert is full with its overflow area
     * used up (which the sizing of overflow areas makes rare): completes the growth {@code t} is the
     * target of, if any, then grows {@code t}. This thread holds a bucket of {@code t} that is not
     * evacuated, so the growth returned is not complete.
     *
     * @throws OutOfMemoryError      if {@code t} cannot grow (nothing changed)
     * @throws IllegalStateException after {@link #close()}
     */
    private Growth growthOfHeld(Table t) {
        Tables ts = tables;
        Growth previous = ts.growth;
        if (previous != null && previous.next == t) {
            // our bucket's old bucket is evacuated: completing never waits for us (it may wait for
            // a writer that holds an evacuated old bucket to unlock it and count it)
            while (tables.growth == previous) {
                completeNow(previous);
                Thread.onSpinWait();
            }
        }
        synchronized (allocationLock) {
            if (closed) {
                throw closedException(); // else the next table would be reserved after close() released everything
            }
            ts = tables;
            if (ts.growth == null && ts.table == t) {
                Growth g = Growth.start(t, t.format.overloadedBy(size.sum() + 1, t.bucketCount), memory);
                requireAligned(g.next);
                g.announce();
                tables = new Tables(g.next, g);
            }
            return tables.growth;
        }
    }

    /**
     * Evacuates old bucket {@code ob} under its lock unless it is already evacuated; the growth's
     * last evacuation completes it.
     */
    private void evacuate(Growth g, long ob) {
        Table old = g.old;
        long oo = old.offsetOf(ob);
        if (evacuatedAcquire(old, oo)) {
            return;
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
        g.completed(); // once: only the thread that installed the next table alone gets here
    }

    /**
     * Evacuates every old bucket not yet evacuated and completes the growth if every evacuation is
     * counted; one that a writer holds evacuated and has not counted yet is completed by that
     * writer's {@link #unlockHome}.
     */
    private void completeNow(Growth g) {
        for (long ob = 0; ob < g.old.bucketCount && !g.complete(); ob++) {
            evacuate(g, ob);
        }
        if (g.complete()) {
            completeGrowth(g);
        }
    }

    /**
     * Completes a growth in progress now: evacuates every old bucket not yet evacuated and retires
     * the old table. Concurrent writes and reads go on meanwhile. Allocates nothing.
     *
     * @return whether a growth was in progress
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public final boolean finishGrowthAsWrite() {
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
                    Thread.onSpinWait(); // when a writer's count is still to come
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
     * One chain's entries, copied out inside a validated window by {@link #forEach}, then handed to
     * the caller's action with no lock held. Owned by one forEach call.
     */
    public abstract static class ChainSnapshot {
        /** Whether the thread was interrupted before the walk (or by the action): such an interrupt is kept. */
        boolean interruptedBefore = Thread.currentThread().isInterrupted();

        /** Copies the live entries of the chain at {@code off} in {@code t}; plain reads only. */
        protected abstract void read(Table t, long off);

        /** Hands the entries last read to the action. */
        protected abstract void emit();
    }

    /**
     * Reads every chain into {@code snapshot} and emits it. Weakly consistent, as ConcurrentHashMap's
     * iterators: visits every entry present for the whole call exactly once, and may or may not see
     * entries written meanwhile. Each bucket's entries are read as one consistent snapshot.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public final void forEach(ChainSnapshot snapshot) {
        Table start = walkStart();
        forEachIn(start, 0, start.bucketCount, snapshot);
    }

    /**
     * The table a walk over the whole map starts in: the old table of a growth in progress, else
     * the current one. Its buckets {@code 0 .. bucketCount - 1}, each visited once through
     * {@link #forEachIn}, cover every entry.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public final Table walkStart() {
        Tables ts = tables;
        if (closed) {
            throw closedException();
        }
        return ts.growth != null ? ts.growth.old : ts.table;
    }

    /**
     * {@link #forEach}'s step: reads and emits buckets {@code fromBucket} (inclusive) to
     * {@code toBucket} (exclusive) of {@code start}, a {@link #walkStart()} of this map. A walk may
     * be split into any number of such calls, in bucket order, at any time apart (an iterator
     * does this): over the whole walk it keeps forEach's guarantees, since a bucket whose table
     * has since been evacuated or released is read where its entries went.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public final void forEachIn(Table start, long fromBucket, long toBucket, ChainSnapshot snapshot) {
        snapshot.interruptedBefore = Thread.currentThread().isInterrupted();
        for (long b = fromBucket; b < toBucket; b++) {
            visit(start, b, snapshot);
        }
        Reference.reachabilityFence(this);
    }

    /**
     * Visits bucket {@code b} of {@code t}: its entries if it holds them, else (evacuated, or
     * released after its growth completed) the buckets it was evacuated into.
     */
    private void visit(Table t, long b, ChainSnapshot snapshot) {
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
            } catch (RuntimeException e) {
                faults = retryOrRethrow(e, faults, true); // a torn read
                continue;
            }
            if (!evacuated) {
                snapshot.emit();
                snapshot.interruptedBefore = Thread.currentThread().isInterrupted(); // the action's own interrupt is kept
                return;
            }
            Table into = t.grownInto;
            if (into == null) {
                return;
            }
            visit(into, b, snapshot);
            if (into.bucketCount != t.bucketCount) {
                visit(into, b + t.bucketCount, snapshot);
            }
            return;
        }
    }

    /**
     * The number of entries: exact when no write runs concurrently, else off by the writes in
     * flight (as {@code ConcurrentHashMap.size()}).
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public final long size() {
        checkOpen();
        return size.sum();
    }

    /** A snapshot of the map's shape and memory, taken under the allocation lock, for {@code MapStats}. */
    public final <T> T stats(StatsReader<T> reader) {
        synchronized (allocationLock) {
            checkOpen();
            Tables ts = tables;
            return reader.read(size.sum(), ts.table, ts.growth);
        }
    }

    /** Turns a consistent view of size, table and growth into a statistics object. */
    @FunctionalInterface
    public interface StatsReader<T> {
        T read(long size, Table table, Growth growth);
    }

    /** The table writes go to now. */
    @Override
    public final Table table() {
        return tables.table;
    }

    /** The growth in progress, or null. */
    @Override
    public final Growth growth() {
        return tables.growth;
    }

    /** For tests: {@link Chain#auditEmptyRest} over both tables; null when sound. Only while no thread writes. */
    @Override
    public final String auditChains() {
        Tables now = tables;
        String fault = Chain.auditEmptyRest(now.table);
        return fault != null || now.growth == null ? fault : Chain.auditEmptyRest(now.growth.old);
    }

    /** Waits for every table queued for background release to be back with the allocator. For tests. */
    public final void awaitRetiredReleased() {
        memory.releaseRetiredNow();
        memory.awaitReleased();
    }

    /** @throws IllegalStateException after {@link #close()} */
    public final void checkOpen() {
        if (closed) {
            throw closedException();
        }
    }

    @Override
    public final boolean closed() {
        return closed;
    }

    /** The size counter's sum, without the allocation lock and without the closed check. */
    @Override
    public final long sampledSize() {
        return size.sum();
    }

    /**
     * Marks the map closed and releases all its memory, once, returning when all of it is back with
     * the allocator. If a release failed, its exception is thrown here and calling again retries.
     */
    @Override
    public final void close() {
        synchronized (allocationLock) {
            if (closed && memory.bytesHeld() == 0) {
                return;
            }
            closed = true;
            // The tables keep their (now closed) segments: racing threads get ISE from FFM.
            memory.close();
        }
    }

    private IllegalStateException closedException() {
        return new IllegalStateException(mapName + " is closed");
    }

    @Override
    public String toString() {
        Tables ts = tables;
        return "size~" + size.sum() + ", buckets=" + ts.table.bucketCount + ", layout=" + ts.table.format.name()
                + ", allocator=" + memory.allocator().name() + (ts.growth != null ? ", growing" : "")
                + (closed ? ", closed" : "");
    }
}
