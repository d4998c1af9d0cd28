package io.tophash;

import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No single write pays for a whole growth: each write evacuates at most two old buckets, only the
 * write that starts a growth allocates (the next table, mapped lazily), and the old table's memory
 * goes back, off the writing thread, when the growth ends.
 * Counted, not timed: speed is measured with JMH in jmh/.
 */
class IncrementalGrowthTest {

    @ParameterizedTest
    @EnumSource(BucketPadding.class)
    void eachPutDoesABoundedShareOfTheGrowth(BucketPadding padding) {
        CountingAllocator allocator = new CountingAllocator();
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).padding(padding).seed(5)
                .chunkBytes(4096).build()) {
            int growthsSeen = 0;
            long previousEvacuated = 0;
            boolean wasGrowing = false;
            for (long key = 0; key < 200_000; key++) {
                int allocationsBefore = allocator.allocations;
                map.put(key, key);
                int allocated = allocator.allocations - allocationsBefore;
                if (map.growing()) {
                    long step = wasGrowing ? map.evacuatedBuckets() - previousEvacuated : map.evacuatedBuckets();
                    assertTrue(step <= 2, "one put evacuated " + step + " buckets at key " + key);
                    previousEvacuated = map.evacuatedBuckets();
                    if (!wasGrowing) {
                        growthsSeen++;
                    }
                }
                // Only the put that starts a growth allocates: it reserves the next table, whole.
                assertTrue(allocated <= 1, "one put made " + allocated + " allocations");
                wasGrowing = map.growing();
            }
            assertTrue(growthsSeen >= 10, "only " + growthsSeen + " growths");
            while (map.growing()) {
                map.put(-1, -1);
                map.remove(-1);
            }
            map.awaitRetiredReleased();
            MapStats done = map.stats();
            assertEquals(1, allocator.allocations - allocator.releases, "old tables not released");
            assertEquals(done.bytesReserved(), allocator.bytesInUse());
        }
    }

    /**
     * Closing a released chunk's shared arena is a handshake with every thread (milliseconds at
     * worst): growth must leave it to the background releaser, never do it inside a put.
     */
    @Test
    void growthReleasesOldChunksOffTheWritingThread() {
        List<String> releasingThreads = new CopyOnWriteArrayList<>();
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
        LongLongMap map = LongLongMap.builder().allocator(recording).chunkBytes(4096).build();
        for (long key = 1; key <= 200_000 || map.growing(); key++) {
            map.put(key * 0x9E3779B97F4A7C15L, key);
        }
        map.awaitRetiredReleased();
        int releasedWhileGrowing = releasingThreads.size();
        assertTrue(releasedWhileGrowing > 10, "only " + releasedWhileGrowing + " chunks released while growing");
        assertFalse(releasingThreads.contains(Thread.currentThread().getName()), releasingThreads::toString);
        assertEquals(map.stats().bytesReserved(), delegate.bytesInUse());
        map.close();
        assertEquals(0, delegate.bytesInUse(), "close() returns once every chunk is released");
    }
}
