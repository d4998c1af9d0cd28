package io.tophash;

import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The map behaves like {@link java.util.HashMap} over random operation sequences, checked after
 * every step, on every allocator and padding. Sequences start from an empty, un-presized map and
 * are long enough to cross several growths (up to ~1500 keys from one bucket), with keys drawn
 * from a small pool so removals and updates hit, and from the whole {@code long} range so misses
 * are exercised. Tries per property: {@code -Djqwik.tries.default} (the build's
 * {@code tophash.tries}).
 */
class LongLongMapProperties {

    enum Kind { PUT, PUT_IF_ABSENT, GET, REMOVE, ADD_AND_GET, CONTAINS, CLEAR, FOR_EACH }

    record Op(Kind kind, long key, long value) {
    }

    @Property
    void behavesLikeHashMap(@ForAll("allocators") String allocatorName, @ForAll BucketPadding padding,
                            @ForAll("operations") @Size(max = 3000) List<Op> ops) {
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
                    case FOR_EACH -> assertEquals(model, AbstractLongLongMapContract.contents(map), where);
                }
                assertEquals(model.size(), map.size(), where);
            }
            assertEquals(model, AbstractLongLongMapContract.contents(map));
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
        Arbitrary<Long> keys = Arbitraries.oneOf(
                Arbitraries.longs().between(-2000, 2000),
                Arbitraries.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE),
                Arbitraries.longs());
        Arbitrary<Kind> kinds = Arbitraries.frequency(
                Tuple.of(40, Kind.PUT),
                Tuple.of(8, Kind.PUT_IF_ABSENT),
                Tuple.of(15, Kind.GET),
                Tuple.of(20, Kind.REMOVE),
                Tuple.of(8, Kind.ADD_AND_GET),
                Tuple.of(7, Kind.CONTAINS),
                Tuple.of(1, Kind.FOR_EACH))
                ;
        Arbitrary<Kind> withRareClear = Arbitraries.frequencyOf(
                Tuple.of(999, kinds),
                Tuple.of(1, Arbitraries.just(Kind.CLEAR)));
        return Combinators.combine(withRareClear, keys, Arbitraries.longs())
                .as(Op::new)
                .list().ofMaxSize(3000);
    }
}
