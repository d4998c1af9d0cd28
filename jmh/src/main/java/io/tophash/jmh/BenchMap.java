package io.tophash.jmh;

import io.tophash.LongLongMap;
import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import net.openhft.chronicle.map.ChronicleMap;
import org.agrona.collections.Hashing;
import org.agrona.collections.Long2LongHashMap;

import java.util.HashMap;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The few map operations the benchmarks time, over each implementation under test. A fork
 * creates only one {@link Impl}, so every call site through this interface stays monomorphic
 * and the JIT inlines the adapter away.
 */
interface BenchMap extends AutoCloseable {

    /**
     * The value of {@code key}, or 0 when absent (the default of tophash, fastutil, Eclipse
     * Collections and HPPC, and the missing value Agrona's map is built with; the boxed maps'
     * null is turned into 0).
     */
    long get(long key);

    void put(long key, long value);

    void remove(long key);

    long size();

    /**
     * The sum of all values, from one pass over every entry with the map's own allocation-free
     * iteration where it has one (a primitive consumer or procedure held in a field, so the pass
     * allocates nothing); the boxed maps pass their existing boxes.
     */
    long sumValues();

    /**
     * Off-heap bytes the map holds (tophash: {@code MapStats.bytesReserved}, Chronicle Map:
     * {@code offHeapMemoryUsed}); empty for a map that lives on the heap.
     */
    default OptionalLong offHeapBytes() {
        return OptionalLong.empty();
    }

    /** Frees off-heap memory; a no-op for the on-heap maps. */
    @Override
    void close();

    final class Tophash implements BenchMap {
        private final ValueSum sum = new ValueSum();
        private final LongLongMap map;

        Tophash(LongLongMap map) {
            this.map = map;
        }

        /** The map itself, for its {@link LongLongMap#stats() stats}. */
        LongLongMap map() {
            return map;
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
        public OptionalLong offHeapBytes() {
            return OptionalLong.of(map.stats().bucketBytes());
        }

        @Override
        public void close() {
            map.close();
        }
    }

    final class Fastutil implements BenchMap {
        private final ValueSum sum = new ValueSum();
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
        public long sumValues() {
            sum.total = 0;
            map.forEach((it.unimi.dsi.fastutil.longs.LongLongBiConsumer) sum);
            return sum.total;
        }

        @Override
        public void close() {
        }
    }

    /** What code without a primitive map pays: a box per key and value, a node per entry. */
    final class JavaHashMap implements BenchMap {
        private final ValueSum sum = new ValueSum();
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
        public long sumValues() {
            sum.total = 0;
            map.forEach(sum);
            return sum.total;
        }

        @Override
        public void close() {
        }
    }

    /** Eclipse Collections' open-addressing {@code LongLongHashMap}, which leaves tombstones on removal. */
    final class EclipseCollections implements BenchMap {
        private final ValueSum sum = new ValueSum();
        private final org.eclipse.collections.impl.map.mutable.primitive.LongLongHashMap map;

        EclipseCollections(int expectedSize) {
            // initialCapacity is a number of entries: the table is sized so that they fit unresized
            this.map = new org.eclipse.collections.impl.map.mutable.primitive.LongLongHashMap(expectedSize);
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
            map.forEachKeyValue(sum);
            return sum.total;
        }

        @Override
        public void close() {
        }
    }

    /** HPPC's linear-probing {@code LongLongHashMap}, sized by expected elements like fastutil. */
    final class Hppc implements BenchMap {
        private final ValueSum sum = new ValueSum();
        private final com.carrotsearch.hppc.LongLongHashMap map;

        Hppc(int expectedSize) {
            this.map = new com.carrotsearch.hppc.LongLongHashMap(expectedSize);
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
            map.forEach((com.carrotsearch.hppc.procedures.LongLongProcedure) sum);
            return sum.total;
        }

        @Override
        public void close() {
        }
    }

    /**
     * Agrona's {@code Long2LongHashMap}, which marks an empty slot by its value and so needs a
     * value that no entry holds. It is built with {@value #MISSING_VALUE}, the value {@link #get}
     * promises for an absent key, so a miss needs no translation. The benchmarks put every key as
     * its own value, and no key they use is 0: a {@code SplittableRandom} stream yields 0 only
     * where its internal state is 0, once in 2^64 draws, and BenchMapTest checks every key drawn
     * at the sizes the benchmarks run. Were one 0, {@code put} would throw rather than skew a time.
     */
    final class Agrona implements BenchMap {
        private final ValueSum sum = new ValueSum();
        static final long MISSING_VALUE = 0;

        private final Long2LongHashMap map;

        Agrona(int expectedSize) {
            this.map = new Long2LongHashMap(capacityFor(expectedSize), Hashing.DEFAULT_LOAD_FACTOR, MISSING_VALUE);
        }

        /**
         * Agrona's initialCapacity is a table size, not a number of entries: the map grows once
         * it holds more than capacity x load factor, so it gets room for {@code expectedSize}.
         */
        static int capacityFor(int expectedSize) {
            return (int) Math.ceil(expectedSize / (double) Hashing.DEFAULT_LOAD_FACTOR);
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
            map.forEachLong(sum);
            return sum.total;
        }

        @Override
        public void close() {
        }
    }

    /** What code that shares a map between threads without a primitive map pays: boxes and nodes, plus CAS on writes. */
    final class JavaConcurrentHashMap implements BenchMap {
        private final ValueSum sum = new ValueSum();
        private final ConcurrentHashMap<Long, Long> map;

        JavaConcurrentHashMap(int expectedSize) {
            // initialCapacity is a number of entries: the table is sized so that they fit unresized
            this.map = new ConcurrentHashMap<>(expectedSize);
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
        public long sumValues() {
            sum.total = 0;
            map.forEach(sum);
            return sum.total;
        }

        @Override
        public void close() {
        }
    }

    /**
     * Chronicle Map in memory (no file): off heap like tophash, but its {@code Map<Long, Long>}
     * interface boxes every key, and get, put and remove each return a fresh {@code Long}, so
     * it allocates per op like HashMap. Needs {@link Workload#CHRONICLE_FLAGS} in the JVM.
     */
    final class Chronicle implements BenchMap {
        private final ValueSum sum = new ValueSum();
        private final ChronicleMap<Long, Long> map;

        Chronicle(int expectedSize) {
            this(ChronicleMap.of(Long.class, Long.class).entries(expectedSize).create());
        }

        /** A map already made (a persisted one). */
        Chronicle(ChronicleMap<Long, Long> map) {
            this.map = map;
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
            return map.longSize();
        }

        @Override
        public long sumValues() {
            sum.total = 0;
            map.forEach(sum);
            return sum.total;
        }

        @Override
        public OptionalLong offHeapBytes() {
            return OptionalLong.of(map.offHeapMemoryUsed());
        }

        @Override
        public void close() {
            map.close();
        }
    }

    /**
     * Adds up the values a map's iteration hands it. One class serves every map's primitive
     * callback (they differ only in name), and each adapter holds one instance, so a pass
     * allocates no consumer; a fork creates one map type, so the callback site stays monomorphic.
     */
    final class ValueSum implements io.tophash.LongLongConsumer, it.unimi.dsi.fastutil.longs.LongLongBiConsumer,
            org.eclipse.collections.api.block.procedure.primitive.LongLongProcedure,
            com.carrotsearch.hppc.procedures.LongLongProcedure, org.agrona.collections.LongLongConsumer {
        long total;

        @Override
        public void accept(long key, long value) {
            total += value;
        }

        @Override
        public void value(long key, long value) {
            total += value;
        }

        @Override
        public void apply(long key, long value) {
            total += value;
        }
    }
}
