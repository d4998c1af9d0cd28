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
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * A {@code BytesMap} in a file behaves like {@link HashMap} over random operation sequences that
 * close and reopen it at random points (mid-growth and mid-compaction included), with every
 * padding, fixed-size values (24 bytes) and values of any length (inline, stored, replaced by
 * longer and shorter ones), keys short enough to sit in their slot and long ones in the key store;
 * checked after every step, and the whole contents, chains and store counts after every reopen.
 * Tries: the build's {@code tophash.tries}; sequences of up to 1,500 operations on 1,000 keys.
 */
class BytesMapFileProperties {

    static final int FIXED_VALUE = 24;

    enum Kind { PUT, REMOVE, GET, CLEAR, TRIM, REOPEN }

    record Op(Kind kind, int key, int value) {
    }

    @Property(edgeCases = EdgeCasesMode.NONE)
    void behavesLikeHashMapAcrossReopens(@ForAll BucketPadding padding, @ForAll boolean variable,
                                         @ForAll("operations") List<Op> ops) throws IOException {
        Path dir = Files.createTempDirectory("tophash-bytes-file-props");
        Path file = dir.resolve("map");
        Map<String, byte[]> model = new HashMap<>();
        BytesMap map = open(file, padding, variable);
        try {
            int step = 0;
            for (Op op : ops) {
                String where = "step " + step++ + " " + op;
                String key = key(op.key());
                switch (op.kind()) {
                    case PUT -> {
                        byte[] value = value(op.value(), variable);
                        boolean inserted = map.put(key, MemorySegment.ofArray(value));
                        assertEquals(model.put(key, value) == null, inserted, where);
                    }
                    case REMOVE -> assertEquals(model.remove(key) != null, map.remove(key), where);
                    case GET -> assertValue(model.get(key), map.get(key), where);
                    case CLEAR -> {
                        model.clear();
                        map.clear();
                    }
                    case TRIM -> map.trimToSize();
                    case REOPEN -> {
                        map.close();
                        map = open(file, padding, variable);
                        assertContents(model, map, where);
                        assertNull(map.auditChains(), where);
                        StoreStats store = map.storeStats();
                        assertTrue(store.liveBytes() >= 0 && store.freeBytes() >= 0
                                && store.liveBytes() + store.freeBytes() <= store.reservedBytes(), where + " " + store);
                    }
                }
                assertEquals(model.size(), map.size(), where);
            }
            map.close();
            map = open(file, padding, variable);
            assertContents(model, map, "at the end");
        } finally {
            map.close();
            MapFileProperties.deleteTree(dir);
        }
    }

    static BytesMap open(Path file, BucketPadding padding, boolean variable) {
        BytesMap.Builder b = BytesMap.builder().file(file).padding(padding).maxKeyLength(200);
        return (variable ? b.maxValueSize(4096) : b.valueSize(FIXED_VALUE)).build();
    }

    /** Keys 0-999: a third of them long enough to live in the key store. */
    static String key(int k) {
        return k % 3 == 0 ? "device-with-a-long-name-" + k + "-" + "x".repeat(k % 50) : "d" + k;
    }

    /** A value drawn from {@code seed}: 24 bytes, or of any length up to 600 (inline up to 15). */
    static byte[] value(int seed, boolean variable) {
        SplittableRandom r = new SplittableRandom(seed);
        int length = !variable ? FIXED_VALUE : r.nextInt(4) == 0 ? r.nextInt(16) : r.nextInt(600);
        byte[] v = new byte[length];
        for (int i = 0; i < length; i++) {
            v[i] = (byte) r.nextInt();
        }
        return v;
    }

    static void assertValue(byte[] expected, MemorySegment got, String where) {
        if (expected == null) {
            assertNull(got, where);
        } else {
            assertArrayEquals(expected, got.toArray(ValueLayout.JAVA_BYTE), where);
        }
    }

    static void assertContents(Map<String, byte[]> model, BytesMap map, String where) {
        Map<String, byte[]> seen = new HashMap<>();
        map.forEach((k, v) -> seen.put(new String(k.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8),
                v.toArray(ValueLayout.JAVA_BYTE)));
        assertEquals(model.keySet(), seen.keySet(), where + ": keys");
        for (Map.Entry<String, byte[]> e : model.entrySet()) {
            assertTrue(Arrays.equals(e.getValue(), seen.get(e.getKey())), where + ": value of " + e.getKey());
            assertValue(e.getValue(), map.get(e.getKey()), where + ": get " + e.getKey());
        }
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Kind> kinds = Arbitraries.frequency(
                Tuple.of(55, Kind.PUT), Tuple.of(20, Kind.REMOVE), Tuple.of(15, Kind.GET),
                Tuple.of(1, Kind.CLEAR), Tuple.of(1, Kind.TRIM), Tuple.of(3, Kind.REOPEN));
        return Combinators.combine(kinds, Arbitraries.integers().between(0, 999), Arbitraries.integers())
                .as(Op::new).list().ofMinSize(200).ofMaxSize(1_500);
    }
}
