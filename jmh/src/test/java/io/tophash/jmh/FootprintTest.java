package io.tophash.jmh;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FootprintTest {

    private static final int SIZE = 10_000;

    /**
     * HashMap&lt;Long, Long&gt; with compressed oops, measured exactly (JOL): a 32-byte node and two 24-byte boxes (a 12-byte
     * header and the long, padded to 8) per entry, plus a table of 4-byte references at most
     * 0.75 full: 80 + 5.3..10.7 B per entry.
     */
    @Test
    void hashMapOnHeapIsItsNodesBoxesAndTable() {
        double bytes = Footprint.measureHere(Impl.HASHMAP, SIZE);
        assertTrue(bytes > 85 && bytes < 91, () -> "HashMap " + bytes + " B/entry");
    }

    /** fastutil's two long arrays with load factor 0.75 rounded up to a power of two: 16 / 0.75..0.375. */
    @Test
    void fastutilOnHeapIsItsTwoArrays() {
        double bytes = Footprint.measureHere(Impl.FASTUTIL, SIZE);
        // 10000 / 0.75 rounds up to 2^14 slots of a key and a value: 26.2 B, plus two array headers and the map
        assertEquals((1 << 14) * 16.0 / SIZE, bytes, 0.05, "fastutil B/entry");
    }

    @Test
    void tophashIsWhatItsAllocatorHolds() {
        double expected;
        try (BenchMap map = Impl.TOPHASH_LINE_ALIGNED.create(SIZE)) {
            Workload.fill(map, Workload.presentKeys(SIZE));
            expected = (double) map.offHeapBytes().orElseThrow() / SIZE;
        }
        assertEquals(expected, Footprint.measureHere(Impl.TOPHASH_LINE_ALIGNED, SIZE));
    }

    @Test
    void childJvmReportsTheSameAsThisOne() {
        Footprint.Result child = Footprint.inChildJvm(Impl.TOPHASH_GO_ALIGNED, SIZE, 120);
        assertTrue(child.measured(), child::failure);
        assertTrue(child.offHeap());
        assertEquals(Footprint.measureHere(Impl.TOPHASH_GO_ALIGNED, SIZE), child.bytesPerEntry());
    }

    @Test
    void aChildThatCannotMeasureSaysWhy() {
        // a heap far too small for a million boxed entries: the child fails, the report goes on with the reason
        Footprint.Result child = Footprint.inChildJvm(Impl.HASHMAP, 1_000_000, "-Xmx16m", 120);
        assertFalse(child.measured());
        assertTrue(child.failure().contains("OutOfMemoryError"), child::failure);
    }

    /** Above a million entries: heap delta, which must agree with the arrays' size (2^24 x 16 B / 10M) within 2%. */
    @Test
    void largeMapsByHeapDeltaAgreeWithTheirArrays() {
        Footprint.Result child = Footprint.inChildJvm(Impl.FASTUTIL, 10_000_000, 120);
        assertTrue(child.measured(), child::failure);
        double exact = (1 << 24) * 16.0 / 10_000_000;
        assertTrue(Math.abs(child.bytesPerEntry() - exact) < exact * 0.02, () -> child.bytesPerEntry() + " vs " + exact);
    }

    @Test
    void heapGrowsWithTheSize() {
        assertEquals("-Xmx702m", Footprint.heapFlag(1_000));
        assertEquals("-Xmx702m", Footprint.heapFlag(1_000_000));
        assertEquals("-Xmx2419m", Footprint.heapFlag(10_000_000));
    }
}
