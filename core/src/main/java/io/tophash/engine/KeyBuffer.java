package io.tophash.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A per-thread native buffer that byte-keyed maps encode {@code byte[]} and {@link CharSequence}
 * keys into, so that hashing and comparing read one kind of segment and no key allocates. Per
 * thread, because any number of threads may read a map at once. The buffer belongs to its thread
 * (an automatic arena: the GC frees it with the thread) and grows to the largest key length asked.
 */
public final class KeyBuffer {

    private static final ThreadLocal<MemorySegment[]> BUFFERS = ThreadLocal.withInitial(() -> new MemorySegment[1]);
    private static final long MIN_CAPACITY = 256;

    private KeyBuffer() {
    }

    /** This thread's buffer, of at least {@code capacity} bytes, 8-byte aligned. */
    public static MemorySegment forThread(long capacity) {
        MemorySegment[] holder = BUFFERS.get();
        MemorySegment buffer = holder[0];
        if (buffer == null || buffer.byteSize() < capacity) {
            buffer = Arena.ofAuto().allocate(Math.max(capacity, MIN_CAPACITY), Long.BYTES);
            holder[0] = buffer;
        }
        return buffer;
    }
}
