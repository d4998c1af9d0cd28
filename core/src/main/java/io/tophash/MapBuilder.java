package io.tophash;

import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;

/**
 * The options every map's builder takes, written once: each builder extends this with its own
 * type as {@code B}, so that the options chain ({@code LongLongMap.builder().expectedSize(n).seed(s)
 * .build()}) and defaults and validation cannot drift apart between maps. Not thread-safe; a
 * builder may build several maps.
 *
 * @param <B> the builder's own type
 */
abstract class MapBuilder<B extends MapBuilder<B>> {

    final MapOptions options = new MapOptions();

    MapBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * Pre-sizes the map for {@code entries} entries, like Go's {@code make(map, n)}: that many
     * entries fit without a growth (in a concurrent map, that many inserts from any threads).
     * The table is reserved by {@code build()}; allocators map large tables lazily, so its pages
     * are faulted in as entries reach them.
     *
     * @param entries the number of entries to fit without a growth
     * @return this builder
     * @throws IllegalArgumentException if negative or above {@link LongLongMap#MAX_EXPECTED_SIZE}
     */
    public B expectedSize(long entries) {
        options.expectedSize(entries);
        return self();
    }

    /**
     * Where memory comes from; {@link Allocators#cacheLineAligned()} by default. A map shared
     * between threads needs 8-byte aligned memory ({@code naive(3)} cannot give it): its
     * {@code build()} checks.
     *
     * @param allocator the allocator
     * @return this builder
     */
    public B allocator(Allocator allocator) {
        options.allocator(allocator);
        return self();
    }

    /**
     * The bucket layout; {@link BucketPadding#CACHE_LINE} by default.
     *
     * @param padding the bucket layout
     * @return this builder
     */
    public B padding(BucketPadding padding) {
        options.padding(padding);
        return self();
    }

    /**
     * A fixed hash seed, for reproducible tests and benchmarks: the same seed places the same keys
     * in the same buckets. By default each map draws a random one.
     *
     * @param seed the hash seed
     * @return this builder
     */
    public B seed(long seed) {
        options.seed(seed);
        return self();
    }

    /**
     * Validated and kept for compatibility; since 0.2.0 it changes nothing: each table is one
     * reservation, mapped lazily, so no growth step allocates or zeroes a chunk.
     *
     * @param bytes a chunk size in bytes (validated, otherwise unused)
     * @return this builder
     * @throws IllegalArgumentException if not between 4 KiB and 1 GiB
     */
    public B chunkBytes(long bytes) {
        options.chunkBytes(bytes);
        return self();
    }
}
