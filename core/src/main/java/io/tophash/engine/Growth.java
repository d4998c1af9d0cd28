package io.tophash.engine;

import io.tophash.events.GrowthFinished;
import io.tophash.events.GrowthStarted;
import io.tophash.layout.Tophash;
import jdk.jfr.FlightRecorder;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One growth in progress, Go's {@code hashGrow}/{@code growWork} bookkeeping shared by both maps:
 * the table being evacuated, the table it is evacuated into, which old buckets have been claimed
 * and how many are done.
 *
 * <p>Implementation notes. Starting a growth only reserves the next table ({@link #start}), which
 * maps lazily, so it costs neither copying nor zeroing. Every later write evacuates the old bucket
 * its key maps to, if not yet evacuated, and then claims the next unclaimed old bucket
 * ({@link #claim}) and evacuates that one too: after as many writes as the old table has buckets,
 * every bucket has been claimed, which is Go's bound on a growth's length. An old bucket is
 * evacuated when its tophash word reads {@link Tophash#EVACUATED_WORD}; lookups read the old bucket
 * until then and the new table after ({@link #homeTable}). The counters are atomic because the
 * concurrent map's writers share them; the single-threaded map pays two uncontended atomic
 * increments per write during a growth, and nothing otherwise.
 *
 * <p>The next table's overflow area is sized ({@link #overflowCapacityFor}) for the overflow
 * buckets evacuation can need (at most as many as the old table has in use: a chain of {@code n}
 * buckets splits into chains of at most {@code n} buckets in all) plus one per write during the
 * growth (at most one per old bucket, by the bound above) plus slack for writers in flight, so
 * evacuation never needs memory and never fails. The bound on writes holds while old buckets are
 * left to claim; a concurrent map's writes after the last claim, while a stalled claimer has yet to
 * evacuate its bucket, are not bounded by it. So the overflow buckets evacuation may still need are
 * reserved: an insert into the next table may not take them ({@link Table#takeOverflowForInsert},
 * {@link #overflowStillNeeded}), and an insert refused one completes this growth first, as an
 * insert that finds no room does.
 *
 * <p>JFR: the policy that installs a growth calls {@link #announce} (the {@code GrowthStarted}
 * event, and the {@code GrowthFinished} event begun), and the one that completes it
 * {@link #completed} (that event committed, with the claims as the writes the growth spanned).
 * Both cost one static check when no recording wants the events; nothing is counted per write
 * for them.
 */
public final class Growth {

    /** Overflow buckets beyond the proven need: writers already past their claim when the last one is taken. */
    static final long OVERFLOW_SLACK = 256;

    public final Table old;
    public final Table next;
    /** Doubling (entries split between bucket i and i + oldCount) or same-size (compacting overflow chains). */
    public final boolean doubling;
    private final AtomicLong claimed = new AtomicLong();
    private final AtomicLong done = new AtomicLong();
    /** Overflow buckets of {@link #next} evacuation has taken so far. */
    private final AtomicLong evacuationOverflow = new AtomicLong();
    private final MapMemory memory;
    /** The {@code GrowthFinished} event begun by {@link #announce}, or null; committed by {@link #completed}. */
    private GrowthFinished finished;

    private Growth(Table old, Table next, MapMemory memory) {
        this.old = old;
        this.next = next;
        this.doubling = next.bucketCount != old.bucketCount;
        this.memory = memory;
    }

    /**
     * Reserves the next table for {@code old}: twice the primary buckets when {@code doubling}, the
     * same number otherwise.
     *
     * @throws OutOfMemoryError if the reservation is refused (nothing changed)
     */
    public static Growth start(Table old, boolean doubling, MapMemory memory) {
        int log2 = old.log2Buckets + (doubling ? 1 : 0);
        long newBuckets = 1L << log2;
        Table next = Table.reserve(old.format, memory, log2, overflowCapacityFor(old, newBuckets), old.atomicLinks);
        old.grownInto = next;
        Growth g = new Growth(old, next, memory);
        next.filledBy = g;
        return g;
    }

    /**
     * The overflow buckets of the next table evacuation may still take: at most one per overflow
     * bucket of the old table (a chain of {@code n} buckets splits into chains of at most {@code n}
     * buckets in all, whose primaries only evacuation fills), less those it took. Read racily, it can
     * be stale by the evacuations in flight, which {@link #OVERFLOW_SLACK} covers.
     */
    long overflowStillNeeded() {
        return complete() ? 0 : Math.max(0, old.overflowInUse() - evacuationOverflow.get());
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
                GrowthFinished.complete(finished, Math.min(claimed.get(), old.bucketCount));
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

    /** Whether old bucket {@code ob} has been evacuated. */
    public boolean isEvacuated(long ob) {
        return old.tophashWord(old.offsetOf(ob)) == Tophash.EVACUATED_WORD;
    }

    /** The table whose bucket holds the entries of hash {@code h} now. */
    public Table homeTable(long h) {
        return isEvacuated(h & old.bucketMask) ? next : old;
    }

    /** Claims the next old bucket nobody has claimed; -1 once all are. */
    public long claim() {
        if (claimed.get() >= old.bucketCount) {
            return -1;
        }
        long ob = claimed.getAndIncrement();
        return ob < old.bucketCount ? ob : -1;
    }

    /** Counts one more old bucket evacuated; true for the one that completes the growth. */
    public boolean evacuatedOne() {
        boolean last = done.incrementAndGet() == old.bucketCount;
        if (last) {
            next.filledBy = null; // no reserve left to keep, and no chain of finished growths kept reachable
        }
        return last;
    }

    /** Old buckets evacuated so far. */
    public long evacuatedBuckets() {
        return done.get();
    }

    /** Whether every old bucket is evacuated. */
    public boolean complete() {
        return done.get() == old.bucketCount;
    }
}
