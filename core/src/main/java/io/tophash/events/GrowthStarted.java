package io.tophash.events;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A map started a growth: the next table is reserved and writes go to it from now on.
 *
 * <p>Off by default: a growth start is an instant with nothing to put a threshold on, every
 * field of it is repeated by {@link GrowthFinished} (whose start time is this instant), and a
 * small map with churn (inserts and removes filling overflow buckets) starts a same-size growth
 * every few dozen writes, which would then each pay an event and a stack trace.
 */
@Name("io.tophash.GrowthStarted")
@Label("Growth Started")
@Category({"tophash"})
@Description("A tophash map reserved its next table and started evacuating the current one into it")
@Enabled(false)
@StackTrace(true)
public final class GrowthStarted extends Event {

    private static final GrowthStarted PROBE = new GrowthStarted();

    @Label("Map Id")
    @Description("The map's id, unique in this JVM, given when it was built")
    long mapId;

    @Label("Map Kind")
    @Description("LongLongMap, ConcurrentLongLongMap, BytesMap or ConcurrentBytesMap")
    String mapKind;

    @Label("Old Buckets")
    @Description("Primary buckets of the table being evacuated")
    long oldBuckets;

    @Label("New Buckets")
    @Description("Primary buckets of the table it is evacuated into")
    long newBuckets;

    @Label("Doubling")
    @Description("True when the new table has twice the buckets (load), false for a same-size growth (compacting overflow chains)")
    boolean doubling;

    @Label("Old Overflow Buckets")
    @Description("Overflow buckets in use in the table being evacuated")
    long oldOverflowBuckets;

    @Label("New Table Bytes")
    @Description("Bytes reserved for the new table (mapped lazily: touched pages only cost memory)")
    @DataAmount
    long newTableBytes;

    /** Whether a recording wants this event: a static field load once inlined. */
    public static boolean enabled() {
        return PROBE.isEnabled();
    }

    /** Emits the event if enabled. */
    public static void emit(long mapId, String mapKind, long oldBuckets, long newBuckets, long oldOverflowBuckets,
                            long newTableBytes) {
        if (!enabled()) {
            return;
        }
        GrowthStarted e = new GrowthStarted();
        e.mapId = mapId;
        e.mapKind = mapKind;
        e.oldBuckets = oldBuckets;
        e.newBuckets = newBuckets;
        e.doubling = newBuckets != oldBuckets;
        e.oldOverflowBuckets = oldOverflowBuckets;
        e.newTableBytes = newTableBytes;
        e.commit();
    }
}
