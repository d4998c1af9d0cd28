package io.tophash.engine;

import io.tophash.layout.BytesBucketLayout;

import java.lang.foreign.MemorySegment;

/**
 * A key as the byte-keyed maps probe for it, normalized once per operation from whichever form
 * the caller has: its length, its two inline words when it is short enough to be kept in a slot
 * ({@link BytesBucketLayout#INLINE_KEY_LIMIT} bytes), else the segment range holding its bytes.
 * One per thread (any number of threads may read a map at once), reused: no key allocates.
 *
 * <p>Implementation notes. A short key is reduced to its inline words straight from where it lies:
 * chars of an ASCII {@link CharSequence} are packed into the words in registers, bytes of a
 * {@code byte[]} or segment are loaded. Nothing is first copied into a buffer and read back:
 * reading back 4 and 8 bytes at offsets the copy's stores did not write whole defeats the CPU's
 * store-to-load forwarding, and the loads then wait for the stores to retire, behind the previous
 * lookup's cache misses; a JMH run measured a 131,072-device lookup at 195 ns that way against
 * 59 ns from the bytes in place. Longer keys and non-ASCII text are encoded into this object's
 * array, whose segment view is made once.
 *
 * <p>Threading: confined to its thread; a map operation fills it, uses it and is done with it
 * before it runs any caller code.
 */
public final class KeyProbe {

    private static final ThreadLocal<KeyProbe> PROBES = ThreadLocal.withInitial(KeyProbe::new);
    private static final int INLINE = BytesBucketLayout.INLINE_KEY_LIMIT;

    /** Where the key's bytes are when it is not inline (and for inline keys not given as text). */
    public MemorySegment segment;
    public long offset;
    public int length;
    /** The inline words of a short key, else the stored-key descriptor and 0. */
    public long head;
    public long tail;

    private byte[] scratch = new byte[256];
    private MemorySegment scratchSegment = MemorySegment.ofArray(scratch);

    private KeyProbe() {
    }

    /** This thread's probe. */
    public static KeyProbe forThread() {
        return PROBES.get();
    }

    /** Whether the key is kept inline in its slot. */
    public boolean inline() {
        return length <= INLINE;
    }

    /** The key of {@code length} bytes at {@code offset} of {@code key}; the caller has checked the range. */
    public KeyProbe of(MemorySegment key, long offset, int length) {
        this.segment = key;
        this.offset = offset;
        this.length = length;
        if (length <= INLINE) {
            head = ByteKeys.inlineHead(key, offset, length);
            tail = ByteKeys.inlineTail(key, offset, length);
        } else {
            head = ByteKeys.storedDescriptor(length);
            tail = 0;
        }
        return this;
    }

    /** The bytes of {@code key}; the caller has checked its length. */
    public KeyProbe of(byte[] key) {
        int n = key.length;
        if (n <= INLINE) {
            long h = n;
            long t = 0;
            for (int i = 0; i < n; i++) {
                long b = key[i] & 0xFFL;
                if (i < 7) {
                    h |= b << (8 * (i + 1));
                } else {
                    t |= b << (8 * (i - 7));
                }
            }
            return inlineWords(h, t, n);
        }
        byte[] buffer = scratch(n);
        System.arraycopy(key, 0, buffer, 0, n);
        return of(scratchSegment, 0, n);
    }

    /**
     * The UTF-8 bytes of {@code key}, or null when they are more than {@code maxLength} (the caller
     * reports it).
     */
    public KeyProbe of(CharSequence key, int maxLength) {
        int n = key.length();
        if (n <= INLINE) {
            long h = n;
            long t = 0;
            int i = 0;
            for (; i < n; i++) {
                long c = key.charAt(i);
                if (c >= 0x80) {
                    break;
                }
                if (i < 7) {
                    h |= c << (8 * (i + 1));
                } else {
                    t |= c << (8 * (i - 7));
                }
            }
            if (i == n) {
                return n <= maxLength ? inlineWords(h, t, n) : null;
            }
        }
        byte[] buffer = scratch(Math.max(maxLength, 1));
        int len = ByteKeys.encodeUtf8(key, buffer, maxLength);
        return len < 0 ? null : of(scratchSegment, 0, len);
    }

    private KeyProbe inlineWords(long h, long t, int n) {
        segment = null;
        offset = 0;
        length = n;
        head = h;
        tail = t;
        return this;
    }

    private byte[] scratch(int capacity) {
        if (scratch.length < capacity) {
            scratch = new byte[capacity];
            scratchSegment = MemorySegment.ofArray(scratch);
        }
        return scratch;
    }

    /**
     * Writes the key's bytes to {@code target} at {@code at} (a key-store block). Only for keys that
     * are not inline, whose bytes are in {@link #segment}.
     */
    public void copyBytesTo(MemorySegment target, long at) {
        MemorySegment.copy(segment, offset, target, at, length);
    }
}
