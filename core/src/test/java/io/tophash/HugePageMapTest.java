package io.tophash;

import io.tophash.os.SystemPages;
import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A map on {@link Allocators#hugePages()}: its chunks hold whole huge pages, the kernel backs
 * them (read back, not assumed), the audit counts huge-page straddles, and memory goes back to
 * the system on close and as growth frees the old table.
 */
class HugePageMapTest {

    static boolean hugePagesExpected() {
        String mode = SystemPages.transparentHugePageMode();
        return (mode.equals("madvise") || mode.equals("always")) && SystemPages.hugePageSize() > 0
                && !"false".equals(System.getProperty("tophash.expectHugePages"));
    }

    static LongLongMap filled(Allocator allocator, BucketPadding padding, int entries) {
        LongLongMap map = LongLongMap.builder().allocator(allocator).padding(padding)
                .expectedSize(entries).build();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < entries; i++) {
            map.put(random.nextLong(), i);
        }
        return map;
    }

    @Test
    void statsProveHugePagesAreInEffectAndLine128BucketsStraddleNone() {
        assumeTrue(hugePagesExpected());
        try (LongLongMap map = filled(Allocators.hugePages(), BucketPadding.CACHE_LINE, 500_000)) {
            MapStats stats = map.stats();
            assertTrue(stats.hugePagesRequested(), stats::toString);
            assertEquals(SystemPages.hugePageSize(), stats.hugePageSize());
            assertTrue(stats.hugePagesInEffect(), () -> "smaps shows no huge page: " + stats);
            assertTrue(stats.hugePageBytes() <= stats.bytesReserved(), stats::toString);
            assertEquals(0, stats.baseAddressMod64());
            assertEquals(0, stats.bucketsCrossingHugePage(), "128-byte buckets in huge-page-aligned chunks");
            assertEquals(0, stats.bucketsCrossingPage());
            assertTrue(stats.allocator().startsWith("hugePages("), stats::allocator);
        }
    }

    @Test
    void goBucketsStraddleHugePagesAndTheAuditCountsThem() {
        assumeTrue(hugePagesExpected());
        try (LongLongMap map = filled(Allocators.hugePages(), BucketPadding.NONE, 500_000)) {
            MapStats stats = map.stats();
            // 144-byte buckets: 2^14 of them per 2.25 MiB chunk, one straddling each 2 MiB boundary inside
            assertTrue(stats.bucketsCrossingHugePage() > 0, stats::toString);
            assertTrue(stats.bucketsCrossingHugePage() < stats.bucketsAudited() / 1000, stats::toString);
        }
    }

    @Test
    void withoutHugePagesTheAuditStillUsesTheSystemsHugePageSize() {
        try (LongLongMap map = filled(Allocators.cacheLineAligned(), BucketPadding.CACHE_LINE, 10_000)) {
            MapStats stats = map.stats();
            assertFalse(stats.hugePagesRequested());
            assertEquals(SystemPages.hugePageSize(), stats.hugePageSize());
        }
    }

    @Test
    void aSmallMapOnHugePagesWorksWithSmallChunks() {
        Allocator allocator = Allocators.hugePages();
        try (LongLongMap map = filled(allocator, BucketPadding.CACHE_LINE, 100)) {
            assertEquals(100, map.size());
            assertTrue(map.stats().bytesReserved() < 64 * 1024, () -> "a 100-entry map must not reserve a huge page: "
                    + map.stats());
        }
        assertEquals(0, allocator.bytesInUse());
    }

    @Test
    void closeReturnsTheMemoryToTheSystem() {
        assumeTrue(allocatorMaps());
        RecordingAllocator allocator = new RecordingAllocator(Allocators.hugePages());
        LongLongMap map = filled(allocator, BucketPadding.CACHE_LINE, 3_000_000);
        long reserved = map.stats().bucketBytes(); // the lazily mapped overflow area beyond them is never touched
        long resident = allocator.residentBytesOfEverything();
        assumeTrue(resident >= 0, "no /proc/self/smaps");
        long hugePage = Allocators.systemHugePageSize();
        assertTrue(resident >= reserved * 8 / 10 && resident <= reserved * 11 / 10 + 2 * hugePage,
                "a filled map is resident: RSS of its mappings " + resident + " for " + reserved + " bytes of buckets");
        map.close();
        assertEquals(0, allocator.bytesInUse());
        long after = allocator.residentBytesOfEverything();
        assertTrue(after <= reserved / 20, "close must unmap: " + after + " bytes still resident there");
    }

    @Test
    void growthReturnsTheOldTablesToTheSystem() {
        assumeTrue(allocatorMaps());
        RecordingAllocator allocator = new RecordingAllocator(Allocators.hugePages());
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).build()) {
            SplittableRandom random = new SplittableRandom(11);
            int puts = 0;
            while (puts < 3_000_000 || map.growing()) {
                map.put(random.nextLong(), puts++);
            }
            map.awaitRetiredReleased();
            long reserved = map.stats().bytesReserved();
            long resident = allocator.residentBytesOfEverything();
            assumeTrue(resident >= 0, "no /proc/self/smaps");
            assertTrue(allocator.allocated >= reserved * 3 / 2,
                    "the map grew through tables it gave back: " + allocator.allocated + " allocated in all");
            // every old table was half the size of the next: kept, they would show as ~2x
            assertTrue(resident <= reserved * 12 / 10,
                    "RSS of every range ever allocated is " + resident + " for " + reserved
                            + " reserved: old tables not returned?");
            assertTrue(resident >= reserved / 2, "RSS " + resident + " for " + reserved + " reserved");
        }
    }

    /** Delegates, remembering every range it handed out, to ask smaps about them afterwards. */
    static final class RecordingAllocator implements Allocator {
        final Allocator delegate;
        final java.util.List<long[]> ranges = new java.util.ArrayList<>();
        long allocated;

        RecordingAllocator(Allocator delegate) {
            this.delegate = delegate;
        }

        @Override
        public java.lang.foreign.MemorySegment allocate(long byteSize, long byteAlignment) {
            java.lang.foreign.MemorySegment segment = delegate.allocate(byteSize, byteAlignment);
            ranges.add(new long[] {segment.address(), byteSize});
            allocated += byteSize;
            return segment;
        }

        @Override
        public void release(java.lang.foreign.MemorySegment segment) {
            delegate.release(segment);
        }

        @Override
        public long bytesInUse() {
            return delegate.bytesInUse();
        }

        @Override
        public long hugePageSize() {
            return delegate.hugePageSize();
        }

        @Override
        public long preferredChunkBytes() {
            return delegate.preferredChunkBytes();
        }

        /** Resident bytes of the mappings overlapping anything this allocator ever handed out. */
        long residentBytesOfEverything() {
            long[] starts = ranges.stream().mapToLong(r -> r[0]).toArray();
            long[] lengths = ranges.stream().mapToLong(r -> r[1]).toArray();
            return SystemPages.residentBytes(starts, lengths);
        }
    }

    /** Whether hugePages() maps memory itself here (true unless it fell back to the C heap). */
    static boolean allocatorMaps() {
        return Allocators.hugePages().name().startsWith("hugePages(");
    }
}
