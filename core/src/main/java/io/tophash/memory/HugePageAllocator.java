package io.tophash.memory;

import io.tophash.events.HugePageFallback;
import io.tophash.os.NativeMemory;
import io.tophash.os.OsMemory;
import io.tophash.os.SystemPages;
import jdk.jfr.FlightRecorder;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * {@link Allocators#hugePages()}: memory mapped on huge-page boundaries and advised onto
 * transparent huge pages.
 *
 * <p>Implementation notes. Each allocation is its own anonymous {@code mmap}: the allocator maps
 * {@code length + hugePageSize} bytes, unmaps the head and tail so that what remains starts on a
 * huge-page boundary, and calls {@code madvise(MADV_HUGEPAGE)} on it. The kernel backs every
 * whole, aligned huge page of the range with one huge page when it faults it in (so a chunk of
 * 2.25 MiB gets one 2 MiB page and 64 base pages); requests smaller than one huge page are mapped
 * but not advised, since they cannot hold one. Memory is zero-filled by the kernel and not
 * resident until touched: allocating is cheap, the first write to each huge page pays its fault
 * (zeroing 2 MiB). The mapping is wrapped in its own shared {@link Arena} whose cleanup unmaps
 * it, so release returns the memory to the system at once and later accesses throw
 * {@link IllegalStateException}.
 *
 * <p>Falls back to {@link Allocators#pageAligned()} when huge pages cannot be asked for (not
 * Linux on x86-64/ARM64, transparent huge pages {@code never} or absent, native access denied, or
 * {@code madvise} refused), saying why once per reason through {@link System.Logger}. Whether
 * huge pages are in effect is read back from {@code /proc/self/smaps} by
 * {@link io.tophash.MapStats}, never assumed from a successful call.
 *
 * <p>Thread-safe.
 */
final class HugePageAllocator implements Allocator {

    /** Where fallbacks are reported; a test swaps it to listen. */
    static volatile System.Logger log = System.getLogger("io.tophash.memory");
    private static final Set<String> REASONS_LOGGED = ConcurrentHashMap.newKeySet();

    private final OsMemory os;
    private final long hugePageSize;
    /** The system's huge-page size as given, for the fallback event (hugePageSize is 0 once fallen back at construction). */
    private final long systemHugePageSize;
    private final long basePageSize;
    private final SegmentWrapper wrapper;
    /**
     * Where every allocation goes once huge pages are known to be unavailable. One instance for
     * the allocator's life, made up front: threads that fall back at the same moment all install
     * the same one, so a segment is always released into the allocator that made it.
     */
    private final Allocator fallback;
    /** Non-null once fallen back: the first reason. */
    private volatile String fallbackReason;
    private final AtomicLong bytesInUse = new AtomicLong();
    /** Live mappings by address; guarded by itself. Touched once per chunk. */
    private final Map<Long, Arena> arenas = new HashMap<>();

    HugePageAllocator() {
        this(SystemPages.hugePageSize(), SystemPages.transparentHugePageMode(), NativeMemory::load);
    }

    /** For tests: the system facts and the native calls, given. */
    HugePageAllocator(long systemHugePageSize, String thpMode, Supplier<? extends OsMemory> linker) {
        this(systemHugePageSize, thpMode, linker, HugePageAllocator::reinterpretOnto);
    }

    /** For tests: also how a mapping becomes a segment (a test makes it fail after registering its cleanup). */
    HugePageAllocator(long systemHugePageSize, String thpMode, Supplier<? extends OsMemory> linker,
                      SegmentWrapper wrapper) {
        this.basePageSize = SystemPages.basePageSize();
        this.systemHugePageSize = systemHugePageSize;
        this.fallback = Allocators.pageAligned(basePageSize);
        this.wrapper = wrapper;
        OsMemory linked = null;
        String reason = null;
        if (systemHugePageSize <= 0 || thpMode.equals("unsupported")) {
            reason = "this system has no transparent huge pages (/sys/kernel/mm/transparent_hugepage missing)";
        } else if (thpMode.equals("never")) {
            reason = "transparent huge pages are disabled (/sys/kernel/mm/transparent_hugepage/enabled is [never])";
        } else {
            try {
                linked = linker.get();
            } catch (UnsupportedOperationException e) {
                reason = e.getMessage();
            }
        }
        this.os = linked;
        this.hugePageSize = reason == null ? systemHugePageSize : 0;
        if (reason != null) {
            fallBack(reason);
        }
    }

    /** Makes a segment of a mapping, registering {@code unmap} as the cleanup of {@code arena}. */
    @FunctionalInterface
    interface SegmentWrapper {
        MemorySegment wrap(long address, long byteSize, Arena arena, Runnable unmap);
    }

    private static MemorySegment reinterpretOnto(long address, long byteSize, Arena arena, Runnable unmap) {
        return MemorySegment.ofAddress(address).reinterpret(byteSize, arena, ignored -> unmap.run());
    }

    /**
     * Serves page-aligned memory from now on: logs {@code reason} once per JVM and emits the JFR
     * event {@code io.tophash.HugePageFallback} every time (at most a few times per allocator).
     */
    void fallBack(String reason) {
        synchronized (this) {
            if (fallbackReason == null) {
                fallbackReason = reason;
            }
        }
        if (FlightRecorder.isInitialized()) {
            HugePageFallback.emit(reason, systemHugePageSize, basePageSize);
        }
        if (REASONS_LOGGED.add(reason)) {
            log.log(System.Logger.Level.WARNING, "tophash hugePages(): falling back to page-aligned memory with "
                    + basePageSize + "-byte pages: " + reason);
        }
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        Allocators.checkRequest(byteSize, byteAlignment);
        if (fallbackReason != null) {
            return fallback.allocate(byteSize, byteAlignment);
        }
        if (byteAlignment > hugePageSize || byteSize > Long.MAX_VALUE / 2 - 2 * hugePageSize) {
            throw new OutOfMemoryError("hugePages: cannot map " + byteSize + " bytes aligned to " + byteAlignment);
        }
        long length = roundUp(byteSize, basePageSize);
        Mapping mapping = new Mapping(length >= hugePageSize ? mapAligned(length) : os.mapAnonymous(length), length);
        if (length >= hugePageSize) {
            String error = os.adviseHugePages(mapping.address, length);
            if (error != null) {
                // The mapping is still good memory: keep it, stop asking for huge pages.
                fallBack("madvise(MADV_HUGEPAGE) failed: " + error);
            }
        }
        Arena arena = Arena.ofShared();
        try {
            MemorySegment segment = wrapper.wrap(mapping.address, byteSize, arena, mapping::unmapOnce);
            synchronized (arenas) {
                arenas.put(mapping.address, arena);
            }
            bytesInUse.addAndGet(byteSize);
            return segment;
        } catch (RuntimeException | Error e) {
            // Whether or not the cleanup got registered (FFM runs it itself when registering
            // fails), the mapping is unmapped exactly once: by the arena's close or right here.
            try {
                arena.close();
            } finally {
                mapping.unmapOnce();
            }
            throw e;
        }
    }

    /** One mapping, unmapped once whichever of the arena's cleanup and an error path gets there first. */
    private final class Mapping {
        final long address;
        final long length;
        private final AtomicBoolean unmapped = new AtomicBoolean();

        Mapping(long address, long length) {
            this.address = address;
            this.length = length;
        }

        void unmapOnce() {
            if (unmapped.compareAndSet(false, true)) {
                os.unmapGradually(address, length);
            }
        }
    }

    /**
     * Maps {@code length} bytes starting on a huge-page boundary: over-map by one huge page, then
     * unmap the head and the tail. If a trim fails (splitting a mapping fails at
     * {@code vm.max_map_count}), what is still mapped is given back and nothing else: a head
     * already unmapped may by then hold another thread's mapping.
     */
    private long mapAligned(long length) {
        long reserved = length + hugePageSize;
        long raw = os.mapAnonymous(reserved);
        long aligned = roundUp(raw, hugePageSize);
        long head = aligned - raw;
        long tail = reserved - head - length;
        try {
            os.unmap(raw, head);
        } catch (RuntimeException e) {
            os.unmap(raw, reserved);
            throw new OutOfMemoryError("hugePages: cannot trim a mapping of " + reserved + " bytes: " + e.getMessage());
        }
        try {
            os.unmap(aligned + length, tail);
        } catch (RuntimeException e) {
            os.unmap(aligned, length + tail);
            throw new OutOfMemoryError("hugePages: cannot trim a mapping of " + reserved + " bytes: " + e.getMessage());
        }
        return aligned;
    }

    @Override
    public void release(MemorySegment segment) {
        Arena arena;
        synchronized (arenas) {
            arena = arenas.remove(segment.address());
        }
        if (arena == null) {
            if (fallbackReason != null) {
                fallback.release(segment);
                return;
            }
            throw new IllegalArgumentException("segment at 0x" + Long.toHexString(segment.address())
                    + " was not allocated by " + name() + " or was already released");
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
        return bytesInUse.get() + fallback.bytesInUse();
    }

    @Override
    public long pageSize() {
        return basePageSize;
    }

    /** The huge-page size memory is advised onto; 0 once fallen back. */
    @Override
    public long hugePageSize() {
        return fallbackReason == null ? hugePageSize : 0;
    }

    /** One huge page: a chunk smaller than that could never be backed by one. */
    @Override
    public long preferredChunkBytes() {
        return fallbackReason == null ? hugePageSize : 0;
    }

    /** Why this allocator serves page-aligned memory instead, or null if it does not. */
    String fallbackReason() {
        return fallbackReason;
    }

    @Override
    public String name() {
        return fallbackReason == null ? "hugePages(" + hugePageSize + ")" : "hugePages->" + fallback.name();
    }

    @Override
    public String toString() {
        return name();
    }

    private static long roundUp(long value, long power) {
        return (value + power - 1) & -power;
    }
}
