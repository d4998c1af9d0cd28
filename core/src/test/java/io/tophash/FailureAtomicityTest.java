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

    @ParameterizedTest
    @EnumSource(BucketPadding.class)
    void refusalInTheMiddleOfAGrowthLosesNothing(BucketPadding padding) {
        CountingAllocator allocator = new CountingAllocator();
        Map<Long, Long> expected = new HashMap<>();
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).padding(padding).seed(4)
                .chunkBytes(4096).build()) {
            long key = 0;
            while (!map.growing() || map.oldBucketCount() < 256) {
                map.put(key, key);
                expected.put(key, key);
                key++;
            }
            allocator.refusing = true;
            int failures = 0;
            for (int i = 0; i < 5_000; i++, key++) {
                try {
                    map.put(key, key);
                    expected.put(key, key);
                } catch (OutOfMemoryError e) {
                    failures++;
                }
                if (i % 250 == 0) {
                    long victim = i;
                    assertEquals(expected.containsKey(victim) ? expected.remove(victim) : 0, map.remove(victim));
                }
            }
            assertTrue(failures > 0, "some inserts must have needed memory");
            assertTrue(map.growing(), "growth stalls while memory is refused");
            AbstractSingleThreadedContract.assertContentsEqual(expected, map);
            allocator.refusing = false;
            while (map.growing()) {
                map.put(key, key);
                expected.put(key, key);
                key++;
            }
            AbstractSingleThreadedContract.assertContentsEqual(expected, map);
        }
        assertEquals(0, allocator.bytesInUse());
    }

    @ParameterizedTest
    @EnumSource(BucketPadding.class)
    void aBuildThatCannotGetItsMemoryLeaksNothing(BucketPadding padding) {
        CountingAllocator allocator = new CountingAllocator();
        LongLongMap.Builder builder = LongLongMap.builder().allocator(allocator).padding(padding)
                .expectedSize(200_000).chunkBytes(4096);
        // Let the build get some chunks, then refuse the rest.
        CountingAllocator limited = new CountingAllocator();
        limited.refuseAfter = 10;
        assertThrows(OutOfMemoryError.class, () -> builder.allocator(limited).build());
        assertEquals(10, limited.allocations);
        assertEquals(10, limited.releases);
        assertEquals(0, limited.bytesInUse());
        assertEquals(0, allocator.bytesInUse());
    }
}
