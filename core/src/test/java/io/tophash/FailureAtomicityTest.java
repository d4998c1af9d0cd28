package io.tophash;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An allocator that refuses never costs an entry, and the map stays usable. */
class FailureAtomicityTest {

    @ParameterizedTest
    @EnumSource(BucketPadding.class)
    void refusedGrowthLosesNothingAndTheMapStaysUsableAtItsOldSize(BucketPadding padding) {
        CountingAllocator allocator = new CountingAllocator();
        Map<Long, Long> expected = new HashMap<>();
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).padding(padding).seed(3).build()) {
            long key = 0;
            for (; key < 1000; key++) {
                map.put(key, key);
                expected.put(key, key);
            }
            while (map.growing()) {
                map.put(key, key);
                expected.put(key, key);
                key++;
            }
            long buckets = map.stats().bucketCount();
            allocator.refusing = true;
            OutOfMemoryError refused = null;
            for (; refused == null; key++) {
                try {
                    map.put(key, key);
                    expected.put(key, key);
                } catch (OutOfMemoryError e) {
                    refused = e;
                }
            }
            long failedKey = key - 1;
            assertFalse(map.containsKey(failedKey), "the failed put must not have inserted");
            AbstractSingleThreadedContract.assertContentsEqual(expected, map);
            assertTrue(map.stats().bucketCount() >= buckets);
            assertThrows(OutOfMemoryError.class, () -> map.put(failedKey, 1), "retrying still needs the memory");

            // Still usable: reads, updates and removals need no memory.
            assertEquals(5, map.put(5, 55));
            expected.put(5L, 55L);
            assertEquals(6, map.remove(6));
            expected.remove(6L);
            assertEquals(7 + 1, map.addAndGet(7, 1));
            expected.put(7L, 8L);
            AbstractSingleThreadedContract.assertContentsEqual(expected, map);

            // Memory comes back: the growth resumes and completes.
            allocator.refusing = false;
            for (long k = failedKey; k < failedKey + 20_000; k++) {
                map.put(k, k);
                expected.put(k, k);
            }
            AbstractSingleThreadedContract.assertContentsEqual(expected, map);
        }
        assertEquals(0, allocator.bytesInUse());
    }

    /**
     * A growth reserves its whole next table when it starts (lazily mapped), so once started it
     * needs no memory: it runs to its end with the allocator refusing everything, and every
     * write meanwhile succeeds (issue #11: evacuation used to allocate, and a refusal stalled it).
     */
    @ParameterizedTest
    @EnumSource(BucketPadding.class)
    void aGrowthInProgressFinishesWhileTheAllocatorRefusesEverything(BucketPadding padding) {
        CountingAllocator allocator = new CountingAllocator();
        Map<Long, Long> expected = new HashMap<>();
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).padding(padding).seed(4).build()) {
            long key = 0;
            while (!map.growing() || map.oldBucketCount() < 256) {
                map.put(key, key);
                expected.put(key, key);
                key++;
            }
            allocator.refusing = true;
            int allocationsBefore = allocator.allocations;
            long writes = 0;
            while (map.growing()) {
                map.put(key, key);
                expected.put(key, key);
                key++;
                if (++writes % 7 == 0) {
                    assertEquals(expected.remove(writes), map.containsKey(writes) ? map.remove(writes) : null);
                }
            }
            assertEquals(allocationsBefore, allocator.allocations, "the growth asked for no memory");
            assertTrue(writes <= map.stats().bucketCount() / 2, "ended within Go's bound: " + writes + " writes");
            AbstractSingleThreadedContract.assertContentsEqual(expected, map);
            allocator.refusing = false;
        }
        assertEquals(0, allocator.bytesInUse());
    }

    @ParameterizedTest
    @EnumSource(BucketPadding.class)
    void aBuildThatCannotGetItsMemoryLeaksNothing(BucketPadding padding) {
        CountingAllocator refusing = new CountingAllocator();
        refusing.refusing = true;
        assertThrows(OutOfMemoryError.class,
                () -> LongLongMap.builder().allocator(refusing).padding(padding).expectedSize(200_000).build());
        assertThrows(OutOfMemoryError.class,
                () -> ConcurrentLongLongMap.builder().allocator(refusing).padding(padding).expectedSize(200_000).build());
        assertEquals(0, refusing.allocations);
        assertEquals(0, refusing.bytesInUse());
    }
}
