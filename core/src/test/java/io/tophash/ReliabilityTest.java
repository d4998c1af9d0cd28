package io.tophash;

import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The reliability points of issue #11, each reproduced through the public API. */
class ReliabilityTest {

    /** Point 2: a map nobody closes gives its memory back once it is unreachable. */
    @Test
    void droppedMapsGiveTheirMemoryBackAfterGc() throws InterruptedException {
        Allocator allocator = Allocators.cacheLineAligned();
        for (int m = 0; m < 10; m++) {
            buildAndDrop(allocator);
        }
        assertTrue(allocator.bytesInUse() > 0);
        awaitFreed(allocator);
    }

    /** In a frame of its own, so that no local of the waiting frame can keep a map reachable (a JIT's choice). */
    private static void buildAndDrop(Allocator allocator) {
        LongLongMap single = LongLongMap.builder().allocator(allocator).build();
        ConcurrentLongLongMap concurrent = ConcurrentLongLongMap.builder().allocator(allocator).build();
        for (long k = 0; k < 40_000; k++) {
            single.put(k, k);
            concurrent.put(k, k);
        }
    }

    /**
     * Waits for the safety net, which needs a GC to find the maps and its thread to release them. The
     * deadline is generous because it only bounds a failure: on the emulated aarch64 lane one full GC
     * takes about 300 ms and every first use of a JDK path costs seconds. GCs are spaced so that the
     * releases (each a handshake with every thread) are not starved by back-to-back safepoints.
     */
    static void awaitFreed(Allocator allocator) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (allocator.bytesInUse() != 0 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(100);
        }
        assertEquals(0, allocator.bytesInUse(), "memory of unreachable maps still held");
    }

    /** Point 3: an Error thrown by a release on the background thread must not hang close() or clear(). */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void closeAndClearReturnWhenAReleaseThrowsAnError(boolean clearFirst) {
        Allocator failing = new ReleaseFailingAllocator(Allocators.cacheLineAligned(), 3);
        LongLongMap map = LongLongMap.builder().allocator(failing).chunkBytes(4096).build();
        for (long k = 0; k < 100_000 || map.growing(); k++) {
            map.put(k, k);
        }
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try {
                if (clearFirst) {
                    map.clear();
                }
            } catch (Throwable reported) {
                // reporting the failure is allowed; hanging is not
            }
            try {
                map.close();
            } catch (Throwable reported) {
                // likewise
            }
        });
    }

    /** Throws an Error from every {@code n}-th release, after releasing. */
    static final class ReleaseFailingAllocator implements Allocator {
        private final Allocator delegate;
        private final int every;
        private int releases;

        ReleaseFailingAllocator(Allocator delegate, int every) {
            this.delegate = delegate;
            this.every = every;
        }

        @Override
        public MemorySegment allocate(long byteSize, long byteAlignment) {
            return delegate.allocate(byteSize, byteAlignment);
        }

        @Override
        public synchronized void release(MemorySegment segment) {
            if (++releases % every == 0) {
                throw new InjectedError("release " + releases);
            }
            delegate.release(segment);
        }

        @Override
        public long bytesInUse() {
            return delegate.bytesInUse();
        }
    }

    static final class InjectedError extends Error {
        private static final long serialVersionUID = 1L;

        InjectedError(String message) {
            super(message);
        }
    }

    /** Point 4: a map pre-sized for n entries holds n entries, and then any number of updates, without growing. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 5, 7, 8, 9, 100, 1000, 5824, 5825, 12_000, 100_000})
    void expectedSizeMeansNoGrowthForEitherMap(int n) {
        for (boolean concurrent : new boolean[] {false, true}) {
            ContractMap.Builder b = concurrent
                    ? ContractMap.concurrent(Allocators.cacheLineAligned(), BucketPadding.CACHE_LINE)
                    : ContractMap.singleThreaded(Allocators.cacheLineAligned(), BucketPadding.CACHE_LINE);
            try (ContractMap map = b.expectedSize(n).seed(n).build()) {
                long buckets = map.stats().bucketCount();
                for (long k = 0; k < n; k++) {
                    map.put(k * 0x9E3779B97F4A7C15L, k);
                    assertFalse(map.growing(), (concurrent ? "concurrent" : "single") + ": grew at insert " + k + " of " + n);
                }
                for (long k = 0; k < n; k++) {
                    map.put(k * 0x9E3779B97F4A7C15L, -k);
                    map.addAndGet(k * 0x9E3779B97F4A7C15L, 1);
                    map.putIfAbsent(k * 0x9E3779B97F4A7C15L, 7);
                    assertFalse(map.growing(), (concurrent ? "concurrent" : "single") + ": an update grew the map");
                }
                assertEquals(buckets, map.stats().bucketCount());
                assertEquals(n, map.size());
            }
        }
    }

    /** Point 7: a close racing a reader on another thread surfaces as IllegalStateException only. */
    @Test
    void closeRacingAReaderGivesOnlyIllegalStateException() throws Exception {
        for (int round = 0; round < 200; round++) {
            LongLongMap map = LongLongMap.builder().chunkBytes(4096).build();
            for (long k = 0; k < 20_000; k++) {
                map.put(k, k);
            }
            AtomicReference<Throwable> seen = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    for (long i = 0; ; i++) {
                        map.get(i % 20_000);
                        map.containsKey(i);
                    }
                } catch (Throwable t) {
                    seen.set(t);
                }
            });
            reader.start();
            Thread.sleep(1);
            map.close();
            reader.join(10_000);
            Throwable t = seen.get();
            if (!(t instanceof IllegalStateException)) {
                fail("round " + round + ": reader saw " + t, t);
            }
        }
    }

    /**
     * Point 7: a write that needs no memory (an update, a conditional replace or remove) succeeds
     * even when the growth step it would help with cannot get memory.
     */
    @Test
    void writesThatNeedNoMemorySucceedWhileGrowthIsStarved() {
        CountingAllocator allocator = new CountingAllocator();
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().allocator(allocator).chunkBytes(4096)
                .seed(9).build()) {
            long k = 0;
            while (!(map.growing() && map.oldBucketCount() >= 1024)) {
                map.put(k, k);
                k++;
            }
            allocator.refusing = true;
            List<Throwable> failures = new ArrayList<>();
            for (long key = 0; key < k; key++) {
                try {
                    map.put(key, key + 1);
                    assertTrue(map.replace(key, key + 1, key + 2));
                    assertEquals(key + 3, map.addAndGet(key, 1));
                    assertTrue(map.remove(key, key + 3));
                    map.remove(key);
                } catch (Throwable t) {
                    failures.add(t);
                }
            }
            assertEquals(List.of(), failures.subList(0, Math.min(3, failures.size())), failures.size() + " writes failed");
            allocator.refusing = false;
        }
    }

    /**
     * Point 6: growth is driven by writes, so a bulk load that stops mid-growth kept both tables for
     * good under reads (measured: 27.1 MB against 17.0 MB). finishGrowth() ends it.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void finishGrowthEndsAGrowthThatTheLastWritesStarted(boolean concurrent) {
        Allocator allocator = Allocators.cacheLineAligned();
        ContractMap.Builder b = concurrent ? ContractMap.concurrent(allocator, BucketPadding.CACHE_LINE)
                : ContractMap.singleThreaded(allocator, BucketPadding.CACHE_LINE);
        try (ContractMap map = b.seed(1).build()) {
            long k = 0;
            while (!(map.growing() && map.oldBucketCount() >= 32_768)) {
                map.put(k * 0x9E3779B97F4A7C15L, k);
                k++;
            }
            for (long more = k + 2_000; k < more; k++) { // the load runs on into the growth, then stops
                map.put(k * 0x9E3779B97F4A7C15L, k);
            }
            for (long i = 0; i < 1_000_000; i++) {
                map.get(i * 0x9E3779B97F4A7C15L);
            }
            assertTrue(map.growing(), "reads alone do not move a growth on");
            long before = map.stats().bytesReserved();
            long oldTableBytes = map.oldBucketCount() * map.stats().bucketStride();
            assertTrue(map.finishGrowth());
            assertFalse(map.growing());
            assertFalse(map.finishGrowth(), "nothing left to finish");
            map.awaitRetiredReleased();
            long after = map.stats().bytesReserved();
            assertTrue(before - after >= oldTableBytes, "the old table went back: reserved " + before + " -> " + after);
            assertEquals(after, allocator.bytesInUse());
            for (long i = 0; i < k; i++) {
                assertEquals(i, map.get(i * 0x9E3779B97F4A7C15L));
            }
        }
        assertEquals(0, allocator.bytesInUse());
    }

    /** Point 6: the concurrent map's growth leaves chunk releases (arena-close handshakes) to the background thread. */
    @Test
    void concurrentGrowthReleasesOldChunksOffTheWritingThread() {
        List<String> releasingThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
        Allocator delegate = Allocators.cacheLineAligned();
        Allocator recording = new Allocator() {
            @Override
            public MemorySegment allocate(long byteSize, long byteAlignment) {
                return delegate.allocate(byteSize, byteAlignment);
            }

            @Override
            public void release(MemorySegment segment) {
                releasingThreads.add(Thread.currentThread().getName());
                delegate.release(segment);
            }

            @Override
            public long bytesInUse() {
                return delegate.bytesInUse();
            }
        };
        ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().allocator(recording).chunkBytes(4096).build();
        for (long key = 1; key <= 200_000 || map.growing(); key++) {
            map.put(key * 0x9E3779B97F4A7C15L, key);
        }
        map.awaitRetiredReleased();
        assertTrue(releasingThreads.size() > 10, "only " + releasingThreads.size() + " chunks released while growing");
        assertFalse(releasingThreads.contains(Thread.currentThread().getName()), releasingThreads::toString);
        assertEquals(map.stats().bytesReserved(), delegate.bytesInUse());
        map.close();
        assertEquals(0, delegate.bytesInUse());
    }

    /** Point 6: close() returns only when a release already under way on another thread is done. */
    @Test
    void concurrentCloseWaitsForAReleaseInFlight() throws Exception {
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch releaseStarted = new java.util.concurrent.CountDownLatch(1);
        Allocator delegate = Allocators.cacheLineAligned();
        Allocator gated = new Allocator() {
            @Override
            public MemorySegment allocate(long byteSize, long byteAlignment) {
                return delegate.allocate(byteSize, byteAlignment);
            }

            @Override
            public void release(MemorySegment segment) {
                if (!Thread.currentThread().getName().equals("closer")) {
                    releaseStarted.countDown();
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
                delegate.release(segment);
            }

            @Override
            public long bytesInUse() {
                return delegate.bytesInUse();
            }
        };
        ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().allocator(gated).chunkBytes(4096).build();
        long key = 1;
        while (releaseStarted.getCount() > 0) {
            map.put(key * 0x9E3779B97F4A7C15L, key);
            key++;
        }
        Thread closer = new Thread(map::close, "closer");
        closer.start();
        closer.join(300);
        assertTrue(closer.isAlive(), "close() returned while a chunk was still being released");
        gate.countDown();
        closer.join(10_000);
        assertFalse(closer.isAlive());
        assertEquals(0, delegate.bytesInUse());
    }
}
