package io.tophash;

import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@link BytesMap}: bad input, views, alignment, key-store reuse and compaction, failures that lose nothing. */
class BytesMapTest {

    static final StructLayout DEVICE = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("id"),
            ValueLayout.JAVA_LONG.withName("lastSeen"),
            ValueLayout.JAVA_INT.withName("status"),
            MemoryLayout.paddingLayout(4),
            MemoryLayout.sequenceLayout(5, ValueLayout.JAVA_LONG).withName("counters"));
    static final VarHandle LAST_SEEN = DEVICE.varHandle(groupElement("lastSeen"));
    static final VarHandle STATUS = DEVICE.varHandle(groupElement("status"));

    static MemorySegment value(long seed, int size) {
        return MemorySegment.ofArray(BytesMapProperties.valueOf(seed, size));
    }

    /** valueAddress names the bytes a view shows, inline and stored keys, before and during a growth; 0 when absent. */
    @Test
    void valueAddressIsWhereTheViewIs() {
        try (BytesMap map = BytesMap.builder().valueSize(16).expectedSize(8).build()) {
            for (int i = 0; i < 2_000; i++) {
                String key = (i % 2 == 0 ? "k" : "a-key-longer-than-fifteen-bytes-") + i;
                map.put(key, MemorySegment.ofArray(new long[] {i, -i}));
                MemorySegment request = MemorySegment.ofArray(("GET " + key + " HTTP").getBytes(StandardCharsets.US_ASCII));
                long address = map.valueAddress(request, 4, key.length());
                MemorySegment view = map.get(key);
                org.junit.jupiter.api.Assertions.assertEquals(view.address(), address, key);
                org.junit.jupiter.api.Assertions.assertEquals(i, view.get(ValueLayout.JAVA_LONG, 0));
            }
            MemorySegment absent = MemorySegment.ofArray("nope".getBytes(StandardCharsets.US_ASCII));
            org.junit.jupiter.api.Assertions.assertEquals(0, map.valueAddress(absent, 0, 4));
            map.close();
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> map.valueAddress(absent, 0, 4));
        }
    }

    @Test
    void badInputGetsAClearExceptionAndChangesNothing() {
        try (BytesMap map = BytesMap.builder().valueSize(16).maxKeyLength(10).build()) {
            map.put("kept", value(1, 16));
            String tooLong = "12345678901";
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> map.put(tooLong, value(2, 16)));
            assertTrue(e.getMessage().contains("maxKeyLength 10"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> map.put(tooLong.getBytes(StandardCharsets.UTF_8), value(2, 16)));
            assertThrows(IllegalArgumentException.class, () -> map.get(MemorySegment.ofArray(new byte[11])));
            assertThrows(IllegalArgumentException.class, () -> map.acquire("ж".repeat(6))); // 12 bytes in UTF-8
            e = assertThrows(IllegalArgumentException.class, () -> map.put("k", value(2, 15)));
            assertTrue(e.getMessage().contains("valueSize is 16"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> map.getInto("kept", MemorySegment.ofArray(new byte[16]).asReadOnly()));
            assertThrows(IllegalArgumentException.class, () -> map.getInto("kept", MemorySegment.ofArray(new byte[15])));
            assertThrows(IndexOutOfBoundsException.class, () -> map.get(MemorySegment.ofArray(new byte[8]), 4, 5));
            assertThrows(NullPointerException.class, () -> map.put("k", null));
            assertThrows(IllegalArgumentException.class, () -> map.get("kept").set(ValueLayout.JAVA_BYTE, 0, (byte) 1));
            assertEquals(1, map.size());
            assertArrayEquals(value(1, 16).toArray(ValueLayout.JAVA_BYTE), map.get("kept").toArray(ValueLayout.JAVA_BYTE));
            assertFalse(map.containsKey("k"));
        }
    }

    @Test
    void builderRefusesMissingOrImpossibleSizes() {
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> BytesMap.builder().build());
        assertTrue(missing.getMessage().contains("valueSize"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BytesMap.builder().valueSize(0));
        assertThrows(IllegalArgumentException.class, () -> BytesMap.builder().valueSize(-8));
        assertThrows(IllegalArgumentException.class, () -> BytesMap.builder().maxKeyLength(0));
        assertThrows(IllegalArgumentException.class, () -> BytesMap.builder().maxKeyLength(BytesMap.MAX_KEY_LENGTH + 1));
        assertThrows(IllegalArgumentException.class, () -> BytesMap.builder().expectedSize(-1));
    }

    @Test
    void everyOperationAfterCloseThrowsIllegalStateAndViewsDie() {
        BytesMap map = BytesMap.builder().valueSize(8).build();
        map.put("a", value(1, 8));
        MemorySegment view = map.acquire("a");
        map.close();
        map.close(); // idempotent
        MemorySegment v8 = value(1, 8);
        assertThrows(IllegalStateException.class, () -> map.get("a"));
        assertThrows(IllegalStateException.class, () -> map.getInto("a", MemorySegment.ofArray(new byte[8])));
        assertThrows(IllegalStateException.class, () -> map.containsKey(new byte[] {1}));
        assertThrows(IllegalStateException.class, () -> map.put("a", v8));
        assertThrows(IllegalStateException.class, () -> map.acquire("a"));
        assertThrows(IllegalStateException.class, () -> map.remove("a"));
        assertThrows(IllegalStateException.class, map::size);
        assertThrows(IllegalStateException.class, map::clear);
        assertThrows(IllegalStateException.class, () -> map.forEach((k, v) -> { }));
        assertThrows(IllegalStateException.class, () -> view.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
    }

    @Test
    void theEmptyKeyIsAKeyLikeAnyOther() {
        try (BytesMap map = BytesMap.builder().valueSize(8).build()) {
            assertTrue(map.put("", value(7, 8)));
            assertTrue(map.containsKey(new byte[0]));
            assertTrue(map.containsKey(MemorySegment.NULL));
            assertFalse(map.containsKey(new byte[] {0}), "the one-byte key 0 is another key");
            assertTrue(map.remove(""));
            assertTrue(map.isEmpty());
        }
    }

    /** The README's device registry: a struct laid over the value view, aligned accessors included. */
    @ParameterizedTest
    @EnumSource(BucketPadding.class)
    void valuesAreEightByteAlignedForAStructLayout(BucketPadding padding) {
        try (BytesMap devices = BytesMap.builder().valueSize((int) DEVICE.byteSize()).padding(padding)
                .expectedSize(1000).build()) {
            for (int n = 0; n < 5000; n++) {
                MemorySegment device = devices.acquire("dev-" + n);
                assertEquals(0, device.address() % 8, "value of dev-" + n);
                LAST_SEEN.set(device, 0L, 1_700_000_000_000L + n);
                STATUS.set(device, 0L, n % 3);
            }
            MemorySegment d = devices.get("dev-4321");
            assertEquals(1_700_000_000_000L + 4321, (long) LAST_SEEN.get(d, 0L));
            assertEquals(4321 % 3, (int) STATUS.get(d, 0L));
        }
    }

    @Test
    void aStaleViewNeverCrashes() {
        try (BytesMap map = BytesMap.builder().valueSize(8).build()) {
            map.put("first", value(1, 8));
            MemorySegment stale = map.get("first");
            for (int i = 0; i < 50_000; i++) { // several growths: the first table is given back
                map.put("key-" + i, value(i, 8));
            }
            map.finishGrowth();
            map.remove("first");
            try {
                stale.get(ValueLayout.JAVA_LONG_UNALIGNED, 0); // reads some value, or...
            } catch (IllegalStateException released) {
                // ...its table is gone: FFM says so
            }
        }
    }

    @Test
    void storedKeysBlocksAreReusedUnderChurn() {
        try (BytesMap map = BytesMap.builder().valueSize(8).expectedSize(20_000).build()) {
            SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < 10_000; i++) {
                map.put("a-long-device-identifier-" + i, value(i, 8));
            }
            long[] loaded = map.keyStoreFigures();
            for (int round = 0; round < 20; round++) { // remove+put churn of same-length keys
                for (int j = 0; j < 10_000; j++) {
                    int victim = random.nextInt(10_000);
                    map.remove("a-long-device-identifier-" + victim);
                    map.put("a-long-device-identifier-" + victim, value(round, 8));
                }
            }
            long[] churned = map.keyStoreFigures();
            assertEquals(loaded[0], churned[0], "live key bytes");
            assertTrue(churned[2] <= loaded[2], "no chunk added: freed blocks were reused");
            assertEquals(10_000, map.size());
        }
    }

    @Test
    void fragmentationIsCompactedByAGrowth() {
        try (BytesMap map = BytesMap.builder().valueSize(8).expectedSize(100_000).build()) {
            for (int i = 0; i < 60_000; i++) {
                map.put("a-key-of-forty-bytes-for-size-class-" + String.format("%04d", i % 10_000) + i / 10_000, value(i, 8));
            }
            long[] before = map.keyStoreFigures();
            for (int i = 0; i < 60_000; i++) {
                map.remove("a-key-of-forty-bytes-for-size-class-" + String.format("%04d", i % 10_000) + i / 10_000);
            }
            assertEquals(0, map.keyStoreFigures()[0]);
            assertEquals(before[0], map.keyStoreFigures()[1], "every block freed");
            // keys of another size class cannot reuse those blocks: the store compacts instead
            for (int i = 0; i < 1000; i++) {
                map.put("short-key-of-20-b" + String.format("%03d", i), value(i, 8));
            }
            map.finishGrowth();
            long[] after = map.keyStoreFigures();
            assertEquals(0, after[1], "no freed block left after compaction");
            assertTrue(after[2] < before[2] / 4, "store shrank: " + after[2] + " of " + before[2]);
            for (int i = 0; i < 1000; i++) {
                assertNotNull(map.get("short-key-of-20-b" + String.format("%03d", i)));
            }
        }
    }

    /** Allocation failures at random: every failed write leaves the map as it was; no entry is ever lost. */
    @Test
    void failedWritesLoseNothing() {
        FaultInjectingAllocator faulty = new FaultInjectingAllocator(Allocators.cacheLineAligned(), 11, 0.2, 0);
        Map<String, byte[]> model = new HashMap<>();
        SplittableRandom random = new SplittableRandom(11);
        int failures = 0;
        BytesMap map = null;
        while (map == null) {
            try {
                map = BytesMap.builder().valueSize(24).allocator(faulty).build();
            } catch (OutOfMemoryError | FaultInjectingAllocator.InjectedAllocationFailure refused) {
                failures++;
            }
        }
        try (BytesMap m = map) {
            for (int i = 0; i < 60_000; i++) {
                int n = random.nextInt(8_000);
                String key = (n % 2 == 0 ? "d-" : "a-device-with-a-stored-key-") + n;
                byte[] v = BytesMapProperties.valueOf(i, 24);
                try {
                    if (random.nextInt(4) == 0) {
                        assertEquals(model.remove(key) != null, m.remove(key));
                    } else {
                        boolean isNew = m.put(key, MemorySegment.ofArray(v));
                        assertEquals(!model.containsKey(key), isNew, key);
                        model.put(key, v);
                    }
                } catch (OutOfMemoryError | FaultInjectingAllocator.InjectedAllocationFailure refused) {
                    failures++;
                }
                assertEquals(model.size(), m.size());
            }
            faulty.heal();
            BytesMapProperties.assertModel(model, m, "after 60,000 writes with faults");
            assertNull(m.auditChains());
        }
        // some refusals surface as failed writes, others are absorbed (a growth that cannot start waits)
        assertTrue(faulty.refusedAllocations() > 0, "no fault was injected (" + failures + " failed writes)");
        assertEquals(0, faulty.bytesInUse(), "memory left after close");
    }

    @Test
    void growthIsIncrementalAndFinishes() {
        try (BytesMap map = BytesMap.builder().valueSize(8).build()) {
            boolean sawGrowing = false;
            for (int i = 0; i < 100_000; i++) {
                map.put("dev-" + i, value(i, 8));
                sawGrowing |= map.growing();
            }
            assertTrue(sawGrowing);
            map.finishGrowth();
            assertFalse(map.growing());
            for (int i = 0; i < 100_000; i += 997) {
                assertNotNull(map.get("dev-" + i), "dev-" + i);
            }
        }
    }

    @Test
    void droppedMapsGiveTheirMemoryBack() throws InterruptedException {
        Allocator allocator = Allocators.cacheLineAligned();
        buildAndDrop(allocator);
        ReliabilityTest.awaitFreed(allocator);
    }

    private static void buildAndDrop(Allocator allocator) {
        BytesMap map = BytesMap.builder().valueSize(32).allocator(allocator).build();
        for (int i = 0; i < 20_000; i++) {
            map.put("some-device-with-a-long-id-" + i, value(i, 32));
        }
    }

    @Test
    void writingDuringForEachIsDetected() {
        try (BytesMap map = BytesMap.builder().valueSize(8).build()) {
            for (int i = 0; i < 100; i++) {
                map.put("k" + i, value(i, 8));
            }
            try {
                map.forEach((k, v) -> map.put("new" + k.byteSize(), value(0, 8)));
                fail("a put inside forEach went unnoticed");
            } catch (java.util.ConcurrentModificationException expected) {
                // as documented
            }
            // writing the value handed in is allowed
            map.forEach((k, v) -> v.set(ValueLayout.JAVA_BYTE, 0, (byte) 42));
            assertEquals(42, map.get("k7").get(ValueLayout.JAVA_BYTE, 0));
        }
    }

    @Test
    void keysReadWhereTheyLieInALargerBuffer() {
        try (Arena arena = Arena.ofConfined(); BytesMap map = BytesMap.builder().valueSize(8).build()) {
            MemorySegment request = arena.allocateFrom("GET /devices/dev-42/state");
            map.put("dev-42", value(42, 8));
            assertNotNull(map.get(request, 13, 6));
            assertNull(map.get(request, 13, 5));
        }
    }
}
