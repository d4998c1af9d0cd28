package io.tophash;

import java.lang.foreign.MemorySegment;

/** Receives the entries of a byte-keyed map: views of a key's bytes and of its value, valid during the call. */
@FunctionalInterface
public interface BytesEntryConsumer {
    /**
     * One entry.
     *
     * @param key   a read-only view of the key's bytes
     * @param value a view of the value's bytes ({@code valueSize()} of them)
     */
    void accept(MemorySegment key, MemorySegment value);
}
