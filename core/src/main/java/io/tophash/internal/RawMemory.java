package io.tophash.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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

    private RawMemory() {
    }

    public static long getLong(MemorySegment segment, long offset) {
        return segment.get(WORD, offset);
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

    /** Zeroes a whole segment: every bucket in it becomes empty ({@code EMPTY_REST} tophash bytes). */
    public static void zero(MemorySegment segment) {
        segment.fill((byte) 0);
    }
}
