package io.tophash.memory;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AllocatorsTest {

    @Test
    void placementIsAsNamed() {
        assertEquals(0, Allocators.cacheLineAligned().allocate(1000, 8).address() % 64);
        assertEquals(0, Allocators.pageAligned().allocate(1000, 8).address() % 4096);
        assertEquals(0, Allocators.pageAligned(16384).allocate(1000, 8).address() % 16384);
        assertEquals(3, Allocators.naive(3).allocate(1000, 64).address() % 8, "naive ignores the wish for alignment");
        assertEquals(8, Allocators.naive(8).allocate(1000, 64).address() % 16);
    }

    @Test
    void memoryIsZeroedSizedAndUsableFromAnotherThread() throws Exception {
        Allocator allocator = Allocators.naive(3);
        MemorySegment segment = allocator.allocate(4096, 64);
        assertEquals(4096, segment.byteSize());
        assertEquals(4096, allocator.bytesInUse());
        for (long i = 0; i < 4096; i++) {
            assertEquals(0, segment.get(ValueLayout.JAVA_BYTE, i));
        }
        segment.set(ValueLayout.JAVA_LONG_UNALIGNED, 5, 42);
        long read = CompletableFuture.supplyAsync(() -> segment.get(ValueLayout.JAVA_LONG_UNALIGNED, 5)).get();
        assertEquals(42, read);
        allocator.release(segment);
        assertEquals(0, allocator.bytesInUse());
        assertThrows(IllegalStateException.class, () -> segment.get(ValueLayout.JAVA_BYTE, 0),
                "a released segment must fail cleanly, not crash");
    }

    @Test
    void releasingTwiceOrForeignMemoryIsRefused() {
        Allocator allocator = Allocators.cacheLineAligned();
        MemorySegment segment = allocator.allocate(64, 64);
        allocator.release(segment);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> allocator.release(segment));
        assertTrue(e.getMessage().contains("already released"), e.getMessage());
        MemorySegment other = Allocators.cacheLineAligned().allocate(64, 64);
        assertThrows(IllegalArgumentException.class, () -> allocator.release(other));
    }

    @Test
    void badArgumentsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Allocators.naive(-1)).getMessage()
                .contains("offsetBytes"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Allocators.pageAligned(3000)).getMessage()
                .contains("pageSize"));
        Allocator allocator = Allocators.cacheLineAligned();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> allocator.allocate(0, 8)).getMessage()
                .contains("byteSize"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> allocator.allocate(64, 3)).getMessage()
                .contains("byteAlignment"));
    }

    @Test
    void anImpossibleAllocationFailsCleanly() {
        Allocator allocator = Allocators.pageAligned();
        assertThrows(OutOfMemoryError.class, () -> allocator.allocate(Long.MAX_VALUE / 2, 4096));
        assertEquals(0, allocator.bytesInUse());
    }
}
