package io.tophash.jmh;

import org.junit.jupiter.api.Test;

import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GrowthLatencyTest {

    @Test
    void percentilesAreNearestRankOverEveryPut() {
        long[] latencies = LongStream.rangeClosed(1, 10_000).map(i -> 10_001 - i).toArray(); // 10000..1, unsorted
        GrowthLatency g = GrowthLatency.of("X", 10_000, "-Xmx1g", latencies);
        assertEquals(5_000, g.p50Ns());
        assertEquals(9_900, g.p99Ns());
        assertEquals(9_990, g.p999Ns());
        assertEquals(9_999, g.p9999Ns());
        assertEquals(10_000, g.maxNs());
        assertEquals(LongStream.rangeClosed(9_901, 10_000).sum(), g.worst100Ns());
        assertEquals(LongStream.rangeClosed(1, 10_000).sum(), g.totalNs());
        assertEquals(10_000, latencies[0], "the caller's array is not reordered");
    }

    @Test
    void fewerThanAHundredPutsSumThemAll() {
        GrowthLatency g = GrowthLatency.of("X", 3, "", new long[] {5, 1, 9});
        assertEquals(15, g.worst100Ns());
        assertEquals(9, g.p9999Ns());
        assertEquals(5, g.p50Ns());
    }

    @Test
    void jsonLinesRoundTrip() {
        GrowthLatency g = new GrowthLatency("TOPHASH_LINE_HUGE", 1_000_000, "-Xms4g \"quoted\" back\\slash",
                1, 2, 3, 4, 5, 6, 7);
        assertEquals(g, GrowthLatency.parse(g.toJson()));
    }
}
