package io.tophash.memory;

import io.tophash.os.NativeMemory;
import io.tophash.os.SystemPages;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link Allocators#hugePages()}: placement, read-back, fallback and failure. Tests that need the
 * kernel to hand out huge pages run where THP is {@code madvise} or {@code always} and the system
 * property {@code tophash.expectHugePages} is not {@code false} (the emulated ARM64 lane sets it:
 * qemu-user ignores madvise).
 */
class HugePagesTest {

    static boolean hugePagesExpected() {
        String mode = SystemPages.transparentHugePageMode();
        return (mode.equals("madvise") || mode.equals("always")) && SystemPages.hugePageSize() > 0
                && !"false".equals(System.getProperty("tophash.expectHugePages"));
    }

    @Test
    void asksForTheSystemsHugePageSizeAndAlignsToIt() {
        assumeTrue(hugePagesExpected());
        Allocator allocator = Allocators.hugePages();
        long huge = SystemPages.hugePageSize();
        assertEquals(huge, allocator.hugePageSize(), allocator::name);
        assertEquals(huge, allocator.preferredChunkBytes());
        assertEquals(SystemPages.basePageSize(), allocator.pageSize());
        MemorySegment segment = allocator.allocate(2 * huge + 12345, 128);
        try {
            assertEquals(0, segment.address() % huge, "starts on a huge-page boundary");
            assertEquals(2 * huge + 12345, segment.byteSize());
            assertEquals(2 * huge + 12345, allocator.bytesInUse());
        } finally {
            allocator.release(segment);
        }
        assertEquals(0, allocator.bytesInUse());
    }

    @Test
    void theKernelBacksTouchedMemoryWithHugePagesAsReadBackFromSmaps() {
        assumeTrue(hugePagesExpected());
        Allocator allocator = Allocators.hugePages();
        long huge = allocator.hugePageSize();
        MemorySegment segment = allocator.allocate(8 * huge, 64);
        try {
            long[] start = {segment.address()};
            long[] length = {segment.byteSize()};
            assertEquals(0, SystemPages.hugePageBytes(start, length), "nothing touched, nothing backed");
            for (long offset = 0; offset < segment.byteSize(); offset += 4096) {
                segment.set(ValueLayout.JAVA_LONG, offset, offset);
            }
            long backed = SystemPages.hugePageBytes(start, length);
            assertTrue(backed >= huge, "at least one of 8 touched huge pages should be a huge page, smaps says "
                    + backed + " bytes (THP " + SystemPages.transparentHugePageMode() + ")");
            assertTrue(backed <= 8 * huge);
        } finally {
            allocator.release(segment);
        }
    }

    @Test
    void memoryIsZeroedAndUsableAcrossThreadsAndDeadAfterRelease() throws Exception {
        Allocator allocator = Allocators.hugePages();
        MemorySegment segment = allocator.allocate(3 << 20, 64);
        for (long i = 0; i < segment.byteSize(); i += 4096) {
            assertEquals(0, segment.get(ValueLayout.JAVA_LONG, i));
        }
        segment.set(ValueLayout.JAVA_LONG, 4096, 42);
        Thread reader = new Thread(() -> assertEquals(42, segment.get(ValueLayout.JAVA_LONG, 4096)));
        reader.start();
        reader.join();
        allocator.release(segment);
        assertThrows(IllegalStateException.class, () -> segment.get(ValueLayout.JAVA_LONG, 0));
        assertThrows(IllegalArgumentException.class, () -> allocator.release(segment), "released twice");
    }

    @Test
    void smallRequestsAreMappedButNotAdvised() {
        Allocator allocator = Allocators.hugePages();
        MemorySegment small = allocator.allocate(10_000, 64);
        assertEquals(0, small.address() % SystemPages.basePageSize());
        assertEquals(10_000, small.byteSize());
        allocator.release(small);
    }

    @Test
    void aRequestLargerThanMemoryFailsClearlyAndLeaksNothing() {
        assumeTrue(java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/self/smaps")));
        Allocator allocator = Allocators.hugePages();
        OutOfMemoryError error = assertThrows(OutOfMemoryError.class, () -> allocator.allocate(1L << 46, 64));
        assertNotNull(error.getMessage());
        assertTrue(error.getMessage().contains("mmap") || error.getMessage().contains("cannot"), error::getMessage);
        assertEquals(0, allocator.bytesInUse());
        MemorySegment after = allocator.allocate(1 << 20, 64);
        allocator.release(after);
        assertEquals(0, allocator.bytesInUse());
    }

    @Test
    void badArgumentsAreRefused() {
        Allocator allocator = Allocators.hugePages();
        assertThrows(IllegalArgumentException.class, () -> allocator.allocate(0, 64));
        assertThrows(IllegalArgumentException.class, () -> allocator.allocate(-1, 64));
        assertThrows(IllegalArgumentException.class, () -> allocator.allocate(64, 3));
        assertThrows(IllegalArgumentException.class,
                () -> allocator.release(Allocators.pageAligned().allocate(64, 8)));
    }

    @Test
    void fallsBackToPageAlignedMemoryAndSaysSoOncePerReason() {
        List<String> records = new ArrayList<>();
        System.Logger listening = new System.Logger() {
            @Override
            public String getName() {
                return "io.tophash.memory";
            }

            @Override
            public boolean isLoggable(Level level) {
                return true;
            }

            @Override
            public void log(Level level, java.util.ResourceBundle bundle, String msg, Throwable thrown) {
                records.add(level + " " + msg);
            }

            @Override
            public void log(Level level, java.util.ResourceBundle bundle, String format, Object... params) {
                records.add(level + " " + format);
            }
        };
        System.Logger original = HugePageAllocator.log;
        HugePageAllocator.log = listening;
        try {
            String reason = "transparent huge pages are disabled";
            HugePageAllocator never = new HugePageAllocator(2 << 20, "never", NativeMemory::load);
            HugePageAllocator neverAgain = new HugePageAllocator(2 << 20, "never", NativeMemory::load);
            assertTrue(never.fallbackReason().contains(reason), never::fallbackReason);
            assertEquals(0, never.hugePageSize(), "asks for nothing once fallen back");
            assertEquals(0, never.preferredChunkBytes());
            assertTrue(never.name().startsWith("hugePages->pageAligned("), never::name);
            long logged = records.stream().filter(r -> r.contains(reason)).count();
            assertTrue(logged <= 1, "once per reason, not per allocator: " + logged);
            assertNotNull(neverAgain.fallbackReason());

            MemorySegment segment = never.allocate(5000, 64);
            assertEquals(0, segment.address() % SystemPages.basePageSize());
            assertEquals(5000, never.bytesInUse());
            never.release(segment);
            assertEquals(0, never.bytesInUse());

            String unique = "native access is denied (test " + System.nanoTime() + ")";
            HugePageAllocator denied = new HugePageAllocator(2 << 20, "madvise", () -> {
                throw new UnsupportedOperationException(unique);
            });
            HugePageAllocator deniedAgain = new HugePageAllocator(2 << 20, "madvise", () -> {
                throw new UnsupportedOperationException(unique);
            });
            assertEquals(unique, denied.fallbackReason());
            assertEquals(unique, deniedAgain.fallbackReason());
            assertEquals(1, records.stream().filter(r -> r.startsWith("WARNING") && r.contains(unique)).count(),
                    "said once through System.Logger, however many allocators fall back for it");
            HugePageAllocator noThp = new HugePageAllocator(0, "unsupported", NativeMemory::load);
            assertTrue(noThp.fallbackReason().contains("no transparent huge pages"), noThp::fallbackReason);
        } finally {
            HugePageAllocator.log = original;
        }
    }

    @Test
    void aMapOnAFallenBackAllocatorKeepsWorking() {
        HugePageAllocator never = new HugePageAllocator(2 << 20, "never", NativeMemory::load);
        try (io.tophash.LongLongMap map = io.tophash.LongLongMap.builder().allocator(never).build();
             io.tophash.ConcurrentLongLongMap shared = io.tophash.ConcurrentLongLongMap.builder().allocator(never).build()) {
            for (long k = 0; k < 100_000; k++) {
                map.put(k, ~k);
                shared.put(k, k);
            }
            for (long k = 0; k < 100_000; k++) {
                assertEquals(~k, map.get(k));
                assertEquals(k, shared.get(k));
            }
            assertTrue(map.stats().allocator().startsWith("hugePages->pageAligned("), map.stats()::allocator);
            assertFalse(map.stats().hugePagesRequested(), "a fallen-back allocator asks for nothing");
        }
        assertEquals(0, never.bytesInUse());
    }

    @Test
    void doesNotFallBackWhereHugePagesExist() {
        assumeTrue(hugePagesExpected());
        HugePageAllocator allocator = (HugePageAllocator) Allocators.hugePages();
        assertNull(allocator.fallbackReason());
        assertTrue(allocator.name().startsWith("hugePages("), allocator::name);
    }
}
