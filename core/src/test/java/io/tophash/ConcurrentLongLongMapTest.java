package io.tophash;

import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What only the concurrent map promises: alignment refusal, atomic compound operations, safety under threads. */
class ConcurrentLongLongMapTest {

    static final int THREADS = 4;

    @Test
    void naive3IsRefusedAtBuildWithTheReasonAndLeaksNothing() {
        Allocator naive3 = Allocators.naive(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConcurrentLongLongMap.builder().allocator(naive3).build());
        assertTrue(e.getMessage().contains("8-byte aligned") && e.getMessage().contains("naive(3)")
                && e.getMessage().contains("ARM64"), e.getMessage());
        assertEquals(0, naive3.bytesInUse());
    }

    @Test
    void naive8StraddlesLinesButWorks() {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().allocator(Allocators.naive(8)).build()) {
            for (long k = 0; k < 10_000; k++) {
                map.put(k, k);
            }
            assertEquals(10_000, map.size());
            assertTrue(map.stats().bucketsCrossingExtraLine() > 0);
        }
    }

    @Test
    void conditionalRemoveAndReplaceCompareTheValue() {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().build()) {
            assertFalse(map.replace(1, 0, 5), "absent key is not replaced");
            assertFalse(map.remove(1, 0));
            map.put(1, 10);
            assertFalse(map.replace(1, 11, 12));
            assertTrue(map.replace(1, 10, 12));
            assertEquals(12, map.get(1));
            assertFalse(map.remove(1, 10));
            assertTrue(map.remove(1, 12));
            assertFalse(map.containsKey(1));
            assertEquals(0, map.size());
        }
    }

    @Test
    void writersOfDisjointKeysGrowTheMapTogetherAndLoseNothing() throws Exception {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().build()) {
            int perThread = 50_000;
            runConcurrently(t -> {
                for (long i = 0; i < perThread; i++) {
                    long key = i * THREADS + t;
                    assertEquals(0, map.put(key, ~key));
                }
            });
            assertEquals((long) perThread * THREADS, map.size());
            for (long key = 0; key < (long) perThread * THREADS; key++) {
                assertEquals(~key, map.get(key), "key " + key);
            }
            assertTrue(map.stats().bucketCount() > 16, "grew while written");
        }
    }

    @Test
    void addAndGetLosesNoIncrement() throws Exception {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().build()) {
            int rounds = 20_000;
            runConcurrently(t -> {
                for (int i = 0; i < rounds; i++) {
                    map.addAndGet(i % 1000, 1);       // shared keys, contended
                    map.addAndGet(1_000_000L * (t + 1) + i, 1);  // private keys, forcing growth meanwhile
                }
            });
            for (long k = 0; k < 1000; k++) {
                assertEquals((long) THREADS * rounds / 1000, map.get(k), "key " + k);
            }
        }
    }

    @Test
    void putIfAbsentInsertsExactlyOncePerKey() throws Exception {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().build()) {
            long[] winners = new long[THREADS];
            runConcurrently(t -> {
                for (long k = 0; k < 20_000; k++) {
                    if (map.putIfAbsent(k, t + 1) == 0) {
                        winners[t]++;
                    }
                }
            });
            long total = 0;
            for (long w : winners) {
                total += w;
            }
            assertEquals(20_000, total, "each key inserted by exactly one thread");
            assertEquals(20_000, map.size());
        }
    }

    @Test
    void readersAlwaysFindKeysThatAreThereWhileWritersGrowTheMap() throws Exception {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().build()) {
            int stable = 2_000;
            for (long k = 0; k < stable; k++) {
                map.put(k, k * 7);
            }
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicReference<String> failure = new AtomicReference<>();
            runConcurrently(t -> {
                if (t == 0) {
                    for (long k = stable; k < 300_000; k++) {
                        map.put(k, k * 7);
                    }
                    writing.set(false);
                } else {
                    SplittableRandom random = new SplittableRandom(t);
                    while (writing.get()) {
                        long k = random.nextLong(stable);
                        long v = map.get(k);
                        if (v != k * 7 && failure.get() == null) {
                            failure.set("get(" + k + ") = " + v + " during growth");
                        }
                    }
                }
            });
            assertNull(failure.get());
            assertEquals(300_000, map.size());
        }
    }

    @Test
    void forEachSeesEveryEntryPresentThroughoutExactlyOnce() throws Exception {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().build()) {
            for (long k = 0; k < 5_000; k++) {
                map.put(k, k);
            }
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicReference<String> failure = new AtomicReference<>();
            runConcurrently(t -> {
                if (t == 0) {
                    for (long k = 1_000_000; k < 1_200_000; k++) {
                        map.put(k, k);
                        map.remove(k - 100);
                    }
                    writing.set(false);
                } else {
                    while (writing.get()) {
                        Map<Long, Integer> seen = new HashMap<>();
                        map.forEach((k, v) -> seen.merge(k, 1, Integer::sum));
                        for (long k = 0; k < 5_000; k++) {
                            Integer times = seen.get(k);
                            if ((times == null || times != 1) && failure.get() == null) {
                                failure.set("key " + k + " visited " + times + " times");
                            }
                        }
                    }
                }
            });
            assertNull(failure.get());
        }
    }

    @Test
    void closeWhileOtherThreadsWorkGivesThemIllegalStateAndReleasesEverythingOnce() throws Exception {
        for (int round = 0; round < 20; round++) {
            Allocator allocator = Allocators.cacheLineAligned();
            ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().allocator(allocator).build();
            CountDownLatch started = new CountDownLatch(THREADS - 1);
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < THREADS - 1; t++) {
                long base = t * 10_000_000L;
                Thread worker = new Thread(() -> {
                    started.countDown();
                    try {
                        for (long k = base; ; k++) {
                            map.put(k, k);
                            map.get(k - 5);
                            map.addAndGet(k % 64, 1);
                        }
                    } catch (IllegalStateException expected) {
                        // the map was closed under us: the only allowed outcome
                    } catch (Throwable e) {
                        unexpected.compareAndSet(null, e);
                    }
                });
                workers.add(worker);
                worker.start();
            }
            started.await();
            Thread.sleep(round % 5);
            map.close();
            for (Thread worker : workers) {
                worker.join(10_000);
                assertFalse(worker.isAlive());
            }
            assertNull(unexpected.get(), () -> "unexpected: " + unexpected.get());
            assertEquals(0, allocator.bytesInUse(), "every chunk released, once");
            assertThrows(IllegalStateException.class, () -> map.get(1));
            map.close();
        }
    }

    interface Task {
        void run(int thread) throws Exception;
    }

    /** Runs {@code task} on {@link #THREADS} threads started together; rethrows the first failure. */
    static void runConcurrently(Task task) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    task.run(id);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() instanceof Exception e) {
            throw e;
        }
        if (failure.get() instanceof Error e) {
            throw e;
        }
    }
}
