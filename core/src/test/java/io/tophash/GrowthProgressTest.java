package io.tophash;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every growth finishes within as many writes as the old table has buckets (Go's bound: each
 * write evacuates the lowest bucket not yet evacuated), whatever order the writes come in.
 */
class GrowthProgressTest {

    /**
     * Issue #11, point 1: rewriting a forEach snapshot walks the old table in bucket order, so the
     * writes evacuate runs of buckets ahead of the evacuation mark; the mark then stalled inside
     * such a run and the growth never finished.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void rewritingAForEachSnapshotInBucketOrderFinishesTheGrowth(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        try (LongLongMap map = LongLongMap.builder().build()) {
            for (int i = 0; i < 370_000; i++) {
                map.put(random.nextLong(), i);
            }
            long[] snapshot = new long[(int) map.size()];
            int[] n = {0};
            map.forEach((k, v) -> snapshot[n[0]++] = k);
            GrowthWatch watch = new GrowthWatch(map);
            for (int i = 0; i < snapshot.length; i++) {
                map.put(snapshot[i], i);
                watch.afterWrite();
                if (i % 50 == 0) {
                    map.put(random.nextLong(), i);
                    watch.afterWrite();
                }
            }
            for (int i = 0; i < 400_000; i++) {
                map.put(snapshot[random.nextInt(snapshot.length)], i);
                watch.afterWrite();
            }
            assertFalse(map.growing(), "still growing after " + watch.writesInGrowth + " writes into a growth of "
                    + map.oldBucketCount() + " old buckets");
        }
    }

    /** Removing absent keys in bucket order is the other write pattern that stalled it. */
    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void removingAbsentKeysInBucketOrderFinishesTheGrowth(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        try (LongLongMap map = LongLongMap.builder().build()) {
            int i = 0;
            while (!map.growing()) {
                map.put(random.nextLong(), i++);
            }
            long[] snapshot = new long[(int) map.size()];
            int[] n = {0};
            map.forEach((k, v) -> snapshot[n[0]++] = k);
            GrowthWatch watch = new GrowthWatch(map);
            for (long key : snapshot) {
                map.remove(~key);
                watch.afterWrite();
            }
            for (int j = 0; j < snapshot.length && map.growing(); j++) {
                map.remove(random.nextLong());
                watch.afterWrite();
            }
            assertFalse(map.growing(), "still growing");
        }
    }

    /**
     * A write evacuates two old buckets while two are left (its own if needed, then claimed ones,
     * the claim stepping over evacuated ones), so a growth of random keys ends within about half
     * Go's bound. Go's rule, one claimed bucket per write, fails this.
     */
    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23})
    void randomWritesEndAGrowthWithinHalfTheOldBuckets(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        try (LongLongMap map = LongLongMap.builder().seed(seed).build()) {
            long oldBuckets = 0;
            long writes = 0;
            int growthsChecked = 0;
            for (int i = 0; i < 600_000; i++) {
                map.put(random.nextLong(), i);
                boolean growing = map.growing();
                if (growing && map.oldBucketCount() == oldBuckets) {
                    writes++;
                    continue;
                }
                if (oldBuckets >= 1024) { // the growth that just ended, or was replaced by the next
                    assertTrue(writes <= oldBuckets / 2 + oldBuckets / 32, "a growth of " + oldBuckets
                            + " old buckets took " + writes + " writes");
                    growthsChecked++;
                }
                oldBuckets = growing ? map.oldBucketCount() : 0;
                writes = growing ? 1 : 0;
            }
            assertTrue(growthsChecked >= 5, "only " + growthsChecked + " growths checked");
        }
    }

    /** Counts writes since the current growth started and fails once they pass Go's bound. */
    static final class GrowthWatch {
        private final LongLongMap map;
        long writesInGrowth;
        private long oldBuckets;

        GrowthWatch(LongLongMap map) {
            this.map = map;
            this.oldBuckets = map.oldBucketCount();
        }

        void afterWrite() {
            if (!map.growing()) {
                writesInGrowth = 0;
                oldBuckets = 0;
                return;
            }
            if (map.oldBucketCount() != oldBuckets) {
                oldBuckets = map.oldBucketCount();
                writesInGrowth = 0;
            }
            writesInGrowth++;
            assertTrue(writesInGrowth <= oldBuckets, "a growth of " + oldBuckets + " old buckets is still running after "
                    + writesInGrowth + " writes");
        }
    }
}
