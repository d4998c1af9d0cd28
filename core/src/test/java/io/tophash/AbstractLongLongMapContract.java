package io.tophash;

import io.tophash.engine.Hashing;
import io.tophash.memory.Allocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@code long -> long} map promises, single-threaded ({@link LongLongMap}) or
 * concurrent ({@link ConcurrentLongLongMap}), whatever its allocator and padding.
 * Subclasses supply the allocator and padding; every test builds its maps through
 * {@link #builder()}, and every map built is closed after the test and checked for leaks.
 */
public abstract class AbstractLongLongMapContract {

    static final long SEED = 0x5EED_CAFE_F00DL;
    static final long[] EDGE_KEYS = {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1,
            Long.MAX_VALUE - 1, 0x8000_0000L, 0xFFFF_FFFFL, 0x0101_0101_0101_0101L};

    private final List<ContractMap> built = new ArrayList<>();
    private Allocator allocator;

    /** A fresh allocator for one test; used to check that closing a map gives every byte back. */
    protected abstract Allocator newAllocator();

    protected abstract BucketPadding padding();

    /** Which map the suite runs against: {@link LongLongMap} unless a subclass says otherwise. */
    protected ContractMap.Builder builderFor(Allocator allocator, BucketPadding padding) {
        return ContractMap.singleThreaded(allocator, padding);
    }

    /** A builder wired to this variant's allocator and padding, with a fixed seed. */
    protected ContractMap.Builder builder() {
        if (allocator == null) {
            allocator = newAllocator();
        }
        return builderFor(allocator, padding()).seed(SEED);
    }

    protected ContractMap newMap() {
        return track(builder().build());
    }

    protected ContractMap track(ContractMap map) {
        built.add(map);
        return map;
    }

    @AfterEach
    void closeEverythingAndCheckForLeaks() {
        built.forEach(ContractMap::close);
        if (allocator != null) {
            assertEquals(0, allocator.bytesInUse(), "bytes still allocated after every map was closed");
        }
    }

    /**
     * A batched lookup answers key for key as the model does: present and absent keys mixed, batch
     * lengths that are not a multiple of the batch, an empty batch, a map caught in the middle of a
     * growth (some keys in the old table, some in the next), the keys' own array as the values'
     * (in place), and a value array that is too short.
     */
    @Test
    void getAllAnswersAsGetDoesThroughAGrowth() {
        ContractMap map = newMap();
        SplittableRandom random = new SplittableRandom(17);
        List<Long> inserted = new ArrayList<>();
        Map<Long, Long> model = new HashMap<>();
        boolean sawGrowth = false;
        for (int round = 0; round < 40; round++) {
            for (int i = 0; i < 97; i++) {
                long key = random.nextLong();
                long value = random.nextLong();
                map.put(key, value);
                model.put(key, value);
                inserted.add(key);
            }
            sawGrowth |= map.growing();
            int n = random.nextInt(0, 70);
            long[] keys = new long[n];
            for (int i = 0; i < n; i++) {
                keys[i] = random.nextBoolean() ? inserted.get(random.nextInt(inserted.size()))
                        : i < EDGE_KEYS.length ? EDGE_KEYS[i] : random.nextLong();
            }
            long[] values = new long[n + random.nextInt(0, 3)];
            java.util.Arrays.fill(values, 0x5A5A5A5AL);
            map.getAll(keys, values);
            for (int i = 0; i < n; i++) {
                assertEquals(model.getOrDefault(keys[i], map.missingValue()), values[i],
                        "key " + keys[i] + " at " + i + " of " + n);
            }
            for (int i = n; i < values.length; i++) {
                assertEquals(0x5A5A5A5AL, values[i], "getAll wrote past the keys");
            }
        }
        assertTrue(sawGrowth, "no lookup batch met a growth in progress");
        long[] inPlace = new long[40];
        for (int i = 0; i < inPlace.length; i++) {
            inPlace[i] = i % 3 == 0 ? random.nextLong() : inserted.get(random.nextInt(inserted.size()));
        }
        long[] asked = inPlace.clone();
        map.getAll(inPlace, inPlace);
        for (int i = 0; i < asked.length; i++) {
            assertEquals(model.getOrDefault(asked[i], map.missingValue()), inPlace[i], "in place, key " + asked[i]);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> map.getAll(new long[3], new long[2]));
        assertTrue(e.getMessage().contains("values"), e.getMessage());
    }

    @Test
    void emptyMapAnswersMissing() {
        ContractMap map = newMap();
        assertTrue(map.isEmpty());
        assertEquals(0, map.size());
        for (long key : EDGE_KEYS) {
            assertFalse(map.containsKey(key));
            assertEquals(0, map.get(key));
            assertEquals(-7, map.getOrDefault(key, -7));
        }
    }

    @Test
    void edgeKeysAndValuesRoundTrip() {
        ContractMap map = newMap();
        for (long key : EDGE_KEYS) {
            assertEquals(0, map.put(key, ~key));
        }
        assertEquals(EDGE_KEYS.length, map.size());
        for (long key : EDGE_KEYS) {
            assertTrue(map.containsKey(key), () -> "missing " + key);
            assertEquals(~key, map.get(key));
        }
        for (long key : EDGE_KEYS) {
            assertEquals(~key, map.put(key, key));
        }
        assertEquals(EDGE_KEYS.length, map.size());
        for (long key : EDGE_KEYS) {
            assertEquals(key, map.remove(key));
            assertFalse(map.containsKey(key));
        }
        assertTrue(map.isEmpty());
    }

    @Test
    void missingValueIsConfigurableAndDistinctFromStoredValues() {
        ContractMap map = track(builder().missingValue(Long.MIN_VALUE).build());
        assertEquals(Long.MIN_VALUE, map.missingValue());
        assertEquals(Long.MIN_VALUE, map.get(42));
        assertEquals(Long.MIN_VALUE, map.put(42, Long.MIN_VALUE));
        assertTrue(map.containsKey(42));
        assertEquals(Long.MIN_VALUE, map.remove(42));
        assertEquals(Long.MIN_VALUE, map.remove(42));
        assertFalse(map.containsKey(42));
    }

    @Test
    void putIfAbsentInsertsOnlyOnce() {
        ContractMap map = newMap();
        assertEquals(0, map.putIfAbsent(5, 50));
        assertEquals(50, map.putIfAbsent(5, 51));
        assertEquals(50, map.get(5));
        assertEquals(1, map.size());
    }

    @Test
    void addAndGetCountsFromZeroAndWraps() {
        ContractMap map = newMap();
        assertEquals(3, map.addAndGet(9, 3));
        assertEquals(-1, map.addAndGet(9, -4));
        assertEquals(1, map.size());
        map.put(10, Long.MAX_VALUE);
        assertEquals(Long.MIN_VALUE, map.addAndGet(10, 1));
    }

    @Test
    void keysSharingOneBucketChainThroughOverflowBuckets() {
        ContractMap map = track(builder().expectedSize(1000).build());
        long buckets = map.stats().bucketCount();
        long[] keys = keysInOneBucket(buckets, 5 * padding().slotsPerBucket() + 3);
        for (long key : keys) {
            map.put(key, key * 3);
        }
        assertTrue(map.stats().overflowBucketCount() >= 5, map.stats()::toString);
        assertEquals(buckets, map.stats().bucketCount(), "no growth expected");
        for (long key : keys) {
            assertEquals(key * 3, map.get(key));
        }
        // Remove from the middle and the ends of the chain; lookups must still reach the tail.
        for (int i = 0; i < keys.length; i += 3) {
            assertEquals(keys[i] * 3, map.remove(keys[i]));
        }
        for (int i = 0; i < keys.length; i++) {
            assertEquals(i % 3 != 0, map.containsKey(keys[i]), "key #" + i);
        }
        // Reinsert: freed slots are reused, nothing is duplicated.
        for (int i = 0; i < keys.length; i += 3) {
            assertEquals(0, map.put(keys[i], -keys[i]));
        }
        assertEquals(keys.length, map.size());
        assertEquals(keys.length, contents(map).size());
        for (int i = keys.length - 1; i >= 0; i--) {
            map.remove(keys[i]);
        }
        assertTrue(map.isEmpty());
        assertTrue(contents(map).isEmpty());
    }

    @Test
    void keysSharingBucketAndTophashAreTellApartByKey() {
        ContractMap map = track(builder().expectedSize(1000).build());
        long buckets = map.stats().bucketCount();
        long first = 12345;
        long h = Hashing.hash(first, SEED);
        List<Long> twins = new ArrayList<>(List.of(first));
        for (long k = first + 1; twins.size() < 4; k++) {
            long g = Hashing.hash(k, SEED);
            if ((g & (buckets - 1)) == (h & (buckets - 1)) && (g >>> 56) == (h >>> 56)) {
                twins.add(k);
            }
        }
        for (long key : twins) {
            map.put(key, key + 1);
        }
        for (long key : twins) {
            assertEquals(key + 1, map.get(key));
        }
        assertEquals(twins.getFirst() + 1, map.remove(twins.getFirst()));
        assertFalse(map.containsKey(twins.getFirst()));
        assertEquals(twins.getLast() + 1, map.get(twins.getLast()));
    }

    @Test
    void growsThroughManyDoublingsKeepingEveryEntry() {
        ContractMap map = newMap();
        Map<Long, Long> expected = new HashMap<>();
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 50_000; i++) {
            long key = random.nextLong();
            map.put(key, i);
            expected.put(key, (long) i);
            if ((i & 4095) == 0) {
                assertContentsEqual(expected, map);
            }
        }
        assertContentsEqual(expected, map);
        assertTrue(map.stats().bucketCount() >= 50_000 / padding().slotsPerBucket(), map.stats()::toString);
    }

    @Test
    void operationsInTheMiddleOfAGrowthSeeBothTables() {
        ContractMap map = newMap();
        Map<Long, Long> expected = new HashMap<>();
        long key = 0;
        while (!map.growing() || map.oldBucketCount() < 64) {
            map.put(key, key);
            expected.put(key, key);
            key++;
        }
        MapStats during = map.stats();
        assertTrue(during.evacuatedBuckets() < during.oldBucketCount(), during::toString);
        assertContentsEqual(expected, map);
        // Removals, updates and inserts while growing.
        for (long k = 0; k < key; k += 2) {
            assertEquals(k, map.remove(k));
            expected.remove(k);
        }
        for (long k = 1; k < key; k += 4) {
            assertEquals(k, map.put(k, -k));
            expected.put(k, -k);
        }
        assertContentsEqual(expected, map);
        while (map.growing()) {
            map.put(key, key);
            expected.put(key, key);
            key++;
        }
        assertContentsEqual(expected, map);
    }

    @Test
    void removeThenReinsertManyTimesKeepsSizeAndMemoryBounded() {
        ContractMap map = track(builder().expectedSize(10_000).build());
        for (long k = 0; k < 10_000; k++) {
            map.put(k, k);
        }
        long bytes = map.stats().bytesReserved();
        SplittableRandom random = new SplittableRandom(2);
        for (int round = 0; round < 100_000; round++) {
            long k = random.nextLong(10_000);
            assertEquals(k, map.remove(k));
            assertEquals(0, map.put(k, k));
        }
        assertEquals(10_000, map.size());
        for (long k = 0; k < 10_000; k++) {
            assertEquals(k, map.get(k));
        }
        assertTrue(map.stats().bytesReserved() <= 2 * bytes, map.stats()::toString);
    }

    @Test
    void forEachVisitsEveryEntryOnceAlsoDuringGrowth() {
        ContractMap map = newMap();
        Map<Long, Long> expected = new HashMap<>();
        for (long k = 0; k < 20_000; k++) {
            map.put(k * 31, k);
            expected.put(k * 31, k);
            if (map.growing() && k % 97 == 0) {
                assertEquals(expected, contents(map), "during growth at k=" + k);
            }
        }
        assertEquals(expected, contents(map));
    }

    @Test
    void closeFreesMemoryAndEveryLaterCallFails() {
        ContractMap map = newMap();
        for (long k = 0; k < 1000; k++) {
            map.put(k, k);
        }
        map.close();
        map.close(); // idempotent
        List<Runnable> calls = List.of(() -> map.get(1), () -> map.getOrDefault(1, 2), () -> map.containsKey(1),
                () -> map.put(1, 1), () -> map.putIfAbsent(1, 1), () -> map.remove(1), () -> map.addAndGet(1, 1),
                map::size, map::isEmpty, map::stats, () -> map.forEach((k, v) -> { }));
        for (Runnable call : calls) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call::run);
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
    }

    @Test
    void closeFromInsideForEachStopsTheIteration() {
        ContractMap map = newMap();
        for (long k = 0; k < 100; k++) {
            map.put(k, k);
        }
        assertThrows(IllegalStateException.class, () -> map.forEach((k, v) -> map.close()));
    }

    @Test
    void statsDescribeTheMap() {
        ContractMap map = track(builder().expectedSize(100_000).build());
        for (long k = 0; k < 100_000; k++) {
            map.put(k, k);
        }
        MapStats stats = map.stats();
        assertEquals(100_000, stats.size());
        assertFalse(stats.growing(), "pre-sized map must not grow");
        assertEquals(padding().bucketLength(), stats.bucketStride());
        assertEquals(padding().slotsPerBucket(), stats.slotsPerBucket());
        assertTrue(stats.bytesReserved() >= stats.bucketCount() * stats.bucketStride());
        assertTrue(stats.bucketsAudited() >= stats.bucketCount());
        assertTrue(stats.bucketBytesPerEntry() < 3.0 * padding().bucketLength() / padding().slotsPerBucket(),
                stats::toString);
        assertTrue(stats.bucketBytes() <= stats.bytesReserved(), stats::toString);
    }

    @Test
    void seedsAreRandomPerMapUnlessFixed() {
        // Two maps with random seeds lay the same keys out differently: forEach order differs.
        ContractMap a = track(builderFor(newAllocatorForSeedTest(), padding()).build());
        ContractMap b = track(builderFor(newAllocatorForSeedTest(), padding()).build());
        for (long k = 0; k < 200; k++) {
            a.put(k, k);
            b.put(k, k);
        }
        assertFalse(order(a).equals(order(b)), "two maps with random seeds iterated in the same order");
        ContractMap c = newMap();
        ContractMap d = newMap();
        for (long k = 0; k < 200; k++) {
            c.put(k, k);
            d.put(k, k);
        }
        assertEquals(order(c), order(d), "fixed seeds must give the same layout");
    }

    private Allocator newAllocatorForSeedTest() {
        if (allocator == null) {
            allocator = newAllocator();
        }
        return allocator;
    }

    // ------------------------------------------------------------------------------ helpers

    static long[] keysInOneBucket(long buckets, int count) {
        long[] keys = new long[count];
        long target = Hashing.hash(0, SEED) & (buckets - 1);
        int n = 0;
        for (long k = 0; n < count; k++) {
            if ((Hashing.hash(k, SEED) & (buckets - 1)) == target) {
                keys[n++] = k;
            }
        }
        return keys;
    }

    static Map<Long, Long> contents(ContractMap map) {
        Map<Long, Long> seen = new HashMap<>();
        map.forEach((k, v) -> {
            if (seen.put(k, v) != null) {
                throw new AssertionError("forEach visited key " + k + " twice");
            }
        });
        return seen;
    }

    static List<Long> order(ContractMap map) {
        List<Long> keys = new ArrayList<>();
        map.forEach((k, v) -> keys.add(k));
        return keys;
    }

    static void assertContentsEqual(Map<Long, Long> expected, ContractMap map) {
        assertEquals(expected.size(), map.size(), "size");
        for (Map.Entry<Long, Long> e : expected.entrySet()) {
            assertTrue(map.containsKey(e.getKey()), () -> "missing key " + e.getKey() + " in " + map.stats());
            assertEquals(e.getValue(), map.get(e.getKey()), () -> "value of " + e.getKey());
        }
        assertEquals(expected, contents(map));
    }
}
