package io.tophash.jmh;

import io.tophash.BucketPadding;
import io.tophash.LongLongMap;
import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;

import java.util.OptionalDouble;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The maps under test: every tophash allocator x bucket padding pair, named
 * {@code TOPHASH_<padding>_<allocator>} (LINE = {@link BucketPadding#CACHE_LINE}, GO =
 * {@link BucketPadding#NONE}, GO_PADDED = {@link BucketPadding#CACHE_LINE_PADDED}; ALIGNED =
 * {@link Allocators#cacheLineAligned()}, PAGE = {@link Allocators#pageAligned()}, HUGE = {@link Allocators#hugePages()}, NAIVE8 /
 * NAIVE3 = {@link Allocators#naive(long) naive(8) / naive(3)}), then the maps a user would
 * otherwise pick: primitive on-heap maps, the JDK's boxed maps, and Chronicle Map, off heap like
 * tophash. Every map is pre-sized for the entries it will hold, so none grows while timed.
 */
public enum Impl {
    TOPHASH_LINE_ALIGNED(Allocators::cacheLineAligned, BucketPadding.CACHE_LINE),
    TOPHASH_GO_ALIGNED(Allocators::cacheLineAligned, BucketPadding.NONE),
    TOPHASH_GO_PADDED_ALIGNED(Allocators::cacheLineAligned, BucketPadding.CACHE_LINE_PADDED),
    TOPHASH_LINE_PAGE(Allocators::pageAligned, BucketPadding.CACHE_LINE),
    TOPHASH_GO_PAGE(Allocators::pageAligned, BucketPadding.NONE),
    TOPHASH_GO_PADDED_PAGE(Allocators::pageAligned, BucketPadding.CACHE_LINE_PADDED),
    TOPHASH_LINE_HUGE(Allocators::hugePages, BucketPadding.CACHE_LINE),
    TOPHASH_GO_HUGE(Allocators::hugePages, BucketPadding.NONE),
    TOPHASH_GO_PADDED_HUGE(Allocators::hugePages, BucketPadding.CACHE_LINE_PADDED),
    TOPHASH_LINE_NAIVE8(() -> Allocators.naive(8), BucketPadding.CACHE_LINE),
    TOPHASH_GO_NAIVE8(() -> Allocators.naive(8), BucketPadding.NONE),
    TOPHASH_GO_PADDED_NAIVE8(() -> Allocators.naive(8), BucketPadding.CACHE_LINE_PADDED),
    TOPHASH_LINE_NAIVE3(() -> Allocators.naive(3), BucketPadding.CACHE_LINE),
    TOPHASH_GO_NAIVE3(() -> Allocators.naive(3), BucketPadding.NONE),
    TOPHASH_GO_PADDED_NAIVE3(() -> Allocators.naive(3), BucketPadding.CACHE_LINE_PADDED),
    /** fastutil's open-addressing {@code Long2LongOpenHashMap}: the primitive on-heap baseline. */
    FASTUTIL(BenchMap.Fastutil::new),
    /** {@code java.util.HashMap<Long, Long>}. */
    HASHMAP(BenchMap.JavaHashMap::new),
    /** Eclipse Collections' {@code LongLongHashMap}: a primitive on-heap map with tombstones. */
    ECLIPSE(BenchMap.EclipseCollections::new),
    /** HPPC's {@code LongLongHashMap}: a primitive on-heap map, linear probing like fastutil. */
    HPPC(BenchMap.Hppc::new),
    /** Agrona's {@code Long2LongHashMap}: a primitive on-heap map built with a missing value (0). */
    AGRONA(BenchMap.Agrona::new),
    /** {@code java.util.concurrent.ConcurrentHashMap<Long, Long>}: what a map shared between threads costs. */
    CONCURRENT_HASHMAP(BenchMap.JavaConcurrentHashMap::new),
    /**
     * Chronicle Map in memory, {@code ChronicleMap<Long, Long>}: off heap, like tophash. Its JVM
     * needs {@link Workload#CHRONICLE_FLAGS}, which every benchmark fork is given.
     */
    CHRONICLE_MAP(BenchMap.Chronicle::new);

    /** Hash seed of every tophash map, so that runs place the same keys in the same buckets. */
    static final long HASH_SEED = 0x5EED_7A5E_0000_0001L;

    private final Supplier<Allocator> allocator;
    private final BucketPadding padding;
    private final IntFunction<BenchMap> peerFactory;

    Impl(Supplier<Allocator> allocator, BucketPadding padding) {
        this.allocator = allocator;
        this.padding = padding;
        this.peerFactory = null;
    }

    Impl(IntFunction<BenchMap> peerFactory) {
        this.allocator = null;
        this.padding = null;
        this.peerFactory = peerFactory;
    }

    /**
     * An empty map that is not pre-sized, to be grown: tophash with the builder's defaults, every
     * peer built with an expected size of 0 (its smallest table).
     */
    BenchMap createEmpty() {
        return isTophash()
                ? new BenchMap.Tophash(LongLongMap.builder().allocator(allocator.get()).padding(padding)
                        .seed(HASH_SEED).build())
                : peerFactory.apply(0);
    }

    /** Whether this map can grow from empty; Chronicle Map is sized for its entries when created. */
    boolean canGrow() {
        return this != CHRONICLE_MAP;
    }

    /** An empty map pre-sized for {@code expectedSize} entries. */
    BenchMap create(int expectedSize) {
        return isTophash()
                ? new BenchMap.Tophash(tophash(expectedSize))
                : peerFactory.apply(expectedSize);
    }

    boolean isTophash() {
        return padding != null;
    }

    /**
     * Off-heap bytes of buckets per entry ({@link io.tophash.MapStats#bucketBytesPerEntry()}) of this tophash
     * map filled with the benchmarks' {@code size} keys; empty for the other maps, whose
     * footprint the JVM does not report cheaply.
     */
    OptionalDouble bytesPerEntry(int size) {
        if (!isTophash()) {
            return OptionalDouble.empty();
        }
        try (LongLongMap map = tophash(size)) {
            for (long key : Workload.presentKeys(size)) {
                map.put(key, key);
            }
            return OptionalDouble.of(map.stats().bucketBytesPerEntry());
        }
    }

    private LongLongMap tophash(int expectedSize) {
        return LongLongMap.builder()
                .expectedSize(expectedSize)
                .allocator(allocator.get())
                .padding(padding)
                .seed(HASH_SEED)
                .build();
    }
}
