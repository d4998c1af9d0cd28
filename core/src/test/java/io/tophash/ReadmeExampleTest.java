package io.tophash;

import io.tophash.memory.Allocators;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's usage examples, compiled and run here so that they cannot rot. */
class ReadmeExampleTest {

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

    // README-SESSIONS-EXAMPLE-BEGIN
    static String sessionCache(String sessionId) {
        try (ConcurrentBytesMap sessions = ConcurrentBytesMap.builder()
                .maxValueSize(64 * 1024)                 // values of any length up to 64 KiB
                .expectedSize(100_000)
                .build()) {
            byte[] json = """
                    {"user":"ada","roles":["admin"],"cart":[4711,815]}""".getBytes(UTF_8);
            sessions.put("sess-7f3a9c", MemorySegment.ofArray(json));   // 50 bytes, off-heap
            sessions.put("sess-7f3a9c", MemorySegment.ofArray(          // replaced, another length
                    "{\"user\":\"ada\",\"roles\":[]}".getBytes(UTF_8)));
            byte[] buffer = new byte[64 * 1024];                        // reused: no garbage per read
            int length = sessions.readInto(sessionId, buffer);          // -1 when absent
            return length < 0 ? null : new String(buffer, 0, length, UTF_8);
        }
    }
    // README-SESSIONS-EXAMPLE-END

    // README-FILE-EXAMPLE-BEGIN
    static long reopened(Path dir) {
        Path file = dir.resolve("devices.map");
        try (LongLongMap devices = LongLongMap.builder().file(file).build()) {
            devices.put(42L, 7L);   // in the page cache at once: survives kill -9 of this process
            devices.force();        // on the disk: survives a power loss too
        }
        try (LongLongMap devices = LongLongMap.builder().file(file).build()) {
            return devices.get(42L); // 7, from the file: opening reads no entry
        }
    }
    // README-FILE-EXAMPLE-END

    // README-BYTES-FILE-EXAMPLE-BEGIN
    static String restoredSession(Path dir) {
        Path file = dir.resolve("sessions.map");
        try (BytesMap sessions = BytesMap.builder().maxValueSize(64 * 1024).file(file).build()) {
            sessions.put("sess-7f3a9c", MemorySegment.ofArray("{\"user\":\"ada\"}".getBytes(UTF_8)));
        }                                                   // a restart, or a kill -9, later:
        try (BytesMap sessions = BytesMap.builder().maxValueSize(64 * 1024).file(file).build()) {
            byte[] buffer = new byte[64 * 1024];
            int length = sessions.readInto("sess-7f3a9c", buffer);  // from the file's pages
            return new String(buffer, 0, length, UTF_8);
        }
    }
    // README-BYTES-FILE-EXAMPLE-END

    @Test
    void bytesFileExampleRuns(@org.junit.jupiter.api.io.TempDir Path dir) {
        assertEquals("{\"user\":\"ada\"}", restoredSession(dir));
        assertTrue(Files.exists(dir.resolve("sessions.map")));
    }

    @Test
    void readmeShowsTheBytesFileExampleVerbatim() throws IOException {
        assertDocShows("README.md", "README-BYTES-FILE-EXAMPLE");
    }

    @Test
    void fileExampleRuns(@org.junit.jupiter.api.io.TempDir Path dir) {
        assertEquals(7, reopened(dir));
        assertTrue(Files.exists(dir.resolve("devices.map")));
    }

    @Test
    void readmeShowsTheFileExampleVerbatim() throws IOException {
        assertDocShows("README.md", "README-FILE-EXAMPLE");
    }

    @Test
    void sessionCacheExampleRuns() {
        assertEquals("{\"user\":\"ada\",\"roles\":[]}", sessionCache("sess-7f3a9c"));
        assertEquals(null, sessionCache("sess-0"));
    }

    @Test
    void readmeShowsTheSessionCacheVerbatim() throws IOException {
        assertDocShows("README.md", "README-SESSIONS-EXAMPLE");
        assertDocShows("docs/usage.md", "README-SESSIONS-EXAMPLE");
    }

    @Test
    void sharedRegistryExampleRuns() {
        assertEquals(1_700_000_000_000L, sharedRegistry("dev-42"));
        assertEquals(-1, sharedRegistry("dev-7"));
    }

    @Test
    void readmeShowsTheSharedRegistryVerbatim() throws IOException {
        assertDocShows("README.md", "README-CONCURRENT-EXAMPLE");
        assertDocShows("docs/usage.md", "README-CONCURRENT-EXAMPLE");
    }

    @Test
    void deviceRegistryExampleRuns() {
        assertEquals(1_700_000_000_000L, deviceRegistry("dev-42"));
        assertEquals(-1, deviceRegistry("dev-7"));
    }

    @Test
    void exampleRuns() {
        assertEquals(1_700_000_060L, lastSeenOf(42));
        assertEquals(-1, lastSeenOf(7));
    }

    @Test
    void readmeShowsThisExampleVerbatim() throws IOException {
        assertDocShows("docs/usage.md", "README-EXAMPLE");
    }

    @Test
    void readmeShowsTheDeviceRegistryVerbatim() throws IOException {
        assertDocShows("README.md", "README-BYTES-EXAMPLE");
        assertDocShows("docs/usage.md", "README-BYTES-EXAMPLE");
    }

    /** The README's example and the usage page's examples are these methods' code, verbatim. */
    private static void assertDocShows(String doc, String marker) throws IOException {
        String source = Files.readString(Path.of("src/test/java/io/tophash/ReadmeExampleTest.java"));
        String begin = "// " + marker + "-BEGIN\n";
        String example = source.substring(source.indexOf(begin) + begin.length(),
                        source.indexOf("    // " + marker + "-END"))
                .lines().map(line -> line.startsWith("    ") ? line.substring(4) : line)
                .collect(Collectors.joining("\n", "", "\n"));
        String text = Files.readString(Path.of("..").resolve(doc));
        assertTrue(text.contains(example), doc + " must contain the example exactly as tested:\n" + example);
    }
}
