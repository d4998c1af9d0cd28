package io.tophash.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The one place where map memory is read and written. See the package documentation for the
 * memory-order rules. Every method is a plain access and is bounds- and liveness-checked by the
 * JDK: an index bug here throws {@link IndexOutOfBoundsException}, a use after release throws
 * {@link IllegalStateException}; neither can crash the JVM.
 */
public final class RawMemory {

    /** Plain little-endian 8-byte word, no alignment requirement. */
    static final ValueLayout.OfLong WORD =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * Little-endian 8-byte word that must be naturally aligned: the only layout used for opaque,
     * acquire/release and CAS accesses. FFM throws {@link IllegalArgumentException} for a
     * misaligned offset rather than issue a misaligned atomic, so maps that use it check the
     * alignment of their memory when they get it.
     */
    static final VarHandle ATOMIC_WORD =
            ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private RawMemory() {
    }

    /** Acquire load of an aligned word: later reads cannot move before it. */
    public static long getLongAcquire(MemorySegment segment, long offset) {
        return (long) ATOMIC_WORD.getAcquire(segment, offset);
    }

    /** Opaque load of an aligned word: atomic and coherent, no ordering of other accesses. */
    public static long getLongOpaque(MemorySegment segment, long offset) {
        return (long) ATOMIC_WORD.getOpaque(segment, offset);
    }

    /** Release store to an aligned word: earlier reads and writes cannot move after it. */
    public static void setLongRelease(MemorySegment segment, long offset, long value) {
        ATOMIC_WORD.setRelease(segment, offset, value);
    }

    /** Opaque store to an aligned word. */
    public static void setLongOpaque(MemorySegment segment, long offset, long value) {
        ATOMIC_WORD.setOpaque(segment, offset, value);
    }

    /** Volatile compare-and-set of an aligned word. */
    public static boolean compareAndSetLong(MemorySegment segment, long offset, long expected, long value) {
        return ATOMIC_WORD.compareAndSet(segment, offset, expected, value);
    }

    /**
     * Orders the plain reads before it ahead of the reads after it: the seqlock validation fence
     * ({@code StampedLock.validate} uses the same).
     */
    public static void loadFence() {
        VarHandle.acquireFence();
    }

    public static long getLong(MemorySegment segment, long offset) {
        return segment.get(WORD, offset);
    }

    /**
     * Plain 8-byte word in the platform's byte order, no alignment requirement: a field of a value
     * record, read as the caller's {@code ValueLayout.JAVA_LONG} wrote it.
     */
    public static long getLongNativeOrder(MemorySegment segment, long offset) {
        return segment.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
    }

    public static void putLong(MemorySegment segment, long offset, long value) {
        segment.set(WORD, offset, value);
    }

    public static int getByte(MemorySegment segment, long offset) {
        return segment.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    public static void putByte(MemorySegment segment, long offset, int value) {
        segment.set(ValueLayout.JAVA_BYTE, offset, (byte) value);
    }

    /** Zeroes {@code length} bytes: buckets there become empty ({@code EMPTY_REST} tophash bytes). */
    public static void zero(MemorySegment segment, long offset, long length) {
        segment.asSlice(offset, length).fill((byte) 0);
    }

    /** Copies {@code length} bytes between (or within) segments; plain accesses. One word: one load, one store. */
    public static void copy(MemorySegment from, long fromOffset, MemorySegment to, long toOffset, long length) {
        if (length == Long.BYTES) {
            putLong(to, toOffset, getLong(from, fromOffset));
        } else {
            MemorySegment.copy(from, fromOffset, to, toOffset, length);
        }
    }
}
