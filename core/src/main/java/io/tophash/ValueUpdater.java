package io.tophash;

import java.lang.foreign.MemorySegment;

/**
 * Changes one value of a {@link ConcurrentBytesMap} in place, atomically with respect to every
 * other operation on that key ({@link ConcurrentBytesMap#update}).
 */
@FunctionalInterface
public interface ValueUpdater {

    /**
     * Reads and writes the value. Runs while the map holds the key's bucket locked: it should be
     * short, must not call any {@link ConcurrentBytesMap} (that throws
     * {@link IllegalStateException}; {@code containsKey} and {@code getLong} of a key of up to 15
     * bytes given as ASCII text, a segment or a buffer range, which take no lock and no per-thread
     * probe, throw when they meet a locked bucket, and may answer when they meet none), and must not keep {@code value} after it returns.
     *
     * @param value a writable view of the value's {@code valueSize()} bytes, zero-filled for a new key
     */
    void update(MemorySegment value);
}
