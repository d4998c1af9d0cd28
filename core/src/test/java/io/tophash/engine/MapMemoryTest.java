package io.tophash.engine;

import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MapMemoryTest {

    /** Records which thread released what; can hold releases back, and fail chosen ones before releasing. */
    static class GatedAllocator implements Allocator {
        final Allocator delegate = Allocators.cacheLineAligned();
        final List<String> releasingThreads = new CopyOnWriteArrayList<>();
        final CountDownLatch gate = new CountDownLatch(1);
        volatile MemorySegment failOn;
        volatile Supplier<Throwable> failure = () -> new IllegalStateException("release refused for the test");

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
            if (segment == failOn) {
                Throwable t = failure.get();
                if (t instanceof Error e) {
                    throw e;
                }
                throw (RuntimeException) t;
            }
            delegate.release(segment);
        }

        @Override
        public long bytesInUse() {
            return delegate.bytesInUse();
        }
    }

    @Test
    void releasesOffTheCallingThreadAndAwaitWaitsForAll() throws Exception {
        GatedAllocator allocator = new GatedAllocator();
        MapMemory memory = new MapMemory(allocator);
        for (int i = 0; i < 3; i++) {
            memory.releaseLater(memory.allocate(4096, 64));
        }
        // the caller got back at once although every release is held at the gate
        assertEquals(3 * 4096, memory.bytesHeld());
        assertEquals(3 * 4096, allocator.bytesInUse());
        Thread opener = allocator.openGateLater();
        memory.awaitReleased();
        assertEquals(0, memory.bytesHeld());
        assertEquals(0, allocator.bytesInUse());
        assertEquals(3, allocator.releasingThreads.size());
        assertFalse(allocator.releasingThreads.contains(Thread.currentThread().getName()));
        opener.join();
    }

    /**
     * Issue #11, point 3: an Error from a background release used to leave the pending count above
     * zero for good, so close() waited forever. Now the chunk stays held, the wait ends, and
     * releaseAll retries the chunk and reports the Error once.
     */
    @Test
    void aBackgroundReleaseThatThrowsAnErrorIsKeptRetriedAndReportedOnce() {
        GatedAllocator allocator = new GatedAllocator();
        allocator.gate.countDown();
        allocator.failure = () -> new AssertionError("allocator bug");
        MapMemory memory = new MapMemory(allocator);
        MemorySegment bad = memory.allocate(4096, 64);
        allocator.failOn = bad;
        memory.releaseLater(bad);
        memory.releaseLater(memory.allocate(4096, 64));
        assertTimeoutPreemptively(Duration.ofSeconds(10), memory::awaitReleased);
        assertEquals(4096, memory.bytesHeld(), "the chunk whose release failed is still held");
        AssertionError thrown = assertThrows(AssertionError.class, memory::releaseAll);
        assertEquals("allocator bug", thrown.getMessage());
        assertEquals(4096, memory.bytesHeld());
        allocator.failOn = null;
        memory.releaseAll(); // retried; the failure was reported once
        assertEquals(0, memory.bytesHeld());
        assertEquals(0, allocator.bytesInUse());
    }

    @Test
    void releaseAllReleasesEverythingElseBeforeThrowingTheFirstFailure() {
        GatedAllocator allocator = new GatedAllocator();
        allocator.gate.countDown();
        MapMemory memory = new MapMemory(allocator);
        MemorySegment bad = memory.allocate(4096, 64);
        for (int i = 0; i < 5; i++) {
            memory.allocate(8192, 64);
        }
        allocator.failOn = bad;
        assertThrows(IllegalStateException.class, memory::releaseAll);
        assertEquals(4096, memory.bytesHeld());
        assertEquals(1, memory.chunksHeld());
        allocator.failOn = null;
        memory.close();
        assertEquals(0, allocator.bytesInUse());
    }

    @Test
    void awaitKeepsWaitingThroughAnInterruptAndKeepsIt() throws Exception {
        GatedAllocator allocator = new GatedAllocator();
        MapMemory memory = new MapMemory(allocator);
        memory.releaseLater(memory.allocate(4096, 64));
        Thread.currentThread().interrupt();
        Thread opener = allocator.openGateLater();
        memory.awaitReleased();
        assertTrue(Thread.interrupted(), "interrupt kept");
        assertEquals(0, allocator.bytesInUse());
        opener.join();
    }

    /** A retired chunk outlives its grace period (readers may be inside), then goes back on the background thread. */
    @Test
    void aRetiredChunkIsReleasedOnlyAfterItsGracePeriod() throws Exception {
        withRetireGrace(1_000, (allocator, memory) -> {
            MemorySegment chunk = memory.allocate(4096, 64);
            long retiredAt = System.nanoTime();
            memory.retire(chunk);
            assertThrows(IllegalStateException.class, () -> memory.retire(chunk), "retired twice");
            Thread.sleep(100);
            long held = memory.bytesHeld();
            // checked only while the grace period surely lasts: under emulation the steps above
            // alone can take longer than it (the aarch64 lane measured it)
            if (System.nanoTime() - retiredAt < Duration.ofMillis(800).toNanos()) {
                assertEquals(4096, held, "released before its grace period was over");
            }
            long deadline = retiredAt + Duration.ofSeconds(10).toNanos();
            while (memory.bytesHeld() != 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0, memory.bytesHeld());
            assertTrue(System.nanoTime() - retiredAt >= Duration.ofMillis(1_000).toNanos());
            assertEquals(List.of("tophash-chunk-release"), allocator.releasingThreads);
            assertEquals(0, allocator.bytesInUse());
        });
    }

    /** close() does not wait out grace periods: it releases retired chunks at once, and only once. */
    @Test
    void closeReleasesRetiredChunksWithoutWaiting() throws Exception {
        withRetireGrace(200, (allocator, memory) -> {
            memory.retire(memory.allocate(4096, 64));
            memory.allocate(8192, 64);
            assertTimeoutPreemptively(Duration.ofMillis(150), memory::close);
            assertEquals(0, memory.bytesHeld());
            assertEquals(0, allocator.bytesInUse());
            Thread.sleep(300); // the grace period ends: its task must find nothing left to release
            assertEquals(2, allocator.releasingThreads.size(), allocator.releasingThreads::toString);
        });
    }

    private interface GraceBody {
        void run(GatedAllocator allocator, MapMemory memory) throws Exception;
    }

    /** Runs {@code body} with retired chunks kept {@code millis}, over a ledger whose allocator releases at once. */
    private static void withRetireGrace(long millis, GraceBody body) throws Exception {
        long previous = MapMemory.retireGraceMillis(millis);
        try {
            GatedAllocator allocator = new GatedAllocator();
            allocator.gate.countDown();
            body.run(allocator, new MapMemory(allocator));
        } finally {
            MapMemory.retireGraceMillis(previous);
        }
    }

    @Test
    void aFailedAllocationRecordsNothing() {
        Allocator refusing = new GatedAllocator() {
            @Override
            public MemorySegment allocate(long byteSize, long byteAlignment) {
                throw new OutOfMemoryError("refused");
            }
        };
        MapMemory memory = new MapMemory(refusing);
        assertThrows(OutOfMemoryError.class, () -> memory.allocate(4096, 64));
        assertEquals(0, memory.bytesHeld());
        assertEquals(0, memory.chunksHeld());
    }

    /** Issue #11, point 2: the safety net frees an unreachable owner's memory and names the leak once per class. */
    @Test
    void theCleanerFreesMemoryOfAnUnreachableOwnerAndWarnsOncePerOwnerClass() throws InterruptedException {
        RecordingLogger logger = new RecordingLogger();
        System.Logger previous = MapMemory.log;
        MapMemory.log = logger;
        try {
            Allocator allocator = Allocators.cacheLineAligned();
            abandonOwners(allocator, 3);
            // generous: the deadline only bounds a failure (a full GC takes ~300 ms on the emulated aarch64 lane)
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (allocator.bytesInUse() != 0 && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(100);
            }
            assertEquals(0, allocator.bytesInUse());
            while (logger.messages.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20); // the warning is logged on the background thread
            }
            assertEquals(1, logger.messages.stream().filter(m -> m.contains("LeakyOwner")).count(), logger.messages::toString);
            String message = logger.messages.getFirst();
            assertTrue(message.contains("without close()"), message);

            // A closed owner is not reported, and closing withdraws the safety net.
            ClosedOwner closed = new ClosedOwner(allocator);
            closed.memory.close();
            assertEquals(0, allocator.bytesInUse());
            closed = null;
            for (int i = 0; i < 5; i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertFalse(logger.messages.stream().anyMatch(m -> m.contains("ClosedOwner")), logger.messages::toString);
        } finally {
            MapMemory.log = previous;
        }
    }

    private static void abandonOwners(Allocator allocator, int count) {
        for (int i = 0; i < count; i++) {
            new LeakyOwner(allocator);
        }
        assertEquals(count * 65536L, allocator.bytesInUse());
    }

    static final class LeakyOwner {
        final MapMemory memory;

        LeakyOwner(Allocator allocator) {
            memory = new MapMemory(allocator);
            memory.allocate(65536, 64);
            memory.freeWhenUnreachable(this);
        }
    }

    /**
     * A slow leak warning (the JVM's first log call took 20 s on the emulated aarch64 lane) holds
     * back no release: it is logged on a thread of its own, not the Cleaner's or the release thread.
     */
    @Test
    void aSlowLeakWarningHoldsBackNoRelease() throws Exception {
        CountDownLatch logging = new CountDownLatch(1);
        CountDownLatch unblock = new CountDownLatch(1);
        System.Logger previous = MapMemory.log;
        MapMemory.log = new BlockingLogger(logging, unblock);
        try {
            Allocator allocator = Allocators.cacheLineAligned();
            new SlowlyReportedOwner(allocator);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!logging.await(20, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
                System.gc();
            }
            assertEquals(0, logging.getCount(), "the owner's leak was never reported");
            MapMemory other = new MapMemory(allocator);
            other.releaseLater(other.allocate(4096, 64));
            assertTimeoutPreemptively(Duration.ofSeconds(5), other::awaitReleased, "a release waited for the log");
            assertEquals(0, allocator.bytesInUse());
        } finally {
            unblock.countDown();
            MapMemory.log = previous;
        }
    }

    static final class SlowlyReportedOwner {
        final MapMemory memory;

        SlowlyReportedOwner(Allocator allocator) {
            memory = new MapMemory(allocator);
            memory.allocate(65536, 64);
            memory.freeWhenUnreachable(this);
        }
    }

    /** A logger whose every call blocks until {@code unblock} opens, after opening {@code logging}. */
    record BlockingLogger(CountDownLatch logging, CountDownLatch unblock) implements System.Logger {
        @Override
        public String getName() {
            return "blocking";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            block();
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            block();
        }

        private void block() {
            logging.countDown();
            try {
                unblock.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static final class ClosedOwner {
        final MapMemory memory;

        ClosedOwner(Allocator allocator) {
            memory = new MapMemory(allocator);
            memory.allocate(4096, 64);
            memory.freeWhenUnreachable(this);
        }
    }

    @Test
    void closeThenCloseAgainRetriesAFailedRelease() {
        GatedAllocator allocator = new GatedAllocator();
        allocator.gate.countDown();
        MapMemory memory = new MapMemory(allocator);
        MemorySegment bad = memory.allocate(4096, 64);
        allocator.failOn = bad;
        assertThrows(IllegalStateException.class, memory::close);
        assertTrue(memory.closeRequested());
        allocator.failOn = null;
        memory.close();
        assertEquals(0, allocator.bytesInUse());
        assertSame(null, allocator.failOn);
    }

    /** Collects WARNING messages. */
    static final class RecordingLogger implements System.Logger {
        final List<String> messages = new CopyOnWriteArrayList<>();

        @Override
        public String getName() {
            return "recording";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            messages.add(msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            messages.add(format);
        }
    }
}
