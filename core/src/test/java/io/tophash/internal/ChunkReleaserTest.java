package io.tophash.internal;

import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkReleaserTest {

    /** Records which thread released what; can hold releases back, and fail one on demand. */
    static final class GatedAllocator implements Allocator {
        final Allocator delegate = Allocators.cacheLineAligned();
        final List<String> releasingThreads = new CopyOnWriteArrayList<>();
        final CountDownLatch gate = new CountDownLatch(1);
        volatile MemorySegment failOn;

        /** Opens the gate from another thread 50 ms from now, while the caller is waiting. */
        Thread openGateLater() {
            Thread opener = new Thread(() -> {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                gate.countDown();
            });
            opener.start();
            return opener;
        }

        @Override
        public MemorySegment allocate(long byteSize, long byteAlignment) {
            return delegate.allocate(byteSize, byteAlignment);
        }

        @Override
        public void release(MemorySegment segment) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            releasingThreads.add(Thread.currentThread().getName());
            delegate.release(segment);
            if (segment == failOn) {
                throw new IllegalStateException("release refused for the test");
            }
        }

        @Override
        public long bytesInUse() {
            return delegate.bytesInUse();
        }
    }

    @Test
    void releasesOffTheCallingThreadAndAwaitWaitsForAll() throws Exception {
        GatedAllocator allocator = new GatedAllocator();
        ChunkReleaser releaser = new ChunkReleaser(allocator);
        for (int i = 0; i < 3; i++) {
            releaser.releaseLater(allocator.allocate(4096, 64));
        }
        // the caller got back at once although every release is held at the gate
        assertEquals(3 * 4096, releaser.pendingBytes());
        assertEquals(3 * 4096, allocator.bytesInUse());
        Thread opener = allocator.openGateLater();
        releaser.awaitReleased();
        assertEquals(0, releaser.pendingBytes());
        assertEquals(0, allocator.bytesInUse());
        assertEquals(3, allocator.releasingThreads.size());
        assertFalse(allocator.releasingThreads.contains(Thread.currentThread().getName()));
        opener.join();
    }

    @Test
    void aFailedReleaseIsRethrownOnceByAwait() {
        GatedAllocator allocator = new GatedAllocator();
        allocator.gate.countDown();
        ChunkReleaser releaser = new ChunkReleaser(allocator);
        MemorySegment bad = allocator.allocate(4096, 64);
        allocator.failOn = bad;
        releaser.releaseLater(bad);
        releaser.releaseLater(allocator.allocate(4096, 64));
        IllegalStateException thrown = assertThrows(IllegalStateException.class, releaser::awaitReleased);
        assertEquals("release refused for the test", thrown.getMessage());
        assertEquals(0, releaser.pendingBytes());
        releaser.awaitReleased(); // reported once
        assertEquals(0, allocator.bytesInUse());
    }

    @Test
    void awaitKeepsWaitingThroughAnInterruptAndKeepsIt() throws Exception {
        GatedAllocator allocator = new GatedAllocator();
        ChunkReleaser releaser = new ChunkReleaser(allocator);
        releaser.releaseLater(allocator.allocate(4096, 64));
        Thread.currentThread().interrupt();
        Thread opener = allocator.openGateLater();
        releaser.awaitReleased();
        assertTrue(Thread.interrupted(), "interrupt kept");
        assertEquals(0, allocator.bytesInUse());
        opener.join();
    }
}
