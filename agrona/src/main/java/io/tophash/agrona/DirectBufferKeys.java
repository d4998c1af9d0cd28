package io.tophash.agrona;

import org.agrona.DirectBuffer;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Maps a key at {@code (DirectBuffer, index, length)} to the {@code (MemorySegment, offset)} the
 * maps take, without copying the key. A {@code DirectBuffer} lies over one of three things:
 *
 * <ul>
 *   <li>a {@code byte[]} ({@code byteArray() != null}): a heap segment over the array, the key at
 *       {@code wrapAdjustment() + index};</li>
 *   <li>a direct {@code ByteBuffer} ({@code byteBuffer() != null}): {@link MemorySegment#ofBuffer}
 *       over the whole buffer, the key at {@code addressOffset() + index} less the segment's
 *       address. Not restricted: no flag needed;</li>
 *   <li>a bare address ({@code UnsafeBuffer.wrap(long, int)}): one segment over the whole address
 *       space, made once by a restricted call ({@link AddressSpace}), the key at
 *       {@code addressOffset() + index}.</li>
 * </ul>
 *
 * The segment of the last array and of the last {@code ByteBuffer} seen are kept (each with its
 * base in one immutable pair, so a racing thread sees a matching pair), so a caller that reads
 * keys out of the same buffer allocates nothing. The range is checked against the
 * {@code DirectBuffer}'s own bounds first: the address-space segment bounds nothing.
 */
final class DirectBufferKeys {

    /** A backing object and the segment made over it. */
    private record Cached(Object base, MemorySegment segment) {
    }

    private static final Cached NONE = new Cached(null, MemorySegment.NULL);

    private Cached array = NONE;
    private Cached byteBuffer = NONE;

    /** The segment over {@code buffer}'s backing memory; {@link #offset} places a key in it. */
    MemorySegment segment(DirectBuffer buffer, int index, int length) {
        buffer.boundsCheck(index, length);
        byte[] a = buffer.byteArray();
        if (a != null) {
            Cached c = array;
            if (c.base != a) {
                array = c = new Cached(a, MemorySegment.ofArray(a));
            }
            return c.segment;
        }
        ByteBuffer bb = buffer.byteBuffer();
        if (bb != null) {
            Cached c = byteBuffer;
            if (c.base != bb) {
                // from 0 to capacity, as the DirectBuffer indexes it, whatever the position and limit
                byteBuffer = c = new Cached(bb, MemorySegment.ofBuffer(bb.duplicate().clear()));
            }
            return c.segment;
        }
        return AddressSpace.SEGMENT;
    }

    /** Where the byte at {@code index} of {@code buffer} lies in {@code segment} (from {@link #segment}). */
    static long offset(DirectBuffer buffer, MemorySegment segment, int index) {
        return segment.isNative() ? buffer.addressOffset() - segment.address() + index : (long) buffer.wrapAdjustment() + index;
    }

    /**
     * The whole address space as one segment, made on first use of an address-only buffer: the one
     * restricted call of this module ({@code --enable-native-access=io.tophash.agrona}).
     */
    static final class AddressSpace {
        @SuppressWarnings("restricted")
        static final MemorySegment SEGMENT = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

        private AddressSpace() {
        }
    }
}
