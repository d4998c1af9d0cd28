package io.tophash.examples;

import io.tophash.BucketPadding;
import io.tophash.BytesMap;
import io.tophash.ConcurrentBytesMap;
import io.tophash.LongLongMap;
import io.tophash.MapStats;
import io.tophash.memory.Allocators;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The README's usage examples (the blocks between the README-*-BEGIN/END markers are the README's
 * text, as in core's ReadmeExampleTest; ExamplesRunTest checks README.md still shows them), run
 * from the module path by {@link #main}, which fails (exit status 1) on a wrong result.
 * Run with {@code --enable-native-access=io.tophash}.
 */
public final class ReadmeExamples {

    private ReadmeExamples() {
    }

    // README-EXAMPLE-BEGIN
    static long lastSeenOf(long deviceId) {
        try (LongLongMap lastSeen = LongLongMap.builder()
                .expectedSize(100_000)                     // pre-size, like Go's make(map, n)
                .allocator(Allocators.cacheLineAligned())  // bucket memory on 64-byte lines
                .padding(BucketPadding.CACHE_LINE)         // 7 slots in two whole lines
                .missingValue(-1)                          // what get() returns for absent keys
                .build()) {
            lastSeen.put(42L, 1_700_000_000L);
            lastSeen.addAndGet(42L, 60);                   // now 1_700_000_060
            lastSeen.forEach((id, at) -> System.out.println(id + " last seen at " + at));
            MapStats stats = lastSeen.stats();
            System.out.printf("%d buckets, %d straddle a cache line%n",
                    stats.bucketCount(), stats.bucketsCrossingExtraLine());
            return lastSeen.get(deviceId);                 // -1 when absent
        }                                                  // close() frees the off-heap memory
    }
    // README-EXAMPLE-END

    // README-BYTES-EXAMPLE-BEGIN
    static final StructLayout DEVICE = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("lastSeen"),
            ValueLayout.JAVA_INT.withName("status"),
            ValueLayout.JAVA_INT.withName("reconnects"),
            MemoryLayout.sequenceLayout(6, ValueLayout.JAVA_LONG).withName("counters"));  // 64 bytes
    static final VarHandle LAST_SEEN = DEVICE.varHandle(PathElement.groupElement("lastSeen"));
    static final VarHandle RECONNECTS = DEVICE.varHandle(PathElement.groupElement("reconnects"));

    static long deviceRegistry(String requestedId) {
        try (BytesMap devices = BytesMap.builder()
                .valueSize((int) DEVICE.byteSize())       // every record is exactly 64 bytes
                .expectedSize(131_072)
                .build()) {
            MemorySegment device = devices.acquire("dev-42"); // zero-filled record, in place
            LAST_SEEN.set(device, 0L, 1_700_000_000_000L);     // values are 8-byte aligned
            RECONNECTS.set(device, 0L, (int) RECONNECTS.get(device, 0L) + 1);
            MemorySegment found = devices.get(requestedId);    // read-only view, null when absent
            return found == null ? -1 : (long) LAST_SEEN.get(found, 0L);
        }
    }
    // README-BYTES-EXAMPLE-END

    // README-CONCURRENT-EXAMPLE-BEGIN
    static long sharedRegistry(String requestedId) {
        try (ConcurrentBytesMap devices = ConcurrentBytesMap.builder()
                .valueSize((int) DEVICE.byteSize())
                .expectedSize(131_072)
                .build()) {
            devices.update("dev-42", device -> {             // in place, atomic for that key
                LAST_SEEN.set(device, 0L, 1_700_000_000_000L);
                RECONNECTS.set(device, 0L, (int) RECONNECTS.get(device, 0L) + 1);
            });
            // a reader takes the one field it needs, lock-free, copying nothing else
            return devices.getLong(requestedId, DEVICE.byteOffset(PathElement.groupElement("lastSeen")), -1);
        }
    }
    // README-CONCURRENT-EXAMPLE-END

    /**
     * Runs every example and checks its result.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        Check.onModulePath(ReadmeExamples.class);
        Check.equal(1_700_000_060L, lastSeenOf(42), "lastSeenOf(42)");
        Check.equal(-1, lastSeenOf(7), "lastSeenOf(7)");
        Check.equal(1_700_000_000_000L, deviceRegistry("dev-42"), "deviceRegistry(dev-42)");
        Check.equal(-1, deviceRegistry("dev-7"), "deviceRegistry(dev-7)");
        Check.equal(1_700_000_000_000L, sharedRegistry("dev-42"), "sharedRegistry(dev-42)");
        Check.equal(-1, sharedRegistry("dev-7"), "sharedRegistry(dev-7)");
        System.out.println("readme examples: ok");
    }
}
