package io.tophash.internal;

import java.lang.foreign.MemorySegment;

/**
 * Where the buckets of a table landed relative to 64-byte lines and pages.
 *
 * @param baseMod64          address of the first bucket modulo 64 (-1 if the table has none)
 * @param baseModPage        address of the first bucket modulo the page size (-1 if none)
 * @param buckets            buckets audited: primary buckets of allocated chunks plus overflow buckets in use
 * @param crossingExtraLine  buckets touching more lines than {@code ceil(stride / 64)}
 * @param crossingPage       buckets whose bytes lie in two pages
 * @param crossingHugePage   buckets whose bytes lie in two huge pages (0 when no huge-page size is known)
 */
public record AlignmentAudit(long baseMod64, long baseModPage, long buckets, long crossingExtraLine,
                             long crossingPage, long crossingHugePage) {

    static final long LINE = 64;

    /**
     * Audits every allocated primary bucket and every overflow bucket in use against 64-byte
     * lines, {@code pageSize} and {@code hugePageSize} (0: no huge-page boundary to audit).
     */
    public static AlignmentAudit of(BucketTable table, long pageSize, long hugePageSize) {
        long stride = table.stride;
        long minLines = (stride + LINE - 1) / LINE;
        long base = -1;
        long buckets = 0;
        long extraLine = 0;
        long page = 0;
        long hugePage = 0;
        for (MemorySegment chunk : table.chunks) {
            if (chunk == null) {
                continue;
            }
            if (base < 0) {
                base = chunk.address();
            }
            long n = table.bucketsPerChunk();
            for (long j = 0; j < n; j++) {
                long a = chunk.address() + j * stride;
                buckets++;
                extraLine += linesTouched(a, stride) > minLines ? 1 : 0;
                page += crossesPage(a, stride, pageSize) ? 1 : 0;
                hugePage += hugePageSize > 0 && crossesPage(a, stride, hugePageSize) ? 1 : 0;
            }
        }
        long inUse = table.overflowBucketsInUse();
        for (long idx = 1; idx <= inUse; idx++) {
            long a = table.overflowChunkOf(idx).address() + table.overflowOffsetOf(idx);
            buckets++;
            extraLine += linesTouched(a, stride) > minLines ? 1 : 0;
            page += crossesPage(a, stride, pageSize) ? 1 : 0;
            hugePage += hugePageSize > 0 && crossesPage(a, stride, hugePageSize) ? 1 : 0;
        }
        return new AlignmentAudit(base < 0 ? -1 : base & (LINE - 1), base < 0 ? -1 : Math.floorMod(base, pageSize),
                buckets, extraLine, page, hugePage);
    }

    static long linesTouched(long address, long length) {
        return Math.floorDiv(address + length - 1, LINE) - Math.floorDiv(address, LINE) + 1;
    }

    static boolean crossesPage(long address, long length, long pageSize) {
        return Math.floorDiv(address, pageSize) != Math.floorDiv(address + length - 1, pageSize);
    }
}
