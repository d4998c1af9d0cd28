package io.tophash;

import io.tophash.memory.Allocator;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/**
 * Wraps a real allocator and fails at random, as the {@link Allocator} contract allows: an
 * allocation refused with {@link OutOfMemoryError} or with an unchecked exception, having
 * reserved nothing; a release that throws an {@link Error} (an allocator's bug, a heap OOM) having
 * released nothing. Seeded, so a failing run repeats. Thread-safe: maps release on a background
 * thread.
 */
final class FaultInjectingAllocator implements Allocator {

    /** An allocation refused with something other than an OutOfMemoryError. */
    static final class InjectedAllocationFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedAllocationFailure(String message) {
            super(message);
        }
    }

    /** A release that failed with an Error. */
    static final class InjectedReleaseError extends Error {
        private static final long serialVersionUID = 1L;

        InjectedReleaseError(String message) {
            super(message);
        }
    }

    private final Allocator delegate;
    private final SplittableRandom random;
    private final double allocationFailureRate;
    private final double releaseFailureRate;
    private boolean healed;
    private long allocations;
    private long releases;
    private long refusedAllocations;
    private long failedReleases;

    FaultInjectingAllocator(Allocator delegate, long seed, double allocationFailureRate, double releaseFailureRate) {
        this.delegate = delegate;
        this.random = new SplittableRandom(seed);
        this.allocationFailureRate = allocationFailureRate;
        this.releaseFailureRate = releaseFailureRate;
    }

    /** From now on, no more faults. */
    synchronized void heal() {
        healed = true;
    }

    synchronized long refusedAllocations() {
        return refusedAllocations;
    }

    synchronized long failedReleases() {
        return failedReleases;
    }

    synchronized long faults() {
        return refusedAllocations + failedReleases;
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        synchronized (this) {
            allocations++;
            if (!healed && random.nextDouble() < allocationFailureRate) {
                refusedAllocations++;
                if (random.nextBoolean()) {
                    throw new OutOfMemoryError("injected: allocation " + allocations + " refused");
                }
                throw new InjectedAllocationFailure("injected: allocation " + allocations + " failed");
            }
        }
        return delegate.allocate(byteSize, byteAlignment);
    }

    @Override
    public void release(MemorySegment segment) {
        synchronized (this) {
            releases++;
            if (!healed && random.nextDouble() < releaseFailureRate) {
                failedReleases++;
                throw new InjectedReleaseError("injected: release " + releases + " failed");
            }
        }
        delegate.release(segment);
    }

    @Override
    public long bytesInUse() {
        return delegate.bytesInUse();
    }

    @Override
    public long pageSize() {
        return delegate.pageSize();
    }

    @Override
    public long hugePageSize() {
        return delegate.hugePageSize();
    }

    @Override
    public long preferredChunkBytes() {
        return delegate.preferredChunkBytes();
    }

    @Override
    public String name() {
        return "faulty(" + delegate.name() + ")";
    }
}
