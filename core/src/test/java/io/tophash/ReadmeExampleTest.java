package io.tophash;

import io.tophash.memory.Allocators;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's usage example, compiled and run here so that it cannot rot. */
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

    @Test
    void exampleRuns() {
        assertEquals(1_700_000_060L, lastSeenOf(42));
        assertEquals(-1, lastSeenOf(7));
    }

    @Test
    void readmeShowsThisExampleVerbatim() throws IOException {
        String source = Files.readString(Path.of("src/test/java/io/tophash/ReadmeExampleTest.java"));
        String example = source.substring(source.indexOf("// README-EXAMPLE-BEGIN\n") + 24,
                        source.indexOf("    // README-EXAMPLE-END"))
                .lines().map(line -> line.startsWith("    ") ? line.substring(4) : line)
                .collect(Collectors.joining("\n", "", "\n"));
        String readme = Files.readString(Path.of("..", "README.md"));
        assertTrue(readme.contains(example), "README.md must contain the example exactly as tested:\n" + example);
    }
}
