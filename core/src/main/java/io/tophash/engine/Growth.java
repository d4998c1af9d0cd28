package io.tophash.engine;

import io.tophash.events.GrowthFinished;
import io.tophash.events.GrowthStarted;
import io.tophash.layout.Tophash;
import jdk.jfr.FlightRecorder;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One growth in progress, Go's {@code hashGrow}/{@code growWork} bookkeeping shared by both maps:
 * the table being evacuated, the table it is evacuated into, which evacuation units have been
 * claimed and how many are done.
 *
 * <p>Implementation notes. A growth is one of four {@link Kind kinds}: Go's doubling and
 * same-size growths, and two that Go does not have: a shrink ({@link #startShrink}, which
 * {@code trimToSize()} runs) and a clearing ({@link #startClearing}, a concurrent map's
 * {@code clear()}). Starting one only reserves the next table ({@link #start}), which maps lazily,
 * so it costs neither copying nor zeroing. Evacuation moves one <em>unit</em> at a time: one old
 * bucket, except in a shrink, where a unit is the old buckets that share a new bucket
 * ({@code u, u + n, u + 2n, ...} for {@code n} new buckets, at most {@link #MAX_SHRINK_LOG2}
 * doublings' worth), moved and marked together, so that a new bucket still receives entries from
 * one unit only and no insert reaches it before that unit is marked. Every later write evacuates
 * the unit its key maps to, if not yet evacuated, and then claims the next units nobody has claimed
 * ({@link #claim}, which steps over units already evacuated) and evacuates them, until it has
 * evacuated {@link #UNITS_PER_WRITE} units or claimed that many: every write claims at least one
 * unit while any is left, so after as many writes as there are units every unit has been claimed,
 * which is Go's bound on a growth's length; with keys spread by the hash, nearly every write
 * evacuates two, and a growth ends after about half as many. An old bucket is evacuated when its
 * tophash word reads {@link Tophash#EVACUATED_WORD}; lookups read the old bucket until then and the
 * new table after ({@link #homeTable}). A clearing growth drops what it evacuates. The counters are
 * atomic because the concurrent map's writers share them; the single-threaded map pays a few
 * uncontended atomic updates per write during a growth, and nothing otherwise.
 *
 * <p>The next table's overflow area is sized ({@link #overflowCapacityFor}) for the overflow
 * buckets evacuation can need plus one per write during the growth (at most one per unit, by the
 * bound above) plus slack for writers in flight, so evacuation never needs memory and never fails.
 * What evacuation can need: in a doubling or same-size growth, at most as many overflow buckets as
 * the old table has in use (a chain of {@code n} buckets splits into chains of at most {@code n}
 * buckets in all); in a shrink, at most one per {@code slots} entries the old table holds when the
 * shrink starts (a new chain of {@code e} entries needs {@code ceil(e / slots) - 1} overflow
 * buckets); in a clearing, none. The bound on writes holds while units are left to claim; a
 * concurrent map's writes after the last claim, while a stalled claimer has yet to evacuate its
 * unit, are not bounded by it. So the overflow buckets evacuation may still need are reserved: an
 * insert into the next table may not take them ({@link Table#takeOverflowForInsert},
 * {@link #overflowStillNeeded}), and an insert refused one completes this growth first, as an
 * insert that finds no room does.
 *
 * <p>JFR: the policy that installs a growth calls {@link #announce} (the {@code GrowthStarted}
 * event, and the {@code GrowthFinished} event begun), and the one that completes it
 * {@link #completed} (that event committed, with the writes the growth spanned). Both cost one
 * static check when no recording wants the events, and then nothing is counted per write for them
 * ({@link #workingWrite} counts only when the event was begun).
 */
public final class Growth {

    /** What a growth does to the table. */
    public enum Kind {
        /** Twice the buckets: the entries of old bucket {@code i} split between new buckets {@code i} and {@code i + oldCount}. */
        DOUBLING,
        /** The same buckets, overflow chains compacted (and a byte map's key store with them). */
        SAME_SIZE,
        /** Fewer buckets: the old buckets that share a new bucket move together, as one unit. */
        SHRINK,
        /** The same buckets, every entry dropped: a concurrent map's {@code clear()}. */
        CLEARING
    }

    /**
     * Units a write evacuates in all during a growth: its key's own unit when not yet evacuated,
     * and claimed ones for the rest. It is also the most a write claims.
     */
    public static final int UNITS_PER_WRITE = 2;
    /** Evacuated units one claim steps over before it gives up (the write then claims again, up to {@link #UNITS_PER_WRITE} claims). */
    static final int CLAIM_SCAN = 64;

    /** Overflow buckets beyond the proven need: writers already past their claim when the last one is taken. */
    static final long OVERFLOW_SLACK = 256;
    /**
     * The most a shrink halves the bucket count in one growth: a unit is then at most 8 old
     * buckets, and a write evacuates at most two units. A longer shrink runs as several growths.
     */
    public static final int MAX_SHRINK_LOG2 = 3;

    public final Table old;
    public final Table next;
    public final Kind kind;
    /** Doubling (entries split between bucket i and i + oldCount). */
    public final boolean doubling;
    /** Whether evacuation drops the entries instead of moving them (a clearing). */
    public final boolean dropping;
    /** Evacuation units: the old buckets, or in a shrink the new ones (each fed by {@link #unitBuckets} old buckets). */
    public final long units;
    /** Old buckets per unit: 1, or in a shrink {@code old.bucketCount / next.bucketCount}. */
    public final int unitBuckets;
    /** Overflow buckets of {@link #next} evacuation may take in all, in a shrink; else unused. */
    private final long shrinkOverflowNeed;
    private final AtomicLong claimed = new AtomicLong();
    private final AtomicLong done = new AtomicLong();
    /** Writes that did growth work ({@link #workingWrite}), counted while the {@code GrowthFinished} event is begun. */
    private final AtomicLong writes = new AtomicLong();
    /** Overflow buckets of {@link #next} evacuation has taken so far. */
    private final AtomicLong evacuationOverflow = new AtomicLong();
    private final MapMemory memory;
    /** The {@code GrowthFinished} event begun by {@link #announce}, or null; committed by {@link #completed}. */
    private GrowthFinished finished;

    private Growth(Kind kind, Table old, Table next, long shrinkOverflowNeed, MapMemory memory) {
        this.kind = kind;
        this.old = old;
        this.next = next;
        this.doubling = kind == Kind.DOUBLING;
        this.dropping = kind == Kind.CLEARING;
        this.units = kind == Kind.SHRINK ? next.bucketCount : old.bucketCount;
        this.unitBuckets = (int) (old.bucketCount / units);
        this.shrinkOverflowNeed = shrinkOverflowNeed;
        this.memory = memory;
    }

    /**
     * Reserves the next table for {@code old}: twice the primary buckets when {@code doubling}, the
     * same number otherwise.
     *
     * @throws OutOfMemoryError if the reservation is refused (nothing changed)
     */
    public static Growth start(Table old, boolean doubling, MapMemory memory) {
        Kind kind = doubling ? Kind.DOUBLING : Kind.SAME_SIZE;
        int log2 = old.log2Buckets + (doubling ? 1 : 0);
        return install(kind, old, log2, overflowCapacityFor(old, 1L << log2), 0, memory);
    }

    /**
     * Reserves the next table of a shrink of {@code old} toward {@code 2^targetLog2} buckets, at most
     * {@link #MAX_SHRINK_LOG2} halvings at once, for the {@code entries} the old table holds (an
     * upper bound: a concurrent map's count of them may lag the inserts in flight, which the slack
     * covers).
     *
     * @throws IllegalArgumentException if {@code targetLog2} is not below the old table's
     * @throws OutOfMemoryError         if the reservation is refused (nothing changed)
     */
    public static Growth startShrink(Table old, int targetLog2, long entries, MapMemory memory) {
        if (targetLog2 >= old.log2Buckets || targetLog2 < 0) {
            throw new IllegalArgumentException("a shrink of 2^" + old.log2Buckets + " buckets to 2^" + targetLog2);
        }
        int log2 = Math.max(targetLog2, old.log2Buckets - MAX_SHRINK_LOG2);
        long newBuckets = 1L << log2;
        long need = (Math.max(0, entries) + old.slots - 1) / old.slots;
        long slack = Math.min(OVERFLOW_SLACK, Math.max(16, newBuckets)); // a small table's slack stays small
        long capacity = Math.max(Table.initialOverflowCapacity(log2), need + newBuckets + slack);
        return install(Kind.SHRINK, old, log2, capacity, need, memory);
    }

    /**
     * Reserves a fresh table of {@code old}'s size for a clearing growth: evacuation drops every
     * entry, so the new table's overflow area serves inserts only.
     *
     * @throws OutOfMemoryError if the reservation is refused (nothing changed)
     */
    public static Growth startClearing(Table old, MapMemory memory) {
        long capacity = Math.max(Table.initialOverflowCapacity(old.log2Buckets), old.bucketCount + OVERFLOW_SLACK);
        return install(Kind.CLEARING, old, old.log2Buckets, capacity, 0, memory);
    }

    /**
     * A growth of {@code kind} from {@code old} into {@code next} that a map file records, with
     * {@code done} of its units evacuated (a reopen's): claims start again from the first unit and
     * step over the evacuated ones. The evacuation overflow already taken is not recorded, so the
     * reserve kept for evacuation is the whole need: more than enough.
     */
    public static Growth resume(Kind kind, Table old, Table next, long done, long shrinkOverflowNeed, MapMemory memory) {
        old.grownInto = next;
        Growth g = new Growth(kind, old, next, shrinkOverflowNeed, memory);
        if (done < 0 || done > g.units) {
            throw new IllegalArgumentException(done + " of " + g.units + " units evacuated");
        }
        g.done.set(done);
        next.filledBy = done == g.units ? null : g;
        return g;
    }

    /** The overflow buckets a shrink reserved for its evacuation (0 for other kinds). */
    public long shrinkOverflowNeed() {
        return shrinkOverflowNeed;
    }

    private static Growth install(Kind kind, Table old, int log2, long overflowCapacity, long shrinkOverflowNeed,
                                  MapMemory memory) {
        Table next = Table.reserve(old.format, memory, log2, overflowCapacity, old.atomicLinks);
        old.grownInto = next;
        Growth g = new Growth(kind, old, next, shrinkOverflowNeed, memory);
        next.filledBy = g;
        return g;
    }

    /**
     * The overflow buckets of the next table evacuation may still take (see the class comment),
     * less those it took. Read racily, it can be stale by the evacuations in flight, which
     * {@link #OVERFLOW_SLACK} covers.
     */
    long overflowStillNeeded() {
        if (complete() || dropping) {
            return 0;
        }
        long need = kind == Kind.SHRINK ? shrinkOverflowNeed : old.overflowInUse();
        return Math.max(0, need - evacuationOverflow.get());
    }
    /** An overflow bucket of the next table for evacuation, which the reserve keeps; {@link Table#NONE} if none is left. */
    long takeOverflowForEvacuation() {
        long id = next.takeOverflow();
        if (id != Table.NONE) {
            evacuationOverflow.incrementAndGet();
        }
        return id;
    }

    /**
     * The growth is installed (writes go to {@link #next} from now on): emits {@code GrowthStarted}
     * and begins {@code GrowthFinished}, each if a recording wants it. Called once, by the thread
     * that installs the growth, before publishing it to other writers.
     */
    public void announce() {
        if (!FlightRecorder.isInitialized()) {
            return; // no recording yet: the event classes stay unloaded (see io.tophash.events)
        }
        try {
            if (GrowthStarted.enabled()) {
                GrowthStarted.emit(memory.mapId, memory.mapKind(), old.bucketCount, next.bucketCount, old.overflowInUse(),
                        next.bytesReserved());
            }
            finished = GrowthFinished.started(memory.mapId, memory.mapKind(), old.bucketCount, next.bucketCount);
        } catch (Throwable eventFailed) {
            // an event is best effort: the growth is installed already and must go on (an
            // OutOfMemoryError here would otherwise leave a writer between tables)
            finished = null;
        }
    }

    /** The growth is complete (its old table handed to the releaser): commits {@code GrowthFinished} if begun. Called once. */
    public void completed() {
        if (finished != null) {
            try {
                GrowthFinished.complete(finished, writes.get());
            } catch (Throwable eventFailed) {
                // best effort, as in announce(): the growth is complete whatever the event does
            }
        }
    }

    /** Overflow buckets the next table of {@code old} needs: see the class comment. */
    static long overflowCapacityFor(Table old, long newBuckets) {
        return Math.max(Table.initialOverflowCapacity(Long.numberOfTrailingZeros(newBuckets)),
                old.overflowInUse() + old.bucketCount + OVERFLOW_SLACK);
    }

    /** Whether old bucket {@code ob} has been evacuated (in a shrink, with the rest of its unit). */
    public boolean isEvacuated(long ob) {
        return old.tophashWord(old.offsetOf(ob)) == Tophash.EVACUATED_WORD;
    }

    /** The table whose bucket holds the entries of hash {@code h} now. */
    public Table homeTable(long h) {
        return isEvacuated(h & old.bucketMask) ? next : old;
    }

    /** The evacuation unit of old bucket {@code ob}: itself, or in a shrink its new bucket's index. */
    public long unitOf(long ob) {
        return ob & (units - 1);
    }

    /** How a policy evacuates one unit of a growth: returns whether this call evacuated it (false if it already was). */
    @FunctionalInterface
    public interface UnitEvacuator {
        boolean evacuate(Growth g, long unit);
    }

    /**
     * The evacuation a write of hash {@code h} owes (Go's {@code growWork}), with {@code evacuator}:
     * the unit of {@code h} if not yet evacuated, then claimed units, {@link #UNITS_PER_WRITE} in all
     * and at most that many claims, stopping once the growth is complete.
     */
    public void evacuateOwed(long h, UnitEvacuator evacuator) {
        int owed = UNITS_PER_WRITE;
        if (evacuator.evacuate(this, unitOf(h & old.bucketMask))) {
            owed--;
        }
        for (int claims = 0; owed > 0 && claims < UNITS_PER_WRITE && !complete(); claims++) {
            long unit = claim();
            if (unit >= 0 && evacuator.evacuate(this, unit)) {
                owed--;
            }
        }
    }

    /** A write is about to do its growth work: counted for the {@code GrowthFinished} event, if a recording began it. */
    public void workingWrite() {
        if (finished != null) {
            writes.incrementAndGet();
        }
    }

    /**
     * Claims the lowest unit nobody has claimed that is not evacuated yet, stepping over at most
     * {@link #CLAIM_SCAN} evacuated ones (claimed with it, since no one needs them); -1 if every unit
     * is claimed or every one looked at was evacuated. The claim always moves past at least one unit
     * while any is left. A unit read here as not evacuated may be evacuated by a racing writer
     * before the claimer gets to it; evacuating it again is a no-op.
     */
    public long claim() {
        long first = claimed.get();
        while (first < units) {
            long unit = first;
            long end = Math.min(units, first + CLAIM_SCAN);
            while (unit < end && isEvacuated(unit)) {
                unit++;
            }
            boolean found = unit < end;
            if (claimed.compareAndSet(first, found ? unit + 1 : end)) {
                return found ? unit : -1;
            }
            first = claimed.get();
        }
        return -1;
    }

    /** Counts one more unit evacuated; true for the one that completes the growth. */
    public boolean evacuatedOne() {
        boolean last = done.incrementAndGet() == units;
        if (last) {
            next.filledBy = null; // no reserve left to keep, and no chain of finished growths kept reachable
        }
        return last;
    }

    /** Units evacuated so far (old buckets, except in a shrink). */
    public long evacuatedBuckets() {
        return done.get();
    }

    /** Whether every unit is evacuated. */
    public boolean complete() {
        return done.get() == units;
    }
}
