package io.tophash.memory;

import java.lang.foreign.MemorySegment;

/**
 * Where a map's off-heap memory comes from, and where it goes back to.
 *
 * <p>A map asks for whole chunks of buckets (never single entries), so an allocator is called
 * rarely: when a map is built, when growth reaches a chunk of the new table, and when overflow
 * buckets run out. Implementations decide placement: {@link Allocators#cacheLineAligned()} puts
 * every chunk on a 64-byte boundary, {@link Allocators#pageAligned()} on a page boundary, and
 * {@link Allocators#naive(long)} deliberately on neither, so that the same map can be measured
 * laid out well and badly.
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li>{@link #allocate} returns zero-filled memory of at least {@code byteSize} bytes, usable
 *   from any thread (maps are often built on one thread and read on another), or throws
 *   {@link OutOfMemoryError} (or another unchecked exception) having reserved nothing. A map that
 *   sees it throw leaves its entries exactly as they were.</li>
 *   <li>{@link #release} takes a segment this allocator returned, exactly once. A release that
 *   throws has released nothing: maps keep the segment and retry it when they are closed (and
 *   report the exception then), so an allocator must not half-release.</li>
 *   <li>All methods are thread-safe: one allocator may serve many maps.</li>
 * </ul>
 */
public interface Allocator {

    /**
     * Allocates zero-filled memory.
     *
     * @param byteSize      bytes wanted, positive
     * @param byteAlignment the alignment the caller would like (a power of two); an allocator may
     *                      give more ({@code cacheLineAligned}, {@code pageAligned}) or, by design,
     *                      less ({@code naive})
     * @return a segment of exactly {@code byteSize} bytes, readable and writable by any thread
     *         until {@link #release released}
     * @throws OutOfMemoryError         if the memory cannot be had
     * @throws IllegalArgumentException if {@code byteSize} is not positive or the alignment is not
     *                                  a power of two
     */
    MemorySegment allocate(long byteSize, long byteAlignment);

    /**
     * Returns memory obtained from {@link #allocate}; the segment, and every slice of it, becomes
     * inaccessible (later accesses throw {@link IllegalStateException}).
     *
     * @param segment a segment this allocator returned and that is not yet released
     * @throws IllegalArgumentException if the segment did not come from this allocator or was
     *                                  already released
     */
    void release(MemorySegment segment);

    /**
     * Bytes currently allocated and not yet released, as requested by callers. Thread-safe.
     *
     * @return bytes allocated and not yet released
     */
    long bytesInUse();

    /**
     * The page size this allocator lays memory out against, used by the alignment audit in
     * {@link io.tophash.MapStats}. Defaults to the system's base page size
     * ({@link Allocators#systemPageSize()}).
     *
     * @return the page size in bytes
     */
    default long pageSize() {
        return Allocators.systemPageSize();
    }

    /**
     * The huge-page size this allocator asks the kernel to back its memory with, or 0 if it does
     * not ask (the default). Asking is not getting: {@link io.tophash.MapStats#hugePageBytes()}
     * reads back what the kernel did.
     *
     * @return the huge-page size in bytes, or 0
     */
    default long hugePageSize() {
        return 0;
    }

    /**
     * The smallest allocation that gets this allocator's full benefit, or 0 for no preference
     * (the default). Maps make their bucket chunks at least this large: a huge-page allocator
     * returns one huge page, since a smaller chunk could never be backed by one.
     *
     * @return the smallest allocation worth making, in bytes, or 0
     */
    default long preferredChunkBytes() {
        return 0;
    }

    /**
     * A short name for reports and benchmark tables, e.g. {@code cacheLineAligned}.
     *
     * @return the allocator's short name
     */
    default String name() {
        return getClass().getSimpleName();
    }
}
