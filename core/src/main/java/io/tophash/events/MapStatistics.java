package io.tophash.events;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/**
 * One live map's shape, once per period, committed by JFR's periodic thread through the hook the
 * maps register (once, when the first map is built): the maps pay nothing for it, and a map is
 * sampled without its locks (see {@code LiveMaps}).
 *
 * <p>Off by default: one event per live map per period grows with the number of maps, which a
 * recording should ask for, not get.
 */
@Name("io.tophash.MapStatistics")
@Label("Map Statistics")
@Category({"tophash"})
@Description("Size and memory of a live tophash map, sampled periodically")
@Enabled(false)
@Period("1 s")
@StackTrace(false)
public final class MapStatistics extends Event {

    private static final MapStatistics PROBE = new MapStatistics();

    @Label("Map Id")
    @Description("The map's id, unique in this JVM, given when it was built")
    long mapId;

    @Label("Map Kind")
    @Description("LongLongMap, ConcurrentLongLongMap, BytesMap or ConcurrentBytesMap")
    String mapKind;

    @Label("Size")
    @Description("Entries; a single-threaded map's is read without its writer's cooperation, so it may lag a write in progress")
    long size;

    @Label("Buckets")
    @Description("Primary buckets of the table writes go to")
    long buckets;

    @Label("Overflow Buckets")
    @Description("Overflow buckets in use in the table writes go to")
    long overflowBuckets;

    @Label("Bytes Reserved")
    @Description("Native memory the map holds (its ledger): tables, key stores and tables waiting for release")
    @DataAmount
    long bytesReserved;

    @Label("Growing")
    @Description("Whether a growth is in progress")
    boolean growing;

    @Label("Allocator")
    @Description("The allocator's name")
    String allocator;

    /** Whether a recording wants this event. */
    public static boolean enabled() {
        return PROBE.isEnabled();
    }

    /** Emits the event if enabled. */
    public static void emit(long mapId, String mapKind, long size, long buckets, long overflowBuckets,
                            long bytesReserved, boolean growing, String allocator) {
        if (!enabled()) {
            return;
        }
        MapStatistics e = new MapStatistics();
        e.mapId = mapId;
        e.mapKind = mapKind;
        e.size = size;
        e.buckets = buckets;
        e.overflowBuckets = overflowBuckets;
        e.bytesReserved = bytesReserved;
        e.growing = growing;
        e.allocator = allocator;
        e.commit();
    }
}
