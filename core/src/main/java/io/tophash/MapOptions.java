package io.tophash;

import io.tophash.engine.Hashing;
import io.tophash.layout.BucketFormat;
import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;

import java.util.Objects;

/**
 * The options every map's builder takes ({@link MapBuilder}), with their defaults and their
 * validation, kept in one place so that builders cannot drift apart. Not thread-safe, like the
 * builders.
 */
final class MapOptions {
    long expectedSize;
    Allocator allocator = Allocators.cacheLineAligned();
    BucketPadding padding = BucketPadding.CACHE_LINE;
    long missingValue;
    private long seed;
    private boolean seedSet;
    long chunkBytes = LongLongMap.DEFAULT_CHUNK_BYTES;

    /** Log2 of the primary buckets a table of {@code format} needs to hold {@link #expectedSize} entries unresized. */
    int initialLog2Buckets(BucketFormat format) {
        return format.log2BucketsFor(expectedSize);
    }

    void expectedSize(long entries) {
        if (entries < 0) {
            throw new IllegalArgumentException("expectedSize must not be negative, got " + entries);
        }
        if (entries > LongLongMap.MAX_EXPECTED_SIZE) {
            throw new IllegalArgumentException("expectedSize " + entries + " exceeds the maximum of "
                    + LongLongMap.MAX_EXPECTED_SIZE + " entries");
        }
        this.expectedSize = entries;
    }

    void allocator(Allocator allocator) {
        this.allocator = Objects.requireNonNull(allocator, "allocator");
    }

    void padding(BucketPadding padding) {
        this.padding = Objects.requireNonNull(padding, "padding");
    }

    void seed(long seed) {
        this.seed = seed;
        this.seedSet = true;
    }

    /** Whether {@link #seed(long)} fixed the seed. */
    boolean seedSet() {
        return seedSet;
    }

    /** The fixed seed, or a fresh random one for each map built. */
    long seedForNewMap() {
        return seedSet ? seed : Hashing.randomSeed();
    }

    void chunkBytes(long bytes) {
        if (bytes < 4096 || bytes > (1L << 30)) {
            throw new IllegalArgumentException("chunkBytes must be between 4096 and 2^30, got " + bytes);
        }
        this.chunkBytes = bytes;
    }
}
