package io.tophash.jmh;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GetLatencyBenchmarkTest {

    private static final int SIZE = 1_000;

    /**
     * The benchmark's own setup and method, on every map: {@code size} ops visit every key once,
     * the next op the first again.
     */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void theChainVisitsEveryKeyOnceThenComesBack(Impl impl) {
        GetLatencyBenchmark benchmark = new GetLatencyBenchmark();
        benchmark.impl = impl;
        benchmark.size = SIZE;
        benchmark.fill();
        try {
            assertOneCycleThroughEveryKey(benchmark::getLatency, Workload.presentKeys(SIZE));
        } finally {
            benchmark.close();
        }
    }

    /** The check above fails on a chain of two cycles, and on the identity map the other benchmarks fill. */
    @Test
    void twoCyclesOrSelfLoopsAreNotOneChain() {
        long[] keys = Workload.presentKeys(SIZE);
        try (BenchMap twoCycles = Impl.FASTUTIL.create(SIZE); BenchMap selfLoops = Impl.FASTUTIL.create(SIZE)) {
            int half = SIZE / 2;
            for (int i = 0; i < SIZE; i++) {
                int next = i < half ? (i + 1) % half : half + (i + 1 - half) % (SIZE - half);
                twoCycles.put(keys[i], keys[next]);
            }
            Workload.fill(selfLoops, keys);
            assertThrows(AssertionError.class, () -> assertOneCycleThroughEveryKey(walk(twoCycles, keys[0]), keys));
            assertThrows(AssertionError.class, () -> assertOneCycleThroughEveryKey(walk(selfLoops, keys[0]), keys));
        }
    }

    /** Each op's result is a key not returned before, all of them keys, and the op after the last returns the first. */
    private static void assertOneCycleThroughEveryKey(LongSupplier op, long[] keys) {
        Set<Long> expected = new HashSet<>();
        Arrays.stream(keys).forEach(expected::add);
        Set<Long> visited = new HashSet<>();
        long first = op.getAsLong();
        long key = first;
        for (int i = 0; i < keys.length; i++) {
            if (i > 0) {
                key = op.getAsLong();
            }
            assertTrue(expected.contains(key), "op " + i + " returned " + key + ", not a key");
            assertTrue(visited.add(key), "op " + i + " returned " + key + " a second time");
        }
        assertEquals(expected, visited);
        assertEquals(first, op.getAsLong(), "after every key, the chain comes back to where it started");
    }

    private static LongSupplier walk(BenchMap map, long start) {
        long[] current = {start};
        return () -> current[0] = map.get(current[0]);
    }
}
