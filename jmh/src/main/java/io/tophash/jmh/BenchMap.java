package io.tophash.jmh;

import io.tophash.LongLongMap;
import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;

import java.util.HashMap;

/**
 * The few map operations the benchmarks time, over each implementation under test. A fork
 * creates only one {@link Impl}, so every call site through this interface stays monomorphic
 * and the JIT inlines the adapter away.
 */
interface BenchMap extends AutoCloseable {

    /** The value of {@code key}, or 0 when absent (tophash's and fastutil's default). */
    long get(long key);

    void put(long key, long value);

    void remove(long key);

    long size();

    /** Frees off-heap memory; a no-op for the on-heap maps. */
    @Override
    void close();

    final class Tophash implements BenchMap {
        private final LongLongMap map;

        Tophash(LongLongMap map) {
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
        public void close() {
            map.close();
        }
    }

    final class Fastutil implements BenchMap {
        private final Long2LongOpenHashMap map;

        Fastutil(int expectedSize) {
            this.map = new Long2LongOpenHashMap(expectedSize);
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
        public void close() {
        }
    }

    /** What code without a primitive map pays: a box per key and value, a node per entry. */
    final class JavaHashMap implements BenchMap {
        private final HashMap<Long, Long> map;

        JavaHashMap(int expectedSize) {
            this.map = HashMap.newHashMap(expectedSize);
        }

        @Override
        public long get(long key) {
            Long value = map.get(key);
            return value == null ? 0 : value;
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
        public void close() {
        }
    }
}
