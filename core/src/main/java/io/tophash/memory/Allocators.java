package io.tophash.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stock {@link Allocator}s.
 *
 * <p>Implementation notes: every allocation gets its own {@link Arena#ofShared() shared arena},
 * so that memory can be handed between threads and freed one chunk at a time; closing a shared
 * arena costs a thread handshake (about 60 us measured on the development VM), which is why maps
 * allocate chunks, not buckets. {@link Arena#allocate(long, long)} zero-fills, which tophash
 * relies on: a zeroed bucket is an empty bucket.
 */
public final class Allocators {

    /** The cache line this library lays buckets out against: 64 bytes on x86-64 and most ARM64. */
    public static final long CACHE_LINE_LENGTH = 64;

    /** The base page size assumed unless told otherwise: 4 KiB (x86-64, most ARM64 kernels). */
    public static final long DEFAULT_PAGE_SIZE = 4096;

    private Allocators() {
    }

    /**
     * Every allocation starts on a 64-byte cache-line boundary (or the caller's alignment, if
     * larger). The default allocator.
     */
    public static Allocator cacheLineAligned() {
        return new ArenaAllocator("cacheLineAligned", CACHE_LINE_LENGTH, 0, DEFAULT_PAGE_SIZE);
    }

    /** Every allocation starts on a 4 KiB page boundary. */
    public static Allocator pageAligned() {
        return pageAligned(DEFAULT_PAGE_SIZE);
    }

    /**
     * Every allocation starts on a boundary of {@code pageSize} bytes: use 16384 or 65536 for
     * ARM64 kernels built with 16 KiB or 64 KiB pages.
     *
     * @throws IllegalArgumentException if {@code pageSize} is not a power of two of at least 64
     */
    public static Allocator pageAligned(long pageSize) {
        if (pageSize < CACHE_LINE_LENGTH || Long.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException(
                    "pageSize must be a power of two >= " + CACHE_LINE_LENGTH + ", got " + pageSize);
        }
        return new ArenaAllocator("pageAligned(" + pageSize + ")", pageSize, 0, pageSize);
    }

    /**
     * malloc-like placement with no cache-line or page guarantee: memory comes from the C heap at
     * whatever address it gives (16-byte aligned on 64-bit glibc), shifted by {@code offsetBytes},
     * so that buckets straddle cache lines and pages on purpose. This exists to measure what
     * alignment buys; it is not a recommendation.
     *
     * <p>An offset that is not a multiple of 8 (say {@code naive(3)}) is the pathological case:
     * every 8-byte word of every bucket is misaligned. The single-threaded maps still work (they
     * read through unaligned accessors, which on x86-64 and ARM64 Linux are ordinary loads); maps
     * that need atomic access refuse such memory at build time.
     *
     * @throws IllegalArgumentException if {@code offsetBytes} is negative or above 4096
     */
    public static Allocator naive(long offsetBytes) {
        if (offsetBytes < 0 || offsetBytes > DEFAULT_PAGE_SIZE) {
            throw new IllegalArgumentException("offsetBytes must be in [0, 4096], got " + offsetBytes);
        }
        return new ArenaAllocator("naive(" + offsetBytes + ")", 1, offsetBytes, DEFAULT_PAGE_SIZE);
    }

    /** An allocator built on one shared {@link Arena} per allocation. */
    static final class ArenaAllocator implements Allocator {
        private final String name;
        private final long minimumAlignment;
        private final long shift;
        private final long pageSize;
        private final AtomicLong bytesInUse = new AtomicLong();
        /** Live allocations by base address; guarded by itself. Touched only per chunk. */
        private final Map<Long, Arena> arenas = new HashMap<>();

        ArenaAllocator(String name, long minimumAlignment, long shift, long pageSize) {
            this.name = name;
            this.minimumAlignment = minimumAlignment;
            this.shift = shift;
            this.pageSize = pageSize;
        }

        @Override
        public MemorySegment allocate(long byteSize, long byteAlignment) {
            if (byteSize <= 0) {
                throw new IllegalArgumentException("byteSize must be positive, got " + byteSize);
            }
            if (byteAlignment <= 0 || Long.bitCount(byteAlignment) != 1) {
                throw new IllegalArgumentException("byteAlignment must be a power of two, got " + byteAlignment);
            }
            if (byteSize > Long.MAX_VALUE - shift - pageSize) {
                throw new OutOfMemoryError("cannot allocate " + byteSize + " bytes");
            }
            // naive placement ignores the caller's alignment on purpose: malloc's own placement.
            long alignment = shift == 0 && minimumAlignment > 1
                    ? Math.max(minimumAlignment, byteAlignment) : 1;
            Arena arena = Arena.ofShared();
            MemorySegment segment;
            try {
                segment = arena.allocate(byteSize + shift, alignment).asSlice(shift, byteSize);
            } catch (Throwable t) {
                arena.close();
                throw t;
            }
            synchronized (arenas) {
                arenas.put(segment.address(), arena);
            }
            bytesInUse.addAndGet(byteSize);
            return segment;
        }

        @Override
        public void release(MemorySegment segment) {
            Arena arena;
            synchronized (arenas) {
                arena = arenas.remove(segment.address());
            }
            if (arena == null) {
                throw new IllegalArgumentException(
                        "segment at 0x" + Long.toHexString(segment.address()) + " was not allocated by "
                                + name + " or was already released");
            }
            bytesInUse.addAndGet(-segment.byteSize());
            arena.close();
        }

        @Override
        public long bytesInUse() {
            return bytesInUse.get();
        }

        @Override
        public long pageSize() {
            return pageSize;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
