package io.tophash.engine;

import io.tophash.layout.BytesBucketLayout;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * What a byte-keyed map does with a slot, written once for {@code BytesMap} and
 * {@code ConcurrentBytesMap}: turn a caller's key into the calling thread's {@link KeyProbe}
 * (with the map's checks), hash it, find it in a chain, write its key region, view a stored key
 * and a value.
 *
 * <p>Implementation notes. The key word the engine compares is the key's seeded 64-bit hash
 * ({@link Hashing#hashBytes}); a slot whose tophash byte and whole hash match is then checked
 * against the key itself: two words for a key of up to 15 bytes kept in the slot, the bytes in
 * the key store for longer ones. Two keys with the same 64-bit hash are both found: the probe goes
 * on after a slot whose hash matched and whose key did not ({@link Chain#findAfter}). Key regions
 * are laid out by {@link BytesBucketLayout}.
 *
 * <p>Threading: immutable; the reads only read (a concurrent map calls them inside a reader's
 * validated window, where a torn key region makes at worst an exception or a wrong answer that
 * the validation throws away). {@link #writeKey} writes the slot's key region, under the map's
 * write rule.
 */
public final class ByteSlots {

    /** Bytes of every value; 0 when values have any length up to {@link #maxValueSize}. */
    private final int valueSize;
    /** The longest value of a map with values of any length; 0 for fixed-size values. */
    private final int maxValueSize;
    private final int maxKeyLength;
    /** {@code Hashing.byteSeed(seed)}: the seed's mix, done once. */
    private final long byteSeed;
    /** -1; tests keep few hash bits so that distinct keys share whole hashes. */
    private final long hashMask;

    /** Slots for values of exactly {@code valueSize} bytes. */
    public ByteSlots(int valueSize, int maxKeyLength, long seed, long hashMask) {
        this(valueSize, 0, maxKeyLength, seed, hashMask);
    }

    /**
     * Slots for values of exactly {@code valueSize} bytes, or, when {@code valueSize} is 0, of any
     * length up to {@code maxValueSize}, encoded as {@link VariableValues} says.
     */
    public ByteSlots(int valueSize, int maxValueSize, int maxKeyLength, long seed, long hashMask) {
        this.valueSize = valueSize;
        this.maxValueSize = maxValueSize;
        this.maxKeyLength = maxKeyLength;
        this.byteSeed = Hashing.byteSeed(seed);
        this.hashMask = hashMask;
    }

    /** Bytes of every value, or 0 when values have any length. */
    public int valueSize() {
        return valueSize;
    }

    /** The longest value accepted when values have any length; 0 when they have a fixed size. */
    public int maxValueSize() {
        return maxValueSize;
    }

    /** Whether values have any length up to {@link #maxValueSize()}. */
    public boolean variableValues() {
        return maxValueSize != 0;
    }

    /** Bytes of the store's longest block: the longest key or value it may hold. */
    public int maxStoredLength() {
        return Math.max(maxKeyLength, maxValueSize);
    }

    public int maxKeyLength() {
        return maxKeyLength;
    }

    // ----------------------------------------------------------------------------- keys in

    /** The inline head of a short ASCII key that fits the map, else {@link ByteKeys#NOT_INLINE}. */
    public long inlineHead(CharSequence key) {
        long head = ByteKeys.asciiHead(key);
        return head != ByteKeys.NOT_INLINE && (head & 0xFF) <= maxKeyLength ? head : ByteKeys.NOT_INLINE;
    }

    /**
     * The inline head of the key of {@code length} bytes at {@code offset} of {@code buffer}, read into
     * a register with no probe, when the key is kept inline and fits the map; else
     * {@link ByteKeys#NOT_INLINE} (the caller then takes a probe, which checks the length).
     *
     * @throws IndexOutOfBoundsException if the range is not inside {@code buffer}
     */
    public long inlineHead(MemorySegment buffer, long offset, long length) {
        Objects.checkFromIndexSize(offset, length, buffer.byteSize());
        return length <= ByteKeys.INLINE_LIMIT && length <= maxKeyLength
                ? ByteKeys.inlineHead(buffer, offset, (int) length) : ByteKeys.NOT_INLINE;
    }

    /**
     * The inline head of {@code key}, read into a register with no probe, when it is kept inline and
     * fits the map; else {@link ByteKeys#NOT_INLINE} (the caller then takes a probe, which checks the
     * length).
     */
    public long inlineHead(byte[] key) {
        return key.length <= ByteKeys.INLINE_LIMIT && key.length <= maxKeyLength
                ? ByteKeys.inlineHead(key) : ByteKeys.NOT_INLINE;
    }

    /** @throws IllegalArgumentException if longer than the map's maxKeyLength */
    public KeyProbe probe(MemorySegment key) {
        return KeyProbe.forThread().of(key, 0, checkKeyLength(key.byteSize()));
    }

    /**
     * @throws IndexOutOfBoundsException if the range is not inside {@code buffer}
     * @throws IllegalArgumentException  if longer than the map's maxKeyLength
     */
    public KeyProbe probe(MemorySegment buffer, long offset, long length) {
        Objects.checkFromIndexSize(offset, length, buffer.byteSize());
        return KeyProbe.forThread().of(buffer, offset, checkKeyLength(length));
    }

    /** @throws IllegalArgumentException if longer than the map's maxKeyLength */
    public KeyProbe probe(byte[] key) {
        checkKeyLength(key.length);
        return KeyProbe.forThread().of(key);
    }

    /** The key's UTF-8 bytes. @throws IllegalArgumentException if longer than the map's maxKeyLength */
    public KeyProbe probe(CharSequence key) {
        KeyProbe p = KeyProbe.forThread().of(key, maxKeyLength);
        if (p == null) {
            throw new IllegalArgumentException("key of " + key.length() + " chars is longer than maxKeyLength "
                    + maxKeyLength + " bytes in UTF-8");
        }
        return p;
    }

    private int checkKeyLength(long length) {
        if (length > maxKeyLength) {
            throw new IllegalArgumentException("key of " + length + " bytes is longer than maxKeyLength "
                    + maxKeyLength);
        }
        return (int) length;
    }

    /**
     * @throws IllegalArgumentException if {@code value} is not exactly valueSize bytes, or longer
     *                                  than maxValueSize when values have any length
     */
    public void checkValue(MemorySegment value) {
        if (maxValueSize != 0) {
            if (value.byteSize() > maxValueSize) {
                throw new IllegalArgumentException("value of " + value.byteSize()
                        + " bytes is longer than this map's maxValueSize " + maxValueSize);
            }
            return;
        }
        if (value.byteSize() != valueSize) {
            throw new IllegalArgumentException("value of " + value.byteSize() + " bytes; this map's valueSize is "
                    + valueSize);
        }
    }

    /**
     * For a copy of a value of {@code length} bytes into {@code target}.
     *
     * @throws IllegalArgumentException if {@code target} is read-only or shorter than {@code length}
     */
    public static void checkTarget(MemorySegment target, int length) {
        if (target.isReadOnly()) {
            throw new IllegalArgumentException("target is read-only");
        }
        if (target.byteSize() < length) {
            throw new IllegalArgumentException("target of " + target.byteSize() + " bytes is shorter than the value, "
                    + length + " bytes");
        }
    }

    /**
     * For a copy of a value of {@code length} bytes into {@code target}.
     *
     * @throws IllegalArgumentException if {@code target} is shorter than {@code length}
     */
    public static void checkTarget(byte[] target, int length) {
        if (target.length < length) {
            throw new IllegalArgumentException("target of " + target.length + " bytes is shorter than the value, "
                    + length + " bytes");
        }
    }

    /** @throws IllegalArgumentException if {@code target} is read-only or smaller than valueSize */
    public void checkTarget(MemorySegment target) {
        if (target.isReadOnly()) {
            throw new IllegalArgumentException("target is read-only");
        }
        if (target.byteSize() < valueSize) {
            throw new IllegalArgumentException("target of " + target.byteSize() + " bytes is smaller than valueSize "
                    + valueSize);
        }
    }

    // ------------------------------------------------------------------------------- slots

    /** The key's hash: {@code p} null (or inline) means the key is the two inline words. */
    public long hash(long head, long tail, KeyProbe p) {
        long h = p == null || p.inline() ? Hashing.hashInline(head, tail, byteSeed)
                : Hashing.hashBytes(p.segment, p.offset, p.length, byteSeed);
        return h & hashMask;
    }

    /** The slot of the key in the chain of {@code h} in {@code t}, whose stored keys are in {@code store}; or NONE. */
    public long find(Table t, long h, long head, long tail, KeyProbe p, KeyStore store) {
        boolean inline = p == null || p.inline();
        long ref = Chain.find(t, h, h);
        while (ref != Table.NONE) {
            long at = t.keyOffset(ref);
            if (RawMemory.getLong(t.segment, at + BytesBucketLayout.DESCRIPTOR_OFFSET) == head) {
                long second = RawMemory.getLong(t.segment, at + BytesBucketLayout.INLINE_TAIL_OFFSET);
                if (inline ? second == tail : store.matches(second, p.segment, p.offset, p.length)) {
                    return ref;
                }
            }
            ref = Chain.findAfter(t, ref, h, h);
        }
        return Table.NONE;
    }

    /**
     * Writes the key region of slot {@code ref}: the hash, the head word and {@code second} (the
     * inline tail, or the locator of the key's block in the store).
     */
    public static void writeKey(Table t, long ref, long h, long head, long second) {
        long at = t.keyOffset(ref);
        RawMemory.putLong(t.segment, at, h);
        RawMemory.putLong(t.segment, at + BytesBucketLayout.DESCRIPTOR_OFFSET, head);
        RawMemory.putLong(t.segment, at + BytesBucketLayout.INLINE_TAIL_OFFSET, second);
    }

    /** The slot's second key word: the inline tail, or the stored key's locator. */
    public static long secondWord(Table t, long ref) {
        return RawMemory.getLong(t.segment, t.keyOffset(ref) + BytesBucketLayout.INLINE_TAIL_OFFSET);
    }

    /** Copies the value into slot {@code ref}, or zeros it when {@code value} is null. */
    public void writeValue(Table t, long ref, MemorySegment value) {
        if (value == null) {
            RawMemory.zero(t.segment, t.valueOffset(ref), valueSize);
        } else {
            MemorySegment.copy(value, 0, t.segment, t.valueOffset(ref), valueSize);
        }
    }

    /** A read-only view of the key of slot {@code ref}, whose stored keys are in {@code store}. */
    public MemorySegment keyView(Table t, long ref, KeyStore store) {
        long at = t.keyOffset(ref);
        long descriptor = RawMemory.getLong(t.segment, at + BytesBucketLayout.DESCRIPTOR_OFFSET);
        int len = ByteKeys.lengthOf(descriptor);
        if (ByteKeys.isStored(descriptor)) {
            return store.view(RawMemory.getLong(t.segment, at + BytesBucketLayout.INLINE_TAIL_OFFSET), len)
                    .asReadOnly();
        }
        return t.segment.asSlice(at + BytesBucketLayout.INLINE_BYTES_OFFSET, len).asReadOnly();
    }

    /** A writable view of the value of slot {@code ref}. */
    public MemorySegment valueView(Table t, long ref) {
        return t.segment.asSlice(t.valueOffset(ref), valueSize);
    }
}
