package io.tophash;

import io.tophash.engine.ByteSlots;
import io.tophash.layout.BytesBucketLayout;

/**
 * The options of both byte-keyed maps: every map's, the kind of value (a fixed {@code valueSize},
 * or any length up to {@code maxValueSize}; one is required) and the longest key. Not
 * thread-safe; a builder may build several maps.
 */
abstract class BytesMapBuilder<B extends BytesMapBuilder<B>> extends MapBuilder<B> {
    int valueSize;
    int maxValueSize;
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
     * Bytes of every value: fixed-size records, kept in their slots. This or
     * {@code maxValueSize} (or {@code variableValues()}) is required.
     *
     * @param bytes 1..{@value BytesBucketLayout#MAX_VALUE_SIZE}
     * @return this builder
     * @throws IllegalArgumentException if not in 1..{@value BytesBucketLayout#MAX_VALUE_SIZE}
     * @throws IllegalStateException    if {@code maxValueSize} was set: a map has one kind of value
     */
    public B valueSize(int bytes) {
        if (bytes < 1 || bytes > BytesBucketLayout.MAX_VALUE_SIZE) {
            throw new IllegalArgumentException("valueSize must be 1.." + BytesBucketLayout.MAX_VALUE_SIZE
                    + " bytes, got " + bytes);
        }
        if (maxValueSize != 0) {
            throw new IllegalStateException("valueSize(" + bytes + ") and maxValueSize(" + maxValueSize
                    + ") exclude each other: a map has fixed-size values or values of any length");
        }
        this.valueSize = bytes;
        return self();
    }

    /**
     * Values of any length from 0 to {@code bytes}: a value of up to 15 bytes is kept in its slot,
     * a longer one in the map's off-heap store (as long keys are), which growths compact. Exclusive
     * with {@code valueSize}.
     *
     * @param bytes the longest value accepted, 1..{@value BytesMap#MAX_VALUE_LENGTH}
     * @return this builder
     * @throws IllegalArgumentException if not in 1..{@value BytesMap#MAX_VALUE_LENGTH}
     * @throws IllegalStateException    if {@code valueSize} was set: a map has one kind of value
     */
    public B maxValueSize(int bytes) {
        if (bytes < 1 || bytes > BytesMap.MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("maxValueSize must be 1.." + BytesMap.MAX_VALUE_LENGTH + " bytes, got "
                    + bytes);
        }
        if (valueSize != 0) {
            throw new IllegalStateException("maxValueSize(" + bytes + ") and valueSize(" + valueSize
                    + ") exclude each other: a map has fixed-size values or values of any length");
        }
        this.maxValueSize = bytes;
        return self();
    }

    /**
     * Values of any length up to {@value BytesMap#DEFAULT_MAX_VALUE_SIZE} bytes:
     * {@code maxValueSize(BytesMap.DEFAULT_MAX_VALUE_SIZE)}.
     *
     * @return this builder
     * @throws IllegalStateException if {@code valueSize} was set
     */
    public B variableValues() {
        return maxValueSize(BytesMap.DEFAULT_MAX_VALUE_SIZE);
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

    /** @throws IllegalStateException if neither {@code valueSize} nor {@code maxValueSize} was set */
    final ByteSlots slots(long seed) {
        if (valueSize == 0 && maxValueSize == 0) {
            throw new IllegalStateException("valueSize is required: call valueSize(bytes) before build(), or "
                    + "maxValueSize(bytes) for values of any length");
        }
        return new ByteSlots(valueSize, maxValueSize, maxKeyLength, seed, hashMask);
    }
}
