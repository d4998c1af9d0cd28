package io.tophash;

import io.tophash.engine.MapTables;
import io.tophash.engine.Table;
import io.tophash.events.MapStatistics;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live maps, for the periodic JFR event {@link MapStatistics}: every map registers when it is
 * built and leaves when it is closed. The registry holds maps weakly, so it never keeps a map
 * reachable: a map dropped without {@code close()} is still freed by its ledger's Cleaner, and its
 * entry here (a cleared weak reference) is dropped at the next registration, close or sample.
 *
 * <p>The hook is registered with JFR once, when JFR initializes (a listener added by this class's
 * initializer, so when the first map is built; at once if JFR is already up). JFR calls it on its
 * periodic thread only while a recording has the event on. It
 * samples each map without taking any of its locks and without touching its native memory (a
 * table's counters are Java fields): the size counter, the current table's bucket and overflow
 * counts and the ledger's byte count (the ledger's monitor, taken once per chunk by the map).
 * Sampling a single-threaded map from this thread is a benign race: its size may lag a write.
 *
 * <p>Thread-safe.
 */
final class LiveMaps {

    private static final ConcurrentHashMap<Long, Entry> LIVE = new ConcurrentHashMap<>();
    private static final ReferenceQueue<OffHeapMap> DROPPED = new ReferenceQueue<>();

    static {
        FlightRecorder.addListener(new HookOnInitialization());
    }

    /**
     * Registers the periodic hook when JFR initializes (at once if it already has): registering
     * it before would load JFR's metadata in a JVM that never records (see {@code io.tophash.events}).
     */
    private static final class HookOnInitialization implements FlightRecorderListener {
        @Override
        public void recorderInitialized(FlightRecorder recorder) {
            FlightRecorder.addPeriodicEvent(MapStatistics.class, LiveMaps::emitAll);
        }
    }

    private LiveMaps() {
    }

    /** A live map, weakly, by its id. */
    private static final class Entry extends WeakReference<OffHeapMap> {
        final long mapId;

        Entry(OffHeapMap map, long mapId) {
            super(map, DROPPED);
            this.mapId = mapId;
        }
    }

    /** Registers a map whose construction completed. */
    static void add(OffHeapMap map) {
        expungeDropped();
        long id = map.memory.mapId;
        LIVE.put(id, new Entry(map, id));
    }

    /** Forgets a map being closed. */
    static void remove(long mapId) {
        LIVE.remove(mapId);
        expungeDropped();
    }

    /** Whether map {@code mapId} is registered and still reachable. For tests. */
    static boolean contains(long mapId) {
        expungeDropped();
        Entry e = LIVE.get(mapId);
        return e != null && e.get() != null;
    }

    /** Entries registered, cleared ones not yet expunged included. For tests. */
    static int entries() {
        return LIVE.size();
    }

    private static void expungeDropped() {
        for (Object ref; (ref = DROPPED.poll()) != null; ) {
            Entry e = (Entry) ref;
            LIVE.remove(e.mapId, e);
        }
    }

    /** The periodic hook: one {@link MapStatistics} event per live, open map. */
    static void emitAll() {
        expungeDropped();
        for (Entry e : LIVE.values()) {
            OffHeapMap map = e.get();
            if (map != null) {
                sample(map);
            }
        }
    }

    private static void sample(OffHeapMap map) {
        MapTables tables = map.tables();
        if (tables.closed()) {
            return;
        }
        Table table = tables.table();
        MapStatistics.emit(map.memory.mapId, map.getClass().getSimpleName(), tables.sampledSize(),
                table.bucketCount, table.overflowInUse(), map.memory.bytesHeld(), tables.growth() != null,
                map.allocator.name());
    }
}
