package io.tophash;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the boolean answers say, checked single-threaded and fast so that mutation testing runs it
 * (PIT found these answers unchecked by the tests it runs: the multi-threaded suites are too slow
 * for it).
 */
class ReturnValuesTest {

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void isEmptyFollowsTheEntries(boolean concurrent) {
        try (ContractMap map = map(concurrent)) {
            assertTrue(map.isEmpty());
            map.put(1, 10);
            assertFalse(map.isEmpty());
            map.remove(1);
            assertTrue(map.isEmpty());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void finishGrowthSaysWhetherAGrowthWasInProgress(boolean concurrent) {
        try (ContractMap map = map(concurrent)) {
            assertFalse(map.finishGrowth(), "nothing to finish in a new map");
            long k = 0;
            while (!map.growing()) {
                map.put(k, k);
                k++;
            }
            assertTrue(map.finishGrowth());
            assertFalse(map.growing());
            assertFalse(map.finishGrowth(), "finished already");
            for (long i = 0; i < k; i++) {
                assertEquals(i, map.get(i));
            }
        }
    }

    @Test
    void conditionalRemoveAndReplaceSayWhetherTheyActed() {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().missingValue(-1).build()) {
            map.put(1, 10);
            assertFalse(map.remove(1, 11), "value differs");
            assertFalse(map.remove(2, 10), "key absent");
            assertEquals(10, map.get(1));
            assertFalse(map.replace(1, 11, 12), "value differs");
            assertFalse(map.replace(2, 10, 12), "key absent");
            assertEquals(10, map.get(1));
            assertTrue(map.replace(1, 10, 12));
            assertEquals(12, map.get(1));
            assertTrue(map.remove(1, 12));
            assertEquals(-1, map.get(1));
            assertEquals(0, map.size());
        }
    }

    private static ContractMap map(boolean concurrent) {
        return concurrent
                ? new ContractMap.Concurrent(ConcurrentLongLongMap.builder().missingValue(-1).build())
                : new ContractMap.Single(LongLongMap.builder().missingValue(-1).build());
    }
}
