package io.tophash.agrona;

import org.agrona.MutableDirectBuffer;

/**
 * Changes one value of a {@code ConcurrentBytesMap} in place through an Agrona flyweight
 * ({@link AgronaConcurrentBytesMap#update(org.agrona.DirectBuffer, int, int, DirectBufferUpdater)}):
 * the {@code io.tophash.ValueUpdater} contract, with the value as a {@link MutableDirectBuffer}.
 */
@FunctionalInterface
public interface DirectBufferUpdater {

    /**
     * Reads and writes the value. Runs while the map holds the key's bucket locked: it should be
     * short, must not call the map, and must not keep {@code value} (a flyweight re-wrapped by the
     * next update) after it returns.
     *
     * @param value the value's {@code valueSize()} bytes from index 0, zero-filled for a new key
     */
    void update(MutableDirectBuffer value);
}
