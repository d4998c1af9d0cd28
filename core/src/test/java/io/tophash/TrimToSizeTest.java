package io.tophash;

import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code trimToSize()} on every map, allocator and padding: the table shrinks to what the entries
 * need (the table a map pre-sized for them gets), incrementally (no write moves more than two
 * evacuation units of a step, and the shrink ends within as many writes as the full table had
 * buckets), nothing is lost or seen twice, the memory held afterwards is within the stated multiple
 * of a pre-sized map's ({@link #RESERVED_MULTIPLE}), and the key stores of the byte maps are
 * compacted. For the concurrent maps, readers go on meanwhile, and {@code clear()} empties the map
 * while they do.
 */
class TrimToSizeTest {

    /**
     * The stated bound: after a trim, the map holds at most this many times the bytes a map built
     * with {@code expectedSize(size())} holds, plus {@link #SLACK_BUCKETS} buckets (the overflow
     * area of a shrink is sized for the entries it moves plus one per unit: see {@code Growth}).
     */
    static final double RESERVED_MULTIPLE = 2.0;
    static final long SLACK_BUCKETS = 256;

    private static final int FULL = 40_000;
    private static final int KEPT = 700;

    enum Kind { SINGLE, CONCURRENT, BYTES, CONCURRENT_BYTES }

    record Config(Kind kind, Supplier<Allocator> allocator, String allocatorName, BucketPadding padding) {
        ContractMap build(long expectedSize, long seed) {
            Allocator a = allocator.get();
            return switch (kind) {
                case SINGLE -> new ContractMap.Single(LongLongMap.builder().allocator(a).padding(padding)
                        .expectedSize(expectedSize).missingValue(-1).seed(seed).build());
                case CONCURRENT -> new ContractMap.Concurrent(ConcurrentLongLongMap.builder().allocator(a)
                        .padding(padding).expectedSize(expectedSize).missingValue(-1).seed(seed).build());
                case BYTES -> new ContractMap.Bytes(BytesMap.builder().allocator(a).padding(padding)
                        .expectedSize(expectedSize).valueSize(ContractMap.Bytes.VALUE_SIZE).seed(seed).build());
                case CONCURRENT_BYTES -> new ContractMap.ConcurrentBytes(ConcurrentBytesMap.builder().allocator(a)
                        .padding(padding).expectedSize(expectedSize).valueSize(ContractMap.Bytes.VALUE_SIZE)
                        .seed(seed).build());
            };
        }

        @Override
        public String toString() {
            return kind + ", " + allocatorName + ", " + padding;
        }
    }

    static List<Config> configs() {
        List<Config> all = new ArrayList<>();
        Map<String, Supplier<Allocator>> allocators = new java.util.LinkedHashMap<>();
        allocators.put("cacheLineAligned", Allocators::cacheLineAligned);
        allocators.put("pageAligned", Allocators::pageAligned);
        allocators.put("naive(8)", () -> Allocators.naive(8));
        allocators.put("naive(3)", () -> Allocators.naive(3));
        allocators.put("hugePages", Allocators::hugePages);
        for (Kind kind : Kind.values()) {
            for (Map.Entry<String, Supplier<Allocator>> a : allocators.entrySet()) {
                if ((kind == Kind.CONCURRENT || kind == Kind.CONCURRENT_BYTES) && a.getKey().equals("naive(3)")) {
                    continue; // refused at build: atomics need 8-byte alignment
                }
                for (BucketPadding padding : BucketPadding.values()) {
                    all.add(new Config(kind, a.getValue(), a.getKey(), padding));
                }
            }
        }
        return all;
    }

    @TestFactory
    List<DynamicTest> shrinksIncrementallyToWhatTheEntriesNeedAndLosesNothing() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Config config : configs()) {
            tests.add(DynamicTest.dynamicTest(config.toString(), () -> shrink(config)));
        }
        return tests;
    }

    private static void shrink(Config config) {
        SplittableRandom random = new SplittableRandom(config.toString().hashCode());
        Map<Long, Long> model = new HashMap<>();
        try (ContractMap map = config.build(0, random.nextLong())) {
            for (long k = 0; k < FULL; k++) {
                map.put(k * 7919, k);
                model.put(k * 7919, k);
            }
            map.finishGrowth();
            long fullBuckets = map.stats().bucketCount();
            for (long k = KEPT; k < FULL; k++) {
                map.remove(k * 7919);
                model.remove(k * 7919);
            }
            assertFalse(map.growing());
            assertTrue(map.trimToSize(), "a map of " + fullBuckets + " buckets holding " + KEPT + " entries trims");
            assertTrue(map.growing(), "the trim is a growth toward fewer buckets");
            assertEquals(fullBuckets, map.oldBucketCount());

            long writes = 0;
            long step = map.oldBucketCount();
            long evacuated = map.evacuatedBuckets();
            long sizeAtTrim = map.size();
            while (map.growing()) {
                long k = random.nextLong(KEPT * 2L) * 7919; // present keys and absent ones: the size only falls
                long expected = model.getOrDefault(k, -1L);
                switch (random.nextInt(3)) {
                    case 0 -> {
                        assertEquals(expected, map.remove(k), "remove during the trim");
                        model.remove(k);
                    }
                    case 1 -> {
                        if (expected != -1) {
                            assertEquals(expected, map.put(k, k ^ 5), "put during the trim");
                            model.put(k, k ^ 5);
                        }
                    }
                    default -> assertEquals(expected, map.get(k), "get during the trim");
                }
                writes++;
                if (map.growing() && map.oldBucketCount() == step) {
                    long done = map.evacuatedBuckets();
                    assertTrue(done - evacuated <= 2, "one write moved " + (done - evacuated) + " units");
                    evacuated = done;
                } else {
                    step = map.oldBucketCount();
                    evacuated = map.evacuatedBuckets();
                }
                assertTrue(writes <= fullBuckets, "the trim still runs after " + writes + " writes");
            }
            assertEquals(model.size(), map.size());
            Map<Long, Long> seen = new HashMap<>();
            map.forEach((k, v) -> assertNull(seen.put(k, v), "forEach saw " + k + " twice"));
            assertEquals(model, seen);
            assertNull(map.auditChains());

            try (ContractMap atTrim = config.build(sizeAtTrim, 1); ContractMap fresh = config.build(map.size(), 1)) {
                long buckets = map.stats().bucketCount();
                assertTrue(buckets <= atTrim.stats().bucketCount() && buckets >= fresh.stats().bucketCount(),
                        buckets + " buckets after the trim: between what " + map.size() + " and " + sizeAtTrim
                                + " entries need");
                if (map.trimToSize()) { // the removals during the trim may leave room for one more step
                    map.finishGrowth();
                }
                MapStats trimmed = map.stats();
                MapStats presized = fresh.stats();
                assertEquals(presized.bucketCount(), trimmed.bucketCount(), "buckets after the trim");
                map.awaitRetiredReleased();
                fresh.awaitRetiredReleased();
                long bound = (long) (RESERVED_MULTIPLE * presized.bytesReserved())
                        + SLACK_BUCKETS * trimmed.bucketStride() + map.auxiliaryBytes();
                assertTrue(map.stats().bytesReserved() <= bound, map.stats().bytesReserved()
                        + " bytes held after the trim, bound " + bound);
                assertFalse(map.trimToSize(), "a trimmed map does not trim again");
            }
        }
    }

    @Test
    void anEmptiedMapTrimsToOneBucketAndGivesTheRestBack() {
        for (Config config : List.of(configs().get(0), config(Kind.CONCURRENT), config(Kind.BYTES),
                config(Kind.CONCURRENT_BYTES))) {
            try (ContractMap map = config.build(0, 3)) {
                for (long k = 0; k < 100_000; k++) {
                    map.put(k, k);
                }
                map.finishGrowth();
                map.awaitRetiredReleased();
                long full = map.stats().bytesReserved();
                for (long k = 0; k < 100_000; k++) {
                    map.remove(k);
                }
                assertEquals(full, map.stats().bytesReserved(), config + ": removals give nothing back");
                assertTrue(map.trimToSize());
                assertTrue(map.finishGrowth());
                assertEquals(1, map.stats().bucketCount(), config.toString());
                map.awaitRetiredReleased();
                long left = map.stats().bytesReserved();
                try (ContractMap empty = config.build(0, 1)) {
                    long bound = (long) (RESERVED_MULTIPLE * empty.stats().bytesReserved());
                    assertTrue(left <= bound, config + ": " + left + " bytes left of " + full + ", bound " + bound);
                }
                map.put(1, 2);
                assertEquals(2, map.get(1));
            }
        }
    }

    private static Config config(Kind kind) {
        return configs().stream().filter(c -> c.kind() == kind).findFirst().orElseThrow();
    }

    @Test
    void byteMapsCompactTheirKeyStoreWhenTheTableAlreadyFits() {
        MemorySegment value = MemorySegment.ofArray(new long[2]);
        try (BytesMap single = BytesMap.builder().valueSize(16).build();
             ConcurrentBytesMap shared = ConcurrentBytesMap.builder().valueSize(16).build()) {
            for (int k = 0; k < 20_000; k++) {
                single.put(String.format("%040d", k), value); // 40-byte keys
                shared.put(String.format("%040d", k), value);
            }
            for (int k = 0; k < 20_000; k++) {
                single.remove(String.format("%040d", k));
                shared.remove(String.format("%040d", k));
                single.put(String.format("%064d", k), value); // drifted: 64-byte keys
                shared.put(String.format("%064d", k), value);
            }
            single.finishGrowth();
            shared.finishGrowth();
            long singleBefore = single.keyStoreBytes();
            long sharedBefore = shared.keyStoreBytes();
            assertTrue(single.trimToSize(), "the store holds freed 40-byte blocks: " + single.keyStoreFigures()[1]);
            assertTrue(shared.trimToSize(), "the store holds freed 40-byte blocks: " + shared.keyStoreFigures()[1]);
            single.finishGrowth();
            shared.finishGrowth();
            for (Object figures : List.of(single.keyStoreFigures(), shared.keyStoreFigures())) {
                long[] f = (long[]) figures;
                assertEquals(0, f[1], "no freed block left");
                assertEquals(20_000L * 64, f[0]);
                assertEquals(f[0], f[2], "the store holds exactly its live keys");
            }
            assertTrue(single.keyStoreBytes() < singleBefore && shared.keyStoreBytes() < sharedBefore);
            for (int k = 0; k < 20_000; k += 97) {
                assertTrue(single.containsKey(String.format("%064d", k)) && shared.containsKey(String.format("%064d", k)));
            }
            assertFalse(single.trimToSize());
            assertFalse(shared.trimToSize());
        }
    }

    /** The operations the concurrent test needs, safe to call from any thread (no shared scratch). */
    interface SharedMap extends AutoCloseable {
        long get(long key); // -1 when absent

        void put(long key, long value);

        void remove(long key);

        boolean trimToSize();

        void clear();

        boolean growing();

        MapStats stats();

        @Override
        void close();
    }

    static SharedMap shared(ConcurrentLongLongMap map) {
        return new SharedMap() {
            public long get(long key) { return map.get(key); }
            public void put(long key, long value) { map.put(key, value); }
            public void remove(long key) { map.remove(key); }
            public boolean trimToSize() { return map.trimToSize(); }
            public void clear() { map.clear(); }
            public boolean growing() { return map.growing(); }
            public MapStats stats() { return map.stats(); }
            public void close() { map.close(); }
        };
    }

    static SharedMap shared(ConcurrentBytesMap map) {
        return new SharedMap() {
            public long get(long key) {
                MemorySegment record = MemorySegment.ofArray(new long[2]);
                return map.getInto(ContractMap.Bytes.key(key), record) ? ContractMap.Bytes.valueOf(record) : -1;
            }
            public void put(long key, long value) {
                map.put(ContractMap.Bytes.key(key), MemorySegment.ofArray(new long[] {value, -value}));
            }
            public void remove(long key) { map.remove(ContractMap.Bytes.key(key)); }
            public boolean trimToSize() { return map.trimToSize(); }
            public void clear() { map.clear(); }
            public boolean growing() { return map.growing(); }
            public MapStats stats() { return map.stats(); }
            public void close() { map.close(); }
        };
    }

    @TestFactory
    List<DynamicTest> readersGoOnWhileAConcurrentMapTrimsAndClears() {
        List<DynamicTest> tests = new ArrayList<>();
        for (BucketPadding padding : BucketPadding.values()) {
            tests.add(DynamicTest.dynamicTest("ConcurrentLongLongMap, " + padding, () -> readersDuringTrimAndClear(
                    shared(ConcurrentLongLongMap.builder().padding(padding).missingValue(-1).build()))));
            tests.add(DynamicTest.dynamicTest("ConcurrentBytesMap, " + padding, () -> readersDuringTrimAndClear(
                    shared(ConcurrentBytesMap.builder().padding(padding).valueSize(16).build()))));
        }
        return tests;
    }

    /**
     * Two readers look up keys that are never removed while a writer removes the others, trims and
     * then keeps writing until the trim is done, and a second writer puts and removes keys of its
     * own; every stable key is found with its value throughout. Then {@code clear()} runs while the
     * readers go on: after it returns, no key written before it is left.
     */
    private static void readersDuringTrimAndClear(SharedMap shared) throws Exception {
        try (SharedMap map = shared) {
            int stable = 2_000;
            for (long k = 0; k < 60_000; k++) {
                map.put(k, k * 3);
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicBoolean clearing = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong reads = new AtomicLong();
            CountDownLatch ready = new CountDownLatch(3);
            List<Thread> threads = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                long seed = r;
                threads.add(new Thread(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    ready.countDown();
                    try {
                        while (!stop.get()) {
                            long k = random.nextLong(stable);
                            long v = map.get(k);
                            if (v != k * 3 && !(v == -1 && clearing.get())) {
                                throw new AssertionError("stable key " + k + " read " + v);
                            }
                            reads.incrementAndGet();
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }));
            }
            threads.add(new Thread(() -> { // a second writer, of keys of its own
                ready.countDown();
                try {
                    for (long i = 0; !stop.get(); i++) {
                        long k = 1_000_000 + (i % 5_000);
                        if ((i / 5_000) % 2 == 0) {
                            map.put(k, k);
                        } else {
                            map.remove(k);
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
            threads.forEach(Thread::start);
            ready.await();
            for (long k = stable; k < 60_000; k++) {
                map.remove(k);
            }
            long full = map.stats().bucketCount();
            assertTrue(map.trimToSize());
            for (long k = 2_000_000; map.growing(); k++) {
                map.put(k, k);
                map.remove(k);
            }
            long trimmed = map.stats().bucketCount();
            long readsDuringTrim = reads.get();
            for (long k = 0; k < stable; k++) {
                assertEquals(k * 3, map.get(k));
            }
            clearing.set(true);
            map.clear();
            for (long k = 0; k < stable; k++) {
                assertEquals(-1, map.get(k), "key " + k + " survived clear()");
            }
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
            assertNull(failure.get(), () -> "a reader or writer failed: " + failure.get());
            assertTrue(readsDuringTrim > 0);
            assertTrue(trimmed * 8 <= full, "trimmed from " + full + " to " + trimmed + " buckets");
        }
    }

    /**
     * A trim between two steps of a walk switches the table writes go to without moving an entry:
     * the walk must end with {@code ConcurrentModificationException}, not go on in the new, empty
     * table and silently miss the rest.
     */
    @Test
    void aTrimEndsAWalkInProgress() {
        try (LongLongMap map = LongLongMap.builder().expectedSize(FULL).build()) {
            for (int i = 0; i < KEPT; i++) {
                map.put(i, i);
            }
            LongLongMap.Cursor cursor = map.cursor();
            assertTrue(cursor.next());
            assertTrue(map.trimToSize(), "the over-sized table shrinks");
            assertThrows(ConcurrentModificationException.class, cursor::next);
        }
        try (BytesMap map = BytesMap.builder().expectedSize(FULL).valueSize(16).build()) {
            MemorySegment value = MemorySegment.ofArray(new byte[16]);
            for (int i = 0; i < KEPT; i++) {
                map.put(("key-" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII), value);
            }
            int[] seen = {0};
            assertThrows(ConcurrentModificationException.class, () -> map.forEach((k, v) -> {
                if (seen[0]++ == 0) {
                    map.trimToSize();
                }
            }));
            assertEquals(1, seen[0], "the walk went on after the trim");
            assertEquals(KEPT, map.size());
        }
    }
}
