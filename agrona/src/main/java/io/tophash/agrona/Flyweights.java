package io.tophash.agrona;

import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.MemorySegment;

/** Wraps an Agrona flyweight over a map's value view. */
public final class Flyweights {

    private Flyweights() {
    }

    /**
     * Wraps {@code flyweight} over the memory of {@code value}, a view a map returned
     * ({@code BytesMap.get}, {@code acquire}, a {@code ValueUpdater}'s argument): no copy, no
     * allocation.
     *
     * <p>The flyweight is valid exactly as long as the view: until the next write to the map (a
     * write may move the entry or reuse its slot), and never after the map is closed. Unlike the
     * view, it is not checked: a stale flyweight reads or writes whatever is at that address now,
     * and after the map's memory is given back may crash the JVM. A view from {@code get} is
     * read-only; the flyweight does not know that, so do not write through it.
     *
     * @param flyweight the flyweight to wrap (reused, typically one per thread)
     * @param value     a native value view
     * @return {@code flyweight}
     * @throws IllegalArgumentException if {@code value} is not native memory
     */
    public static UnsafeBuffer wrap(UnsafeBuffer flyweight, MemorySegment value) {
        checkNative(value);
        flyweight.wrap(value.address(), (int) value.byteSize());
        return flyweight;
    }

    /** Throws unless {@code value} is native memory (a custom allocator may hand out heap segments). */
    static void checkNative(MemorySegment value) {
        if (!value.isNative()) {
            throw notNative(value);
        }
    }

    private static IllegalArgumentException notNative(MemorySegment value) {
        return new IllegalArgumentException("a flyweight needs native memory, not " + value);
    }
}
