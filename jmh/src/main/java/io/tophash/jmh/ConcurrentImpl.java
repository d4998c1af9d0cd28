package io.tophash.jmh;

import io.tophash.ConcurrentLongLongMap;
import io.tophash.LongLongMap;
import io.tophash.memory.Allocators;

import java.util.function.IntFunction;

/**
 * The maps {@link ConcurrentMapBenchmark} shares between threads: tophash's concurrent map on
 * line-aligned and on naive(8) memory (words aligned, buckets straddling lines), the
 * single-threaded map behind one lock (what a user would do without the concurrent map),
 * {@code ConcurrentHashMap<Long, Long>} and Chronicle Map.
 */
public enum ConcurrentImpl {
    TOPHASH_CONCURRENT(size -> new Concurrent(ConcurrentLongLongMap.builder().expectedSize(size)
            .allocator(Allocators.cacheLineAligned()).seed(Impl.HASH_SEED).build())),
    TOPHASH_CONCURRENT_NAIVE8(size -> new Concurrent(ConcurrentLongLongMap.builder().expectedSize(size)
            .allocator(Allocators.naive(8)).seed(Impl.HASH_SEED).build())),
    TOPHASH_LOCKED(size -> new Locked(LongLongMap.builder().expectedSize(size).seed(Impl.HASH_SEED).build())),
    CONCURRENT_HASHMAP(BenchMap.JavaConcurrentHashMap::new),
    CHRONICLE_MAP(BenchMap.Chronicle::new);

    private final IntFunction<BenchMap> factory;

    ConcurrentImpl(IntFunction<BenchMap> factory) {
        this.factory = factory;
    }

    /** A map pre-sized for {@code expectedSize} entries, safe to share between threads. */
    BenchMap create(int expectedSize) {
        return factory.apply(expectedSize);
    }

    /** {@link ConcurrentLongLongMap}: lock-free reads, a seqlock per bucket for writes. */
    static final class Concurrent implements BenchMap {
        final ConcurrentLongLongMap map;
        private final BenchMap.ValueSum sum = new BenchMap.ValueSum();

        Concurrent(ConcurrentLongLongMap map) {
            this.map = map;
        }

        @Override
        public long get(long key) {
            return map.get(key);
        }

        @Override
        public void put(long key, long value) {
            map.put(key, value);
        }

        @Override
        public void remove(long key) {
            map.remove(key);
        }

        @Override
        public long size() {
            return map.size();
        }

        @Override
        public long sumValues() {
            sum.total = 0;
            map.forEach(sum);
            return sum.total;
        }

        @Override
        public void close() {
            map.close();
        }
    }

    /**
     * {@link LongLongMap} behind one {@code synchronized} monitor, reads included (a read racing
     * a write is not allowed on the single-threaded map).
     */
    static final class Locked implements BenchMap {
        final LongLongMap map;
        private final BenchMap.ValueSum sum = new BenchMap.ValueSum();

        Locked(LongLongMap map) {
            this.map = map;
        }

        @Override
        public synchronized long get(long key) {
            return map.get(key);
        }

        @Override
        public synchronized void put(long key, long value) {
            map.put(key, value);
        }

        @Override
        public synchronized void remove(long key) {
            map.remove(key);
        }

        @Override
        public synchronized long size() {
            return map.size();
        }

        @Override
        public synchronized long sumValues() {
            sum.total = 0;
            map.forEach(sum);
            return sum.total;
        }

        @Override
        public synchronized void close() {
            map.close();
        }
    }
}
