package io.tophash;

/** Receives one {@code long -> long} entry; used by {@link LongLongMap#forEach} without boxing. */
@FunctionalInterface
public interface LongLongConsumer {
    void accept(long key, long value);
}
