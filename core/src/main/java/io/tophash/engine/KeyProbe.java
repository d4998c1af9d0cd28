package io.tophash.engine;

import io.tophash.layout.BytesBucketLayout;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

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
 * lookup's cache misses; a short JMH check (not committed) measured a 131,072-device lookup at
 * 195 ns that way against 59 ns from the bytes in place. Longer keys given as text or {@code byte[]} are written into this
 * object's array (whose segment view is made once) as whole 8-byte words packed in registers,
 * which is how the long-key hash reads them back ({@code Hashing.hashBytes}); only text that is
 * not ASCII is encoded byte by byte.
 *
 * <p>Threading: confined to its thread; a map operation fills it, uses it and is done with it
 * before it runs any caller code.
 */
public final class KeyProbe {

    private static final ThreadLocal<KeyProbe> PROBES = ThreadLocal.withInitial(KeyProbe::new);
    private static final int INLINE = BytesBucketLayout.INLINE_KEY_LIMIT;
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Where the key's bytes are when it is not inline (and for inline keys not given as text). */
    public MemorySegment segment;
    public long offset;
    public int length;
    /** The inline words of a short key, else the stored-key descriptor and 0. */
    public long head;
    public long tail;

    /** Whether this thread is inside a concurrent map's {@code ValueUpdater} (holding a bucket lock). */
    public boolean updating;
    /**
     * Where a concurrent map's lock-free read copies a value of any length, set for the read and
     * cleared after it: a segment, or else an array (one of the two is null).
     */
    public MemorySegment copyTarget;
    public byte[] copyArray;
    /** Whether the read copies into a new array of the value's length instead, left in {@link #copied}. */
    public boolean copyFresh;
    public byte[] copied;
    /** Where {@code prefetch} keeps the words it loads, so that the loads are made; never read. */
    public long prefetched;
    /** Where a concurrent read copies a value inside its window, and an update keeps the value it may restore. */
    private MemorySegment values = MemorySegment.ofArray(new long[8]);

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
            return inlineWords(ByteKeys.inlineHead(key), ByteKeys.inlineTail(key), n);
        }
        byte[] buffer = scratch(n + 8);
        int i = 0;
        for (; i + 8 <= n; i += 8) { // whole 8-byte stores: the hash reads them back forwarded
            WORDS.set(buffer, i, (long) WORDS.get(key, i));
        }
        long last = 0;
        for (int j = i; j < n; j++) {
            last |= (key[j] & 0xFFL) << (8 * (j - i));
        }
        WORDS.set(buffer, i, last);
        return of(scratchSegment, 0, n);
    }

    /**
     * The UTF-8 bytes of {@code key}, or null when they are more than {@code maxLength} (the caller
     * reports it).
     */
    public KeyProbe of(CharSequence key, int maxLength) {
        int n = key.length();
        long head = ByteKeys.asciiHead(key);
        if (head != ByteKeys.NOT_INLINE) {
            return n <= maxLength ? inlineWords(head, ByteKeys.asciiTail(key), n) : null;
        }
        if (n <= maxLength && packAscii(key, n)) {
            return of(scratchSegment, 0, n);
        }
        byte[] buffer = scratch(Math.max(maxLength, 1));
        int len = ByteKeys.encodeUtf8(key, buffer, maxLength);
        return len < 0 ? null : of(scratchSegment, 0, len);
    }

    /**
     * Writes ASCII text into the scratch array as whole 8-byte words (the last one zero-padded),
     * packed in registers; false (scratch partly written) at the first char that is not ASCII.
     */
    private boolean packAscii(CharSequence key, int n) {
        byte[] buffer = scratch(n + 8);
        int i = 0;
        for (; i < n; i += 8) {
            long word = 0;
            int end = Math.min(n, i + 8);
            for (int j = i; j < end; j++) {
                long c = key.charAt(j);
                if (c >= 0x80) {
                    return false;
                }
                word |= c << (8 * (j - i));
            }
            WORDS.set(buffer, i, word);
        }
        return true;
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

    /** A heap segment of at least {@code size} bytes, 8-byte aligned, owned by this thread. */
    public MemorySegment valueScratch(int size) {
        if (values.byteSize() < size) {
            values = MemorySegment.ofArray(new long[(size + 7) >>> 3]);
        }
        return values;
    }

    /**
     * Writes the key's bytes to {@code target} at {@code at} (a key-store block). Only for keys that
     * are not inline, whose bytes are in {@link #segment}.
     */
    public void copyBytesTo(MemorySegment target, long at) {
        MemorySegment.copy(segment, offset, target, at, length);
    }
}
