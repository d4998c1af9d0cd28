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

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both byte maps with values of any length behave like a {@code HashMap<String, byte[]>} over
 * random operation sequences long enough to cross several growths and compactions, checked after
 * every step, on every allocator and padding, with value lengths from 0 to 64 KiB (both sides of
 * the 15-byte inline limit and of the store's size classes), keys inline and stored and given in
 * each of the key forms.
 */
class VariableValueProperties {

    enum Kind { PUT, PUT_IF_ABSENT, GET, READ_ARRAY, LENGTH, REMOVE, CONTAINS, CLEAR, FOR_EACH, FINISH_GROWTH, TRIM }

    enum Form { STRING, BYTES, NATIVE_SEGMENT, RANGE }

    record Op(Kind kind, String key, Form form, int length, long seed) {
        byte[] value() {
            byte[] v = new byte[length];
            new SplittableRandom(seed).nextBytes(v);
            return v;
        }
    }

    static final int MAX_VALUE = 1 << 16;

    @Property(edgeCases = EdgeCasesMode.NONE, tries = 60)
    void singleWriterMapBehavesLikeHashMap(@ForAll("allocators") String allocatorName, @ForAll BucketPadding padding,
                                           @ForAll("operations") List<Op> ops) {
        Allocator allocator = LongLongMapProperties.allocator(allocatorName);
        Map<String, byte[]> model = new HashMap<>();
        try (Arena arena = Arena.ofConfined();
             BytesMap map = BytesMap.builder().allocator(allocator).padding(padding).maxValueSize(MAX_VALUE)
                     .maxKeyLength(64).build()) {
            MemorySegment target = arena.allocate(MAX_VALUE);
            byte[] array = new byte[MAX_VALUE];
            int step = 0;
            for (Op op : ops) {
                String where = "step " + step++ + " " + op;
                String k = op.key();
                byte[] expected = model.get(k);
                switch (op.kind()) {
                    case PUT -> {
                        byte[] v = op.value();
                        assertEquals(model.put(k, v) == null, put(map, op, arena, MemorySegment.ofArray(v)), where);
                    }
                    case PUT_IF_ABSENT -> {
                        byte[] v = op.value();
                        assertEquals(expected == null, map.putIfAbsent(bytes(op), MemorySegment.ofArray(v)), where);
                        model.putIfAbsent(k, v);
                    }
                    case GET -> {
                        MemorySegment got = get(map, op, arena);
                        if (expected == null) {
                            assertNull(got, where);
                        } else {
                            assertTrue(got.isReadOnly(), where);
                            assertArrayEquals(expected, got.toArray(ValueLayout.JAVA_BYTE), where);
                        }
                    }
                    case READ_ARRAY -> {
                        int length = op.seed() % 2 == 0 ? map.readInto(k, array) : map.readInto(bytes(op), target);
                        assertEquals(expected == null ? -1 : expected.length, length, where);
                        if (expected != null) {
                            byte[] got = op.seed() % 2 == 0 ? Arrays.copyOf(array, length)
                                    : target.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
                            assertArrayEquals(expected, got, where);
                        }
                    }
                    case LENGTH -> assertEquals(expected == null ? -1 : expected.length, valueLength(map, op, arena), where);
                    case REMOVE -> assertEquals(model.remove(k) != null, remove(map, op, arena), where);
                    case CONTAINS -> assertEquals(expected != null, map.containsKey(k), where);
                    case CLEAR -> {
                        model.clear();
                        map.clear();
                    }
                    case FOR_EACH -> BytesMapProperties.assertModel(model, map, where);
                    case FINISH_GROWTH -> map.finishGrowth();
                    case TRIM -> map.trimToSize();
                }
                assertEquals(model.size(), map.size(), where);
            }
            BytesMapProperties.assertModel(model, map, "at the end");
            assertEquals(null, map.auditChains());
            map.finishGrowth();
            assertLiveBytes(model, map.keyStoreFigures()[0], "at the end");
        }
        assertEquals(0, allocator.bytesInUse(), "memory left allocated after close");
    }

    @Property(edgeCases = EdgeCasesMode.NONE, tries = 60)
    void concurrentMapBehavesLikeHashMap(@ForAll("alignedAllocators") String allocatorName, @ForAll BucketPadding padding,
                                         @ForAll("operations") List<Op> ops) {
        Allocator allocator = LongLongMapProperties.allocator(allocatorName);
        Map<String, byte[]> model = new HashMap<>();
        try (Arena arena = Arena.ofConfined();
             ConcurrentBytesMap map = ConcurrentBytesMap.builder().allocator(allocator).padding(padding)
                     .maxValueSize(MAX_VALUE).maxKeyLength(64).build()) {
            MemorySegment target = arena.allocate(MAX_VALUE);
            byte[] array = new byte[MAX_VALUE];
            int step = 0;
            for (Op op : ops) {
                String where = "step " + step++ + " " + op;
                String k = op.key();
                byte[] expected = model.get(k);
                switch (op.kind()) {
                    case PUT -> {
                        byte[] v = op.value();
                        assertEquals(model.put(k, v) == null, put(map, op, arena, MemorySegment.ofArray(v)), where);
                    }
                    case PUT_IF_ABSENT -> {
                        byte[] v = op.value();
                        assertEquals(expected == null, map.putIfAbsent(bytes(op), MemorySegment.ofArray(v)), where);
                        model.putIfAbsent(k, v);
                    }
                    case GET -> {
                        int length = readInto(map, op, arena, target);
                        assertEquals(expected == null ? -1 : expected.length, length, where);
                        if (expected != null) {
                            assertArrayEquals(expected, target.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), where);
                        }
                    }
                    case READ_ARRAY -> {
                        int length = map.readInto(k, array);
                        assertEquals(expected == null ? -1 : expected.length, length, where);
                        if (expected != null) {
                            assertArrayEquals(expected, Arrays.copyOf(array, length), where);
                        }
                    }
                    case LENGTH -> assertEquals(expected == null ? -1 : expected.length, valueLength(map, op, arena), where);
                    case REMOVE -> assertEquals(model.remove(k) != null, remove(map, op, arena), where);
                    case CONTAINS -> assertEquals(expected != null, map.containsKey(k), where);
                    case CLEAR -> {
                        model.clear();
                        map.clear();
                    }
                    case FOR_EACH -> BytesMapProperties.assertModel(model, map::forEach, where);
                    case FINISH_GROWTH -> map.finishGrowth();
                    case TRIM -> map.trimToSize();
                }
                assertEquals(model.size(), map.size(), where);
            }
            BytesMapProperties.assertModel(model, map::forEach, "at the end");
            assertEquals(null, map.auditChains());
            map.finishGrowth();
            assertLiveBytes(model, map.keyStoreFigures()[0], "at the end");
        }
        assertEquals(0, allocator.bytesInUse(), "memory left allocated after close");
    }

    /** The store's live bytes are exactly the blocks of the stored keys and values: nothing leaked in it. */
    private static void assertLiveBytes(Map<String, byte[]> model, long live, String where) {
        long expected = 0;
        for (Map.Entry<String, byte[]> e : model.entrySet()) {
            int keyLength = e.getKey().getBytes(StandardCharsets.UTF_8).length;
            expected += keyLength > 15 ? VariableValuesTest.blockLength(keyLength) : 0;
            expected += e.getValue().length > 15 ? VariableValuesTest.blockLength(e.getValue().length) : 0;
        }
        assertEquals(expected, live, where + ": live store bytes");
    }

    private static boolean put(BytesMap map, Op op, Arena arena, MemorySegment value) {
        return switch (op.form()) {
            case STRING -> map.put(op.key(), value);
            case BYTES -> map.put(bytes(op), value);
            case NATIVE_SEGMENT -> map.put(nativeKey(op, arena), value);
            case RANGE -> map.put(padded(op, arena), 3, bytes(op).length, value);
        };
    }

    private static boolean put(ConcurrentBytesMap map, Op op, Arena arena, MemorySegment value) {
        return switch (op.form()) {
            case STRING -> map.put(op.key(), value);
            case BYTES -> map.put(bytes(op), value);
            case NATIVE_SEGMENT -> map.put(nativeKey(op, arena), value);
            case RANGE -> map.put(padded(op, arena), 3, bytes(op).length, value);
        };
    }

    private static MemorySegment get(BytesMap map, Op op, Arena arena) {
        return switch (op.form()) {
            case STRING -> map.get(op.key());
            case BYTES -> map.get(bytes(op));
            case NATIVE_SEGMENT -> map.get(nativeKey(op, arena));
            case RANGE -> map.get(padded(op, arena), 3, bytes(op).length);
        };
    }

    private static int readInto(ConcurrentBytesMap map, Op op, Arena arena, MemorySegment target) {
        return switch (op.form()) {
            case STRING -> map.readInto(op.key(), target);
            case BYTES -> map.readInto(bytes(op), target);
            case NATIVE_SEGMENT -> map.readInto(nativeKey(op, arena), target);
            case RANGE -> map.readInto(padded(op, arena), 3, bytes(op).length, target);
        };
    }

    private static int valueLength(BytesMap map, Op op, Arena arena) {
        return switch (op.form()) {
            case STRING -> map.valueLength(op.key());
            case BYTES -> map.valueLength(bytes(op));
            case NATIVE_SEGMENT -> map.valueLength(nativeKey(op, arena));
            case RANGE -> map.valueLength(padded(op, arena), 3, bytes(op).length);
        };
    }

    private static int valueLength(ConcurrentBytesMap map, Op op, Arena arena) {
        return switch (op.form()) {
            case STRING -> map.valueLength(op.key());
            case BYTES -> map.valueLength(bytes(op));
            case NATIVE_SEGMENT -> map.valueLength(nativeKey(op, arena));
            case RANGE -> map.valueLength(padded(op, arena), 3, bytes(op).length);
        };
    }

    private static boolean remove(BytesMap map, Op op, Arena arena) {
        return switch (op.form()) {
            case STRING -> map.remove(op.key());
            case BYTES -> map.remove(bytes(op));
            case NATIVE_SEGMENT -> map.remove(nativeKey(op, arena));
            case RANGE -> map.remove(padded(op, arena), 3, bytes(op).length);
        };
    }

    private static boolean remove(ConcurrentBytesMap map, Op op, Arena arena) {
        return switch (op.form()) {
            case STRING -> map.remove(op.key());
            case BYTES -> map.remove(bytes(op));
            case NATIVE_SEGMENT -> map.remove(nativeKey(op, arena));
            case RANGE -> map.remove(padded(op, arena), 3, bytes(op).length);
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
    Arbitrary<String> alignedAllocators() {
        return Arbitraries.of("cacheLineAligned", "pageAligned", "naive(8)");
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Integer> n = Arbitraries.integers().between(0, 800).withDistribution(RandomDistribution.uniform());
        Arbitrary<String> keys = Arbitraries.frequencyOf(
                Tuple.of(45, n.map(i -> "s-" + i)),                                  // inline
                Tuple.of(35, n.map(i -> "session-with-a-longer-id-" + i)),          // stored
                Tuple.of(10, n.map(i -> "k".repeat(i % 20 + 1))),                   // both sides of 15
                Tuple.of(2, Arbitraries.just("")),
                Tuple.of(8, n.map(i -> "x".repeat(64 - i % 4))));                   // near maxKeyLength
        Arbitrary<Integer> lengths = Arbitraries.frequencyOf(
                Tuple.of(30, Arbitraries.integers().between(0, 16)),
                Tuple.of(40, Arbitraries.integers().between(17, 600)),
                Tuple.of(22, Arbitraries.integers().between(600, 4096)),
                Tuple.of(6, Arbitraries.integers().between(4096, MAX_VALUE)),
                Tuple.of(2, Arbitraries.of(0, MAX_VALUE, 256, 257, 288, 289)));
        Arbitrary<Kind> kinds = Arbitraries.frequency(
                Tuple.of(36, Kind.PUT),
                Tuple.of(4, Kind.PUT_IF_ABSENT),
                Tuple.of(14, Kind.GET),
                Tuple.of(6, Kind.READ_ARRAY),
                Tuple.of(6, Kind.LENGTH),
                Tuple.of(22, Kind.REMOVE),
                Tuple.of(6, Kind.CONTAINS),
                Tuple.of(1, Kind.FOR_EACH),
                Tuple.of(1, Kind.FINISH_GROWTH),
                Tuple.of(1, Kind.TRIM));
        Arbitrary<Kind> withRareClear = Arbitraries.frequencyOf(
                Tuple.of(999, kinds),
                Tuple.of(1, Arbitraries.just(Kind.CLEAR)));
        Arbitrary<Op> op = Combinators.combine(withRareClear, keys, Arbitraries.of(Form.class), lengths,
                Arbitraries.longs()).as(Op::new);
        return Arbitraries.integers().between(200, 3000).withDistribution(RandomDistribution.uniform())
                .flatMap(size -> op.list().ofSize(size));
    }
}
