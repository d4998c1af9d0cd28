package io.tophash;

import io.tophash.engine.AlignmentAudit;
import io.tophash.engine.Growth;
import io.tophash.engine.MapMemory;
import io.tophash.engine.Table;
import io.tophash.memory.Allocator;
import io.tophash.os.SystemPages;

/**
 * A snapshot of a map's shape and memory placement.
 *
 * <p>The alignment audit answers "where did my buckets land?": the base address of the first
 * bucket chunk modulo 64 and modulo the page size, and, over every primary and in-use overflow
 * bucket, how many touch more 64-byte lines than their length requires and how many cross a page
 * boundary. With {@code Allocators.cacheLineAligned()} and {@link BucketPadding#CACHE_LINE} the
 * line figure is 0; with {@code Allocators.naive(8)} it is not.
 *
 * @param size                      entries
 * @param bucketCount               primary buckets of the current table
 * @param overflowBucketCount       overflow buckets in use in the current table
 * @param growing                   whether an incremental growth is in progress
 * @param oldBucketCount            primary buckets of the table being evacuated (0 when not growing)
 * @param evacuatedBuckets          old buckets evacuated so far (0 when not growing)
 * @param bytesReserved             off-heap bytes this map holds from its allocator: every table's whole
 *                                  reservation, overflow area included, and tables queued for release. Large
 *                                  reservations are mapped lazily, so pages no bucket has touched cost
 *                                  address space only: {@link #bucketBytes()} is what the entries occupy
 * @param bucketStride              bytes from one bucket to the next
 * @param slotsPerBucket            entries per bucket
 * @param layout                    name of the bucket format ({@code go144}, {@code line128}, {@code go192})
 * @param allocator                 name of the allocator
 * @param pageSize                  page size the audit used
 * @param baseAddressMod64          address of the first bucket modulo 64
 * @param baseAddressModPage        address of the first bucket modulo {@code pageSize}
 * @param bucketsAudited            buckets the audit looked at: every primary bucket and the overflow buckets in use
 * @param bucketsCrossingExtraLine  buckets touching more lines than {@code ceil(stride / 64)}
 * @param bucketsCrossingPage       buckets whose bytes lie in two pages
 * @param hugePageSize              the huge-page size: the allocator's if it asks for huge pages, else the
 *                                  system's transparent huge-page size (0 if it has none)
 * @param hugePagesRequested        whether the allocator advised the map's memory onto huge pages
 *                                  ({@code Allocators.hugePages()} not fallen back)
 * @param hugePageBytes             bytes of the map's memory the kernel backs with huge pages right now,
 *                                  read back from {@code /proc/self/smaps} ({@code AnonHugePages} of the
 *                                  mappings holding the map's chunks; an upper bound when those mappings
 *                                  hold other memory too, as the C heap's do); -1 where it cannot be
 *                                  read (not Linux). Read only when huge pages were requested or the
 *                                  kernel's THP mode is {@code always}; otherwise the kernel gives none
 *                                  and this is 0 without reading (reading costs milliseconds)
 * @param bucketsCrossingHugePage   buckets whose bytes lie in two huge pages of {@code hugePageSize}
 */
public record MapStats(
        long size,
        long bucketCount,
        long overflowBucketCount,
        boolean growing,
        long oldBucketCount,
        long evacuatedBuckets,
        long bytesReserved,
        long bucketStride,
        int slotsPerBucket,
        String layout,
        String allocator,
        long pageSize,
        long baseAddressMod64,
        long baseAddressModPage,
        long bucketsAudited,
        long bucketsCrossingExtraLine,
        long bucketsCrossingPage,
        long hugePageSize,
        boolean hugePagesRequested,
        long hugePageBytes,
        long bucketsCrossingHugePage) {

    /**
     * The stats of a map's tables, as both maps report them: audits every bucket address and, when
     * huge pages were requested or the THP mode is {@code always}, reads {@code /proc/self/smaps}.
     *
     * @param table  the table writes go to (while growing, the table being evacuated into)
     * @param growth the growth in progress, or null
     * @param memory the map's ledger: every byte it holds, tables waiting to be released included
     */
    static MapStats of(long size, Table table, Growth growth, MapMemory memory) {
        Allocator allocator = memory.allocator();
        boolean hugeRequested = allocator.hugePageSize() > 0;
        long hugePageSize = hugeRequested ? allocator.hugePageSize() : SystemPages.hugePageSize();
        AlignmentAudit audit = AlignmentAudit.of(table, allocator.pageSize(), hugePageSize);
        long hugeBytes = 0;
        if (hugeRequested || SystemPages.transparentHugePageMode().equals("always")) {
            Table old = growth == null ? table : growth.old;
            hugeBytes = SystemPages.hugePageBytes(new long[] {table.segment.address(), old.segment.address()},
                    new long[] {table.segment.byteSize(), old == table ? 0 : old.segment.byteSize()});
        }
        return new MapStats(size, table.bucketCount, table.overflowInUse(), growth != null,
                growth == null ? 0 : growth.old.bucketCount, growth == null ? 0 : growth.evacuatedBuckets(),
                memory.bytesHeld(), table.format.bucketLength(), table.format.slots(), table.format.name(),
                allocator.name(), allocator.pageSize(), audit.baseMod64(), audit.baseModPage(), audit.buckets(),
                audit.crossingExtraLine(), audit.crossingPage(), hugePageSize, hugeRequested, hugeBytes,
                audit.crossingHugePage());
    }

    /**
     * Whether the kernel backs at least one huge page of this map's memory, as read back from
     * {@code /proc/self/smaps}: the proof that {@code Allocators.hugePages()} took effect.
     *
     * @return whether huge pages back any of the map
     */
    public boolean hugePagesInEffect() {
        return hugePageBytes > 0;
    }

    /**
     * Bytes of the buckets that hold the entries: every primary bucket and every overflow bucket in
     * use of the current table, and during a growth the primary buckets of the table being
     * evacuated. Overflow buckets are taken in order from the start of the overflow area, so this
     * is, to within a page, the memory the map's entries have touched.
     *
     * @return bytes of the buckets in use
     */
    public long bucketBytes() {
        return (bucketCount + overflowBucketCount + oldBucketCount) * bucketStride;
    }

    /**
     * {@link #bucketBytes()} per entry; infinite for an empty map.
     *
     * @return bucket bytes per entry
     */
    public double bucketBytesPerEntry() {
        return size == 0 ? Double.POSITIVE_INFINITY : (double) bucketBytes() / size;
    }

    /**
     * Off-heap bytes per entry ({@code bytesReserved / size}); infinite for an empty map.
     *
     * @return off-heap bytes per entry
     */
    public double bytesPerEntry() {
        return size == 0 ? Double.POSITIVE_INFINITY : (double) bytesReserved / size;
    }
}
