package io.tophash.internal;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * One generation of a map's buckets: {@code 2^log2Buckets} primary buckets split into
 * equal power-of-two chunks, plus an overflow area of chunked overflow buckets.
 *
 * <p>Implementation notes. Chunks exist so that growth is incremental in memory as well as in
 * work: allocating native memory zero-fills it and faults in every page, which for a whole
 * table of hundreds of megabytes takes seconds. A new table therefore starts with no chunks, and
 * evacuation allocates each chunk when it first moves entries into it ({@link #ensureChunk}). The
 * old table gives its chunks back as evacuation passes them ({@link #detachChunk}). All memory
 * comes from, and goes back through, the map's {@link MapMemory} ledger.
 *
 * <p>Overflow buckets are numbered from 1 within this table (0 is "no overflow"); the overflow
 * link in a bucket stores that number, never an address. Overflow buckets are not reused after
 * their entries are removed; a same-size growth compacts them, as in Go.
 *
 * <p>Not thread-safe: owned by one map, used under that map's threading rules.
 */
public final class BucketTable {

    private static final int MAX_LOG2_CHUNKS = 20;

    public final BucketFormat format;
    public final int log2Buckets;
    public final long bucketCount;
    public final long bucketMask;
    public final long stride;
    public final int chunkShift;
    public final long chunkMask;
    public final MemorySegment[] chunks;

    public final int overflowShift;
    public final long overflowMask;
    /**
     * Overflow chunks by number; volatile and replaced only by a fully filled copy, because the
     * concurrent map's writers read it without the lock that guards its growth.
     */
    public volatile MemorySegment[] overflowChunks = new MemorySegment[0];
    /** The table this one is being (or was) evacuated into; set once, when its growth starts (concurrent map). */
    public volatile BucketTable grownInto;

    private final MapMemory memory;
    private final long alignment;
    private int liveChunks;
    /** Next overflow bucket number to hand out; 0 is reserved for "none". */
    private long overflowNext = 1;
    private long overflowCapacity;

    public BucketTable(BucketFormat format, MapMemory memory, int log2Buckets, long chunkBytes) {
        this.format = format;
        this.memory = memory;
        this.log2Buckets = log2Buckets;
        this.bucketCount = 1L << log2Buckets;
        this.bucketMask = bucketCount - 1;
        this.stride = format.bucketLength();
        // A power-of-two bucket (128 bytes) is aligned to its own size, so it is one x86
        // adjacent-line pair and never crosses a page; other line-aligned buckets to the line.
        this.alignment = !format.lineAligned() ? Long.BYTES
                : Long.bitCount(stride) == 1 ? stride : 64;
        int perChunk = 63 - Long.numberOfLeadingZeros(Math.max(1, chunkBytes / stride));
        // An allocator's preferred size (a huge page) is a floor: the smallest power of two of
        // buckets covering it, so that a 144-byte bucket's chunk (2.25 MiB) still holds one.
        long preferred = memory.allocator().preferredChunkBytes();
        int preferredShift = preferred <= 0 ? 0
                : 64 - Long.numberOfLeadingZeros(Math.max(1, (preferred + stride - 1) / stride) - 1);
        perChunk = Math.max(perChunk, preferredShift);
        // Past 2^20 chunks the chunk array itself becomes a burden: grow the chunks instead.
        this.chunkShift = Math.min(Math.max(perChunk, log2Buckets - MAX_LOG2_CHUNKS), log2Buckets);
        this.chunkMask = (1L << chunkShift) - 1;
        long chunkCount = bucketCount >>> chunkShift;
        this.chunks = new MemorySegment[(int) chunkCount];
        // Overflow chunks are a quarter of a primary chunk. Once the table spans 16 or more chunks
        // of the preferred size they get that size too (huge pages for overflow lookups), since
        // the unused tail of the last one is then at most 1/16 of the table.
        int overflow = Math.max(3, chunkShift - 2);
        if (preferredShift > 0 && chunkShift >= preferredShift && log2Buckets - chunkShift >= 4) {
            overflow = Math.max(overflow, preferredShift);
        }
        this.overflowShift = overflow;
        this.overflowMask = (1L << overflowShift) - 1;
    }

    /** Allocates every chunk, releasing what it got if one allocation fails. */
    public void allocateAll() {
        try {
            for (int c = 0; c < chunks.length; c++) {
                ensureChunk(c);
            }
        } catch (RuntimeException | Error e) {
            releaseAll();
            throw e;
        }
    }

    /** Whether every primary chunk is allocated. */
    public boolean fullyAllocated() {
        return liveChunks == chunks.length;
    }

    public int chunkCount() {
        return chunks.length;
    }

    public long bucketsPerChunk() {
        return 1L << chunkShift;
    }

    /** Chunk holding primary bucket {@code bucket}; null if not yet allocated or already released. */
    public MemorySegment chunkOf(long bucket) {
        return chunks[(int) (bucket >>> chunkShift)];
    }

    public long offsetOf(long bucket) {
        return (bucket & chunkMask) * stride;
    }

    public MemorySegment overflowChunkOf(long overflowIndex) {
        return overflowChunks[(int) (overflowIndex >>> overflowShift)];
    }

    public long overflowOffsetOf(long overflowIndex) {
        return (overflowIndex & overflowMask) * stride;
    }

    /** Allocates chunk {@code c} if it does not exist yet. May throw; then nothing changed. */
    public void ensureChunk(int c) {
        if (chunks[c] == null) {
            chunks[c] = memory.allocate(bucketsPerChunk() * stride, alignment);
            liveChunks++;
        }
    }

    /**
     * Takes chunk {@code c} out of this table without releasing it, for the caller to release
     * later; null if it is not allocated.
     */
    public MemorySegment detachChunk(int c) {
        MemorySegment chunk = chunks[c];
        if (chunk != null) {
            chunks[c] = null;
            liveChunks--;
        }
        return chunk;
    }

    /** Takes every chunk (primary and overflow) out of this table, handing each to {@code sink}. */
    public void detachAll(java.util.function.Consumer<MemorySegment> sink) {
        for (int c = 0; c < chunks.length; c++) {
            MemorySegment chunk = detachChunk(c);
            if (chunk != null) {
                sink.accept(chunk);
            }
        }
        for (int c = 0; c < overflowChunks.length; c++) {
            MemorySegment chunk = overflowChunks[c];
            if (chunk != null) {
                overflowChunks[c] = null;
                sink.accept(chunk);
            }
        }
        overflowCapacity = 0;
        overflowNext = 1;
    }

    /**
     * Releases chunk {@code c} now. A release that fails leaves the chunk in the map's ledger, which
     * retries it and reports the failure when the map is closed.
     */
    public void releaseChunk(int c) {
        MemorySegment chunk = detachChunk(c);
        if (chunk != null) {
            releaseQuietly(chunk);
        }
    }

    private void releaseQuietly(MemorySegment chunk) {
        try {
            memory.release(chunk);
        } catch (RuntimeException | Error keptByTheLedger) {
            // still in the ledger: close() retries and reports it
        }
    }

    /** Ensures {@code n} more overflow buckets can be taken without allocating. May throw; then nothing changed. */
    public void reserveOverflow(long n) {
        while (overflowNext + n > overflowCapacity) {
            int c = (int) (overflowCapacity >>> overflowShift);
            MemorySegment chunk = memory.allocate((1L << overflowShift) * stride, alignment);
            MemorySegment[] grown = overflowChunks;
            if (c == grown.length) {
                grown = Arrays.copyOf(grown, Math.max(4, c * 2));
            }
            grown[c] = chunk;
            overflowChunks = grown;
            overflowCapacity += 1L << overflowShift;
        }
    }

    /** Takes a zeroed overflow bucket reserved by {@link #reserveOverflow}; returns its number. */
    public long takeOverflow() {
        if (overflowNext >= overflowCapacity) {
            throw new IllegalStateException("overflow bucket taken without a reservation");
        }
        return overflowNext++;
    }

    /** Overflow buckets handed out so far. */
    public long overflowBucketsInUse() {
        return overflowNext - 1;
    }

    /** Forgets every overflow bucket and zeroes their memory, keeping the chunks. */
    public void clearOverflow() {
        for (int c = 0; c < overflowChunks.length && overflowChunks[c] != null; c++) {
            RawMemory.zero(overflowChunks[c]);
        }
        overflowNext = 1;
    }

    /**
     * Calls {@code action} with every chunk this table holds (primary and overflow), for audits
     * that need addresses, not contents.
     */
    public void forEachChunk(java.util.function.Consumer<MemorySegment> action) {
        for (MemorySegment chunk : chunks) {
            if (chunk != null) {
                action.accept(chunk);
            }
        }
        for (MemorySegment chunk : overflowChunks) {
            if (chunk != null) {
                action.accept(chunk);
            }
        }
    }

    public long bytesReserved() {
        long overflowChunkCount = overflowCapacity >>> overflowShift;
        return (liveChunks * bucketsPerChunk() + (overflowChunkCount << overflowShift)) * stride;
    }

    /**
     * Releases every chunk this table still holds, now; for a table that was never used (a growth
     * abandoned) or is no longer read. Idempotent. A release that fails stays in the map's ledger,
     * which retries it and reports the failure when the map is closed.
     */
    public void releaseAll() {
        detachAll(this::releaseQuietly);
    }
}
