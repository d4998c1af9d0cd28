package io.tophash;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ConcurrentBytesMap#getLong}: every key form answers as a whole-value read does, at aligned
 * and unaligned offsets, for short ASCII keys (packed in registers), short non-ASCII keys and keys
 * kept in the key store, through growths; bad offsets and use after close are refused; a read from
 * inside a {@link ValueUpdater} of the key it holds throws rather than waits for ever. The
 * memory-model races are jcstress's {@code ConcurrentBytesMapStress.GetLongVersusUpdate}.
 */
class FieldReadTest {

    private static final int VALUE_SIZE = 24;

    private static String keyOf(SplittableRandom random, int i) {
        return switch (i % 4) {
            case 0 -> "d" + i;                           // short ASCII: inline, no probe
            case 1 -> "device-" + i + "-" + "x".repeat(random.nextInt(10, 30)); // stored
            case 2 -> "ж" + i;                           // short, not ASCII: takes the probe
            default -> Integer.toString(i, 36) + "-fifteen-chr".substring(0, 5);
        };
    }

    private static MemorySegment valueOf(SplittableRandom random) {
        MemorySegment v = MemorySegment.ofArray(new byte[VALUE_SIZE]);
        for (int i = 0; i < VALUE_SIZE; i++) {
            v.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt());
        }
        return v;
    }

    @Test
    void everyKeyFormReadsTheFieldTheWholeValueHolds() {
        SplittableRandom random = new SplittableRandom(5);
        Map<String, MemorySegment> model = new LinkedHashMap<>();
        try (ConcurrentBytesMap map = ConcurrentBytesMap.builder().valueSize(VALUE_SIZE).maxKeyLength(48).build()) {
            for (int i = 0; i < 3_000; i++) {
                String key = keyOf(random, i);
                MemorySegment value = valueOf(random);
                map.put(key, value);
                model.put(key, value);
                if (i % 100 == 0) {
                    checkAll(map, model);
                }
            }
            checkAll(map, model);
            for (String absent : List.of("", "nope", "device-absent-and-long-enough", "жж")) {
                assertEquals(-9, map.getLong(absent, 0, -9));
                byte[] bytes = absent.getBytes(StandardCharsets.UTF_8);
                assertEquals(-9, map.getLong(bytes, 8, -9));
                assertEquals(-9, map.getLong(MemorySegment.ofArray(bytes), 16, -9));
            }
        }
    }

    private static void checkAll(ConcurrentBytesMap map, Map<String, MemorySegment> model) {
        MemorySegment buffer = MemorySegment.ofArray(new byte[64]);
        for (var e : model.entrySet()) {
            byte[] bytes = e.getKey().getBytes(StandardCharsets.UTF_8);
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, buffer, 3, bytes.length);
            for (long offset : new long[] {0, 3, 8, VALUE_SIZE - 8}) {
                long expected = e.getValue().get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
                assertEquals(expected, map.getLong(e.getKey(), offset, -1), e.getKey() + " @" + offset);
                assertEquals(expected, map.getLong(bytes, offset, -1), e.getKey() + " @" + offset);
                assertEquals(expected, map.getLong(MemorySegment.ofArray(bytes), offset, -1), e.getKey());
                assertEquals(expected, map.getLong(buffer, 3, bytes.length, offset, -1), e.getKey());
            }
            assertTrue(map.containsKey(e.getKey()));
        }
    }

    @Test
    void aFieldOutsideTheValueOrAClosedMapIsRefused() {
        ConcurrentBytesMap map = ConcurrentBytesMap.builder().valueSize(VALUE_SIZE).build();
        map.put("k", MemorySegment.ofArray(new byte[VALUE_SIZE]));
        for (long bad : new long[] {-1, VALUE_SIZE - 7, VALUE_SIZE, Long.MAX_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> map.getLong("k", bad, 0));
            assertTrue(e.getMessage().contains("offset " + bad), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> map.getLong("a-key-long-enough-to-be-stored", bad, 0));
        }
        map.close();
        assertThrows(IllegalStateException.class, () -> map.getLong("k", 0, 0));
        assertThrows(IllegalStateException.class, () -> map.getLong("a-key-long-enough-to-be-stored", 0, 0));
        assertThrows(IllegalStateException.class, () -> map.containsKey("k"));
    }

    @Test
    void aReadOfTheKeyAnUpdaterHoldsThrowsInsteadOfWaiting() {
        try (ConcurrentBytesMap map = ConcurrentBytesMap.builder().valueSize(VALUE_SIZE).build()) {
            map.put("held", MemorySegment.ofArray(new byte[VALUE_SIZE]));
            for (ValueUpdater reentering : List.<ValueUpdater>of(v -> map.getLong("held", 0, 0),
                    v -> map.containsKey("held"), v -> map.getLong("held-but-long-enough-to-be-stored", 0, 0),
                    v -> map.getLong(MemorySegment.ofArray("held".getBytes(StandardCharsets.UTF_8)), 0, 0),
                    v -> map.containsKey(MemorySegment.ofArray("held".getBytes(StandardCharsets.UTF_8))))) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> map.update("held", reentering));
                assertTrue(e.getMessage().contains("ValueUpdater"), e.getMessage());
            }
            assertEquals(0, map.getLong("held", 0, -1), "the failed updates left the value as it was");
            assertFalse(map.containsKey("held-but-long-enough-to-be-stored"));
        }
    }
}
