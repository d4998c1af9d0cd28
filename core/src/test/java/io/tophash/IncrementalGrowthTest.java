package io.tophash;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No single write pays for a whole growth: each write evacuates at most two old buckets and
 * allocates at most a few chunks, and the old table's memory goes back as evacuation passes it.
 * Counted, not timed: speed is measured with JMH in jmh/.
 */
class IncrementalGrowthTest {

    @ParameterizedTest
    @EnumSource(BucketPadding.class)
    void eachPutDoesABoundedShareOfTheGrowth(BucketPadding padding) {
        CountingAllocator allocator = new CountingAllocator();
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).padding(padding).seed(5)
                .chunkBytes(4096).build()) {
            int growthsSeen = 0;
            long previousEvacuated = 0;
            boolean wasGrowing = false;
            for (long key = 0; key < 200_000; key++) {
                int allocationsBefore = allocator.allocations;
                map.put(key, key);
                int allocated = allocator.allocations - allocationsBefore;
                if (map.growing()) {
                    long step = wasGrowing ? map.evacuatedBuckets() - previousEvacuated : map.evacuatedBuckets();
                    assertTrue(step <= 2, "one put evacuated " + step + " buckets at key " + key);
                    previousEvacuated = map.evacuatedBuckets();
                    if (!wasGrowing) {
                        growthsSeen++;
                    }
                }
                // Two evacuations, two destination chunks each, plus overflow chunks for them
                // and for the insert itself.
                assertTrue(allocated <= 7, "one put made " + allocated + " allocations");
                wasGrowing = map.growing();
            }
            assertTrue(growthsSeen >= 10, "only " + growthsSeen + " growths");
            while (map.growing()) {
                map.put(-1, -1);
                map.remove(-1);
            }
            MapStats done = map.stats();
            long expectedBytes = done.bucketCount() * done.bucketStride();
            assertTrue(done.bytesReserved() < expectedBytes * 1.5,
                    "old tables not released: " + done.bytesReserved() + " reserved for " + expectedBytes);
            assertEquals(done.bytesReserved(), allocator.bytesInUse());
        }
    }
}
