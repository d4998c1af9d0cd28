package io.tophash;

import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit in {@link MapStats} reports where buckets really landed. */
class AlignmentAuditTest {

    static MapStats statsOf(Allocator allocator, BucketPadding padding) {
        try (LongLongMap map = LongLongMap.builder().allocator(allocator).padding(padding)
                .expectedSize(50_000).seed(1).build()) {
            for (long k = 0; k < 50_000; k++) {
                map.put(k, k);
            }
            return map.stats();
        }
    }

    @Test
    void cacheLineAllocatorWithLinePaddingStraddlesNoLine() {
        MapStats stats = statsOf(Allocators.cacheLineAligned(), BucketPadding.CACHE_LINE);
        assertEquals(0, stats.baseAddressMod64());
        assertTrue(stats.bucketsAudited() >= stats.bucketCount());
        assertEquals(0, stats.bucketsCrossingExtraLine(), stats::toString);
        assertEquals(0, stats.bucketsCrossingPage(), "128-byte buckets on 128-byte boundaries never cross a page");
    }

    @Test
    void cacheLineAllocatorWithPaddedGoBucketsStraddlesNoLine() {
        MapStats stats = statsOf(Allocators.cacheLineAligned(), BucketPadding.CACHE_LINE_PADDED);
        assertEquals(0, stats.bucketsCrossingExtraLine(), stats::toString);
        assertTrue(stats.bucketsCrossingPage() > 0, "192-byte buckets do cross 4 KiB pages");
    }

    @Test
    void naive8StraddlesLines() {
        MapStats go = statsOf(Allocators.naive(8), BucketPadding.NONE);
        assertEquals(8, go.baseAddressMod64() % 16, go::toString);
        assertTrue(go.bucketsCrossingExtraLine() > 0, go::toString);
        MapStats line = statsOf(Allocators.naive(8), BucketPadding.CACHE_LINE);
        assertEquals(line.bucketsAudited(), line.bucketsCrossingExtraLine(),
                "every 128-byte bucket off a line boundary touches three lines: " + line);
        assertTrue(line.bucketsCrossingPage() > 0);
    }

    @Test
    void naive3MisalignsEveryWord() {
        MapStats stats = statsOf(Allocators.naive(3), BucketPadding.NONE);
        assertEquals(3, stats.baseAddressMod64() % 8, stats::toString);
        assertNotEquals(0, stats.bucketsCrossingExtraLine());
    }

    @Test
    void pageAllocatorStartsChunksOnPages() {
        MapStats stats = statsOf(Allocators.pageAligned(), BucketPadding.CACHE_LINE);
        assertEquals(0, stats.baseAddressModPage());
        assertEquals(4096, stats.pageSize());
        MapStats big = statsOf(Allocators.pageAligned(65536), BucketPadding.CACHE_LINE);
        assertEquals(0, big.baseAddressModPage());
        assertEquals(65536, big.pageSize());
    }
}
