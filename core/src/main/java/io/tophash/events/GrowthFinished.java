package io.tophash.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * A growth completed: its start time is the instant the growth started, its duration the time
 * until the last old bucket was evacuated (by the writes that followed, or {@code finishGrowth()}),
 * and the thread is the one that completed it.
 *
 * <p>On by default, with a 10 ms threshold and no stack trace: a map grows O(log n) times by
 * doubling, and same-size growths are bounded by the writes between them, so even a growth per
 * few dozen writes costs one object and two timestamps when it starts (and only while a recording
 * has the event on), nothing per write in between, and a commit only for the growths worth
 * seeing: a growth taking 10 ms or more is the latency tail the maps are about. A growth that a
 * recording started after, or that {@code clear()} or {@code close()} dropped, has no event.
 */
@Name("io.tophash.GrowthFinished")
@Label("Growth Finished")
@Category({"tophash"})
@Description("A tophash map finished evacuating its old table into the new one; the duration spans the whole growth")
@Enabled(true)
@Threshold("10 ms")
@StackTrace(false)
public final class GrowthFinished extends Event {

    private static final GrowthFinished PROBE = new GrowthFinished();

    @Label("Map Id")
    @Description("The map's id, unique in this JVM, given when it was built")
    long mapId;

    @Label("Map Kind")
    @Description("LongLongMap, ConcurrentLongLongMap, BytesMap or ConcurrentBytesMap")
    String mapKind;

    @Label("Old Buckets")
    @Description("Primary buckets of the table that was evacuated")
    long oldBuckets;

    @Label("New Buckets")
    @Description("Primary buckets of the table it was evacuated into")
    long newBuckets;

    @Label("Doubling")
    @Description("True when the new table has twice the buckets (load), false for a same-size growth (compacting overflow chains)")
    boolean doubling;

    @Label("Writes")
    @Description("Writes that did growth work (each evacuates its own old bucket if needed and claims more, two in all): "
            + "the writes the growth spanned (a concurrent write that retries after a race with a growth may count twice)")
    long writes;

    /** Whether a recording wants this event: a static field load once inlined. */
    public static boolean enabled() {
        return PROBE.isEnabled();
    }

    /**
     * The event of a growth starting now, begun (its start time taken), or null if no recording
     * wants it. Keep it with the growth and hand it to {@link #complete} from whichever thread
     * completes the growth (publish it safely, as the growth itself is).
     */
    public static GrowthFinished started(long mapId, String mapKind, long oldBuckets, long newBuckets) {
        if (!enabled()) {
            return null;
        }
        GrowthFinished e = new GrowthFinished();
        e.begin();
        e.mapId = mapId;
        e.mapKind = mapKind;
        e.oldBuckets = oldBuckets;
        e.newBuckets = newBuckets;
        e.doubling = newBuckets != oldBuckets;
        return e;
    }

    /** Ends and commits {@code e} ({@link #started}'s, or null: nothing), if still wanted and over the threshold. */
    public static void complete(GrowthFinished e, long writes) {
        if (e == null) {
            return;
        }
        e.end();
        if (e.shouldCommit()) {
            e.writes = writes;
            e.commit();
        }
    }
}
