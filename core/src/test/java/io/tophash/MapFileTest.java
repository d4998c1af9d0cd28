package io.tophash;

import io.tophash.layout.MapFileHeaderLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code LongLongMap} in a file: what a reopen finds after {@code close()}, mid-growth, after a
 * clear; the files it refuses, untouched; one map at a time; and the settling of a write and an
 * evacuation a crash interrupted, made by writing the header's records into a closed file as a
 * crash would have left them. (A real crash: {@link MapFileKillTest}.)
 */
class MapFileTest {

    @TempDir
    Path dir;

    static LongLongMap open(Path file, BucketPadding padding) {
        return LongLongMap.builder().file(file).padding(padding).missingValue(-1).build();
    }

    static void assertSame(Map<Long, Long> model, LongLongMap map) {
        assertEquals(model.size(), map.size(), "size");
        assertEquals(model, AbstractSingleThreadedContract.contents(map));
        for (Map.Entry<Long, Long> e : model.entrySet()) {
            assertEquals((long) e.getValue(), map.get(e.getKey()), "key " + e.getKey());
        }
        assertNull(map.auditChains());
    }

    /** Random puts, replacements and removals of keys from a pool, applied to both. */
    static void churn(LongLongMap map, Map<Long, Long> model, SplittableRandom random, int ops, long pool) {
        for (int i = 0; i < ops; i++) {
            long key = random.nextLong(pool);
            if (random.nextInt(4) == 0) {
                assertEquals(model.containsKey(key) ? model.remove(key) : -1, map.remove(key));
            } else {
                long value = random.nextLong();
                Long previous = model.put(key, value);
                assertEquals(previous == null ? -1 : previous, map.put(key, value));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(BucketPadding.class)
    void reopensWhatWasWritten(BucketPadding padding) {
        Path file = dir.resolve("map");
        Map<Long, Long> model = new HashMap<>();
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 4; round++) {
            try (LongLongMap map = open(file, padding)) {
                assertSame(model, map);
                churn(map, model, random, 30_000, 40_000);
                assertSame(model, map);
            }
        }
    }

    @Test
    void aGrowthCutByCloseGoesOnAfterTheReopen() {
        Path file = dir.resolve("map");
        Map<Long, Long> model = new HashMap<>();
        long oldBuckets;
        long evacuated;
        try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
            long key = 0;
            while (!map.growing() || map.oldBucketCount() < 1024 || map.evacuatedBuckets() < 10) {
                map.put(key, key * 3);
                model.put(key, key * 3);
                key++;
            }
            oldBuckets = map.oldBucketCount();
            evacuated = map.evacuatedBuckets();
        }
        try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
            assertTrue(map.growing(), "the growth is still in progress");
            assertEquals(oldBuckets, map.oldBucketCount());
            assertEquals(evacuated, map.evacuatedBuckets(), "evacuated units as they were");
            assertSame(model, map);
            churn(map, model, new SplittableRandom(3), 5_000, 1_000_000);
            assertTrue(map.finishGrowth() || !map.growing());
            assertFalse(map.growing());
            assertSame(model, map);
        }
        try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
            assertFalse(map.growing());
            assertSame(model, map);
        }
    }

    @Test
    void clearAndTrimSurviveAReopenAndTheFileStaysBounded() throws IOException {
        Path file = dir.resolve("map");
        Map<Long, Long> model = new HashMap<>();
        SplittableRandom random = new SplittableRandom(11);
        long sizeAfterFirstRound = 0;
        for (int round = 0; round < 30; round++) {
            try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
                assertSame(model, map);
                churn(map, model, random, 20_000, 100_000);
                map.clear();
                model.clear();
                churn(map, model, random, 500, 100_000);
                map.trimToSize();
                map.finishGrowth();
            }
            if (round == 0) {
                sizeAfterFirstRound = Files.size(file);
            }
        }
        try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
            assertSame(model, map);
        }
        assertTrue(Files.size(file) <= 2 * sizeAfterFirstRound,
                "dead regions are reused: " + Files.size(file) + " bytes after 30 rounds, " + sizeAfterFirstRound
                        + " after the first");
    }

    @Test
    void oneMapAtATimeHasTheFileOpen() {
        Path file = dir.resolve("map");
        try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
            map.put(1, 2);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> open(file, BucketPadding.CACHE_LINE));
            assertTrue(e.getMessage().contains("open in another map"), e.getMessage());
            assertEquals(2, map.get(1), "the open map is unharmed");
        }
        try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
            assertEquals(2, map.get(1));
        }
    }

    @Test
    void theFilesHashSeedIsKeptAndAFixedSeedMustMatchIt() throws IOException {
        Path file = dir.resolve("map");
        try (LongLongMap map = LongLongMap.builder().file(file).seed(42).build()) {
            map.put(5, 6);
        }
        try (LongLongMap map = LongLongMap.builder().file(file).build()) {
            assertEquals(6, map.get(5), "a builder without a seed takes the file's");
        }
        byte[] before = Files.readAllBytes(file);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LongLongMap.builder().file(file).seed(43).build());
        assertTrue(e.getMessage().contains("seed"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        try (LongLongMap map = LongLongMap.builder().file(file).seed(42).build()) {
            assertEquals(6, map.get(5));
        }
    }

    @Test
    void refusesFilesOfAnotherKindLayoutOrFormatAndLeavesThemUntouched() throws IOException {
        Path file = dir.resolve("map");
        try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
            map.put(1, 1);
        }
        assertRefused(file, BucketPadding.NONE, h -> { }, "bucket layout");
        assertRefused(file, BucketPadding.CACHE_LINE,
                h -> h.putLong((int) MapFileHeaderLayout.KIND_OFFSET, MapFileHeaderLayout.KIND_CONCURRENT_BYTES),
                "holds a ConcurrentBytesMap, not a LongLongMap");
        assertRefused(file, BucketPadding.CACHE_LINE,
                h -> h.putLong((int) MapFileHeaderLayout.VERSION_OFFSET, MapFileHeaderLayout.FORMAT_VERSION + 1),
                "written by a newer tophash");
        assertRefused(file, BucketPadding.CACHE_LINE, h -> h.putLong((int) MapFileHeaderLayout.MAGIC_OFFSET, 0),
                "not a tophash map file");
        assertRefused(file, BucketPadding.CACHE_LINE, h -> h.putLong((int) MapFileHeaderLayout.VALUE_LENGTH_OFFSET, 16),
                "values of 16");
        assertRefused(file, BucketPadding.CACHE_LINE,
                h -> h.putLong((int) MapFileHeaderLayout.regionOffset(0) + 8, 1L << 40), "damaged");
        assertRefused(file, BucketPadding.CACHE_LINE,
                h -> h.putLong((int) (MapFileHeaderLayout.slotOffset(0) + MapFileHeaderLayout.SLOT_LOG2_OFFSET), 20),
                "damaged: table slot 0");
        try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
            assertEquals(1, map.get(1), "each refusal left the file as it was");
        }

        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "not a map");
        byte[] before = Files.readAllBytes(text);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> open(text, BucketPadding.CACHE_LINE));
        assertTrue(e.getMessage().contains("not a tophash map file"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(text));
    }

    /** Changes the header of a copy of {@code file}, checks the copy is refused with {@code message} and left byte for byte. */
    private void assertRefused(Path file, BucketPadding padding, Consumer<ByteBuffer> change, String message)
            throws IOException {
        Path copy = dir.resolve("copy");
        Files.deleteIfExists(copy);
        Files.copy(file, copy);
        patchHeader(copy, change);
        byte[] before = Files.readAllBytes(copy);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> open(copy, padding));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(copy), "the refused file is untouched");
        try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
            assertEquals(1, map.size(), "the refused open left no lock behind");
        }
    }

    static void patchHeader(Path file, Consumer<ByteBuffer> change) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer h = ByteBuffer.allocate((int) MapFileHeaderLayout.HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(h, 0);
            change.accept(h);
            h.clear();
            ch.write(h, 0);
        }
    }

    static long headerLong(Path file, long offset) throws IOException {
        long[] value = new long[1];
        patchHeader(file, h -> value[0] = h.getLong((int) offset));
        return value[0];
    }

    // ------------------------------------------------------------- what a crash leaves

    @Test
    void anInsertCutByACrashIsCountedIfItsSlotWasMadeLive() throws IOException {
        Path file = dir.resolve("map");
        try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
            for (long k = 0; k < 1000; k++) {
                map.put(k, k);
            }
        }
        // key 999 live, the size not yet counted: the crash came between the slot and the count
        patchHeader(file, h -> {
            h.putLong((int) MapFileHeaderLayout.SIZE_OFFSET, 999);
            h.putLong((int) MapFileHeaderLayout.OP_OFFSET, MapFileHeaderLayout.OP_INSERT);
            h.putLong((int) MapFileHeaderLayout.OP_KEY_OFFSET, 999);
            h.putLong((int) MapFileHeaderLayout.OP_SIZE_OFFSET, 999);
        });
        try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
            assertEquals(1000, map.size());
            assertEquals(1000, AbstractSingleThreadedContract.contents(map).size());
        }
        assertEquals(0, headerLong(file, MapFileHeaderLayout.OP_OFFSET), "the record is settled");
        // an insert of an absent key whose slot was never made live counts nothing
        patchHeader(file, h -> {
            h.putLong((int) MapFileHeaderLayout.OP_OFFSET, MapFileHeaderLayout.OP_INSERT);
            h.putLong((int) MapFileHeaderLayout.OP_KEY_OFFSET, 5_000);
            h.putLong((int) MapFileHeaderLayout.OP_SIZE_OFFSET, 1000);
            h.putLong((int) MapFileHeaderLayout.SIZE_OFFSET, 1001);
        });
        try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
            assertEquals(1000, map.size());
            assertEquals(-1, map.get(5_000));
        }
    }

    @Test
    void aRemovalCutByACrashIsCountedAndItsChainRepaired() throws IOException {
        Path file = dir.resolve("map");
        Map<Long, Long> model = new HashMap<>();
        try (LongLongMap map = open(file, BucketPadding.NONE)) {
            for (long k = 0; k < 1000; k++) {
                map.put(k, k);
                model.put(k, k);
            }
            map.remove(500);
            model.remove(500L);
        }
        // the removal's slot emptied, the count not yet lowered
        patchHeader(file, h -> {
            h.putLong((int) MapFileHeaderLayout.SIZE_OFFSET, 1000);
            h.putLong((int) MapFileHeaderLayout.OP_OFFSET, MapFileHeaderLayout.OP_REMOVE);
            h.putLong((int) MapFileHeaderLayout.OP_KEY_OFFSET, 500);
            h.putLong((int) MapFileHeaderLayout.OP_SIZE_OFFSET, 1000);
        });
        try (LongLongMap map = open(file, BucketPadding.NONE)) {
            assertSame(model, map);
        }
    }

    @Test
    void anEvacuationCutByACrashIsRedoneOrCounted() throws IOException {
        Path file = dir.resolve("map");
        Map<Long, Long> model = new HashMap<>();
        try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
            long key = 0;
            while (!map.growing() || map.evacuatedBuckets() < 20) {
                map.put(key, ~key);
                model.put(key, ~key);
                key++;
            }
        }
        long state = headerLong(file, MapFileHeaderLayout.STATE_OFFSET);
        long done = headerLong(file, MapFileHeaderLayout.DONE_OFFSET);
        long oldRegion = headerLong(file, MapFileHeaderLayout.slotOffset(MapFileHeaderLayout.oldSlot(state)));
        long oldLog2 = headerLong(file, MapFileHeaderLayout.slotOffset(MapFileHeaderLayout.oldSlot(state))
                + MapFileHeaderLayout.SLOT_LOG2_OFFSET);
        long newRegion = headerLong(file, MapFileHeaderLayout.slotOffset(MapFileHeaderLayout.currentSlot(state)));
        long stride = BucketPadding.CACHE_LINE.bucketLength();
        long unit = firstUnevacuated(file, oldRegion, 1L << oldLog2, stride);

        // an evacuation that had copied part of its unit: junk in a destination bucket, no mark
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer junk = ByteBuffer.allocate((int) stride).order(ByteOrder.LITTLE_ENDIAN);
            // the last slot (evacuation refills a destination from slot 0, so a junk slot 0 would be overwritten anyway)
            junk.put(6, (byte) 0x77); // a live tophash byte
            junk.putLong(8 + 6 * 8, 123_456_789L); // its key
            junk.putLong(64 + 6 * 8, 42); // its value
            ch.write(junk, newRegion + unit * stride);
        }
        patchHeader(file, h -> {
            h.putLong((int) MapFileHeaderLayout.EVACUATING_OFFSET, unit + 1);
            h.putLong((int) MapFileHeaderLayout.EVACUATING_DONE_OFFSET, done);
        });
        try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
            assertEquals(done, map.evacuatedBuckets());
            assertSame(model, map);
            map.finishGrowth();
            assertSame(model, map);
        }

        // an evacuation whose mark was made but not counted
        Map<Long, Long> model2 = new HashMap<>();
        Path file2 = dir.resolve("map2");
        try (LongLongMap map = open(file2, BucketPadding.CACHE_LINE)) {
            long key = 0;
            while (!map.growing() || map.evacuatedBuckets() < 20) {
                map.put(key, key);
                model2.put(key, key);
                key++;
            }
        }
        long done2 = headerLong(file2, MapFileHeaderLayout.DONE_OFFSET);
        patchHeader(file2, h -> {
            h.putLong((int) MapFileHeaderLayout.DONE_OFFSET, done2 - 1);
            h.putLong((int) MapFileHeaderLayout.EVACUATING_OFFSET, 1); // unit 0, evacuated by the first write's work
            h.putLong((int) MapFileHeaderLayout.EVACUATING_DONE_OFFSET, done2 - 1);
        });
        try (LongLongMap map = open(file2, BucketPadding.CACHE_LINE)) {
            assertEquals(done2, map.evacuatedBuckets());
            map.finishGrowth();
            assertFalse(map.growing(), "the growth completes at its units' count");
            assertSame(model2, map);
        }
    }

    private static long firstUnevacuated(Path file, long region, long buckets, long stride) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer word = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            for (long b = 0; b < buckets; b++) {
                word.clear();
                ch.read(word, region + b * stride);
                if (word.getLong(0) != 0x0202020202020202L) {
                    return b;
                }
            }
        }
        throw new AssertionError("every unit evacuated");
    }

    @Test
    void forceFlushesAndAMapInMemoryHasNothingToFlush() {
        try (LongLongMap map = open(dir.resolve("map"), BucketPadding.CACHE_LINE)) {
            map.put(1, 1);
            map.force();
        }
        try (LongLongMap map = LongLongMap.builder().build()) {
            map.force();
            map.close();
            assertThrows(IllegalStateException.class, map::force);
        }
    }

    @Test
    void aSyncPolicyForcesEveryNthWriteAndNeedsAFile() {
        Path file = dir.resolve("map");
        try (LongLongMap map = LongLongMap.builder().file(file).forceEvery(3).build()) {
            for (long k = 0; k < 100; k++) {
                map.put(k, k);
            }
            assertEquals(33, map.forces(), "every third write forced");
            map.force();
            assertEquals(34, map.forces());
        }
        try (LongLongMap map = LongLongMap.builder().file(file).build()) {
            assertEquals(100, map.size());
        }
        assertThrows(IllegalArgumentException.class, () -> LongLongMap.builder().forceEvery(-1));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LongLongMap.builder().forceEvery(10).build());
        assertTrue(e.getMessage().contains("needs a file"), e.getMessage());
    }

    @Test
    void aGrowthTheFileCannotHoldFailsWithNothingLost() throws IOException {
        Path file = dir.resolve("map");
        try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
            map.put(0, 0);
        }
        fillRegionTable(file); // no region for a growth
        Map<Long, Long> model = new HashMap<>();
        model.put(0L, 0L);
        try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
            OutOfMemoryError refused = null;
            for (long k = 1; k < 100_000 && refused == null; k++) {
                try {
                    map.put(k, k);
                    model.put(k, k);
                } catch (OutOfMemoryError e) {
                    refused = e;
                }
            }
            assertTrue(refused != null && refused.getMessage().contains("region table is full"),
                    "the first table fills up and the growth is refused: " + refused);
            assertFalse(map.growing());
            assertSame(model, map);
        }
        try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
            assertSame(model, map);
        }
    }

    @Test
    void aClearThatCouldNotGetItsTableLeavesNoRecordBehind() throws IOException {
        Path file = dir.resolve("map");
        Map<Long, Long> model = new HashMap<>();
        try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
            long key = 0;
            while (!map.growing() || map.evacuatedBuckets() < 4) {
                map.put(key, key);
                model.put(key, key);
                key++;
            }
        }
        fillRegionTable(file);
        try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
            assertTrue(map.growing());
            assertThrows(OutOfMemoryError.class, map::clear, "no region left for the fresh table");
            assertSame(model, map);
            assertTrue(map.finishGrowth(), "a state change that records no write");
        }
        try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
            assertSame(model, map);
        }
    }

    /**
     * A kill in the middle of a unit's evacuation leaves its record open and the overflow buckets
     * that unit took counted in the next table's slot; the reopen redoes the unit. Three hundred
     * such kills in one growth (written here into the header: the record of an unevacuated unit,
     * three more buckets counted) must not use up the next table's overflow area: each redo gives
     * back what its interrupted run took, and the growth then finishes with every entry.
     */
    @Test
    void aUnitRedoneAfterManyKillsGivesBackItsOverflowBucketsEachTime() throws IOException {
        Path file = dir.resolve("map");
        Map<Long, Long> model = new HashMap<>();
        try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
            for (long key = 0; !map.growing(); key++) {
                map.put(key, key);
                model.put(key, key);
            }
        }
        long overflowInUse;
        try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
            assertTrue(map.growing());
            overflowInUse = map.stats().overflowBucketCount();
        }
        long stride = BucketPadding.CACHE_LINE.format().bucketLength();
        long tophash = BucketPadding.CACHE_LINE.format().tophashOffset();
        for (int kill = 0; kill < 300; kill++) {
            long[] evacuated = new long[1];
            patchHeader(file, h -> evacuated[0] = h.getLong((int) MapFileHeaderLayout.DONE_OFFSET));
            long state = headerLong(file, MapFileHeaderLayout.STATE_OFFSET);
            long oldRegion = headerLong(file, MapFileHeaderLayout.slotOffset(MapFileHeaderLayout.oldSlot(state))
                    + MapFileHeaderLayout.SLOT_REGION_OFFSET) & ~MapFileHeaderLayout.OWNER_MASK;
            long oldBuckets = 1L << headerLong(file, MapFileHeaderLayout.slotOffset(MapFileHeaderLayout.oldSlot(state))
                    + MapFileHeaderLayout.SLOT_LOG2_OFFSET);
            long unit = -1;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer word = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                for (long u = oldBuckets - 1; u >= 0 && unit < 0; u--) {
                    word.clear();
                    ch.read(word, oldRegion + u * stride + tophash);
                    if (word.getLong(0) != io.tophash.layout.Tophash.EVACUATED_WORD) {
                        unit = u;
                    }
                }
            }
            long interrupted = unit;
            patchHeader(file, h -> {
                long takenAt = MapFileHeaderLayout.slotOffset(MapFileHeaderLayout.currentSlot(state))
                        + MapFileHeaderLayout.SLOT_TAKEN_OFFSET;
                long taken = h.getLong((int) takenAt);
                h.putLong((int) MapFileHeaderLayout.EVACUATING_DONE_OFFSET, evacuated[0]);
                h.putLong((int) MapFileHeaderLayout.EVACUATING_OVERFLOW_OFFSET, taken + 1);
                h.putLong((int) takenAt, taken + 3);
                h.putLong((int) MapFileHeaderLayout.EVACUATING_OFFSET, interrupted + 1);
            });
            try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
                assertTrue(map.growing());
                assertEquals(evacuated[0], map.evacuatedBuckets(), "the interrupted unit is redone, not counted");
                assertEquals(overflowInUse, map.stats().overflowBucketCount(), "after " + (kill + 1) + " kills mid-unit");
            }
        }
        try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
            assertTrue(map.finishGrowth());
            assertSame(model, map);
        }
    }

    /**
     * Keeps the regions a live generation or the file itself owns (the tables, the key store's
     * directory and chunks, the undo region) and makes every other entry of the region table an
     * unowned copy of the current table's region (mapped, so never reused): no region for anything new.
     */
    static void fillRegionTable(Path file) throws IOException {
        patchHeader(file, h -> {
            int count = (int) h.getLong((int) MapFileHeaderLayout.REGION_COUNT_OFFSET);
            long state = h.getLong((int) MapFileHeaderLayout.STATE_OFFSET);
            int current = MapFileHeaderLayout.currentSlot(state);
            long liveOld = MapFileHeaderLayout.growthKind(state) == 0 ? -1 : MapFileHeaderLayout.oldSlot(state) + 1;
            long table = h.getLong((int) MapFileHeaderLayout.slotOffset(current));
            long length = 0;
            for (int i = 0; i < count; i++) {
                if ((h.getLong((int) MapFileHeaderLayout.regionOffset(i)) & ~MapFileHeaderLayout.OWNER_MASK) == table) {
                    length = h.getLong((int) MapFileHeaderLayout.regionOffset(i) + 8);
                }
            }
            for (int i = 0; i < MapFileHeaderLayout.MAX_REGIONS; i++) {
                long owner = i < count ? h.getLong((int) MapFileHeaderLayout.regionOffset(i)) & MapFileHeaderLayout.OWNER_MASK : 0;
                if (owner != current + 1 && owner != liveOld && owner != MapFileHeaderLayout.OWNER_PERMANENT) {
                    h.putLong((int) MapFileHeaderLayout.regionOffset(i), table);
                    h.putLong((int) MapFileHeaderLayout.regionOffset(i) + 8, length);
                }
            }
            h.putLong((int) MapFileHeaderLayout.REGION_COUNT_OFFSET, MapFileHeaderLayout.MAX_REGIONS);
        });
    }

    @Test
    void aMapFileDroppedUnclosedIsClosedBySafetyNet() throws InterruptedException {
        Path file = dir.resolve("map");
        writeAndDrop(file);
        for (int attempt = 0; attempt < 200; attempt++) {
            System.gc();
            try (LongLongMap map = open(file, BucketPadding.CACHE_LINE)) {
                assertEquals(2, map.get(1));
                return;
            } catch (IllegalStateException stillOpen) {
                Thread.sleep(25);
            }
        }
        throw new AssertionError("the dropped map's file was never released");
    }

    private static void writeAndDrop(Path file) {
        LongLongMap map = open(file, BucketPadding.CACHE_LINE);
        map.put(1, 2);
    }

    @Test
    void createsNoFileWhereTheDirectoryIsMissing() {
        Path file = dir.resolve("missing").resolve("map");
        assertThrows(java.io.UncheckedIOException.class, () -> open(file, BucketPadding.CACHE_LINE));
        assertFalse(Files.exists(file));
        assertEquals(0, Arrays.stream(dir.toFile().list()).filter(n -> n.endsWith(".creating")).count());
    }
}
