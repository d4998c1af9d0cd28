package io.tophash.memory;

import io.tophash.os.NativeMemory;
import io.tophash.os.OsMemory;
import io.tophash.os.SystemPages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue #11, point 5: native memory is unmapped exactly once on every path of
 * {@code hugePages()}, and a range it gave back is never unmapped again (another thread's mapping
 * may sit there by then). The OS calls go through {@link LedgerOs}, which hands out real mappings,
 * records which bytes are the allocator's, refuses (and reports, without passing it on) any unmap
 * of bytes that are not, and fails chosen calls.
 */
class HugePageErrorPathsTest {

    private static final long HUGE = 2L << 20;

    private LedgerOs os;

    @BeforeEach
    void linkRealCalls() {
        NativeMemory real;
        try {
            real = NativeMemory.load();
        } catch (UnsupportedOperationException e) {
            assumeTrue(false, e.getMessage());
            return;
        }
        os = new LedgerOs(real);
    }

    @AfterEach
    void nothingLeakedNothingUnmappedTwice() {
        if (os != null) {
            assertEquals(List.of(), os.violations, "unmaps of memory the allocator did not own");
            assertEquals(Map.of(), os.ours, "mappings never given back");
            os.tearDown();
        }
    }

    private HugePageAllocator allocator() {
        return new HugePageAllocator(HUGE, "madvise", () -> os);
    }

    @Test
    void aSuccessfulAllocationIsUnmappedOnceOnRelease() {
        HugePageAllocator allocator = allocator();
        MemorySegment segment = allocator.allocate(3 * HUGE, 64);
        assertEquals(0, segment.address() % HUGE);
        segment.set(ValueLayout.JAVA_LONG, 0, 42);
        allocator.release(segment);
        assertEquals(0, allocator.bytesInUse());
    }

    @Test
    void aFailedHeadTrimGivesBackTheWholeMapping() {
        os.failUnmap = call -> call == 0;
        HugePageAllocator allocator = allocator();
        assertThrows(OutOfMemoryError.class, () -> allocator.allocate(2 * HUGE, 64));
        assertEquals(0, allocator.bytesInUse());
    }

    /** The old code gave back the whole over-mapped range here, head included, which was no longer its own. */
    @Test
    void aFailedTailTrimGivesBackOnlyWhatIsStillMapped() {
        os.failUnmap = call -> call == 1;
        HugePageAllocator allocator = allocator();
        assertThrows(OutOfMemoryError.class, () -> allocator.allocate(2 * HUGE, 64));
        assertEquals(0, allocator.bytesInUse());
        assertEquals(3, os.unmapCalls.get(), "head, failed tail, then the aligned rest");
    }

    /** The cleanup registered with the arena and the error path must not both unmap. */
    @Test
    void aFailureAfterTheCleanupIsRegisteredUnmapsOnce() {
        HugePageAllocator allocator = new HugePageAllocator(HUGE, "madvise", () -> os,
                (address, byteSize, arena, unmap) -> {
                    MemorySegment.ofAddress(address).reinterpret(byteSize, arena, ignored -> unmap.run());
                    throw new OutOfMemoryError("bookkeeping failed after the cleanup was registered");
                });
        assertThrows(OutOfMemoryError.class, () -> allocator.allocate(2 * HUGE, 64));
        assertThrows(OutOfMemoryError.class, () -> allocator.allocate(10_000, 64));
        assertEquals(0, allocator.bytesInUse());
    }

    /** FFM runs the cleanup itself when it cannot register it; the error path must not unmap again. */
    @Test
    void aCleanupRunByARefusedRegistrationIsNotRepeated() {
        HugePageAllocator allocator = new HugePageAllocator(HUGE, "madvise", () -> os,
                (address, byteSize, arena, unmap) -> {
                    unmap.run();
                    throw new IllegalStateException("registration refused; cleanup already run");
                });
        assertThrows(IllegalStateException.class, () -> allocator.allocate(2 * HUGE, 64));
        assertEquals(0, allocator.bytesInUse());
    }

    /**
     * Two threads whose madvise fails at the same moment fall back together. The old code let each
     * install its own fallback allocator; a segment served by the first was then released into the
     * second, which refused it, and its memory leaked.
     */
    @Test
    void threadsFallingBackTogetherShareOneFallbackAllocator() throws Exception {
        CountDownLatch firstAdviceEntered = new CountDownLatch(1);
        CountDownLatch releaseFirstAdvice = new CountDownLatch(1);
        AtomicInteger advice = new AtomicInteger();
        os.advise = () -> {
            if (advice.getAndIncrement() == 0) {
                firstAdviceEntered.countDown();
                await(releaseFirstAdvice);
            }
            return "EINVAL (errno 22)";
        };
        HugePageAllocator allocator = allocator();
        AtomicReference<MemorySegment> slow = new AtomicReference<>();
        Thread slowThread = new Thread(() -> slow.set(allocator.allocate(2 * HUGE, 64)));
        slowThread.start();
        await(firstAdviceEntered); // the slow thread is past the fallback check, inside madvise
        MemorySegment fast = allocator.allocate(2 * HUGE, 64); // its madvise fails: falls back
        MemorySegment served = allocator.allocate(5000, 64);   // served by the fallback
        releaseFirstAdvice.countDown();                          // the slow thread falls back too
        slowThread.join();
        assertTrue(allocator.fallbackReason().contains("madvise"), allocator::fallbackReason);
        assertDoesNotThrow(() -> allocator.release(served));
        allocator.release(fast);
        allocator.release(slow.get());
        assertEquals(0, allocator.bytesInUse());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Real mappings, recorded. Each mapping handed out starts one base page past a huge-page
     * boundary inside a larger reservation, so trimming always has a head to give back and the
     * bytes around it are "someone else's": unmapping them is recorded as a violation and not done.
     */
    static final class LedgerOs implements OsMemory {
        private final NativeMemory real;
        private final long page = SystemPages.basePageSize();
        /** Bytes the allocator owns: start -> end, disjoint. Guarded by this. */
        final TreeMap<Long, Long> ours = new TreeMap<>();
        final List<String> violations = new ArrayList<>();
        private final List<long[]> reservations = new ArrayList<>();
        final AtomicInteger unmapCalls = new AtomicInteger();
        volatile IntPredicate failUnmap = call -> false;
        volatile java.util.function.Supplier<String> advise = () -> null;

        LedgerOs(NativeMemory real) {
            this.real = real;
        }

        @Override
        public long pageSize() {
            return page;
        }

        @Override
        public synchronized long mapAnonymous(long length) {
            long reservation = length + 2 * HUGE;
            long start = real.mapAnonymous(reservation);
            reservations.add(new long[] {start, reservation});
            long raw = ((start + HUGE - 1) & -HUGE) + page;
            ours.put(raw, raw + length);
            return raw;
        }

        @Override
        public void unmap(long address, long length) {
            if (length == 0) {
                return;
            }
            int call = unmapCalls.getAndIncrement();
            if (failUnmap.test(call)) {
                throw new IllegalStateException("munmap failed: ENOMEM (injected, call " + call + ")");
            }
            synchronized (this) {
                Map.Entry<Long, Long> range = ours.floorEntry(address);
                if (range == null || range.getValue() < address + length) {
                    violations.add("unmap(0x" + Long.toHexString(address) + ", " + length + ") of bytes not owned");
                    return;
                }
                ours.remove(range.getKey());
                if (range.getKey() < address) {
                    ours.put(range.getKey(), address);
                }
                if (address + length < range.getValue()) {
                    ours.put(address + length, range.getValue());
                }
            }
            real.unmap(address, length);
        }

        @Override
        public String adviseHugePages(long address, long length) {
            return advise.get();
        }

        /** Unmaps every reservation whole (munmap skips holes), once the allocator gave everything back. */
        synchronized void tearDown() {
            for (long[] r : reservations) {
                real.unmap(r[0], r[1]);
            }
            reservations.clear();
        }
    }

    @Test
    void theLedgerItselfCatchesADoubleUnmap() {
        long raw = os.mapAnonymous(HUGE);
        os.unmap(raw, HUGE);
        os.unmap(raw, HUGE);
        assertEquals(1, os.violations.size());
        os.violations.clear();
        assertNull(os.ours.get(raw));
    }
}
