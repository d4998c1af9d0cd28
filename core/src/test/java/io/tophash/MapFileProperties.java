package io.tophash;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A {@code LongLongMap} in a file behaves like {@link HashMap} over random operation sequences
 * that close and reopen it at random points (mid-growth included), with every padding; checked
 * after every step, and the whole contents and chains after every reopen. Tries: the build's
 * {@code tophash.tries}.
 */
class MapFileProperties {

    enum Kind { PUT, REMOVE, GET, ADD, CLEAR, TRIM, REOPEN }

    record Op(Kind kind, long key, long value) {
    }

    @Property(edgeCases = EdgeCasesMode.NONE)
    void behavesLikeHashMapAcrossReopens(@ForAll BucketPadding padding, @ForAll("operations") List<Op> ops)
            throws IOException {
        Path dir = Files.createTempDirectory("tophash-file-props");
        Path file = dir.resolve("map");
        Map<Long, Long> model = new HashMap<>();
        LongLongMap map = LongLongMap.builder().file(file).padding(padding).missingValue(-1).build();
        try {
            int step = 0;
            for (Op op : ops) {
                String where = "step " + step++ + " " + op;
                switch (op.kind()) {
                    case PUT -> assertEquals(orMissing(model.put(op.key(), op.value())), map.put(op.key(), op.value()), where);
                    case REMOVE -> assertEquals(orMissing(model.remove(op.key())), map.remove(op.key()), where);
                    case GET -> assertEquals(orMissing(model.get(op.key())), map.get(op.key()), where);
                    case ADD -> assertEquals((long) model.merge(op.key(), op.value(), Long::sum),
                            map.addAndGet(op.key(), op.value()), where);
                    case CLEAR -> {
                        model.clear();
                        map.clear();
                    }
                    case TRIM -> map.trimToSize();
                    case REOPEN -> {
                        map.close();
                        map = LongLongMap.builder().file(file).padding(padding).missingValue(-1).build();
                        assertEquals(model, AbstractSingleThreadedContract.contents(map), where);
                        assertNull(map.auditChains(), where);
                    }
                }
                assertEquals(model.size(), map.size(), where);
            }
        } finally {
            map.close();
            deleteTree(dir);
        }
    }

    private static long orMissing(Long value) {
        return value == null ? -1 : value;
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Long> keys = Arbitraries.oneOf(Arbitraries.longs().between(0, 600), Arbitraries.longs());
        Arbitrary<Kind> kinds = Arbitraries.frequency(
                Tuple.of(50, Kind.PUT), Tuple.of(15, Kind.REMOVE), Tuple.of(15, Kind.GET), Tuple.of(10, Kind.ADD),
                Tuple.of(1, Kind.CLEAR), Tuple.of(1, Kind.TRIM), Tuple.of(3, Kind.REOPEN));
        return Combinators.combine(kinds, keys, Arbitraries.longs()).as(Op::new).list().ofMinSize(200).ofMaxSize(3_000);
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
