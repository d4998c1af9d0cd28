package io.tophash;

import io.tophash.engine.ByteSlots;
import io.tophash.layout.BytesBucketLayout;

/**
 * The options of both byte-keyed maps: every map's, the value size (required) and the longest key.
 * Not thread-safe; a builder may build several maps.
 */
abstract class BytesMapBuilder<B extends BytesMapBuilder<B>> extends MapBuilder<B> {
    int valueSize;
    int maxKeyLength = BytesMap.DEFAULT_MAX_KEY_LENGTH;
    long hashMask = -1;

    BytesMapBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** For tests: keeps only the hash bits of {@code mask}, so that many keys share a whole hash. */
    B hashMaskForTests(long mask) {
        this.hashMask = mask;
        return self();
    }

    /**
     * Bytes of every value; required.
     *
     * @param bytes 1..{@value BytesBucketLayout#MAX_VALUE_SIZE}
     * @return this builder
     * @throws IllegalArgumentException if not in 1..{@value BytesBucketLayout#MAX_VALUE_SIZE}
     */
    public B valueSize(int bytes) {
        if (bytes < 1 || bytes > BytesBucketLayout.MAX_VALUE_SIZE) {
            throw new IllegalArgumentException("valueSize must be 1.." + BytesBucketLayout.MAX_VALUE_SIZE
                    + " bytes, got " + bytes);
        }
        this.valueSize = bytes;
        return self();
    }

    /**
     * The longest key accepted, in bytes ({@value BytesMap#DEFAULT_MAX_KEY_LENGTH} by default); longer keys
     * get {@link IllegalArgumentException}.
     *
     * @param bytes 1..{@value BytesMap#MAX_KEY_LENGTH}
     * @return this builder
     * @throws IllegalArgumentException if not in 1..{@value BytesMap#MAX_KEY_LENGTH}
     */
    public B maxKeyLength(int bytes) {
        if (bytes < 1 || bytes > BytesMap.MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("maxKeyLength must be 1.." + BytesMap.MAX_KEY_LENGTH + " bytes, got "
                    + bytes);
        }
        this.maxKeyLength = bytes;
        return self();
    }

    /** @throws IllegalStateException if {@link #valueSize} was not set */
    final ByteSlots slots(long seed) {
        if (valueSize == 0) {
            throw new IllegalStateException("valueSize is required: call valueSize(bytes) before build()");
        }
        return new ByteSlots(valueSize, maxKeyLength, seed, hashMask);
    }
}
