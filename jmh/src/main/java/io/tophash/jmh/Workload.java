package io.tophash.jmh;

import java.util.SplittableRandom;

/** The keys, sizes and JVM every benchmark shares. */
final class Workload {

    /** A map that stays in cache (hundreds of KB), and one far larger than any last-level cache. */
    static final String SMALL = "10000";
    static final String LARGE = "10000000";

    /**
     * HashMap&lt;Long, Long&gt; at 10M entries holds about 0.9 GB (a 32-byte node and two 24-byte
     * boxes per entry, a 64 MB table) next to two 80 MB key arrays; 2 GB gives G1 about twice the
     * live data (1 GB cannot hold it), and every GB pre-touched costs each fork about half a
     * second. Pre-touching keeps first-touch page faults of the heap out of the timed iterations;
     * tophash's native memory is allocated and zeroed by the map itself, in the untimed setup.
     */
    static final String PRE_TOUCH = "-XX:+AlwaysPreTouch";
    static final String HEAP_MIN = "-Xms2g";
    static final String HEAP_MAX = "-Xmx2g";

    private static final long KEY_SEED = 0x7A5E_11AB_2024_0001L;

    private Workload() {
    }

    /** The keys the maps are filled with: the first {@code size} values of a fixed-seed stream. */
    static long[] presentKeys(int size) {
        return draw(new SplittableRandom(KEY_SEED), size);
    }

    /**
     * {@code count} keys that are not among {@link #presentKeys presentKeys(size)}: the values
     * after them in the same stream. {@link SplittableRandom#nextLong()} is a bijective mix of a
     * counter stepped by an odd constant, so its first 2^64 values are distinct: these keys are
     * absent by construction, no lookup needed to filter them.
     */
    static long[] absentKeys(int size, int count) {
        SplittableRandom random = new SplittableRandom(KEY_SEED);
        for (int i = 0; i < size; i++) {
            random.nextLong();
        }
        return draw(random, count);
    }

    /**
     * A copy of {@code keys} in a fixed random order. Lookups visit keys in this order rather than
     * in insertion order, because HashMap allocates its nodes in insertion order: walking them in
     * that order would be a sequential, prefetch-friendly scan that no real lookup stream gives.
     */
    static long[] shuffled(long[] keys) {
        long[] copy = keys.clone();
        SplittableRandom random = new SplittableRandom(KEY_SEED ^ 0x5_4FF1E);
        for (int i = copy.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long swap = copy[i];
            copy[i] = copy[j];
            copy[j] = swap;
        }
        return copy;
    }

    /** Puts every key with itself as the value, and checks that all of them landed. */
    static void fill(BenchMap map, long[] keys) {
        for (long key : keys) {
            map.put(key, key);
        }
        if (map.size() != keys.length) {
            throw new IllegalStateException("expected " + keys.length + " entries, map has " + map.size());
        }
    }

    private static long[] draw(SplittableRandom random, int count) {
        long[] keys = new long[count];
        for (int i = 0; i < count; i++) {
            keys[i] = random.nextLong();
        }
        return keys;
    }
}
