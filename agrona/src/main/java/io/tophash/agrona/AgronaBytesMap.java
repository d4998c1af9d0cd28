package io.tophash.agrona;

import io.tophash.BytesMap;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A {@link BytesMap} seen through Agrona: keys at {@code (DirectBuffer, offset, length)}, read
 * where they lie (never copied), and values through a reusable {@link UnsafeBuffer} flyweight.
 *
 * <pre>{@code
 * AgronaBytesMap devices = new AgronaBytesMap(map);
 * UnsafeBuffer record = new UnsafeBuffer();            // one flyweight, reused
 * if (devices.wrapValue(request, keyOffset, keyLength, record)) {
 *     long lastSeen = record.getLong(LAST_SEEN_OFFSET);
 * }
 * }</pre>
 *
 * <p><b>Flyweights.</b> A flyweight wrapped by {@link #wrapValue} or {@link #acquire(DirectBuffer,
 * int, int, UnsafeBuffer)} is valid exactly as long as the map's view it stands for: until the next
 * write to the map, and never after {@link BytesMap#close()}. It is not checked (see
 * {@link Flyweights#wrap}).
 *
 * <p><b>Keys.</b> A key in a {@code DirectBuffer} over a {@code byte[]} or a direct
 * {@code ByteBuffer} needs no JVM flag; one over a bare address (an {@code UnsafeBuffer} wrapped
 * over a {@code long} address) is read through a segment over the whole address space, made by a
 * restricted call: run with {@code --enable-native-access=io.tophash.agrona} (or
 * {@code ALL-UNNAMED} on the class path). Agrona's {@code UnsafeBuffer} itself needs
 * {@code --add-exports java.base/jdk.internal.misc=org.agrona} (or {@code =ALL-UNNAMED}).
 *
 * <p><b>Threading.</b> As {@link BytesMap}: one writer and no readers, or readers only. An instance
 * keeps the segments it made over the last array and buffer it saw; sharing one between reading
 * threads is safe, but one per thread allocates less.
 */
public final class AgronaBytesMap {

    private final BytesMap map;
    private final DirectBufferKeys keys = new DirectBufferKeys();

    /**
     * Wraps {@code map}; closing the map stays the caller's business.
     *
     * @param map the map
     */
    public AgronaBytesMap(BytesMap map) {
        this.map = Objects.requireNonNull(map, "map");
    }

    /**
     * The map under this view.
     *
     * @return the map
     */
    public BytesMap map() {
        return map;
    }

    /**
     * {@link BytesMap#get(MemorySegment, long, long)} for the key at {@code (key, offset, length)}.
     *
     * @param key    the buffer holding the key
     * @param offset where the key starts in {@code key}
     * @param length the key's length in bytes
     * @return a read-only view of the value, or null when the key is absent
     * @throws IndexOutOfBoundsException if the range is not inside {@code key}
     */
    public MemorySegment get(DirectBuffer key, int offset, int length) {
        MemorySegment s = keys.segment(key, offset, length);
        return map.get(s, DirectBufferKeys.offset(key, s, offset), length);
    }

    /**
     * Wraps {@code flyweight} over the value of the key at {@code (key, offset, length)}, or leaves
     * it untouched when the key is absent. Read-only by contract (the value is {@code get}'s view).
     *
     * @param key       the buffer holding the key
     * @param offset    where the key starts in {@code key}
     * @param length    the key's length in bytes
     * @param flyweight wrapped over the value, valid until the next write to the map
     * @return whether the key is present
     * @throws IndexOutOfBoundsException if the range is not inside {@code key}
     */
    public boolean wrapValue(DirectBuffer key, int offset, int length, UnsafeBuffer flyweight) {
        MemorySegment s = keys.segment(key, offset, length);
        // an address, not a view: a view escapes (40 B/op, measured in one fork of two) whenever the
        // JIT does not inline the map's get into this method's caller
        long address = map.valueAddress(s, DirectBufferKeys.offset(key, s, offset), length);
        if (address == 0) {
            return false;
        }
        flyweight.wrap(address, map.valueSize());
        return true;
    }

    /**
     * {@link BytesMap#getInto(MemorySegment, long, long, MemorySegment)} for the key at
     * {@code (key, offset, length)}: copies the value into {@code target}.
     *
     * @param key    the buffer holding the key
     * @param offset where the key starts in {@code key}
     * @param length the key's length in bytes
     * @param target receives the value in its first {@code valueSize()} bytes
     * @return false (target untouched) when the key is absent
     * @throws IndexOutOfBoundsException if the range is not inside {@code key}
     */
    public boolean getInto(DirectBuffer key, int offset, int length, MemorySegment target) {
        MemorySegment s = keys.segment(key, offset, length);
        return map.getInto(s, DirectBufferKeys.offset(key, s, offset), length, target);
    }

    /**
     * Whether the key at {@code (key, offset, length)} is present.
     *
     * @param key    the buffer holding the key
     * @param offset where the key starts in {@code key}
     * @param length the key's length in bytes
     * @return whether the key is present
     * @throws IndexOutOfBoundsException if the range is not inside {@code key}
     */
    public boolean containsKey(DirectBuffer key, int offset, int length) {
        return get(key, offset, length) != null;
    }

    /**
     * {@link BytesMap#put(MemorySegment, long, long, MemorySegment)} for the key at
     * {@code (key, offset, length)}.
     *
     * @param key    the buffer holding the key
     * @param offset where the key starts in {@code key}
     * @param length the key's length in bytes
     * @param value  the value, exactly {@code valueSize()} bytes
     * @return true if the key was new
     * @throws IndexOutOfBoundsException if the range is not inside {@code key}
     */
    public boolean put(DirectBuffer key, int offset, int length, MemorySegment value) {
        MemorySegment s = keys.segment(key, offset, length);
        return map.put(s, DirectBufferKeys.offset(key, s, offset), length, value);
    }

    /**
     * {@link BytesMap#acquire(MemorySegment, long, long)} for the key at
     * {@code (key, offset, length)}.
     *
     * @param key    the buffer holding the key
     * @param offset where the key starts in {@code key}
     * @param length the key's length in bytes
     * @return a writable view of the value (zero-filled if the key was new), valid until the next
     *         write to the map
     * @throws IndexOutOfBoundsException if the range is not inside {@code key}
     */
    public MemorySegment acquire(DirectBuffer key, int offset, int length) {
        MemorySegment s = keys.segment(key, offset, length);
        return map.acquire(s, DirectBufferKeys.offset(key, s, offset), length);
    }

    /**
     * {@link #acquire(DirectBuffer, int, int)}, the value handed as {@code flyweight}: write the
     * record in place through it.
     *
     * @param key       the buffer holding the key
     * @param offset    where the key starts in {@code key}
     * @param length    the key's length in bytes
     * @param flyweight wrapped over the value, valid until the next write to the map
     * @return {@code flyweight}
     * @throws IndexOutOfBoundsException if the range is not inside {@code key}
     */
    public UnsafeBuffer acquire(DirectBuffer key, int offset, int length, UnsafeBuffer flyweight) {
        MemorySegment s = keys.segment(key, offset, length);
        MemorySegment value = map.acquire(s, DirectBufferKeys.offset(key, s, offset), length);
        Flyweights.checkNative(value);
        flyweight.wrap(value.address(), (int) value.byteSize());
        return flyweight;
    }

    /**
     * {@link BytesMap#remove(MemorySegment, long, long)} for the key at {@code (key, offset, length)}.
     *
     * @param key    the buffer holding the key
     * @param offset where the key starts in {@code key}
     * @param length the key's length in bytes
     * @return whether the key was present
     * @throws IndexOutOfBoundsException if the range is not inside {@code key}
     */
    public boolean remove(DirectBuffer key, int offset, int length) {
        MemorySegment s = keys.segment(key, offset, length);
        return map.remove(s, DirectBufferKeys.offset(key, s, offset), length);
    }
}
