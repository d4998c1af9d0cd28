package io.tophash;

/** Receives one {@code long -> long} entry; used by {@link LongLongMap#forEach} without boxing. */
@FunctionalInterface
public interface LongLongConsumer {
    /**
     * Receives one entry.
     *
     * @param key the key
     * @param value the value
     */
    void accept(long key, long value);
}
