package io.tophash.agrona;

import io.tophash.ConcurrentBytesMap;
import io.tophash.ValueUpdater;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A {@link ConcurrentBytesMap} seen through Agrona: keys at {@code (DirectBuffer, offset, length)},
 * read where they lie (never copied), and {@link #update(DirectBuffer, int, int,
 * DirectBufferUpdater) updates} that hand the value as a flyweight.
 *
 * <pre>{@code
 * AgronaConcurrentBytesMap devices = new AgronaConcurrentBytesMap(map); // one per thread
 * devices.update(request, keyOffset, keyLength, record -> record.putLong(LAST_SEEN_OFFSET, now));
 * }</pre>
 *
 * <p><b>Threading.</b> The map is shared; an instance of this class is not: like an Agrona
 * flyweight, it holds mutable state (the value flyweight {@code update} hands out, the segments it
 * made over the last key array and buffer it saw). Keep one per thread, over the same map.
 *
 * <p><b>Flags.</b> As {@link AgronaBytesMap}: {@code --add-exports
 * java.base/jdk.internal.misc=org.agrona} for Agrona's {@code UnsafeBuffer}, and
 * {@code --enable-native-access=io.tophash.agrona} for keys in address-only buffers.
 */
public final class AgronaConcurrentBytesMap {

    private final ConcurrentBytesMap map;
    private final DirectBufferKeys keys = new DirectBufferKeys();
    private final UnsafeBuffer valueFlyweight = new UnsafeBuffer();
    /** The updater of the update in progress on this instance's thread; null between updates. */
    private DirectBufferUpdater pending;
    /** Made once: an update allocates no lambda. */
    private final ValueUpdater bridge = this::runPending;

    /**
     * Wraps {@code map}; closing the map stays the caller's business.
     *
     * @param map the map
     */
    public AgronaConcurrentBytesMap(ConcurrentBytesMap map) {
        this.map = Objects.requireNonNull(map, "map");
    }

    /**
     * The map under this view.
     *
     * @return the map
     */
    public ConcurrentBytesMap map() {
        return map;
    }

    /**
     * {@link ConcurrentBytesMap#getInto(MemorySegment, long, long, MemorySegment)} for the key at
     * {@code (key, offset, length)}: copies the value into {@code target}; lock-free.
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
     * {@link ConcurrentBytesMap#containsKey(MemorySegment, long, long)} for the key at
     * {@code (key, offset, length)}.
     *
     * @param key    the buffer holding the key
     * @param offset where the key starts in {@code key}
     * @param length the key's length in bytes
     * @return whether the key is present
     * @throws IndexOutOfBoundsException if the range is not inside {@code key}
     */
    public boolean containsKey(DirectBuffer key, int offset, int length) {
        MemorySegment s = keys.segment(key, offset, length);
        return map.containsKey(s, DirectBufferKeys.offset(key, s, offset), length);
    }

    /**
     * {@link ConcurrentBytesMap#put(MemorySegment, long, long, MemorySegment)} for the key at
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
     * {@link ConcurrentBytesMap#putIfAbsent(MemorySegment, long, long, MemorySegment)} for the key
     * at {@code (key, offset, length)}.
     *
     * @param key    the buffer holding the key
     * @param offset where the key starts in {@code key}
     * @param length the key's length in bytes
     * @param value  the value, exactly {@code valueSize()} bytes
     * @return true if this call inserted
     * @throws IndexOutOfBoundsException if the range is not inside {@code key}
     */
    public boolean putIfAbsent(DirectBuffer key, int offset, int length, MemorySegment value) {
        MemorySegment s = keys.segment(key, offset, length);
        return map.putIfAbsent(s, DirectBufferKeys.offset(key, s, offset), length, value);
    }

    /**
     * {@link ConcurrentBytesMap#update(MemorySegment, long, long, ValueUpdater)} for the key at
     * {@code (key, offset, length)}, with the value as a {@link MemorySegment} view.
     *
     * @param key     the buffer holding the key
     * @param offset  where the key starts in {@code key}
     * @param length  the key's length in bytes
     * @param updater changes the value in place while the key's bucket is locked
     * @throws IndexOutOfBoundsException if the range is not inside {@code key}
     */
    public void updateSegment(DirectBuffer key, int offset, int length, ValueUpdater updater) {
        MemorySegment s = keys.segment(key, offset, length);
        map.update(s, DirectBufferKeys.offset(key, s, offset), length, updater);
    }

    /**
     * {@link ConcurrentBytesMap#update(MemorySegment, long, long, ValueUpdater)} for the key at
     * {@code (key, offset, length)}, with the value handed to {@code updater} as this instance's
     * flyweight, wrapped over the value where it lies (no copy, no allocation). Atomic per key as
     * {@code update} is; the flyweight is valid only during the call.
     *
     * @param key     the buffer holding the key
     * @param offset  where the key starts in {@code key}
     * @param length  the key's length in bytes
     * @param updater changes the value in place while the key's bucket is locked
     * @throws IndexOutOfBoundsException if the range is not inside {@code key}
     * @throws IllegalStateException     if called from inside an updater of this instance
     */
    public void update(DirectBuffer key, int offset, int length, DirectBufferUpdater updater) {
        Objects.requireNonNull(updater, "updater");
        if (pending != null) {
            throw new IllegalStateException("update re-entered from an updater");
        }
        MemorySegment s = keys.segment(key, offset, length);
        pending = updater;
        try {
            map.update(s, DirectBufferKeys.offset(key, s, offset), length, bridge);
        } finally {
            pending = null;
        }
    }

    private void runPending(MemorySegment value) {
        pending.update(Flyweights.wrap(valueFlyweight, value));
    }

    /**
     * {@link ConcurrentBytesMap#remove(MemorySegment, long, long)} for the key at
     * {@code (key, offset, length)}.
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
