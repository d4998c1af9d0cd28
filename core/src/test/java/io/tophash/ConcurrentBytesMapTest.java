package io.tophash;

import io.tophash.memory.Allocators;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ConcurrentBytesMap}: bad input, update's atomicity and failure rules, reads racing
 * writers and growth, key-store reuse, failures that lose nothing. The model-checked random
 * sequences are {@link MapFuzzTest}'s (kind CONCURRENT_BYTES); the memory-model races are the
 * jcstress {@code ConcurrentBytesMapStress}.
 */
class ConcurrentBytesMapTest {

    private static MemorySegment value(long seed, int size) {
        return MemorySegment.ofArray(BytesMapProperties.valueOf(seed, size));
    }

    private static byte[] read(ConcurrentBytesMap map, String key) {
        MemorySegment target = MemorySegment.ofArray(new byte[map.valueSize()]);
        return map.getInto(key, target) ? target.toArray(ValueLayout.JAVA_BYTE) : null;
    }

    @Test
    void badInputGetsAClearExceptionAndChangesNothing() {
        try (ConcurrentBytesMap map = ConcurrentBytesMap.builder().valueSize(16).maxKeyLength(10).build()) {
            map.put("kept", value(1, 16));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> map.put("12345678901", value(2, 16)));
            assertTrue(e.getMessage().contains("maxKeyLength 10"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> map.update(new byte[11], v -> { }));
            assertThrows(IllegalArgumentException.class, () -> map.containsKey("ж".repeat(6)));
            e = assertThrows(IllegalArgumentException.class, () -> map.putIfAbsent("k", value(2, 15)));
            assertTrue(e.getMessage().contains("valueSize is 16"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> map.getInto("kept", MemorySegment.ofArray(new byte[16]).asReadOnly()));
            assertThrows(IllegalArgumentException.class, () -> map.getInto("kept", MemorySegment.ofArray(new byte[15])));
            assertThrows(IndexOutOfBoundsException.class, () -> map.remove(MemorySegment.ofArray(new byte[8]), 4, 5));
            assertThrows(NullPointerException.class, () -> map.update("kept", null));
            assertEquals(1, map.size());
            assertArrayEquals(value(1, 16).toArray(ValueLayout.JAVA_BYTE), read(map, "kept"));
        }
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> ConcurrentBytesMap.builder().build());
        assertTrue(missing.getMessage().contains("valueSize"), missing.getMessage());
        IllegalArgumentException misaligned = assertThrows(IllegalArgumentException.class,
                () -> ConcurrentBytesMap.builder().valueSize(8).allocator(Allocators.naive(3)).build());
        assertTrue(misaligned.getMessage().contains("8-byte aligned"), misaligned.getMessage());
    }

    @Test
    void everyOperationAfterCloseThrowsIllegalState() {
        ConcurrentBytesMap map = ConcurrentBytesMap.builder().valueSize(8).build();
        map.put("a", value(1, 8));
        map.close();
        map.close();
        MemorySegment target = MemorySegment.ofArray(new byte[8]);
        List<Runnable> calls = List.of(() -> map.getInto("a", target), () -> map.containsKey("a"),
                () -> map.put("a", value(1, 8)), () -> map.putIfAbsent("b", value(1, 8)), () -> map.remove("a"),
                () -> map.update("a", v -> { }), map::size, () -> map.forEach((k, v) -> { }), map::stats,
                map::finishGrowth, map::keyStoreBytes);
        for (Runnable call : calls) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call::run);
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
    }

    @Test
    void getIntoLeavesTheTargetAloneForAnAbsentKeyAndTheEmptyKeyIsAKey() {
        try (ConcurrentBytesMap map = ConcurrentBytesMap.builder().valueSize(8).build()) {
            MemorySegment target = MemorySegment.ofArray(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
            assertFalse(map.getInto("absent", target));
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, target.toArray(ValueLayout.JAVA_BYTE));
            assertTrue(map.put("", value(5, 8)));
            assertFalse(map.put(new byte[0], value(6, 8)));
            assertTrue(map.getInto(MemorySegment.NULL, target));
            assertArrayEquals(value(6, 8).toArray(ValueLayout.JAVA_BYTE), target.asSlice(0, 8).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(9, target.get(ValueLayout.JAVA_BYTE, 8), "only valueSize bytes are written");
        }
    }

    @Test
    void updateInsertsZeroFilledAndAFailingUpdaterChangesNothing() {
        try (ConcurrentBytesMap map = ConcurrentBytesMap.builder().valueSize(16).build()) {
            map.update("a-key-long-enough-to-be-stored", v -> {
                assertEquals(0, v.get(ValueLayout.JAVA_LONG, 0));
                v.set(ValueLayout.JAVA_LONG, 0, 41);
            });
            map.update("a-key-long-enough-to-be-stored", v -> v.set(ValueLayout.JAVA_LONG, 0, v.get(ValueLayout.JAVA_LONG, 0) + 1));
            long stored = map.keyStoreBytes();
            RuntimeException boom = new RuntimeException("boom");
            assertEquals(boom, assertThrows(RuntimeException.class, () -> map.update("a-key-long-enough-to-be-stored", v -> {
                v.set(ValueLayout.JAVA_LONG, 0, -1);
                throw boom;
            })));
            assertEquals(42, MemorySegment.ofArray(read(map, "a-key-long-enough-to-be-stored")).get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
            assertThrows(RuntimeException.class, () -> map.update("another-key-that-is-stored-too", v -> {
                throw boom;
            }));
            assertFalse(map.containsKey("another-key-that-is-stored-too"), "a failed update inserts nothing");
            assertEquals(1, map.size());
            assertEquals(stored, map.keyStoreBytes());
            assertEquals(0, map.keyStoreFigures()[1] - 32, "the failed insert's key block went back on its free list");
            byte[] xBytes = {'x'};
            for (ValueUpdater reentering : List.<ValueUpdater>of(v -> map.containsKey("x"), v -> map.containsKey(xBytes),
                    v -> map.getLong(xBytes, 0, -1), v -> map.forEach((k, w) -> { }),
                    v -> map.finishGrowth(), v -> map.close(), v -> map.remove("a-key-long-enough-to-be-stored"))) {
                IllegalStateException reentry = assertThrows(IllegalStateException.class, () -> map.update("x", reentering));
                assertTrue(reentry.getMessage().contains("ValueUpdater"), reentry.getMessage());
                assertFalse(map.containsKey("x"));
            }
            Exception checked = new java.io.IOException("thrown by an updater that declares nothing");
            assertEquals(checked, assertThrows(java.io.IOException.class,
                    () -> map.update("a-key-long-enough-to-be-stored", v -> {
                        v.set(ValueLayout.JAVA_LONG, 0, -1);
                        sneakyThrow(checked);
                    })));
            assertEquals(42, MemorySegment.ofArray(read(map, "a-key-long-enough-to-be-stored")).get(ValueLayout.JAVA_LONG_UNALIGNED, 0),
                    "a checked exception rolls the value back too");
            map.put("y", value(1, 16)); // the thread is usable again
        }
    }

    /** Four threads increment shared counters through update: none of the increments is lost. */
    @Test
    void concurrentUpdatesLoseNoIncrementAcrossGrowth() throws Exception {
        try (ConcurrentBytesMap map = ConcurrentBytesMap.builder().valueSize(8).build()) {
            int threads = 4;
            int perThread = 40_000;
            int keys = 3_000;
            runAll(threads, id -> {
                SplittableRandom random = new SplittableRandom(id);
                for (int i = 0; i < perThread; i++) {
                    int k = random.nextInt(keys);
                    String key = (k % 2 == 0 ? "c-" : "counter-with-a-stored-key-") + k;
                    map.update(key, v -> v.set(ValueLayout.JAVA_LONG, 0, v.get(ValueLayout.JAVA_LONG, 0) + 1));
                }
            });
            long[] total = {0};
            map.forEach((k, v) -> total[0] += v.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
            assertEquals((long) threads * perThread, total[0]);
            assertNull(map.auditChains());
        }
    }

    /**
     * Readers look up keys that are present for the whole run while writers insert and remove
     * others, forcing growths: a present key is never reported absent and its value is never torn.
     */
    @Test
    void readersNeverMissAPresentKeyWhileWritersGrowTheMap() throws Exception {
        try (ConcurrentBytesMap map = ConcurrentBytesMap.builder().valueSize(32).build()) {
            int stable = 2_000;
            for (int i = 0; i < stable; i++) {
                map.put(stableKey(i), value(i, 32));
            }
            AtomicBoolean stop = new AtomicBoolean();
            runAll(4, id -> {
                SplittableRandom random = new SplittableRandom(id);
                if (id < 2) {
                    for (int i = 0; i < 60_000; i++) {
                        String key = "churn-" + id + "-" + random.nextInt(40_000) + (i % 3 == 0 ? "-and-a-longer-tail" : "");
                        if (random.nextInt(3) == 0) {
                            map.remove(key);
                        } else {
                            map.put(key, value(i, 32));
                        }
                    }
                    stop.set(true);
                } else {
                    MemorySegment target = MemorySegment.ofArray(new byte[32]);
                    while (!stop.get()) {
                        int i = random.nextInt(stable);
                        assertTrue(map.getInto(stableKey(i), target), stableKey(i));
                        assertArrayEquals(value(i, 32).toArray(ValueLayout.JAVA_BYTE), target.toArray(ValueLayout.JAVA_BYTE));
                        assertTrue(map.containsKey(stableKey(i).getBytes(StandardCharsets.UTF_8)));
                    }
                }
            });
            assertNull(map.auditChains());
        }
    }

    private static String stableKey(int i) {
        return i % 2 == 0 ? "s" + i : "a-stable-key-stored-off-slot-" + i;
    }

    /** putIfAbsent races: exactly one thread inserts each key. */
    @Test
    void exactlyOnePutIfAbsentWinsEachKey() throws Exception {
        try (ConcurrentBytesMap map = ConcurrentBytesMap.builder().valueSize(8).build()) {
            int keys = 20_000;
            long[] wins = new long[4];
            runAll(4, id -> {
                for (int k = 0; k < keys; k++) {
                    if (map.putIfAbsent("once-" + k + "-padding-to-store", value(id, 8))) {
                        wins[id]++;
                    }
                }
            });
            assertEquals(keys, wins[0] + wins[1] + wins[2] + wins[3]);
            assertEquals(keys, map.size());
        }
    }

    @Test
    void storedKeyBlocksAreReusedUnderChurn() {
        try (ConcurrentBytesMap map = ConcurrentBytesMap.builder().valueSize(8).expectedSize(10_000).build()) {
            for (int round = 0; round < 20; round++) {
                for (int i = 0; i < 5_000; i++) {
                    map.put("session-token-" + round + "-" + i, value(i, 8));
                }
                for (int i = 0; i < 5_000; i++) {
                    assertTrue(map.remove("session-token-" + round + "-" + i));
                }
                if (round == 0) {
                    continue;
                }
                long[] figures = map.keyStoreFigures();
                assertEquals(0, figures[0], "no live stored key after the removes");
                assertTrue(figures[2] <= 2 * 5_000 * 32 + (1 << 20), "key store grew to " + figures[2] + " bytes");
            }
        }
    }

    @Test
    void failedWritesLoseNothing() {
        FaultInjectingAllocator faulty = new FaultInjectingAllocator(Allocators.cacheLineAligned(), 11, 0.3, 0);
        Map<String, byte[]> model = new HashMap<>();
        SplittableRandom random = new SplittableRandom(13);
        int failures = 0;
        ConcurrentBytesMap map = null;
        while (map == null) {
            try {
                map = ConcurrentBytesMap.builder().valueSize(24).allocator(faulty).seed(5).build();
            } catch (OutOfMemoryError | FaultInjectingAllocator.InjectedAllocationFailure refused) {
                failures++;
            }
        }
        try (ConcurrentBytesMap m = map) {
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
            Map<String, byte[]> seen = new HashMap<>();
            m.forEach((k, v) -> assertNull(seen.put(new String(k.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8),
                    v.toArray(ValueLayout.JAVA_BYTE))));
            assertEquals(model.keySet(), seen.keySet());
            model.forEach((k, v) -> assertArrayEquals(v, seen.get(k), k));
            assertNull(m.auditChains());
        }
        assertTrue(faulty.refusedAllocations() > 0, "no fault was injected (" + failures + " failed writes)");
        assertEquals(0, faulty.bytesInUse(), "memory left after close");
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    interface Body {
        void run(int id) throws Exception;
    }

    static void runAll(int threads, Body body) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    body.run(id);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            thread.start();
            all.add(thread);
        }
        start.countDown();
        for (Thread thread : all) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }
}
