package io.tophash.jmh;

import org.agrona.collections.Hashing;
import org.agrona.collections.Long2LongHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchMapTest {

    private static final int SIZE = 10_000;

    @ParameterizedTest
    @EnumSource(Impl.class)
    void everyKeyPutIsFoundAndAMissReadsZero(Impl impl) {
        long[] keys = Workload.presentKeys(SIZE);
        try (BenchMap map = impl.create(SIZE)) {
            Workload.fill(map, keys);
            for (long key : keys) {
                assertEquals(key, map.get(key), impl + " get of a present key");
            }
            for (long key : Workload.absentKeys(SIZE, SIZE)) {
                assertEquals(0, map.get(key), impl + " get of an absent key");
            }
            for (int i = 0; i < SIZE; i += 2) {
                map.remove(keys[i]);
            }
            assertEquals(SIZE / 2, map.size(), impl + " size after removing every other key");
            for (int i = 0; i < SIZE; i++) {
                assertEquals(i % 2 == 0 ? 0 : keys[i], map.get(keys[i]), impl + " get after removals");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void sumValuesVisitsEveryEntryOnceAndReadsNoRemovedOne(Impl impl) {
        long[] keys = Workload.presentKeys(SIZE);
        try (BenchMap map = impl.create(SIZE)) {
            long expected = 0;
            for (int i = 0; i < SIZE; i++) {
                map.put(keys[i], i + 1);
                expected += i + 1;
            }
            assertEquals(expected, map.sumValues(), impl + " sum of every value");
            map.remove(keys[0]);
            map.remove(keys[SIZE - 1]);
            assertEquals(expected - 1 - SIZE, map.sumValues(), impl + " sum after two removals");
        }
    }

    /** Agrona's missing value must be no key: a value equal to it cannot be put. */
    @Test
    void noKeyTheBenchmarksDrawIsAgronasMissingValue() {
        int large = Integer.parseInt(Workload.LARGE);
        int putKeys = (large + PutBenchmark.BATCH - 1) / PutBenchmark.BATCH * PutBenchmark.BATCH;
        // present keys, then the absent ones GetMiss and Put draw after them in the same stream
        long[] drawn = Workload.presentKeys(large + Math.max(large, putKeys));
        assertTrue(Arrays.stream(drawn).noneMatch(key -> key == BenchMap.Agrona.MISSING_VALUE));
    }

    @ParameterizedTest
    @ValueSource(strings = {Workload.SMALL, Workload.LARGE})
    void agronaIsSizedToHoldEveryKeyWithoutGrowing(String size) {
        int entries = Integer.parseInt(size) + PutBenchmark.BATCH;
        Long2LongHashMap map = new Long2LongHashMap(BenchMap.Agrona.capacityFor(entries),
                Hashing.DEFAULT_LOAD_FACTOR, BenchMap.Agrona.MISSING_VALUE);
        assertTrue(map.resizeThreshold() >= entries, () -> map.resizeThreshold() + " < " + entries);
    }

    /** The surefire argLine in jmh/pom.xml must carry what the benchmark forks get. */
    @Test
    void testJvmHasChronicleFlags() {
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String flag : Workload.CHRONICLE_FLAGS) {
            assertTrue(jvmArgs.contains(flag), () -> flag + " missing from " + jvmArgs);
        }
    }
}
