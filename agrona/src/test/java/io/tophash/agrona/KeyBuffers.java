package io.tophash.agrona;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.BiFunction;

/**
 * The kinds of memory a DirectBuffer lies over, each holding a key at a nonzero offset amid junk
 * bytes (and, where the kind allows it, at a nonzero offset of its own backing memory too).
 */
enum KeyBuffers {
    /** An UnsafeBuffer over a byte[], wrapped at an offset of the array. */
    ARRAY((arena, size) -> new UnsafeBuffer(junk(size + 5), 5, size)),
    /** An UnsafeBuffer over a slice of a heap ByteBuffer: byteArray() with an array offset. */
    HEAP_BYTE_BUFFER((arena, size) -> new UnsafeBuffer(ByteBuffer.wrap(junk(size + 9)).position(9).slice())),
    /** An UnsafeBuffer over a direct ByteBuffer whose position is not 0, wrapped at an offset. */
    DIRECT_BYTE_BUFFER((arena, size) -> {
        ByteBuffer bb = ByteBuffer.allocateDirect(size + 11).put(junk(size + 11)).position(3);
        return new UnsafeBuffer(bb, 11, size);
    }),
    /** An UnsafeBuffer over a bare address (native memory from an Arena). */
    ADDRESS((arena, size) -> {
        var segment = arena.allocate(size + 13).copyFrom(java.lang.foreign.MemorySegment.ofArray(junk(size + 13)));
        return new UnsafeBuffer(segment.address() + 13, size);
    }),
    /** An ExpandableArrayBuffer (byteArray(), wrapAdjustment() 0). */
    EXPANDABLE_ARRAY((arena, size) -> {
        ExpandableArrayBuffer b = new ExpandableArrayBuffer(size);
        b.putBytes(0, junk(b.capacity()));
        return b;
    });

    private final BiFunction<Arena, Integer, MutableDirectBuffer> factory;

    KeyBuffers(BiFunction<Arena, Integer, MutableDirectBuffer> factory) {
        this.factory = factory;
    }

    /** Offset of the key inside the returned buffer. */
    static final int KEY_OFFSET = 7;

    /** A buffer of this kind holding {@code key}'s UTF-8 bytes at {@link #KEY_OFFSET}, junk around them. */
    DirectBuffer holding(Arena arena, String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        MutableDirectBuffer b = factory.apply(arena, KEY_OFFSET + bytes.length + 6);
        b.putBytes(KEY_OFFSET, bytes);
        return b;
    }

    private static byte[] junk(int size) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) 0x5A);
        return b;
    }
}
