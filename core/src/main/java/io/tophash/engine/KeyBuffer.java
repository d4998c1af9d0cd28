package io.tophash.engine;

import java.lang.foreign.MemorySegment;

/**
 * A per-thread buffer that byte-keyed maps copy {@code byte[]} keys and encode {@link CharSequence}
 * keys into, so that no key allocates and hashing and comparing read one kind of segment. Per
 * thread, because any number of threads may read a map at once. A heap array: the encoder's
 * stores into it are plain array stores (a native buffer's were checked accesses, measured at
 * about 10 ns a character in a first JMH run), and its segment view is made once, when the
 * buffer grows.
 */
public final class KeyBuffer {

    private static final ThreadLocal<KeyBuffer> BUFFERS = ThreadLocal.withInitial(KeyBuffer::new);
    private static final int MIN_CAPACITY = 256;

    /** The bytes; {@link #segment} views all of them. */
    public byte[] bytes = new byte[MIN_CAPACITY];
    public MemorySegment segment = MemorySegment.ofArray(bytes);

    private KeyBuffer() {
    }

    /** This thread's buffer, of at least {@code capacity} bytes. */
    public static KeyBuffer forThread(int capacity) {
        KeyBuffer buffer = BUFFERS.get();
        if (buffer.bytes.length < capacity) {
            buffer.bytes = new byte[capacity];
            buffer.segment = MemorySegment.ofArray(buffer.bytes);
        }
        return buffer;
    }
}
