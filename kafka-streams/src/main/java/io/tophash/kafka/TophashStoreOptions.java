package io.tophash.kafka;

import io.tophash.BytesMap;
import io.tophash.ConcurrentBytesMap;
import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;
import java.util.Objects;

/**
 * How a tophash store builds its map: the entries expected, the allocator of its off-heap memory
 * and the longest key and value it accepts. Immutable; each {@code with} method returns a copy.
 *
 * @param expectedSize   entries the map is sized for at start (it grows past them incrementally)
 * @param allocator      where the map's buckets and store live
 * @param maxKeyLength   the longest key in bytes, 1..{@value BytesMap#MAX_KEY_LENGTH}
 * @param maxValueLength the longest value in bytes, 1..{@value BytesMap#MAX_VALUE_LENGTH}
 */
public record TophashStoreOptions(long expectedSize, Allocator allocator, int maxKeyLength, int maxValueLength) {

    /**
     * Checks the options.
     *
     * @throws IllegalArgumentException if {@code expectedSize} is negative or over the maps' maximum, or a
     *                                  length is out of range
     * @throws NullPointerException     if {@code allocator} is null
     */
    public TophashStoreOptions {
        Objects.requireNonNull(allocator, "allocator");
        ConcurrentBytesMap.builder().expectedSize(expectedSize).maxKeyLength(maxKeyLength).maxValueSize(maxValueLength);
    }

    ConcurrentBytesMap.Builder mapBuilder() {
        return ConcurrentBytesMap.builder()
                .expectedSize(expectedSize)
                .allocator(allocator)
                .maxKeyLength(maxKeyLength)
                .maxValueSize(maxValueLength);
    }

    /**
     * 1,024 expected entries, memory on transparent huge pages ({@link Allocators#hugePages()}, which
     * falls back to page-aligned memory where the system has none: a restore writes the whole
     * table and store at once, and takes one page fault per huge page instead of one per base
     * page), keys up to {@value BytesMap#MAX_KEY_LENGTH}
     * bytes (Kafka's windowed and composite keys included) and values up to
     * {@value BytesMap#MAX_VALUE_LENGTH} bytes: the limits cost nothing until used.
     *
     * @return the default options
     */
    public static TophashStoreOptions defaults() {
        return new TophashStoreOptions(1024, Allocators.hugePages(), BytesMap.MAX_KEY_LENGTH,
                BytesMap.MAX_VALUE_LENGTH);
    }

    /**
     * These options with another expected size. Any thread.
     *
     * @param entries the entries the map is sized for at start
     * @return a copy with this expected size
     */
    public TophashStoreOptions withExpectedSize(long entries) {
        return new TophashStoreOptions(entries, allocator, maxKeyLength, maxValueLength);
    }

    /**
     * These options with another allocator. Any thread.
     *
     * @param allocator where the map's memory comes from
     * @return a copy with this allocator
     */
    public TophashStoreOptions withAllocator(Allocator allocator) {
        return new TophashStoreOptions(expectedSize, allocator, maxKeyLength, maxValueLength);
    }

    /**
     * These options with another key limit. Any thread.
     *
     * @param bytes the longest key accepted
     * @return a copy with this key limit
     */
    public TophashStoreOptions withMaxKeyLength(int bytes) {
        return new TophashStoreOptions(expectedSize, allocator, bytes, maxValueLength);
    }

    /**
     * These options with another value limit. Any thread.
     *
     * @param bytes the longest value accepted
     * @return a copy with this value limit
     */
    public TophashStoreOptions withMaxValueLength(int bytes) {
        return new TophashStoreOptions(expectedSize, allocator, maxKeyLength, bytes);
    }
}
