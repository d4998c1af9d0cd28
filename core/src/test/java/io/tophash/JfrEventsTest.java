package io.tophash;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue #14, part 3: the JFR events of {@code io.tophash.events}, recorded for real (a
 * {@link Recording}, dumped and read back with {@link RecordingFile}) from the named module the
 * tests run in, and off in the JDK's own {@code default} and {@code profile} settings.
 */
class JfrEventsTest {

    private static final String GROWTH_STARTED = "io.tophash.GrowthStarted";
    private static final String GROWTH_FINISHED = "io.tophash.GrowthFinished";
    private static final String CHUNK_ALLOCATED = "io.tophash.ChunkAllocated";
    private static final String CHUNK_RELEASED = "io.tophash.ChunkReleased";
    private static final String MAP_STATISTICS = "io.tophash.MapStatistics";

    /** Enough inserts into a default-sized map for several doublings. */
    private static final int ENTRIES = 20_000;

    /** The four maps, each with a way to insert entry {@code i}. */
    enum Kind {
        LONG_LONG(() -> LongLongMap.builder().build()) {
            @Override
            void put(OffHeapMap map, long i, MemorySegment value) {
                ((LongLongMap) map).put(i, i);
            }
        },
        CONCURRENT_LONG_LONG(() -> ConcurrentLongLongMap.builder().build()) {
            @Override
            void put(OffHeapMap map, long i, MemorySegment value) {
                ((ConcurrentLongLongMap) map).put(i, i);
            }
        },
        BYTES(() -> BytesMap.builder().valueSize(Long.BYTES).build()) {
            @Override
            void put(OffHeapMap map, long i, MemorySegment value) {
                ((BytesMap) map).put("key-" + i, value);
            }
        },
        CONCURRENT_BYTES(() -> ConcurrentBytesMap.builder().valueSize(Long.BYTES).build()) {
            @Override
            void put(OffHeapMap map, long i, MemorySegment value) {
                ((ConcurrentBytesMap) map).put("key-" + i, value);
            }
        };

        private final java.util.function.Supplier<OffHeapMap> factory;

        Kind(java.util.function.Supplier<OffHeapMap> factory) {
            this.factory = factory;
        }

        OffHeapMap create() {
            return factory.get();
        }

        abstract void put(OffHeapMap map, long i, MemorySegment value);

        void fill(OffHeapMap map, int entries) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment value = arena.allocate(Long.BYTES);
                for (long i = 0; i < entries; i++) {
                    value.set(ValueLayout.JAVA_LONG, 0, i);
                    put(map, i, value);
                }
            }
        }
    }

    /** Runs {@code action} under {@code recording} (configured, not started) and returns the tophash events it recorded. */
    private static List<RecordedEvent> record(Recording recording, Runnable action) throws IOException {
        Path file = Files.createTempFile("tophash-jfr-test", ".jfr");
        try (recording) {
            recording.start();
            action.run();
            recording.stop();
            recording.dump(file);
            return RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().startsWith("io.tophash."))
                    .toList();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static Recording recordingOf(String... events) {
        Recording recording = new Recording();
        for (String event : events) {
            recording.enable(event).withThreshold(Duration.ZERO);
        }
        return recording;
    }

    private static List<RecordedEvent> of(List<RecordedEvent> events, String name, long mapId) {
        return events.stream()
                .filter(e -> e.getEventType().getName().equals(name) && e.getLong("mapId") == mapId)
                .toList();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void growthEventsNameTheMapTheBucketCountsAndTheWritesSpanned(Kind kind) throws IOException {
        OffHeapMap[] holder = new OffHeapMap[1];
        List<RecordedEvent> events = record(recordingOf(GROWTH_STARTED, GROWTH_FINISHED), () -> {
            OffHeapMap map = kind.create();
            holder[0] = map;
            kind.fill(map, ENTRIES);
            map.finishGrowth();
            map.close();
        });
        OffHeapMap map = holder[0];
        // a file keeps events in the order their buffers were flushed, not always in time order:
        // growths here all double, so the old bucket count orders them
        Comparator<RecordedEvent> byOldBuckets = Comparator.comparingLong(e -> e.getLong("oldBuckets"));
        List<RecordedEvent> started = of(events, GROWTH_STARTED, map.mapId()).stream().sorted(byOldBuckets).toList();
        List<RecordedEvent> finished = of(events, GROWTH_FINISHED, map.mapId()).stream().sorted(byOldBuckets).toList();
        assertTrue(started.size() >= 3, "doublings expected for " + ENTRIES + " entries: " + started);
        assertEquals(started.size(), finished.size(), "every growth completed (finishGrowth() before close)");
        String kindName = map.getClass().getSimpleName();
        long previousNew = 0;
        long writes = 0;
        for (int i = 0; i < started.size(); i++) {
            RecordedEvent s = started.get(i);
            RecordedEvent f = finished.get(i);
            assertEquals(kindName, s.getString("mapKind"));
            assertEquals(kindName, f.getString("mapKind"));
            long oldBuckets = s.getLong("oldBuckets");
            long newBuckets = s.getLong("newBuckets");
            assertTrue(s.getBoolean("doubling"), "inserts only: every growth doubles");
            assertEquals(oldBuckets * 2, newBuckets, s.toString());
            assertTrue(previousNew == 0 || previousNew == oldBuckets, "growths chain: " + started);
            previousNew = newBuckets;
            assertTrue(s.getLong("newTableBytes") > 0);
            assertEquals(oldBuckets, f.getLong("oldBuckets"));
            assertEquals(newBuckets, f.getLong("newBuckets"));
            assertTrue(f.getBoolean("doubling"));
            assertFalse(f.getStartTime().isBefore(s.getStartTime()), "the finished event spans from the start");
            assertFalse(f.getDuration().isNegative());
            long w = f.getLong("writes");
            assertTrue(w >= 0 && w <= oldBuckets + 64, "writes " + w + " for " + oldBuckets + " old buckets");
            writes += w;
        }
        assertTrue(writes > 0, "growths completed by writes count them");
        // the last growth ends by doubling into the final table
        RecordedEvent last = started.get(started.size() - 1);
        assertTrue(last.getLong("newBuckets") >= ENTRIES / 8, last.toString());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyChunkAllocatedIsReleasedByClose(Kind kind) throws IOException {
        OffHeapMap[] holder = new OffHeapMap[1];
        long[] bytesBeforeClose = new long[1];
        List<RecordedEvent> events = record(recordingOf(CHUNK_ALLOCATED, CHUNK_RELEASED), () -> {
            OffHeapMap map = kind.create();
            holder[0] = map;
            kind.fill(map, ENTRIES);
            bytesBeforeClose[0] = map.memory.bytesHeld();
            map.close();
        });
        OffHeapMap map = holder[0];
        List<RecordedEvent> allocated = of(events, CHUNK_ALLOCATED, map.mapId());
        List<RecordedEvent> released = of(events, CHUNK_RELEASED, map.mapId());
        assertTrue(allocated.size() >= 4, "the first table and the growths' tables: " + allocated.size());
        Map<Long, Long> balance = new HashMap<>();
        long bytesAllocated = 0;
        for (RecordedEvent e : allocated) {
            assertTrue(e.getLong("bytes") > 0);
            assertTrue(Long.bitCount(e.getLong("alignment")) == 1, e.toString());
            assertEquals(map.allocator().name(), e.getString("allocator"));
            assertEquals(map.getClass().getSimpleName(), e.getString("mapKind"));
            balance.merge(e.getLong("address"), e.getLong("bytes"), Long::sum);
            bytesAllocated += e.getLong("bytes");
        }
        long bytesReleased = 0;
        for (RecordedEvent e : released) {
            assertTrue(e.getLong("bytes") > 0);
            assertEquals(map.allocator().name(), e.getString("allocator"));
            balance.merge(e.getLong("address"), -e.getLong("bytes"), Long::sum);
            bytesReleased += e.getLong("bytes");
        }
        assertEquals(bytesAllocated, bytesReleased, "everything allocated is released by close()");
        assertTrue(balance.values().stream().allMatch(b -> b == 0), "per address: " + balance);
        assertTrue(bytesBeforeClose[0] > 0 && bytesBeforeClose[0] <= bytesAllocated);
    }

    @Test
    void mapStatisticsSampleLiveMapsOnlyWhileOpen() throws IOException, InterruptedException {
        Recording recording = new Recording();
        recording.enable(MAP_STATISTICS).withPeriod(Duration.ofMillis(20));
        LongLongMap[] holder = new LongLongMap[1];
        MapStats[] stats = new MapStats[1];
        Instant[] closedAt = new Instant[1];
        List<RecordedEvent> events = record(recording, () -> {
            LongLongMap map = LongLongMap.builder().build();
            holder[0] = map;
            Kind.LONG_LONG.fill(map, 5_000);
            map.finishGrowth();
            map.awaitRetiredReleased(); // the old table's release changes the bytes held
            stats[0] = map.stats();
            pause(300);
            closedAt[0] = Instant.now();
            map.close();
            pause(200);
        });
        List<RecordedEvent> samples = of(events, MAP_STATISTICS, holder[0].mapId());
        assertTrue(samples.size() >= 3, "a 20 ms period over 300 ms: " + samples.size());
        RecordedEvent last = samples.stream().max(Comparator.comparing(RecordedEvent::getStartTime)).orElseThrow();
        assertEquals("LongLongMap", last.getString("mapKind"));
        assertEquals(5_000, last.getLong("size"));
        assertEquals(stats[0].bucketCount(), last.getLong("buckets"));
        assertEquals(stats[0].overflowBucketCount(), last.getLong("overflowBuckets"));
        assertEquals(stats[0].bytesReserved(), last.getLong("bytesReserved"));
        assertFalse(last.getBoolean("growing"));
        assertEquals(holder[0].allocator().name(), last.getString("allocator"));
        for (RecordedEvent e : samples) {
            assertFalse(e.getStartTime().isAfter(closedAt[0].plusMillis(50)), "sampled after close(): " + e);
        }
    }

    @Test
    void theRegistryForgetsClosedMapsAndDoesNotKeepUnclosedOnesReachable() throws InterruptedException {
        LongLongMap closed = LongLongMap.builder().build();
        assertTrue(LiveMaps.contains(closed.mapId()));
        closed.close();
        assertFalse(LiveMaps.contains(closed.mapId()));

        long[] id = new long[1];
        WeakReference<OffHeapMap> dropped = dropUnclosed(id);
        for (int i = 0; i < 200 && dropped.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertNull(dropped.get(), "an unclosed map must become unreachable: the registry holds it weakly");
        assertFalse(LiveMaps.contains(id[0]));
    }

    private static WeakReference<OffHeapMap> dropUnclosed(long[] id) {
        LongLongMap map = LongLongMap.builder().build();
        map.put(1, 2);
        id[0] = map.mapId();
        assertTrue(LiveMaps.contains(id[0]));
        return new WeakReference<>(map);
    }

    @Test
    void mapIdsAreUniqueAndStable() {
        try (LongLongMap a = LongLongMap.builder().build();
             ConcurrentBytesMap b = ConcurrentBytesMap.builder().valueSize(8).build()) {
            assertTrue(a.mapId() > 0);
            assertTrue(b.mapId() > a.mapId());
            long before = a.mapId();
            Kind.LONG_LONG.fill(a, 1_000);
            assertEquals(before, a.mapId());
        }
    }

    /**
     * The JDK's own settings, which {@code -XX:StartFlightRecording} uses unless told otherwise:
     * no event on a write path is on; a growth finishing is, only from 10 ms.
     */
    @ParameterizedTest
    @ValueSource(strings = {"default", "profile"})
    void theJdkSettingsRecordNoHotPathEvent(String configuration) throws Exception {
        Recording recording = new Recording(Configuration.getConfiguration(configuration));
        // the periodic event asks for a sample at the end of the recording at least, if it is on
        OffHeapMap[] holder = new OffHeapMap[1];
        List<RecordedEvent> events = record(recording, () -> {
            for (Kind kind : Kind.values()) {
                OffHeapMap map = kind.create();
                holder[0] = map;
                kind.fill(map, ENTRIES);
                map.finishGrowth();
                map.close();
            }
            LongLongMap live = LongLongMap.builder().build();
            holder[0] = live;
            pause(50);
        });
        holder[0].close();
        Map<String, Long> counts = new HashMap<>();
        for (RecordedEvent e : events) {
            counts.merge(e.getEventType().getName(), 1L, Long::sum);
        }
        for (String off : List.of(GROWTH_STARTED, CHUNK_ALLOCATED, CHUNK_RELEASED, MAP_STATISTICS)) {
            assertNull(counts.get(off), off + " recorded with the JDK's " + configuration + " settings: " + counts);
        }
        for (RecordedEvent e : events) {
            if (e.getEventType().getName().equals(GROWTH_FINISHED)) {
                assertTrue(e.getDuration().compareTo(Duration.ofMillis(10)) >= 0, e.toString());
            }
        }
        // the events are known to the recording, not just absent (on: the annotations' defaults apply)
        Map<String, Boolean> enabled = new HashMap<>();
        for (jdk.jfr.EventType type : jdk.jfr.FlightRecorder.getFlightRecorder().getEventTypes()) {
            enabled.put(type.getName(), type.isEnabled());
        }
        for (String name : List.of(GROWTH_STARTED, GROWTH_FINISHED, CHUNK_ALLOCATED, CHUNK_RELEASED, MAP_STATISTICS)) {
            assertNotNull(enabled.get(name), name + " registered");
        }
    }

    /**
     * In a JVM where JFR never starts, maps load no event class: loading the first one loads JFR's
     * metadata, which would cost the first map build far more than the build itself.
     */
    @Test
    void withoutJfrNoEventClassIsLoaded() throws Exception {
        Path classes = Path.of("target", "classes");
        Path testClasses = Path.of("target", "test-classes");
        assumeTrue(Files.isDirectory(classes) && Files.isDirectory(testClasses),
                "run from the core module's directory");
        // the emulated aarch64 lane (which sets tophash.expectArch) cannot start a child JVM: the
        // JDK's process launcher runs its aarch64 jspawnhelper natively, outside qemu; the native lane runs this test
        assumeTrue(System.getProperty("tophash.expectArch") == null, "no child process under qemu-user");
        Path launcher = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(launcher.toString(), "-Xlog:class+load=info", "-cp",
                classes + File.pathSeparator + testClasses, NoRecordingMain.class.getName())
                .redirectErrorStream(true)
                .start();
        String log = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.waitFor(), log);
        List<String> lines = log.lines().toList();
        assertTrue(lines.contains("done"), log);
        assertTrue(lines.stream().anyMatch(l -> l.contains(" io.tophash.ConcurrentBytesMap ")), "the log lists classes");
        List<String> loaded = lines.stream()
                .filter(l -> l.contains(" io.tophash.events.") || l.contains(" jdk.jfr.Event ")
                        || l.contains(" jdk.jfr.internal.MetadataRepository "))
                .toList();
        assertEquals(List.of(), loaded, "JFR event machinery loaded without a recording");
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
