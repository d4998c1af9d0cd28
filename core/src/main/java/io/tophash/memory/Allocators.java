package io.tophash.memory;

import io.tophash.os.SystemPages;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stock {@link Allocator}s.
 *
 * <p>Implementation notes: every allocation gets its own {@link Arena#ofShared() shared arena},
 * so that memory can be handed between threads and freed on its own; closing a shared arena costs
 * a thread handshake (about 60 us measured on the development VM), which is why maps allocate
 * whole tables, never buckets. Requests of 256 KiB or more are mapped lazily (the kernel zero-fills
 * each page on first touch: see {@code LazyMemory}); smaller ones come from
 * {@link Arena#allocate(long, long)}, which zero-fills. Either way the memory reads as zeros, which
 * tophash relies on: a zeroed bucket is an empty bucket.
 */
public final class Allocators {

    /** The cache line this library lays buckets out against: 64 bytes on x86-64 and most ARM64. */
    public static final long CACHE_LINE_LENGTH = 64;

    /**
     * The base page size assumed where the system cannot be asked (see {@link #systemPageSize()}):
     * 4 KiB, as on x86-64 and most ARM64 kernels.
     */
    public static final long DEFAULT_PAGE_SIZE = SystemPages.FALLBACK_PAGE_SIZE;

    private Allocators() {
    }

    /**
     * Every allocation starts on a 64-byte cache-line boundary (or the caller's alignment, if
     * larger). The default allocator.
     *
     * @return the allocator
     */
    public static Allocator cacheLineAligned() {
        return new ArenaAllocator("cacheLineAligned", CACHE_LINE_LENGTH, 0, systemPageSize());
    }

    /**
     * Every allocation starts on a boundary of the system's base page size ({@link #systemPageSize()}).
     *
     * @return the allocator
     */
    public static Allocator pageAligned() {
        return pageAligned(systemPageSize());
    }

    /**
     * Memory on huge-page boundaries, advised onto transparent huge pages with
     * {@code madvise(MADV_HUGEPAGE)}, so that a large map's buckets sit in a few huge pages and
     * random lookups stop missing the TLB. Each allocation is its own anonymous {@code mmap},
     * unmapped on release; maps built on this allocator use bucket chunks of at least one huge
     * page ({@link Allocator#preferredChunkBytes()}), so a map smaller than a huge page gains
     * nothing.
     *
     * <p>Needs native access to call {@code mmap}/{@code madvise}: run with
     * {@code --enable-native-access=io.tophash} on the module path or
     * {@code --enable-native-access=ALL-UNNAMED} on the class path. Without the flag it still works,
     * but the JDK prints a warning about a restricted method the first time; with
     * {@code --illegal-native-access=deny} it falls back.
     *
     * <p>Falls back to {@link #pageAligned()} where huge pages cannot be asked for: not Linux on
     * x86-64 or ARM64, transparent huge pages {@code never} or absent, native access denied, or
     * {@code madvise} refused. It says so once per reason through {@link System.Logger} (logger
     * {@code io.tophash.memory}, level WARNING), and the map keeps working.
     * {@link io.tophash.MapStats#hugePageBytes()} tells whether huge pages are in effect, read back
     * from {@code /proc/self/smaps}. With the kernel's THP mode {@code madvise} (the common
     * default) only advised memory gets huge pages; with {@code always} every large mapping may.
     *
     * @return the allocator
     */
    public static Allocator hugePages() {
        return new HugePageAllocator();
    }

    /**
     * The base page size of this system: {@code getpagesize()} when this module has native
     * access, else the kernel's {@code AT_PAGESZ} from {@code /proc/self/auxv} on Linux, else the
     * system property {@code io.tophash.pageSize}, else {@value #DEFAULT_PAGE_SIZE}.
     *
     * @return the base page size in bytes
     */
    public static long systemPageSize() {
        return SystemPages.basePageSize();
    }

    /**
     * The transparent huge-page size from {@code /sys/kernel/mm/transparent_hugepage/hpage_pmd_size}
     * (2 MiB on x86-64; 2 MiB, 32 MiB or 512 MiB on ARM64 with 4, 16 or 64 KiB base pages), or 0
     * if the kernel offers none.
     *
     * @return the transparent huge-page size in bytes, or 0
     */
    public static long systemHugePageSize() {
        return SystemPages.hugePageSize();
    }

    /**
     * The kernel's transparent-huge-page mode ({@code always}, {@code madvise}, {@code never}), or
     * {@code unsupported}.
     *
     * @return the mode's name
     */
    public static String transparentHugePageMode() {
        return SystemPages.transparentHugePageMode();
    }

    /**
     * Every allocation starts on a boundary of {@code pageSize} bytes: use 16384 or 65536 for
     * ARM64 kernels built with 16 KiB or 64 KiB pages.
     *
     * @param pageSize the boundary in bytes, a power of two of at least 64
     * @return the allocator
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
     * malloc-like placement with no cache-line or page guarantee, shifted by {@code offsetBytes} so
     * that buckets straddle cache lines and pages on purpose: small requests come from the C heap
     * at whatever address it gives (16-byte aligned on 64-bit glibc), large ones (tables of 256 KiB
     * or more, mapped lazily like every stock allocator's) from a page boundary, plus the offset.
     * This exists to measure what alignment buys; it is not a recommendation.
     *
     * <p>An offset that is not a multiple of 8 (say {@code naive(3)}) is the pathological case:
     * every 8-byte word of every bucket is misaligned. The single-threaded maps still work (they
     * read through unaligned accessors, which on x86-64 and ARM64 Linux are ordinary loads); maps
     * that need atomic access refuse such memory at build time.
     *
     * @param offsetBytes bytes past the natural placement where each allocation starts
     * @return the allocator
     * @throws IllegalArgumentException if {@code offsetBytes} is negative or above 4096
     */
    public static Allocator naive(long offsetBytes) {
        if (offsetBytes < 0 || offsetBytes > DEFAULT_PAGE_SIZE) {
            throw new IllegalArgumentException("offsetBytes must be in [0, 4096], got " + offsetBytes);
        }
        return new ArenaAllocator("naive(" + offsetBytes + ")", 1, offsetBytes, systemPageSize());
    }

    /** The argument checks of {@link Allocator#allocate}, shared by the stock allocators. */
    static void checkRequest(long byteSize, long byteAlignment) {
        if (byteSize <= 0) {
            throw new IllegalArgumentException("byteSize must be positive, got " + byteSize);
        }
        if (byteAlignment <= 0 || Long.bitCount(byteAlignment) != 1) {
            throw new IllegalArgumentException("byteAlignment must be a power of two, got " + byteAlignment);
        }
    }

    /** An allocator built on one shared {@link Arena} per allocation. */
    static final class ArenaAllocator implements Allocator {
        private final String name;
        private final long minimumAlignment;
        private final long shift;
        private final long pageSize;
        private final AtomicLong bytesInUse = new AtomicLong();
        /** Live allocations by base address; guarded by itself. Touched once per table. */
        private final Map<Long, Arena> arenas = new HashMap<>();
        /** How requests of {@link LazyMemory#THRESHOLD} bytes or more get their memory. */
        private final LazyMemory.Kind large = LazyMemory.Kind.chosen();

        ArenaAllocator(String name, long minimumAlignment, long shift, long pageSize) {
            this.name = name;
            this.minimumAlignment = minimumAlignment;
            this.shift = shift;
            this.pageSize = pageSize;
        }

        @Override
        public MemorySegment allocate(long byteSize, long byteAlignment) {
            checkRequest(byteSize, byteAlignment);
            if (byteSize > Long.MAX_VALUE - shift - pageSize) {
                throw new OutOfMemoryError("cannot allocate " + byteSize + " bytes");
            }
            // naive placement ignores the caller's alignment on purpose: malloc's own placement.
            long alignment = shift == 0 && minimumAlignment > 1
                    ? Math.max(minimumAlignment, byteAlignment) : 1;
            Arena arena = Arena.ofShared();
            MemorySegment segment;
            try {
                long length = byteSize + shift;
                MemorySegment memory = length >= LazyMemory.THRESHOLD && large != LazyMemory.Kind.EAGER
                        && alignment <= pageSize
                        ? LazyMemory.map(large, length, alignment, arena)
                        : arena.allocate(length, alignment);
                segment = memory.asSlice(shift, byteSize);
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
            try {
                arena.close();
            } catch (RuntimeException | Error e) {
                synchronized (arenas) {
                    arenas.put(segment.address(), arena); // released nothing: the caller may retry
                }
                throw e;
            }
            bytesInUse.addAndGet(-segment.byteSize());
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
