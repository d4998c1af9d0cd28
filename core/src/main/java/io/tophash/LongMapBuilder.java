package io.tophash;

/**
 * The options of the {@code long -> long} maps' builders: every map's, and the value reads return
 * for absent keys.
 *
 * @param <B> the builder's own type
 */
abstract class LongMapBuilder<B extends LongMapBuilder<B>> extends MapBuilder<B> {

    LongMapBuilder() {
    }

    /**
     * The value reads return for absent keys (from any thread, for a concurrent map); 0 by
     * default, as for Java's primitive maps.
     *
     * @param value the value reads return for absent keys
     * @return this builder
     */
    public B missingValue(long value) {
        options.missingValue = value;
        @SuppressWarnings("unchecked")
        B self = (B) this;
        return self;
    }
}
