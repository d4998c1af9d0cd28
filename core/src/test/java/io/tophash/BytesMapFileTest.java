package io.tophash;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code BytesMap} in a file: a reopen mid-growth with stored keys and values, a replacement a
 * crash cut (its record left open) undone on reopen for fixed-size values and values of any
 * length, the files it refuses, untouched, and the sync policy. (Random sequences:
 * {@link BytesMapFileProperties}; real crashes: {@link MapFileKillTest}.)
 */
class BytesMapFileTest {

    @TempDir
    Path dir;

    static BytesMap open(Path file, boolean variable) {
        BytesMap.Builder b = BytesMap.builder().file(file);
        return (variable ? b.maxValueSize(1 << 16) : b.valueSize(32)).build();
    }

    static MemorySegment bytes(int length, int fill) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) fill);
        return MemorySegment.ofArray(b);
    }

    static String longKey(int i) {
        return "a-key-long-enough-for-the-key-store-" + i;
    }

    @Test
    void aGrowthWithStoredKeysAndValuesGoesOnAfterAReopen() {
        Path file = dir.resolve("map");
        Map<String, Integer> model = new HashMap<>();
        try (BytesMap map = open(file, true)) {
            for (int i = 0; !map.growing() || map.evacuatedBuckets() < 3; i++) {
                map.put(longKey(i), bytes(16 + i % 200, i));
                model.put(longKey(i), i);
            }
        }
        try (BytesMap map = open(file, true)) {
            assertTrue(map.growing(), "reopened mid-growth");
            assertEquals(model.size(), map.size());
            for (int i = model.size(); i < model.size() + 2_000; i++) {
                map.put(longKey(i), bytes(16 + i % 200, i)); // writes carry the growth on
            }
            for (int i = 0; i < model.size() + 2_000; i++) {
                assertArrayEquals(bytes(16 + i % 200, i).toArray(ValueLayout.JAVA_BYTE),
                        map.get(longKey(i)).toArray(ValueLayout.JAVA_BYTE), longKey(i));
            }
            assertNull(map.auditChains());
        }
    }

    @ParameterizedTest(name = "variable={0}, old {1} bytes, new {2} bytes")
    @CsvSource({"false, 32, 32", "true, 5, 40", "true, 40, 5", "true, 40, 300", "true, 300, 40", "true, 3, 9"})
    void aReplacementCutByACrashIsUndoneOnReopen(boolean variable, int oldLength, int newLength) {
        Path file = dir.resolve("map");
        try (BytesMap map = open(file, variable)) {
            for (int i = 0; i < 100; i++) {
                map.put(longKey(i), bytes(oldLength, i));
            }
            map.stopMidReplacementForTests = true;
            assertThrows(IllegalStateException.class, () -> map.put(longKey(7), bytes(newLength, 0x77)));
            map.stopMidReplacementForTests = false;
            assertArrayEquals(bytes(newLength, 0x77).toArray(ValueLayout.JAVA_BYTE),
                    map.get(longKey(7)).toArray(ValueLayout.JAVA_BYTE), "written, but its record is still open");
        }
        try (BytesMap map = open(file, variable)) {
            assertArrayEquals(bytes(oldLength, 7).toArray(ValueLayout.JAVA_BYTE),
                    map.get(longKey(7)).toArray(ValueLayout.JAVA_BYTE), "the old value, put back whole");
            assertEquals(100, map.size());
            for (int i = 0; i < 100; i++) {
                assertEquals(oldLength, map.get(longKey(i)).byteSize());
            }
            map.put(longKey(7), bytes(newLength, 0x78));
            StoreStats store = map.storeStats();
            assertTrue(store.liveBytes() + store.freeBytes() <= store.reservedBytes(), store.toString());
            assertNull(map.auditChains());
        }
        try (BytesMap map = open(file, variable)) {
            assertArrayEquals(bytes(newLength, 0x78).toArray(ValueLayout.JAVA_BYTE),
                    map.get(longKey(7)).toArray(ValueLayout.JAVA_BYTE), "a replacement that ended stays");
        }
    }

    /**
     * A write that fails after its record began (here a caller's value whose arena is closed) ends
     * its record: a trim and its growth to the end, which record nothing of their own, change the
     * table slots under it, and the reopen after them must not settle the failed write against
     * the new table (a stale insert record named a table slot no longer live and the file could
     * not be opened; a stale replacement record would copy its undo bytes into another entry).
     */
    @ParameterizedTest(name = "variable={0}, replacing={1}")
    @CsvSource({"false, false", "false, true", "true, false", "true, true"})
    void aWriteThatFailsLeavesNoRecordForALaterReopen(boolean variable, boolean replacing) {
        Path file = dir.resolve("map");
        int length = variable ? 100 : 32;
        try (BytesMap map = open(file, variable)) {
            for (int i = 0; i < 5_000; i++) {
                map.put(longKey(i), bytes(length, i));
            }
            for (int i = 100; i < 5_000; i++) {
                map.remove(longKey(i)); // an oversized table: the trim below shrinks it
            }
            MemorySegment unreadable;
            try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                unreadable = arena.allocate(length);
            }
            String key = replacing ? longKey(7) : longKey(100_000);
            assertThrows(IllegalStateException.class, () -> map.put(key, unreadable));
            assertTrue(map.trimToSize(), "a shrink started");
            map.finishGrowth();
            assertEquals(100, map.size());
        }
        try (BytesMap map = open(file, variable)) {
            assertEquals(100, map.size());
            for (int i = 0; i < 100; i++) {
                assertArrayEquals(bytes(length, i).toArray(ValueLayout.JAVA_BYTE),
                        map.get(longKey(i)).toArray(ValueLayout.JAVA_BYTE), longKey(i));
            }
            assertNull(map.get(longKey(100_000)));
            assertNull(map.auditChains());
        }
    }

    @Test
    void aKeyStoreChunkRefusedForAFullRegionTableLosesNothing() throws IOException {
        Path file = dir.resolve("map");
        Map<String, Integer> model = new HashMap<>();
        try (BytesMap map = open(file, true)) {
            for (int i = 0; i < 10; i++) {
                map.put(longKey(i), bytes(1_000, i));
                model.put(longKey(i), 1_000);
            }
        }
        MapFileTest.fillRegionTable(file); // no region for the key store's next chunk
        try (BytesMap map = open(file, true)) {
            OutOfMemoryError refused = null;
            for (int i = 10; i < 1_000 && refused == null; i++) {
                try {
                    map.put(longKey(i), bytes(30_000, i));
                    model.put(longKey(i), 30_000);
                } catch (OutOfMemoryError e) {
                    refused = e;
                    assertNull(map.get(longKey(i)), "the refused insert left no entry");
                }
            }
            assertTrue(refused != null && refused.getMessage().contains("region table is full"),
                    "the store's chunks fill up and the next is refused: " + refused);
            assertHolds(model, map);
        }
        try (BytesMap map = open(file, true)) {
            assertHolds(model, map);
            map.remove(longKey(10));
            model.remove(longKey(10));
            map.put(longKey(10), bytes(30_000, 10)); // a freed block is taken again
            model.put(longKey(10), 30_000);
            assertHolds(model, map);
        }
    }

    /** Every key in {@code model} maps to its value ({@link #bytes} of the recorded length), nothing else, and the chains are sound. */
    private static void assertHolds(Map<String, Integer> model, BytesMap map) {
        assertEquals(model.size(), map.size());
        for (Map.Entry<String, Integer> e : model.entrySet()) {
            int i = Integer.parseInt(e.getKey().substring(e.getKey().lastIndexOf('-') + 1));
            assertArrayEquals(bytes(e.getValue(), i).toArray(ValueLayout.JAVA_BYTE),
                    map.get(e.getKey()).toArray(ValueLayout.JAVA_BYTE), e.getKey());
        }
        assertNull(map.auditChains());
    }

    @Test
    void refusesFilesOfAnotherKindOrValueAndLeavesThemUntouched() throws IOException {
        Path longs = dir.resolve("longs");
        LongLongMap.builder().file(longs).build().close();
        byte[] before = Files.readAllBytes(longs);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> open(longs, true));
        assertTrue(e.getMessage().contains("LongLongMap"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(longs));

        Path fixed = dir.resolve("fixed");
        open(fixed, false).close();
        before = Files.readAllBytes(fixed);
        e = assertThrows(IllegalArgumentException.class, () -> open(fixed, true));
        assertTrue(e.getMessage().contains("values of 32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> BytesMap.builder().file(fixed).valueSize(16).build());
        assertTrue(e.getMessage().contains("values of 32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LongLongMap.builder().file(fixed).build());
        assertTrue(e.getMessage().contains("BytesMap"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(fixed));
        try (BytesMap map = open(fixed, false)) {
            assertEquals(0, map.size(), "the refused opens left no lock behind");
        }
    }

    @Test
    void aSyncPolicyForcesEveryNthWriteAndNeedsAFile() {
        Path file = dir.resolve("map");
        try (BytesMap map = BytesMap.builder().file(file).valueSize(8).forceEvery(10).build()) {
            for (int i = 0; i < 100; i++) {
                map.put("k" + i, bytes(8, i));
            }
            assertEquals(10, map.forces());
            map.force();
            assertEquals(11, map.forces());
        }
        assertThrows(IllegalArgumentException.class, () -> BytesMap.builder().forceEvery(-1));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> BytesMap.builder().valueSize(8).forceEvery(10).build());
        assertTrue(e.getMessage().contains("needs a file"), e.getMessage());
        try (BytesMap map = BytesMap.builder().valueSize(8).build()) {
            map.force();
            assertEquals(0, map.forces());
        }
    }

    @Test
    void aClearedMapReopensEmptyAndItsFileStaysBounded() throws IOException {
        Path file = dir.resolve("map");
        long sizeAfterFirstRound = 0;
        for (int round = 0; round < 20; round++) {
            try (BytesMap map = open(file, true)) {
                assertEquals(0, map.size(), "round " + round);
                for (int i = 0; i < 3_000; i++) {
                    map.put(longKey(i), bytes(100, i));
                }
                map.clear();
                assertFalse(map.containsKey(longKey(1)));
            }
            if (round == 1) {
                sizeAfterFirstRound = Files.size(file);
            }
        }
        assertTrue(Files.size(file) <= 2 * sizeAfterFirstRound,
                "regions of dead generations are reused: " + Files.size(file) + " bytes after 20 rounds, "
                        + sizeAfterFirstRound + " after 2");
    }
}
