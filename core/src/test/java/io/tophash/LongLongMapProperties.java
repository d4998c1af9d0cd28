package io.tophash;

import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The map behaves like {@link java.util.HashMap} over random operation sequences, checked after
 * every step, on every allocator and padding. Sequences start from an empty, un-presized map and
 * are long enough to cross several growths (one bucket to over a hundred), with keys drawn
 * from a small pool so removals and updates hit, and from the whole {@code long} range so misses
 * are exercised. Tries per property: {@code -Djqwik.tries.default} (the build's
 * {@code tophash.tries}).
 */
class LongLongMapProperties {

    enum Kind { PUT, PUT_IF_ABSENT, GET, REMOVE, ADD_AND_GET, CONTAINS, CLEAR, FOR_EACH, CURSOR_SWEEP }

    record Op(Kind kind, long key, long value) {
    }

    // Edge-case generation would spend the tries on lists of one repeated operation.
    @Property(edgeCases = EdgeCasesMode.NONE)
    void behavesLikeHashMap(@ForAll("allocators") String allocatorName, @ForAll BucketPadding padding,
                            @ForAll("operations") List<Op> ops) {
        Allocator allocator = allocator(allocatorName);
        Map<Long, Long> model = new HashMap<>();
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).padding(padding).missingValue(-1).build()) {
            int step = 0;
            for (Op op : ops) {
                String where = "step " + step++ + " " + op;
                switch (op.kind()) {
                    case PUT -> assertEquals(orMissing(model.put(op.key(), op.value())), map.put(op.key(), op.value()), where);
                    case PUT_IF_ABSENT -> assertEquals(orMissing(model.putIfAbsent(op.key(), op.value())),
                            map.putIfAbsent(op.key(), op.value()), where);
                    case GET -> assertEquals(orMissing(model.get(op.key())), map.get(op.key()), where);
                    case REMOVE -> assertEquals(orMissing(model.remove(op.key())), map.remove(op.key()), where);
                    case ADD_AND_GET -> assertEquals((long) model.merge(op.key(), op.value(), Long::sum),
                            map.addAndGet(op.key(), op.value()), where);
                    case CONTAINS -> assertEquals(model.containsKey(op.key()), map.containsKey(op.key()), where);
                    case CLEAR -> {
                        model.clear();
                        map.clear();
                    }
                    case FOR_EACH -> assertEquals(model, AbstractSingleThreadedContract.contents(map), where);
                    case CURSOR_SWEEP -> {
                        // Remove the entries whose value has the op's low bits; bump the rest.
                        long bits = op.value() & 15;
                        model.entrySet().removeIf(e -> (e.getValue() & 15) == bits);
                        model.replaceAll((k, v) -> v + 1);
                        LongLongMap.Cursor cursor = map.cursor();
                        while (cursor.next()) {
                            if ((cursor.value() & 15) == bits) {
                                cursor.remove();
                            } else {
                                cursor.setValue(cursor.value() + 1);
                            }
                        }
                    }
                }
                assertEquals(model.size(), map.size(), where);
            }
            assertEquals(model, AbstractSingleThreadedContract.contents(map));
            // Shows in the test report that the sequences really cross growths.
            Statistics.label("ops").collect(ops.size() / 1000 + "k");
            Statistics.label("final size").collect(model.size() / 100 * 100);
            Statistics.label("buckets at the end").collect(map.stats().bucketCount() >= 128 ? ">= 128" : map.stats().bucketCount() >= 16 ? "16..64" : "< 16");
        }
        assertEquals(0, allocator.bytesInUse(), "memory left allocated after close");
    }

    private static long orMissing(Long value) {
        return value == null ? -1 : value;
    }

    static Allocator allocator(String name) {
        return switch (name) {
            case "cacheLineAligned" -> Allocators.cacheLineAligned();
            case "pageAligned" -> Allocators.pageAligned();
            case "naive(8)" -> Allocators.naive(8);
            case "naive(3)" -> Allocators.naive(3);
            default -> throw new IllegalArgumentException(name);
        };
    }

    @Provide
    Arbitrary<String> allocators() {
        return Arbitraries.of("cacheLineAligned", "pageAligned", "naive(8)", "naive(3)");
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        // Uniform, not jqwik's default bias towards 0, which would keep the maps tiny.
        Arbitrary<Long> keys = Arbitraries.frequencyOf(
                Tuple.of(60, Arbitraries.longs().between(-3000, 3000).withDistribution(RandomDistribution.uniform())),
                Tuple.of(5, Arbitraries.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE)),
                Tuple.of(35, Arbitraries.longs().withDistribution(RandomDistribution.uniform())));
        Arbitrary<Kind> kinds = Arbitraries.frequency(
                Tuple.of(40, Kind.PUT),
                Tuple.of(8, Kind.PUT_IF_ABSENT),
                Tuple.of(15, Kind.GET),
                Tuple.of(20, Kind.REMOVE),
                Tuple.of(8, Kind.ADD_AND_GET),
                Tuple.of(7, Kind.CONTAINS),
                Tuple.of(1, Kind.FOR_EACH),
                Tuple.of(1, Kind.CURSOR_SWEEP));

        Arbitrary<Kind> withRareClear = Arbitraries.frequencyOf(
                Tuple.of(999, kinds),
                Tuple.of(1, Arbitraries.just(Kind.CLEAR)));
        Arbitrary<Op> op = Combinators.combine(withRareClear, keys, Arbitraries.longs()).as(Op::new);
        // An explicit length: jqwik's default size distribution keeps lists far shorter.
        return Arbitraries.integers().between(200, 4000).withDistribution(RandomDistribution.uniform()).flatMap(n -> op.list().ofSize(n));
    }
}
