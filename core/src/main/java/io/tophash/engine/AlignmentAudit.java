package io.tophash.engine;

/**
 * Where the buckets of a table landed relative to 64-byte lines, pages and huge pages.
 *
 * @param baseMod64          address of the first bucket modulo 64
 * @param baseModPage        address of the first bucket modulo the page size
 * @param buckets            buckets audited: every primary bucket plus the overflow buckets in use
 * @param crossingExtraLine  buckets touching more lines than {@code ceil(stride / 64)}
 * @param crossingPage       buckets whose bytes lie in two pages
 * @param crossingHugePage   buckets whose bytes lie in two huge pages (0 when no huge-page size is known)
 */
public record AlignmentAudit(long baseMod64, long baseModPage, long buckets, long crossingExtraLine,
                             long crossingPage, long crossingHugePage) {

    static final long LINE = 64;

    /**
     * Audits every primary bucket and every overflow bucket in use against 64-byte lines,
     * {@code pageSize} and {@code hugePageSize} (0: no huge-page boundary to audit). Reads addresses,
     * never memory. O(buckets).
     */
    public static AlignmentAudit of(Table table, long pageSize, long hugePageSize) {
        long stride = table.stride;
        long minLines = (stride + LINE - 1) / LINE;
        long base = table.segment.address();
        long buckets = table.bucketCount + table.overflowInUse();
        long extraLine = 0;
        long page = 0;
        long hugePage = 0;
        for (long id = 0; id < buckets; id++) {
            long a = base + id * stride;
            extraLine += linesTouched(a, stride) > minLines ? 1 : 0;
            page += crossesPage(a, stride, pageSize) ? 1 : 0;
            hugePage += hugePageSize > 0 && crossesPage(a, stride, hugePageSize) ? 1 : 0;
        }
        return new AlignmentAudit(base & (LINE - 1), Math.floorMod(base, pageSize), buckets, extraLine, page, hugePage);
    }

    static long linesTouched(long address, long length) {
        return Math.floorDiv(address + length - 1, LINE) - Math.floorDiv(address, LINE) + 1;
    }

    static boolean crossesPage(long address, long length, long pageSize) {
        return Math.floorDiv(address, pageSize) != Math.floorDiv(address + length - 1, pageSize);
    }
}
