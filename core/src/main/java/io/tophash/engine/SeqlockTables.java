package io.tophash.engine;

import io.tophash.layout.BucketFormat;
import io.tophash.layout.Tophash;

import java.lang.ref.Reference;
import java.util.function.Supplier;
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
 * the old bucket its key maps to, if not yet evacuated, then claims old buckets nobody has claimed
 * (stepping over evacuated ones) and evacuates them, two buckets in all. A key is in the old bucket until the instant that bucket's lock is released
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
    /** Told of every entry evacuation moves (a byte map's stored keys follow it), or null. */
    private final Evacuation.Relocation relocation;
    private final String mapName;
    /** {@link #evacuate}, made once for {@link Growth#evacuateOwed}. */
    private final Growth.UnitEvacuator evacuator = this::evacuate;
    /** Guards growth start and completion, and close. Never held while waiting for a bucket. */
    private final Object allocationLock = new Object();
    private volatile Tables tables;
    private volatile boolean closed;
    /** Whether a trim is under way: each growth that completes starts the next shrink step while the table is too large. */
    private volatile boolean trimming;
    private final LongAdder size = new LongAdder();

    /**
     * Reserves the first table ({@code 2^log2Buckets} buckets).
     *
     * @throws IllegalArgumentException if the memory is not 8-byte aligned (nothing is leaked)
     * @throws OutOfMemoryError         if the allocator refuses (nothing is leaked)
     */
    protected SeqlockTables(BucketFormat format, MapMemory memory, int log2Buckets, Evacuation.KeyWords keyWords,
                            String mapName) {
        this(format, memory, log2Buckets, keyWords, null, mapName);
    }

    /**
     * Reserves the first table, as the other constructor; {@code relocation} is told of every entry
     * evacuation moves, and the generation hooks ({@link #prepareNext} and the others) of every growth.
     */
    protected SeqlockTables(BucketFormat format, MapMemory memory, int log2Buckets, Evacuation.KeyWords keyWords,
                            Evacuation.Relocation relocation, String mapName) {
        if (format.linkOffset() % Long.BYTES != 0 || format.bucketLength() % Long.BYTES != 0) {
            throw new IllegalArgumentException("layout " + format.name() + " puts the link word at offset "
                    + format.linkOffset() + ", not 8-byte aligned");
        }
        this.memory = memory;
        this.keyWords = keyWords;
        this.relocation = relocation;
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
     * {@code key}, {@code key2}, {@code part}, {@code absent} and {@code probe} are {@link #read}'s,
     * passed through: a map's whole read request in values (a byte map's inline key as two words and
     * the part of the value asked for), so that a read needs no object of its own. A probe
     * owned by the reading thread may take a second answer (as {@code ConcurrentLongLongMap}'s
     * presence): {@link #read} returns the result of the last call, which also wrote it last.
     */
    protected abstract long readSlot(Table t, long h, long key, long key2, long part, long absent, Object probe);

    /**
     * Called each time a read finds its bucket locked, before it waits: the exception the read
     * throws at once instead of waiting, or null to wait. A map whose locks run user code returns
     * one when the reading thread is inside such code (it may hold the very lock it would wait
     * for). Null by default.
     */
    protected RuntimeException readWaits() {
        return null;
    }

    /**
     * The optimistic read: {@link #readSlot} on the key's bucket inside a validated window. During a
     * growth it reads the key's old bucket unless that is evacuated, then the next table's.
     * Lock-free: writes nothing, waits only while a writer holds the key's bucket.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public final long read(long h, long key, long absent, Object probe) {
        return read(h, key, 0, 0, absent, probe);
    }

    /** {@link #read(long, long, long, Object)} with a request of more words; see {@link #readSlot}. */
    public final long read(long h, long key, long key2, long part, long absent, Object probe) {
        boolean interruptedBefore = Thread.currentThread().isInterrupted();
        int faults = 0;
        int spins = 0;
        try {
            while (true) {
                Tables ts = tables;
                if (closed) {
                    throw closedException();
                }
                RuntimeException refused = null;
                try {
                    Table t = ts.growth != null ? ts.growth.old : ts.table;
                    while (true) {
                        long off = t.homeOffset(h);
                        long w = lvLink(t, off);
                        if (isLocked(w)) {
                            if ((refused = readWaits()) != null) {
                                break;
                            }
                            backOff(++spins);
                            continue;
                        }
                        boolean evacuated = t.tophashWord(off) == Tophash.EVACUATED_WORD;
                        long result = evacuated ? 0 : readSlot(t, h, key, key2, part, absent, probe);
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
                if (refused != null) {
                    throw refused; // not a fault to retry: thrown outside the catch
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
        Growth counted = null; // the growth this write has counted itself in (JFR), once per growth
        while (true) {
            Tables ts = tables;
            if (closed) {
                throw closedException();
            }
            try {
                Growth g = ts.growth;
                if (g != null) {
                    if (g != counted) {
                        g.workingWrite();
                        counted = g;
                    }
                    g.evacuateOwed(h, evacuator);
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
     * {@link #closedOr(RuntimeException)} for a write that began with the thread's interrupt flag
     * {@code interruptedBefore}: when the map was closed under it, an interrupt found now and not
     * there before is the JDK's (see {@link #retryOrRethrow}) and is cleared.
     */
    public final RuntimeException closedOr(RuntimeException e, boolean interruptedBefore) {
        if (!closed) {
            return e;
        }
        if (!interruptedBefore) {
            Thread.interrupted();
        }
        return closedException();
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
        } else if (wantsCompaction(t)) {
            startGrowth(t, false);
        }
        Growth g = tables.growth;
        if (g == null || g.old != t) {
            long ref = Chain.freeSlot(t, h);
            if (ref != Table.NONE) {
                return ref;
            }
            g = growthOfHeld(t);
        }
        if (g.unitBuckets > 1) {
            // a shrink's unit is several old buckets: lockHome evacuates it, taking their locks in
            // order, once this thread holds none (it would otherwise hold one while waiting for another)
            return RETRY;
        }
        long entries = Evacuation.evacuate(g, h & t.bucketMask, keyWords, relocation);
        if (g.dropping) {
            size.add(-entries);
        }
        return RETRY; // counted by unlockHome, once the bucket is free
    }

    /**
     * Starts a same-size growth of {@code t}, whose bucket for a write this thread holds, when
     * {@link #wantsCompaction} says so: for a write that frees store blocks without inserting (a
     * replaced value of another length), which the insert's check would not see.
     */
    public final void compactIfWanted(Table t) {
        if (tables.growth == null && wantsCompaction(t)) {
            startGrowth(t, false);
        }
    }

    /**
     * Whether an insert into {@code t} should start a same-size growth, to compact what the map
     * keeps per table besides its slots (a byte map's key store). Called on every insert with a
     * bucket held: racy reads only. None by default.
     */
    protected boolean wantsCompaction(Table t) {
        return false;
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
            try {
                installLocked(t, true, () -> Growth.start(t, doubling, memory));
            } catch (OutOfMemoryError | IllegalStateException noMemory) {
                // keep going in t while it has room
            } catch (RuntimeException e) {
                if (e instanceof IllegalArgumentException) {
                    throw e; // the allocator's memory is not aligned for the lock words
                }
            }
        }
    }

    /**
     * Reserves a growth of {@code t}, the current table with no growth in progress, through
     * {@code start}, with what the map keeps per table ({@link #prepareNext}), and publishes it.
     * Holding the allocation lock. Nothing changed if it throws.
     *
     * @param entriesMove whether evacuation moves entries (every growth but a clearing)
     */
    private Growth installLocked(Table t, boolean entriesMove, Supplier<Growth> start) {
        Growth g = reserveLocked(t, entriesMove, start);
        tables = new Tables(g.next, g);
        return g;
    }

    /** {@link #installLocked} but for the publication, which the caller makes. */
    private Growth reserveLocked(Table t, boolean entriesMove, Supplier<Growth> start) {
        prepareNext(t, entriesMove);
        Growth g;
        try {
            g = start.get();
        } catch (RuntimeException | Error e) {
            abandonNext(t);
            throw e;
        }
        try {
            requireAligned(g.next);
        } catch (IllegalArgumentException e) {
            memory.release(g.next.segment);
            abandonNext(t);
            throw e;
        }
        installing(g);
        g.announce();
        return g;
    }

    /**
     * A growth of {@code old} is about to reserve its next table: reserve what the next table's
     * entries need besides their slots (a byte map: the next key store, with room for the moved
     * keys when {@code entriesMove}). Holding the allocation lock; may throw, with nothing changed.
     */
    protected void prepareNext(Table old, boolean entriesMove) {
    }

    /** The growth {@link #prepareNext} prepared for could not be reserved: give back what it reserved. */
    protected void abandonNext(Table old) {
    }

    /** The growth is reserved and about to be published: attach what {@link #prepareNext} reserved to {@code g.next}. */
    protected void installing(Growth g) {
    }

    /** A completed growth's old table is retired (released after the grace period): retire what goes with it. */
    protected void retiring(Growth g) {
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
            // our bucket's old unit is evacuated: completing never waits for us (it may wait for
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
                boolean doubling = t.format.overloadedBy(size.sum() + 1, t.bucketCount);
                installLocked(t, true, () -> Growth.start(t, doubling, memory));
            }
            return tables.growth;
        }
    }

    /**
     * Evacuates unit {@code unit} of {@code g} under the locks of all its old buckets (taken in
     * increasing order, so two evacuators of a shrink's unit cannot deadlock) unless it is already
     * evacuated; the growth's last evacuation completes it. Returns whether this thread evacuated it.
     */
    private boolean evacuate(Growth g, long unit) {
        Table old = g.old;
        long first = old.offsetOf(unit);
        if (evacuatedAcquire(old, first)) {
            return false;
        }
        long entries = -1;
        long last = unit;
        try {
            lock(old, first);
            for (long ob = unit + g.units; ob < old.bucketCount; ob += g.units) {
                lock(old, old.offsetOf(ob));
                last = ob;
            }
            if (old.tophashWord(first) != Tophash.EVACUATED_WORD) {
                entries = Evacuation.evacuate(g, unit, keyWords, relocation);
            }
        } finally {
            for (long ob = last; ob >= unit; ob -= g.units) {
                unlock(old, old.offsetOf(ob));
            }
        }
        if (entries >= 0) {
            if (g.dropping) {
                size.add(-entries);
            }
            if (g.evacuatedOne()) {
                completeGrowth(g);
            }
        }
        return entries >= 0;
    }

    /**
     * Installs the next table alone and retires the old one (see {@link MapMemory#retire}); during a
     * trim, starts its next step. Idempotent.
     */
    private void completeGrowth(Growth g) {
        synchronized (allocationLock) {
            Tables ts = tables;
            if (closed || ts.growth != g) {
                return;
            }
            retiring(g);
            memory.retire(g.old.segment); // readers holding a stale view may still be inside it
            // a trim's next step is published with the table it shrinks: the map is never seen between steps
            Growth step = trimming ? nextTrimStepLocked(g.next) : null;
            tables = step == null ? new Tables(g.next, null) : new Tables(step.next, step);
        }
        g.completed(); // once: only the thread that installed the next table alone gets here
    }

    /**
     * Evacuates every unit not yet evacuated and completes the growth if every evacuation is
     * counted; one that a writer holds evacuated and has not counted yet is completed by that
     * writer's {@link #unlockHome}.
     */
    private void completeNow(Growth g) {
        for (long unit = 0; unit < g.units && !g.complete(); unit++) {
            evacuate(g, unit);
        }
        if (g.complete()) {
            completeGrowth(g);
        }
    }

    // ------------------------------------------------------------------------------- trim

    /**
     * Starts shrinking the table to what the entries need (the table a map pre-sized for them
     * gets), as growths toward fewer buckets that later writes (or {@link #finishGrowthAsWrite})
     * carry out, at most {@link Growth#MAX_SHRINK_LOG2} halvings each; a growth in progress
     * completes first. Readers and writers go on meanwhile. A table that already fits gets a
     * same-size growth instead when {@link #wasteful} says so. Returns whether a shrink (or a
     * compaction) is under way.
     *
     * @throws OutOfMemoryError      if the first step's table cannot be reserved (nothing changed)
     * @throws IllegalStateException after {@link #close()}
     */
    public final boolean trimToSize() {
        synchronized (allocationLock) {
            checkOpen();
            Tables ts = tables;
            if (ts.growth != null) {
                trimming = true; // the first step starts when the growth in progress completes
                return true;
            }
            Table t = ts.table;
            if (t.log2Buckets <= t.format.log2BucketsFor(size.sum())) {
                if (!wasteful(t)) {
                    return false;
                }
                installLocked(t, true, () -> Growth.start(t, false, memory)); // a compaction alone
                return true;
            }
            trimming = true;
            try {
                startShrinkLocked(t);
            } catch (RuntimeException | Error e) {
                trimming = false;
                throw e;
            }
            return true;
        }
    }

    /**
     * Whether what the map keeps for {@code t} besides its slots (a byte map's key store) holds much
     * more than its entries need, so that a trim of a table that already fits still compacts it.
     * None by default.
     */
    protected boolean wasteful(Table t) {
        return false;
    }

    /**
     * A growth completed during a trim, leaving {@code t}: reserves the next step while {@code t} is
     * larger than the entries need, for the caller to publish; null when the trim is over (or cannot
     * get memory: the map then stays larger than it needs, and a later trimToSize() may retry).
     */
    private Growth nextTrimStepLocked(Table t) {
        if (t.log2Buckets > t.format.log2BucketsFor(size.sum())) {
            try {
                return reserveShrinkLocked(t);
            } catch (RuntimeException | OutOfMemoryError noMemory) {
                // stays as it is
            }
        }
        trimming = false;
        return null;
    }

    private void startShrinkLocked(Table t) {
        Growth g = reserveShrinkLocked(t);
        tables = new Tables(g.next, g);
    }

    private Growth reserveShrinkLocked(Table t) {
        long entries = size.sum();
        int target = t.format.log2BucketsFor(entries);
        return reserveLocked(t, true, () -> Growth.startShrink(t, target, entries, memory));
    }

    /** Whether a trim is under way (its steps still to run). */
    public final boolean trimming() {
        return trimming;
    }

    // ------------------------------------------------------------------------------ clear

    /**
     * Removes every entry, keeping the table's size: a clearing growth, whose evacuation drops what
     * it moves, installed and then carried out by this call (other writers help, and readers go on
     * meanwhile). Like {@code ConcurrentHashMap.clear()}, not atomic: an entry present when the call
     * starts and not written meanwhile is gone when it returns; entries written meanwhile may or
     * may not be. A growth in progress completes first; a trim in progress is dropped.
     *
     * @throws OutOfMemoryError      if the fresh table cannot be reserved (nothing changed)
     * @throws IllegalStateException after {@link #close()}
     */
    public final void clear() {
        boolean interruptedBefore = Thread.currentThread().isInterrupted();
        int faults = 0;
        Growth mine = null;
        try {
            while (true) {
                Tables ts = tables;
                if (closed) {
                    throw closedException();
                }
                try {
                    if (mine != null) {
                        if (ts.growth != mine) {
                            return; // growths run one at a time: once not current, it is complete
                        }
                        completeNow(mine);
                    } else if (ts.growth != null) {
                        completeNow(ts.growth); // entries it moves must be cleared too
                    } else {
                        synchronized (allocationLock) {
                            if (closed) {
                                throw closedException();
                            }
                            if (tables == ts) {
                                trimming = false;
                                Table t = ts.table;
                                mine = installLocked(t, false, () -> Growth.startClearing(t, memory));
                            }
                        }
                        continue;
                    }
                    Thread.onSpinWait(); // a writer's count is still to come
                } catch (IllegalStateException | IndexOutOfBoundsException | NullPointerException e) {
                    faults = retryOrRethrow(e, faults, interruptedBefore);
                }
            }
        } finally {
            Reference.reachabilityFence(this);
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
        /** The walk's hash class in the chain being read: entries with {@code (hash & walkMask) == walkClass}; mask 0: all. */
        private long walkMask;
        private long walkClass;
        private Evacuation.KeyWords keyWords;

        /**
         * Whether the live slot {@code ref} of the chain being read belongs to this step of the walk.
         * Always, unless a shrink merged the buckets the walk visits one by one into this chain: then
         * only the entries of the bucket being visited ({@link #visit}).
         */
        protected final boolean inWalk(Table t, long ref) {
            return walkMask == 0 || (keyWords.hash(t.keyWordAt(ref)) & walkMask) == walkClass;
        }

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
        snapshot.keyWords = keyWords;
        for (long b = fromBucket; b < toBucket; b++) {
            visit(start, b, 0, 0, snapshot);
        }
        Reference.reachabilityFence(this);
    }

    /**
     * Visits the entries of bucket {@code b} of {@code t} whose hash is in the walk's class
     * ({@code (hash & mask) == cls}; mask 0: all): where they are if the bucket holds them, else
     * (evacuated, or released after its growth completed) in the buckets they were evacuated into.
     * A doubling splits a bucket's entries between two new buckets; a shrink merges several old
     * buckets into one, so from then on the walk takes from that bucket only the entries of the old
     * bucket it came through ({@code hash & (t.bucketCount - 1) == b}): each entry present for the
     * whole walk is seen once, whichever growths run meanwhile.
     */
    private void visit(Table t, long b, long mask, long cls, ChainSnapshot snapshot) {
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
                    snapshot.walkMask = mask;
                    snapshot.walkClass = cls;
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
            if (into.bucketCount >= t.bucketCount) {
                visit(into, b, mask, cls, snapshot);
                if (into.bucketCount != t.bucketCount) {
                    visit(into, b + t.bucketCount, mask, cls, snapshot);
                }
            } else if (t.bucketMask > mask) {
                visit(into, b & into.bucketMask, t.bucketMask, b, snapshot);
            } else {
                visit(into, b & into.bucketMask, mask, cls, snapshot);
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

    /**
     * Loads the first words of the home bucket of hash {@code h} in the table writes go to now and
     * returns them combined, for a caller that keeps the result so that the load is made: a hint
     * that brings the bucket into cache before a later read or write of it. Any thread; takes no
     * lock and no read window, so a table a growth (or a close racing this call) has just released
     * answers 0 (its memory refuses access, as an optimistic read finds it).
     *
     * @throws IllegalStateException if the map is closed
     */
    public final long touchHome(long h) {
        if (closed) {
            throw closedException();
        }
        try {
            return Chain.touch(tables.table, h);
        } catch (IllegalStateException | IndexOutOfBoundsException | NullPointerException released) {
            return 0;
        }
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
