package io.tophash;

import io.tophash.engine.Growth;
import io.tophash.engine.MapMemory;
import io.tophash.engine.MapTables;
import io.tophash.memory.Allocator;

import java.lang.ref.Reference;

/**
 * What every tophash map has whatever its keys and threading policy: the allocator and padding it
 * was built with, its memory ledger (with the safety net that frees a map dropped unclosed), and
 * the answers derived from its size and growth. Package-private: the maps' public API is their own.
 */
abstract sealed class OffHeapMap implements AutoCloseable
        permits LongLongMap, ConcurrentLongLongMap, BytesMap, ConcurrentBytesMap {

    final Allocator allocator;
    final BucketPadding padding;
    /** Every chunk the map holds; frees them if the map is dropped unclosed. */
    final MapMemory memory;

    OffHeapMap(MapOptions options) {
        this(options, options.allocator);
    }

    /** A map whose memory comes from {@code allocator} instead of the options' (a map file's regions). */
    OffHeapMap(MapOptions options, Allocator allocator) {
        this.allocator = allocator;
        this.padding = options.padding;
        this.memory = new MapMemory(allocator);
        memory.freeWhenUnreachable(this);
    }

    /**
     * The number of entries; each map states its threading rules.
     *
     * @return the number of entries
     * @throws IllegalStateException after {@link #close()}
     */
    public abstract long size();

    /**
     * Whether the map holds no entry: {@code size() == 0}, with the threading rules and exceptions
     * of {@link #size()}.
     *
     * @return whether the map is empty
     * @throws IllegalStateException after {@link #close()}
     */
    public boolean isEmpty() {
        return size() == 0;
    }

    /**
     * The padding this map was built with. Any thread.
     *
     * @return the padding
     */
    public BucketPadding padding() {
        return padding;
    }

    /**
     * The allocator this map takes memory from. Any thread.
     *
     * @return the allocator
     */
    public Allocator allocator() {
        return allocator;
    }

    /**
     * The last step of every map's constructor: the map is complete, and becomes visible to the JFR
     * {@code MapStatistics} sampler ({@link LiveMaps}, which holds it weakly).
     */
    final void built() {
        LiveMaps.add(this);
    }

    /** The map's id in JFR events ({@code io.tophash.*}): unique in this JVM. Any thread. */
    final long mapId() {
        return memory.mapId;
    }

    /** The map's policy over the engine: single writer or per-bucket locks. */
    abstract MapTables tables();

    /**
     * Completes a growth in progress now: evacuates every old bucket not yet evacuated and hands
     * the old table back for release (a concurrent map's after a grace period for readers still
     * inside it). Growth is otherwise driven by writes only (as in Go), so a map whose last writes
     * started a growth keeps both tables, and reads keep checking both, until later writes finish
     * it; a service that bulk-loads and then only reads calls this after loading. Costs one
     * evacuation per remaining old bucket and allocates nothing; does nothing when no growth is in
     * progress. Threading: a write, under the map's rule (the single-threaded maps' one writer; the
     * concurrent maps, any thread, with reads and writes going on meanwhile).
     *
     * @return whether a growth was in progress
     * @throws IllegalStateException                     after {@link #close()}
     * @throws java.util.ConcurrentModificationException for a single-threaded map, if another write is seen in progress
     */
    public boolean finishGrowth() {
        return tables().finishGrowthAsWrite();
    }

    /** The growth in progress, or null. */
    final Growth growth() {
        return tables().growth();
    }

    /** Whether a growth is in progress; cheap, unlike {@code stats()}. For tests. */
    final boolean growing() {
        return growth() != null;
    }

    /** Primary buckets of the table being evacuated, 0 when not growing; cheap. For tests. */
    final long oldBucketCount() {
        Growth g = growth();
        return g == null ? 0 : g.old.bucketCount;
    }

    /** Old buckets evacuated so far in the current growth; cheap. For tests. */
    final long evacuatedBuckets() {
        Growth g = growth();
        return g == null ? 0 : g.evacuatedBuckets();
    }

    /** For tests: the chains' empty-rest marking over the tables; null when sound. Only while no thread writes. */
    final String auditChains() {
        return tables().auditChains();
    }

    /** Waits for every chunk queued for background release to be back with the allocator. For tests. */
    final void awaitRetiredReleased() {
        memory.releaseRetiredNow();
        memory.awaitReleased();
    }

    /**
     * Releases all memory, once (each map states its threading rules and what racing operations see).
     * Idempotent, except that if the allocator failed to release some memory, its exception is
     * thrown here and the next call retries.
     */
    @Override
    public void close() {
        try {
            LiveMaps.remove(memory.mapId);
            tables().close();
        } finally {
            // keeps the Cleaner out while the ledger closes: the map must not be unreachable meanwhile
            Reference.reachabilityFence(this);
        }
    }

    /** The long maps' {@code getAll}: {@code values} must have room for a value per key. */
    static void checkBatch(long[] keys, long[] values) {
        if (values.length < keys.length) {
            throw new IllegalArgumentException("values has room for " + values.length + " values, keys holds "
                    + keys.length + " keys");
        }
    }
}
