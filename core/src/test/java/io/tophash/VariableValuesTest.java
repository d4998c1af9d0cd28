package io.tophash;

import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Values of any length on both byte maps: every read form against what was put, replacement with
 * other lengths, the errors that leave the map unchanged, and the store's fragmentation bound
 * under a churn of drifting lengths.
 */
class VariableValuesTest {

    /** The operations both maps share for values of any length. */
    interface VarMap extends AutoCloseable {
        boolean put(String key, byte[] value);

        int valueLength(String key);

        int readInto(String key, byte[] target);

        int readInto(String key, MemorySegment target);

        boolean getInto(String key, MemorySegment target);

        boolean remove(String key);

        long size();

        boolean finishGrowth();

        boolean growing();

        long[] storeFigures();

        Map<String, byte[]> contents();

        @Override
        void close();
    }

    enum Kind {
        SINGLE, CONCURRENT;

        VarMap build(Allocator allocator, int maxValueSize, int maxKeyLength) {
            return this == SINGLE
                    ? single(BytesMap.builder().allocator(allocator).maxValueSize(maxValueSize).maxKeyLength(maxKeyLength)
                    .build())
                    : concurrent(ConcurrentBytesMap.builder().allocator(allocator).maxValueSize(maxValueSize)
                    .maxKeyLength(maxKeyLength).build());
        }
    }

    static VarMap single(BytesMap map) {
        return new VarMap() {
            public boolean put(String key, byte[] value) { return map.put(key, MemorySegment.ofArray(value)); }
            public int valueLength(String key) { return map.valueLength(key); }
            public int readInto(String key, byte[] target) { return map.readInto(key, target); }
            public int readInto(String key, MemorySegment target) { return map.readInto(key, target); }
            public boolean getInto(String key, MemorySegment target) { return map.getInto(key, target); }
            public boolean remove(String key) { return map.remove(key); }
            public long size() { return map.size(); }
            public boolean finishGrowth() { return map.finishGrowth(); }
            public boolean growing() { return map.growing(); }
            public long[] storeFigures() { return map.keyStoreFigures(); }
            public Map<String, byte[]> contents() {
                Map<String, byte[]> seen = new HashMap<>();
                map.forEach((k, v) -> {
                    assertTrue(v.isReadOnly(), "a value of any length is read-only");
                    seen.put(new String(k.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8),
                            v.toArray(ValueLayout.JAVA_BYTE));
                });
                return seen;
            }
            public void close() { map.close(); }
        };
    }

    static VarMap concurrent(ConcurrentBytesMap map) {
        return new VarMap() {
            public boolean put(String key, byte[] value) { return map.put(key, MemorySegment.ofArray(value)); }
            public int valueLength(String key) { return map.valueLength(key); }
            public int readInto(String key, byte[] target) { return map.readInto(key, target); }
            public int readInto(String key, MemorySegment target) { return map.readInto(key, target); }
            public boolean getInto(String key, MemorySegment target) { return map.getInto(key, target); }
            public boolean remove(String key) { return map.remove(key); }
            public long size() { return map.size(); }
            public boolean finishGrowth() { return map.finishGrowth(); }
            public boolean growing() { return map.growing(); }
            public long[] storeFigures() { return map.keyStoreFigures(); }
            public Map<String, byte[]> contents() {
                Map<String, byte[]> seen = new HashMap<>();
                map.forEach((k, v) -> seen.put(new String(k.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8),
                        v.toArray(ValueLayout.JAVA_BYTE)));
                return seen;
            }
            public void close() { map.close(); }
        };
    }

    static byte[] value(int length, long seed) {
        byte[] v = new byte[length];
        new SplittableRandom(seed).nextBytes(v);
        return v;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyLengthReadsBackThroughEveryReadForm(Kind kind) {
        int[] lengths = new int[320];
        for (int i = 0; i < 300; i++) {
            lengths[i] = i;
        }
        int[] large = {511, 512, 513, 1000, 4095, 4096, 65_535, 65_536, 131_071, 131_072, 300_000};
        System.arraycopy(large, 0, lengths, 300, large.length);
        lengths = Arrays.copyOf(lengths, 300 + large.length);
        try (Arena arena = Arena.ofConfined(); VarMap map = kind.build(Allocators.cacheLineAligned(), 1 << 20, 256)) {
            MemorySegment target = arena.allocate(300_000);
            byte[] array = new byte[300_000];
            for (int length : lengths) {
                String key = "key-" + length + (length % 2 == 0 ? "" : "-long-enough-to-be-stored");
                byte[] v = value(length, length);
                assertTrue(map.put(key, v), key);
                assertEquals(length, map.valueLength(key), key);
                assertEquals(length, map.readInto(key, array), key);
                assertArrayEquals(v, Arrays.copyOf(array, length), key);
                assertEquals(length, map.readInto(key, target), key);
                assertArrayEquals(v, target.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), key);
                assertTrue(map.getInto(key, target), key);
            }
            assertEquals(lengths.length, map.size());
            Map<String, byte[]> seen = map.contents();
            for (int length : lengths) {
                String key = "key-" + length + (length % 2 == 0 ? "" : "-long-enough-to-be-stored");
                assertArrayEquals(value(length, length), seen.get(key), key);
            }
            assertEquals(-1, map.valueLength("absent"));
            assertEquals(-1, map.readInto("absent", array));
            assertFalse(map.getInto("absent", target));
        }
    }

    @Test
    void singleWriterGetIsAReadOnlyViewOfExactlyTheValue() {
        try (BytesMap map = BytesMap.builder().variableValues().build()) {
            assertEquals(BytesMap.DEFAULT_MAX_VALUE_SIZE, map.maxValueSize());
            assertEquals(0, map.valueSize());
            for (int length : new int[] {0, 1, 15, 16, 17, 1024}) {
                byte[] v = value(length, 7);
                map.put("k" + length, MemorySegment.ofArray(v));
                MemorySegment view = map.get("k" + length);
                assertTrue(view.isReadOnly());
                assertEquals(length, view.byteSize());
                assertArrayEquals(v, view.toArray(ValueLayout.JAVA_BYTE));
                assertArrayEquals(v, map.get(("k" + length).getBytes(StandardCharsets.UTF_8)).toArray(ValueLayout.JAVA_BYTE));
            }
            assertNull(map.get("absent"));
            // put(k2, get(k1)): a view of the map as the value of the next write
            map.put("copy", map.get("k1024"));
            assertArrayEquals(value(1024, 7), map.get("copy").toArray(ValueLayout.JAVA_BYTE));
            map.put("k1024", map.get("k1024").asSlice(0, 100));
            assertArrayEquals(Arrays.copyOf(value(1024, 7), 100), map.get("k1024").toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void replacingWithOtherLengthsKeepsTheStoreExact(Kind kind) {
        try (VarMap map = kind.build(Allocators.cacheLineAligned(), 1 << 16, 64)) {
            SplittableRandom random = new SplittableRandom(1);
            Map<String, byte[]> model = new HashMap<>();
            for (int i = 0; i < 40_000; i++) {
                String key = "k" + random.nextInt(2_000);
                byte[] v = value(random.nextInt(random.nextInt(8) == 0 ? 5_000 : 40), i);
                assertEquals(model.put(key, v) == null, map.put(key, v), key);
                if (random.nextInt(10) == 0) {
                    String gone = "k" + random.nextInt(2_000);
                    assertEquals(model.remove(gone) != null, map.remove(gone), gone);
                }
            }
            map.finishGrowth();
            long expectedLive = 0;
            for (Map.Entry<String, byte[]> e : model.entrySet()) {
                int length = e.getValue().length;
                expectedLive += length > 15 ? blockLength(length) : 0;
            }
            assertEquals(expectedLive, map.storeFigures()[0], "live bytes are exactly the stored values' blocks");
            Map<String, byte[]> seen = map.contents();
            assertEquals(model.keySet(), seen.keySet());
            model.forEach((k, v) -> assertArrayEquals(v, seen.get(k), k));
        }
    }

    /** KeyStore's size classes: 8-byte steps to 256, then 8 per power of two. */
    static long blockLength(int length) {
        long block = (length + 7L) & -8L;
        if (block <= 256) {
            return block;
        }
        long step = Long.highestOneBit(block - 1) / 8;
        return (block + step - 1) / step * step;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void badInputThrowsAndLeavesTheMapUnchanged(Kind kind) {
        try (Arena arena = Arena.ofConfined(); VarMap map = kind.build(Allocators.cacheLineAligned(), 1000, 32)) {
            byte[] v = value(500, 1);
            map.put("key", v);
            IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                    () -> map.put("key", new byte[1001]));
            assertTrue(tooLong.getMessage().contains("1001") && tooLong.getMessage().contains("maxValueSize 1000"),
                    tooLong.getMessage());
            assertThrows(IllegalArgumentException.class, () -> map.put("new", new byte[1001]));
            assertThrows(IllegalArgumentException.class, () -> map.put("k".repeat(33), new byte[1]));
            byte[] shortTarget = new byte[499];
            Arrays.fill(shortTarget, (byte) 0x5A);
            IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                    () -> map.readInto("key", shortTarget));
            assertTrue(small.getMessage().contains("499") && small.getMessage().contains("500"), small.getMessage());
            byte[] untouched = new byte[499];
            Arrays.fill(untouched, (byte) 0x5A);
            assertArrayEquals(untouched, shortTarget, "a target too short is not written");
            MemorySegment shortSegment = arena.allocate(499);
            assertThrows(IllegalArgumentException.class, () -> map.readInto("key", shortSegment));
            assertThrows(IllegalArgumentException.class, () -> map.getInto("key", shortSegment));
            assertEquals(-1, shortSegment.mismatch(arena.allocate(499)), "a target too short is not written");
            assertThrows(IllegalArgumentException.class,
                    () -> map.readInto("key", arena.allocate(600).asReadOnly()));
            assertEquals(1, map.size());
            assertFalse(map.contents().containsKey("new"));
            assertArrayEquals(v, map.contents().get("key"));
            map.close();
            assertThrows(IllegalStateException.class, () -> map.put("key", v));
            assertThrows(IllegalStateException.class, () -> map.readInto("key", new byte[1000]));
            assertThrows(IllegalStateException.class, () -> map.valueLength("key"));
        }
    }

    /**
     * A request buffer that is also the response buffer: the key's bytes and the target overlap, so
     * the copy must not change the key under a read that may look it up again.
     */
    @Test
    void concurrentReadIntoATargetThatHoldsTheKey() {
        try (Arena arena = Arena.ofConfined();
             ConcurrentBytesMap map = ConcurrentBytesMap.builder().maxValueSize(4096).build()) {
            String key = "session-with-a-long-id-0001";
            byte[] v = value(300, 9);
            map.put(key, MemorySegment.ofArray(v));
            MemorySegment buffer = arena.allocate(4096);
            byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
            MemorySegment.copy(keyBytes, 0, buffer, ValueLayout.JAVA_BYTE, 0, keyBytes.length);
            assertEquals(300, map.readInto(buffer, 0, keyBytes.length, buffer));
            assertArrayEquals(v, buffer.asSlice(0, 300).toArray(ValueLayout.JAVA_BYTE));
            byte[] array = Arrays.copyOf(keyBytes, 4096);
            assertEquals(300, map.readInto(MemorySegment.ofArray(array).asSlice(0, keyBytes.length), array));
            assertArrayEquals(v, Arrays.copyOf(array, 300));
        }
    }

    /** Values over the read window's copy limit are copied under the lock, by readInto and by forEach. */
    @Test
    void concurrentLargeValuesReadWhole() {
        try (ConcurrentBytesMap map = ConcurrentBytesMap.builder().maxValueSize(1 << 20).build()) {
            byte[] large = value((1 << 20) - 3, 1);
            map.put("large", MemorySegment.ofArray(large));
            map.put("small", MemorySegment.ofArray(value(10, 2)));
            byte[] out = new byte[1 << 20];
            assertEquals(large.length, map.readInto("large", out));
            assertArrayEquals(large, Arrays.copyOf(out, large.length));
            assertThrows(IllegalArgumentException.class, () -> map.readInto("large", new byte[1000]));
            Map<String, byte[]> seen = concurrent(map).contents();
            assertArrayEquals(large, seen.get("large"));
            assertArrayEquals(value(10, 2), seen.get("small"));
        }
    }

    @Test
    void fixedSizeOperationsRefuseValuesOfAnyLength() {
        try (BytesMap map = BytesMap.builder().maxValueSize(64).build();
             ConcurrentBytesMap shared = ConcurrentBytesMap.builder().maxValueSize(64).build()) {
            map.put("k", MemorySegment.ofArray(new byte[3]));
            assertThrows(UnsupportedOperationException.class, () -> map.acquire("k"));
            assertThrows(UnsupportedOperationException.class, () -> map.acquire("new"));
            MemorySegment key = MemorySegment.ofArray("k".getBytes(StandardCharsets.UTF_8));
            assertThrows(UnsupportedOperationException.class, () -> map.valueAddress(key, 0, 1));
            assertEquals(1, map.size());
            assertEquals(3, map.valueLength("k"));
            assertFalse(map.containsKey("new"));
            assertThrows(UnsupportedOperationException.class, () -> shared.update("k", v -> { }));
            assertFalse(shared.containsKey("k"));
        }
    }

    @Test
    void builderKeepsTheKindsOfValueApart() {
        assertThrows(IllegalStateException.class, () -> BytesMap.builder().valueSize(8).maxValueSize(8));
        assertThrows(IllegalStateException.class, () -> BytesMap.builder().variableValues().valueSize(8));
        assertThrows(IllegalStateException.class, () -> ConcurrentBytesMap.builder().maxValueSize(8).valueSize(8));
        assertThrows(IllegalArgumentException.class, () -> BytesMap.builder().maxValueSize(0));
        assertThrows(IllegalArgumentException.class, () -> BytesMap.builder().maxValueSize(BytesMap.MAX_VALUE_LENGTH + 1));
        IllegalStateException neither = assertThrows(IllegalStateException.class, () -> BytesMap.builder().build());
        assertTrue(neither.getMessage().contains("maxValueSize"), neither.getMessage());
        try (BytesMap map = BytesMap.builder().maxValueSize(BytesMap.MAX_VALUE_LENGTH).build()) {
            assertEquals(BytesMap.MAX_VALUE_LENGTH, map.maxValueSize());
        }
    }

    @Test
    void fixedSizeMapsAnswerTheNewReadsWithTheirValueSize() {
        try (BytesMap map = BytesMap.builder().valueSize(12).build();
             ConcurrentBytesMap shared = ConcurrentBytesMap.builder().valueSize(12).build()) {
            byte[] v = value(12, 3);
            map.put("k", MemorySegment.ofArray(v));
            shared.put("k", MemorySegment.ofArray(v));
            byte[] out = new byte[12];
            assertEquals(12, map.valueLength("k"));
            assertEquals(12, map.readInto("k", out));
            assertArrayEquals(v, out);
            assertEquals(12, shared.valueLength("k"));
            assertEquals(12, shared.readInto("k", out = new byte[12]));
            assertArrayEquals(v, out);
            assertEquals(-1, shared.valueLength("absent"));
            assertThrows(IllegalArgumentException.class, () -> shared.readInto("k", new byte[11]));
            assertEquals(0, map.maxValueSize());
        }
    }

    @Test
    void concurrentFieldReadsStopAtTheValuesLength() {
        try (ConcurrentBytesMap map = ConcurrentBytesMap.builder().maxValueSize(100).build()) {
            MemorySegment v = MemorySegment.ofArray(new long[] {11, 22, 33});
            map.put("short", v.asSlice(0, 12));
            map.put("long", v);
            assertEquals(11, map.getLong("short", 0, -1));
            assertEquals(-1, map.getLong("short", 8, -1), "the field passes the value's end");
            assertEquals(33, map.getLong("long", 16, -1));
            assertEquals(-1, map.getLong("long", 20, -1));
            assertThrows(IllegalArgumentException.class, () -> map.getLong("long", 93, -1));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aRefusedAllocationLeavesTheEntryAsItWas(Kind kind) {
        RefusingAllocator allocator = new RefusingAllocator(Allocators.cacheLineAligned());
        try (VarMap map = kind.build(allocator, 1 << 20, 256)) {
            byte[] v = value(20, 1);
            map.put("key", v);
            allocator.refuse = true;
            assertThrows(OutOfMemoryError.class, () -> map.put("key", new byte[500_000]));
            assertThrows(OutOfMemoryError.class, () -> map.put("other", new byte[500_000]));
            allocator.refuse = false;
            assertEquals(1, map.size());
            assertEquals(20, map.valueLength("key"));
            assertArrayEquals(v, map.contents().get("key"));
            assertEquals(-1, map.valueLength("other"));
        }
        assertEquals(0, allocator.bytesInUse());
    }

    /**
     * A churn of replacements whose lengths drift (so that freed blocks of one size class stop being
     * reused) keeps the store's live bytes at least 3/4 of what it reserves, once a compaction the
     * churn started has finished.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void fragmentationStaysBoundedUnderDriftingLengths(Kind kind) {
        try (VarMap map = kind.build(Allocators.cacheLineAligned(), 1 << 16, 64)) {
            SplittableRandom random = new SplittableRandom(5);
            int keys = 8_000;
            double worst = 1;
            String where = "";
            for (int i = 0; i < 400_000; i++) {
                int drift = (i / 20_000) * 48;
                int length = 16 + drift + random.nextInt(600);
                map.put("session-" + random.nextInt(keys), value(length, i));
                if (i % 10_000 == 9_999 && !map.growing()) {
                    long[] figures = map.storeFigures();
                    if (figures[2] > 1 << 20 && (double) figures[0] / figures[2] < worst) {
                        worst = (double) figures[0] / figures[2];
                        where = "op " + i + ": live, free, reserved " + Arrays.toString(figures);
                    }
                }
            }
            map.finishGrowth();
            long[] figures = map.storeFigures();
            worst = Math.min(worst, (double) figures[0] / figures[2]);
            assertTrue(worst >= 0.75, "live / reserved fell to " + worst + " at " + where);
        }
    }

    /**
     * A reader racing a writer whose value changes length (inline, stored, other size classes) and
     * growths that move it: every read is one whole value with its own length. A bounded number of
     * writes, so that it runs in the emulated aarch64 lane too (jcstress has the thorough pairs).
     */
    @Test
    void concurrentGetCopyIsTheValueInAnArrayOfItsLength() {
        try (ConcurrentBytesMap map = ConcurrentBytesMap.builder().maxKeyLength(32).maxValueSize(1 << 20).build()) {
            int[] lengths = {0, 1, 15, 16, 100, 4_096, 64 * 1024, 64 * 1024 + 1, (1 << 20) - 3};
            for (int length : lengths) {
                map.put("key-" + length, MemorySegment.ofArray(valueOfLength(length, 7)));
            }
            for (int length : lengths) {
                assertArrayEquals(valueOfLength(length, 7), map.getCopy(("key-" + length).getBytes(StandardCharsets.UTF_8)),
                        "value of " + length + " bytes");
            }
            assertNull(map.getCopy("absent".getBytes(StandardCharsets.UTF_8)));
            assertThrows(IllegalArgumentException.class, () -> map.getCopy(new byte[33]));
            assertEquals(lengths.length, map.size());
            map.close();
            assertThrows(IllegalStateException.class, () -> map.getCopy("key-1".getBytes(StandardCharsets.UTF_8)));
        }
        try (ConcurrentBytesMap fixed = ConcurrentBytesMap.builder().valueSize(12).build()) {
            byte[] value = value(12, 3);
            fixed.put("k", MemorySegment.ofArray(value));
            assertArrayEquals(value, fixed.getCopy("k".getBytes(StandardCharsets.UTF_8)));
            assertNull(fixed.getCopy("j".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void prefetchChangesNothingAndRefusesOnlyAnOverlongKey() {
        ConcurrentBytesMap map = ConcurrentBytesMap.builder().maxKeyLength(32).maxValueSize(64).build();
        try (map) {
            for (int i = 0; i < 2_000; i++) { // through growths, prefetching keys present and absent
                byte[] key = ("prefetched-" + i).getBytes(StandardCharsets.UTF_8);
                map.prefetch(key);
                map.prefetch(("absent-" + i).getBytes(StandardCharsets.UTF_8));
                map.put(key, MemorySegment.ofArray(value(i % 64, i)));
            }
            assertEquals(2_000, map.size());
            for (int i = 0; i < 2_000; i++) {
                assertArrayEquals(value(i % 64, i), map.getCopy(("prefetched-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            assertThrows(IllegalArgumentException.class, () -> map.prefetch(new byte[33]));
            assertEquals(2_000, map.size());
        }
        assertThrows(IllegalStateException.class, () -> map.prefetch("after-close".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void concurrentReadersNeverSeeATornValueOrAWrongLength() throws Exception {
        try (ConcurrentBytesMap map = ConcurrentBytesMap.builder().maxValueSize(4096).build()) {
            int[] lengths = {0, 5, 15, 16, 40, 300, 2_000, 4_096};
            map.put("hot-session-key-0001", MemorySegment.ofArray(valueOfLength(lengths[0], 0)));
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicReference<String> fault = new java.util.concurrent.atomic.AtomicReference<>();
            Thread reader = new Thread(() -> {
                byte[] target = new byte[4096];
                MemorySegment segment = MemorySegment.ofArray(new byte[4096]);
                long reads = 0;
                while (!done.get() || reads < 1_000) {
                    int form = (int) (reads % 3);
                    byte[] copy = form == 2 ? map.getCopy("hot-session-key-0001".getBytes(StandardCharsets.UTF_8)) : null;
                    int length = form == 0 ? map.readInto("hot-session-key-0001", target)
                            : form == 1 ? map.readInto("hot-session-key-0001", segment) : copy.length;
                    byte[] got = form == 0 ? target : form == 1 ? segment.toArray(ValueLayout.JAVA_BYTE) : copy;
                    String problem = checkWhole(got, length, lengths);
                    if (problem != null) {
                        fault.compareAndSet(null, problem);
                        return;
                    }
                    reads++;
                }
            });
            reader.start();
            for (int i = 1; i <= 20_000; i++) {
                int length = lengths[i % lengths.length];
                map.put("hot-session-key-0001", MemorySegment.ofArray(valueOfLength(length, i)));
                if (i % 4 == 0) {
                    map.put("filler-" + i, MemorySegment.ofArray(valueOfLength(lengths[i % 7], i))); // growths
                }
            }
            done.set(true);
            reader.join();
            assertNull(fault.get());
        }
    }

    /** A value of {@code length} bytes that records its length and a serial {@code n} in every byte it has. */
    static byte[] valueOfLength(int length, int n) {
        byte[] v = new byte[length];
        for (int i = 0; i < length; i++) {
            v[i] = (byte) (i == 0 ? length >>> 4 : n + length);
        }
        return v;
    }

    /** Null if the {@code length} bytes of {@code v} are one value {@link #valueOfLength} made, else what is wrong. */
    static String checkWhole(byte[] v, int length, int[] lengths) {
        if (Arrays.stream(lengths).noneMatch(l -> l == length)) {
            return "a length no value had: " + length;
        }
        if (length == 0) {
            return null;
        }
        if (v[0] != (byte) (length >>> 4)) {
            return "length " + length + " with the first byte of another value";
        }
        for (int i = 2; i < length; i++) {
            if (v[i] != v[1]) {
                return "length " + length + ": byte " + i + " of another value";
            }
        }
        return null;
    }

    static final class RefusingAllocator implements Allocator {
        private final Allocator delegate;
        volatile boolean refuse;

        RefusingAllocator(Allocator delegate) {
            this.delegate = delegate;
        }

        @Override
        public MemorySegment allocate(long byteSize, long byteAlignment) {
            if (refuse) {
                throw new OutOfMemoryError("refused on purpose: " + byteSize + " bytes");
            }
            return delegate.allocate(byteSize, byteAlignment);
        }

        @Override
        public void release(MemorySegment segment) {
            delegate.release(segment);
        }

        @Override
        public long bytesInUse() {
            return delegate.bytesInUse();
        }
    }
}
