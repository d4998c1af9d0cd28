package io.tophash;

import io.tophash.memory.Allocator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BytesMap} behaves like a {@code HashMap<String, byte[]>} over random operation sequences
 * long enough to cross several growths, checked after every step, on every allocator and padding,
 * with keys inline and stored, given in each of the key forms, and (in a quarter of the runs) with
 * the hash cut to a few bits so that distinct keys share whole hashes and the probe must compare
 * keys past a matching hash; {@link ConcurrentBytesMap} runs the same sequences through its own API.
 */
class BytesMapProperties {

    enum Kind { PUT, GET, GET_INTO, ACQUIRE, REMOVE, CONTAINS, CLEAR, FOR_EACH, FINISH_GROWTH }

    /** How a key is handed to the map. */
    enum Form { STRING, BUILDER, BYTES, HEAP_SEGMENT, NATIVE_SEGMENT, RANGE }

    record Op(Kind kind, String key, Form form, long value) {
    }

    @Property(edgeCases = EdgeCasesMode.NONE)
    void behavesLikeHashMap(@ForAll("allocators") String allocatorName, @ForAll BucketPadding padding,
                            @ForAll("valueSizes") int valueSize, @ForAll("hashMasks") long hashMask,
                            @ForAll("operations") List<Op> ops) {
        Allocator allocator = LongLongMapProperties.allocator(allocatorName);
        Map<String, byte[]> model = new HashMap<>();
        try (Arena arena = Arena.ofConfined();
             BytesMap map = BytesMap.builder().allocator(allocator).padding(padding).valueSize(valueSize)
                     .maxKeyLength(64).hashMaskForTests(hashMask).build()) {
            MemorySegment target = arena.allocate(valueSize);
            int step = 0;
            for (Op op : ops) {
                String where = "step " + step++ + " " + op;
                String k = op.key();
                byte[] v = valueOf(op.value(), valueSize);
                switch (op.kind()) {
                    case PUT -> assertEquals(model.put(k, v) == null, put(map, op, arena, MemorySegment.ofArray(v)), where);
                    case GET -> {
                        MemorySegment got = get(map, op, arena);
                        byte[] expected = model.get(k);
                        if (expected == null) {
                            assertNull(got, where);
                        } else {
                            assertTrue(got.isReadOnly(), where);
                            assertArrayEquals(expected, got.toArray(ValueLayout.JAVA_BYTE), where);
                        }
                    }
                    case GET_INTO -> {
                        byte[] expected = model.get(k);
                        assertEquals(expected != null, map.getInto(k, target), where);
                        if (expected != null) {
                            assertArrayEquals(expected, target.toArray(ValueLayout.JAVA_BYTE), where);
                        }
                    }
                    case ACQUIRE -> {
                        byte[] before = model.getOrDefault(k, new byte[valueSize]);
                        MemorySegment view = acquire(map, op, arena);
                        assertArrayEquals(before, view.toArray(ValueLayout.JAVA_BYTE), where);
                        view.set(ValueLayout.JAVA_BYTE, valueSize - 1, (byte) op.value());
                        byte[] after = before.clone();
                        after[valueSize - 1] = (byte) op.value();
                        model.put(k, after);
                    }
                    case REMOVE -> assertEquals(model.remove(k) != null, remove(map, op, arena), where);
                    case CONTAINS -> assertEquals(model.containsKey(k), contains(map, op, arena), where);
                    case CLEAR -> {
                        model.clear();
                        map.clear();
                    }
                    case FOR_EACH -> assertModel(model, map, where);
                    case FINISH_GROWTH -> {
                        map.finishGrowth();
                        assertTrue(!map.growing(), where);
                    }
                }
                assertEquals(model.size(), map.size(), where);
            }
            assertModel(model, map, "at the end");
            assertEquals(null, map.auditChains());
            Statistics.label("buckets at the end").collect(map.stats().bucketCount() >= 64 ? ">= 64" : "< 64");
        }
        assertEquals(0, allocator.bytesInUse(), "memory left allocated after close");
    }

    static void assertModel(Map<String, byte[]> model, BytesMap map, String where) {
        assertModel(model, map::forEach, where);
    }

    static void assertModel(Map<String, byte[]> model, java.util.function.Consumer<BytesEntryConsumer> forEach,
                            String where) {
        Map<String, byte[]> seen = new HashMap<>();
        forEach.accept((key, value) -> {
            assertTrue(key.isReadOnly(), where);
            byte[] previous = seen.put(new String(key.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8),
                    value.toArray(ValueLayout.JAVA_BYTE));
            assertNull(previous, where + ": a key visited twice");
        });
        assertEquals(model.keySet(), seen.keySet(), where);
        model.forEach((k, v) -> assertArrayEquals(v, seen.get(k), where + " " + k));
    }

    /** The same sequences for {@link ConcurrentBytesMap}: get is getInto, acquire is update, clear removes every key. */
    @Property(edgeCases = EdgeCasesMode.NONE)
    void concurrentMapBehavesLikeHashMap(@ForAll("alignedAllocators") String allocatorName, @ForAll BucketPadding padding,
                                         @ForAll("valueSizes") int valueSize, @ForAll("hashMasks") long hashMask,
                                         @ForAll("operations") List<Op> ops) {
        Allocator allocator = LongLongMapProperties.allocator(allocatorName);
        Map<String, byte[]> model = new HashMap<>();
        try (Arena arena = Arena.ofConfined();
             ConcurrentBytesMap map = ConcurrentBytesMap.builder().allocator(allocator).padding(padding)
                     .valueSize(valueSize).maxKeyLength(64).hashMaskForTests(hashMask).build()) {
            MemorySegment target = arena.allocate(valueSize);
            int step = 0;
            for (Op op : ops) {
                String where = "step " + step++ + " " + op;
                String k = op.key();
                byte[] v = valueOf(op.value(), valueSize);
                switch (op.kind()) {
                    case PUT -> {
                        MemorySegment value = MemorySegment.ofArray(v);
                        if (op.value() % 3 == 0) {
                            assertEquals(!model.containsKey(k), map.putIfAbsent(k, value), where);
                            model.putIfAbsent(k, v);
                        } else {
                            assertEquals(model.put(k, v) == null, put(map, op, arena, value), where);
                        }
                    }
                    case GET, GET_INTO -> {
                        byte[] expected = model.get(k);
                        assertEquals(expected != null, getInto(map, op, arena, target), where);
                        if (expected != null) {
                            assertArrayEquals(expected, target.toArray(ValueLayout.JAVA_BYTE), where);
                        }
                    }
                    case ACQUIRE -> {
                        byte[] before = model.getOrDefault(k, new byte[valueSize]);
                        byte[] seen = new byte[valueSize];
                        update(map, op, arena, value -> {
                            MemorySegment.copy(value, ValueLayout.JAVA_BYTE, 0, seen, 0, valueSize);
                            value.set(ValueLayout.JAVA_BYTE, valueSize - 1, (byte) op.value());
                        });
                        assertArrayEquals(before, seen, where);
                        byte[] after = before.clone();
                        after[valueSize - 1] = (byte) op.value();
                        model.put(k, after);
                    }
                    case REMOVE -> assertEquals(model.remove(k) != null, remove(map, op, arena), where);
                    case CONTAINS -> assertEquals(model.containsKey(k), contains(map, op, arena), where);
                    case CLEAR -> {
                        for (String key : model.keySet()) {
                            assertTrue(map.remove(key), where);
                        }
                        model.clear();
                    }
                    case FOR_EACH -> assertModel(model, map::forEach, where);
                    case FINISH_GROWTH -> {
                        map.finishGrowth();
                        assertTrue(!map.growing(), where);
                    }
                }
                assertEquals(model.size(), map.size(), where);
            }
            assertModel(model, map::forEach, "at the end");
            assertEquals(null, map.auditChains());
        }
        assertEquals(0, allocator.bytesInUse(), "memory left allocated after close");
    }

    @Provide
    Arbitrary<String> alignedAllocators() {
        return Arbitraries.of("cacheLineAligned", "pageAligned", "naive(8)");
    }

    private static boolean put(ConcurrentBytesMap map, Op op, Arena arena, MemorySegment value) {
        return switch (op.form()) {
            case STRING -> map.put(op.key(), value);
            case BUILDER -> map.put(new StringBuilder(op.key()), value);
            case BYTES -> map.put(bytes(op), value);
            case HEAP_SEGMENT -> map.put(MemorySegment.ofArray(bytes(op)), value);
            case NATIVE_SEGMENT -> map.put(nativeKey(op, arena), value);
            case RANGE -> map.put(padded(op, arena), 3, bytes(op).length, value);
        };
    }

    private static boolean getInto(ConcurrentBytesMap map, Op op, Arena arena, MemorySegment target) {
        return switch (op.form()) {
            case STRING -> map.getInto(op.key(), target);
            case BUILDER -> map.getInto(new StringBuilder(op.key()), target);
            case BYTES -> map.getInto(bytes(op), target);
            case HEAP_SEGMENT -> map.getInto(MemorySegment.ofArray(bytes(op)), target);
            case NATIVE_SEGMENT -> map.getInto(nativeKey(op, arena), target);
            case RANGE -> map.getInto(padded(op, arena), 3, bytes(op).length, target);
        };
    }

    private static void update(ConcurrentBytesMap map, Op op, Arena arena, ValueUpdater updater) {
        switch (op.form()) {
            case STRING, BUILDER -> map.update(op.key(), updater);
            case BYTES -> map.update(bytes(op), updater);
            case HEAP_SEGMENT -> map.update(MemorySegment.ofArray(bytes(op)), updater);
            case NATIVE_SEGMENT -> map.update(nativeKey(op, arena), updater);
            case RANGE -> map.update(padded(op, arena), 3, bytes(op).length, updater);
        }
    }

    private static boolean remove(ConcurrentBytesMap map, Op op, Arena arena) {
        return switch (op.form()) {
            case STRING, BUILDER -> map.remove(op.key());
            case BYTES -> map.remove(bytes(op));
            case HEAP_SEGMENT -> map.remove(MemorySegment.ofArray(bytes(op)));
            case NATIVE_SEGMENT -> map.remove(nativeKey(op, arena));
            case RANGE -> map.remove(padded(op, arena), 3, bytes(op).length);
        };
    }

    private static boolean contains(ConcurrentBytesMap map, Op op, Arena arena) {
        return switch (op.form()) {
            case STRING, BUILDER -> map.containsKey(op.key());
            case BYTES -> map.containsKey(bytes(op));
            case HEAP_SEGMENT -> map.containsKey(MemorySegment.ofArray(bytes(op)));
            case NATIVE_SEGMENT -> map.containsKey(nativeKey(op, arena));
            case RANGE -> map.containsKey(padded(op, arena), 3, bytes(op).length);
        };
    }

    static byte[] valueOf(long seed, int valueSize) {
        byte[] v = new byte[valueSize];
        for (int i = 0; i < valueSize; i++) {
            v[i] = (byte) (seed >>> (8 * (i & 7)) ^ i);
        }
        return v;
    }

    private static boolean put(BytesMap map, Op op, Arena arena, MemorySegment value) {
        return switch (op.form()) {
            case STRING -> map.put(op.key(), value);
            case BUILDER -> map.put(new StringBuilder(op.key()), value);
            case BYTES -> map.put(bytes(op), value);
            case HEAP_SEGMENT -> map.put(MemorySegment.ofArray(bytes(op)), value);
            case NATIVE_SEGMENT -> map.put(nativeKey(op, arena), value);
            case RANGE -> map.put(padded(op, arena), 3, bytes(op).length, value);
        };
    }

    private static MemorySegment get(BytesMap map, Op op, Arena arena) {
        return switch (op.form()) {
            case STRING -> map.get(op.key());
            case BUILDER -> map.get(new StringBuilder(op.key()));
            case BYTES -> map.get(bytes(op));
            case HEAP_SEGMENT -> map.get(MemorySegment.ofArray(bytes(op)));
            case NATIVE_SEGMENT -> map.get(nativeKey(op, arena));
            case RANGE -> map.get(padded(op, arena), 3, bytes(op).length);
        };
    }

    private static MemorySegment acquire(BytesMap map, Op op, Arena arena) {
        return switch (op.form()) {
            case STRING, BUILDER -> map.acquire(op.key());
            case BYTES -> map.acquire(bytes(op));
            case HEAP_SEGMENT -> map.acquire(MemorySegment.ofArray(bytes(op)));
            case NATIVE_SEGMENT -> map.acquire(nativeKey(op, arena));
            case RANGE -> map.acquire(padded(op, arena), 3, bytes(op).length);
        };
    }

    private static boolean remove(BytesMap map, Op op, Arena arena) {
        return switch (op.form()) {
            case STRING, BUILDER -> map.remove(op.key());
            case BYTES -> map.remove(bytes(op));
            case HEAP_SEGMENT -> map.remove(MemorySegment.ofArray(bytes(op)));
            case NATIVE_SEGMENT, RANGE -> map.remove(nativeKey(op, arena));
        };
    }

    private static boolean contains(BytesMap map, Op op, Arena arena) {
        return switch (op.form()) {
            case STRING, BUILDER -> map.containsKey(op.key());
            case BYTES -> map.containsKey(bytes(op));
            case HEAP_SEGMENT -> map.containsKey(MemorySegment.ofArray(bytes(op)));
            case NATIVE_SEGMENT, RANGE -> map.containsKey(nativeKey(op, arena));
        };
    }

    private static byte[] bytes(Op op) {
        return op.key().getBytes(StandardCharsets.UTF_8);
    }

    private static MemorySegment nativeKey(Op op, Arena arena) {
        byte[] b = bytes(op);
        MemorySegment s = arena.allocate(Math.max(1, b.length)).asSlice(0, b.length);
        MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, 0, b.length);
        return s;
    }

    /** The key at offset 3 of a buffer with other bytes around it. */
    private static MemorySegment padded(Op op, Arena arena) {
        byte[] b = bytes(op);
        MemorySegment s = arena.allocate(b.length + 8);
        s.fill((byte) 0x5A);
        MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, 3, b.length);
        return s;
    }

    @Provide
    Arbitrary<String> allocators() {
        return Arbitraries.of("cacheLineAligned", "pageAligned", "naive(8)", "naive(3)");
    }

    @Provide
    Arbitrary<Integer> valueSizes() {
        return Arbitraries.of(1, 8, 13, 64);
    }

    @Provide
    Arbitrary<Long> hashMasks() {
        // three runs in four with the whole hash; else 16 distinct hashes for all keys
        return Arbitraries.frequency(Tuple.of(3, -1L), Tuple.of(1, 0xC000_0000_0000_0003L));
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Integer> n = Arbitraries.integers().between(0, 1500).withDistribution(RandomDistribution.uniform());
        Arbitrary<String> keys = Arbitraries.frequencyOf(
                Tuple.of(40, n.map(i -> "dev-" + i)),                                   // inline (5..8 bytes)
                Tuple.of(25, n.map(i -> "device-with-a-longer-name-" + i)),             // stored (27..30 bytes)
                Tuple.of(10, n.map(i -> "ключ-" + i + (i % 3 == 0 ? "\uD83D\uDE00" : ""))), // UTF-8, surrogate pairs
                Tuple.of(10, n.map(i -> "k".repeat(i % 20 + 1))),                    // 1..20 bytes: both sides of 15
                Tuple.of(5, n.map(i -> "x".repeat(64 - i % 4))),                     // near maxKeyLength
                Tuple.of(2, Arbitraries.just("")),
                Tuple.of(8, n.map(i -> new String(new char[] {(char) (int) i, 0, 0}))));    // trailing zero bytes
        Arbitrary<Kind> kinds = Arbitraries.frequency(
                Tuple.of(36, Kind.PUT),
                Tuple.of(14, Kind.GET),
                Tuple.of(6, Kind.GET_INTO),
                Tuple.of(8, Kind.ACQUIRE),
                Tuple.of(22, Kind.REMOVE),
                Tuple.of(8, Kind.CONTAINS),
                Tuple.of(1, Kind.FOR_EACH),
                Tuple.of(1, Kind.FINISH_GROWTH));
        Arbitrary<Kind> withRareClear = Arbitraries.frequencyOf(
                Tuple.of(999, kinds),
                Tuple.of(1, Arbitraries.just(Kind.CLEAR)));
        Arbitrary<Op> op = Combinators.combine(withRareClear, keys, Arbitraries.of(Form.class), Arbitraries.longs())
                .as(Op::new);
        return Arbitraries.integers().between(200, 4000).withDistribution(RandomDistribution.uniform())
                .flatMap(size -> op.list().ofSize(size));
    }
}
