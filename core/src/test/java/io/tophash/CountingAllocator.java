package io.tophash;

import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;

import java.lang.foreign.MemorySegment;

/** Wraps a real allocator, counts its calls, and refuses on demand as a full machine would. */
final class CountingAllocator implements Allocator {
    private final Allocator delegate = Allocators.cacheLineAligned();
    int allocations;
    /** Written by the map's background releaser thread too; synchronized release, volatile reads. */
    volatile int releases;
    boolean refusing;
    /** Refuses every allocation once this many have been made. */
    int refuseAfter = Integer.MAX_VALUE;

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        if (refusing || allocations >= refuseAfter) {
            throw new OutOfMemoryError("refused: test allocator is out of memory");
        }
        allocations++;
        return delegate.allocate(byteSize, byteAlignment);
    }

    @Override
    public synchronized void release(MemorySegment segment) {
        releases++;
        delegate.release(segment);
    }

    @Override
    public long bytesInUse() {
        return delegate.bytesInUse();
    }
}
