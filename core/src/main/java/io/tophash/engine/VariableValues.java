package io.tophash.engine;

import io.tophash.layout.BytesBucketLayout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The value region of a byte-keyed map whose values have any length, written once for
 * {@code BytesMap} and {@code ConcurrentBytesMap}.
 *
 * <p>Implementation notes. The region is 16 bytes and encoded as a key region's last two words
 * ({@link BytesBucketLayout}): a value of up to {@value BytesBucketLayout#INLINE_VALUE_LIMIT}
 * bytes sits in it (length in byte 0, the bytes in bytes 1-15, so they are contiguous), a longer
 * one in a block of the map's store (descriptor {@code 0xFF | length << 8}, then the block's
 * locator), the same store as the table's long keys, so evacuation moves and compacts both. A
 * value is replaced by writing the new bytes first (into the old block when both lengths share a
 * size class, else into a new block allocated before anything changes), then the region, then
 * freeing the old block: a failed allocation leaves the entry as it was.
 *
 * <p>Threading: the single-writer map's writer, or the concurrent map's holder of the slot's
 * bucket lock, for the writes (the concurrent map allocates and frees under the store's monitor
 * itself); the reads only read, and a concurrent map calls them inside a validated window, where
 * a torn region makes at worst an exception or bytes the validation throws away.
 */
public final class VariableValues {

    /** Bytes of the value region: a descriptor word and an inline word or locator. */
    public static final int REGION_LENGTH = (int) BytesBucketLayout.VALUE_REGION_LENGTH;

    private VariableValues() {
    }

    /** The descriptor word of the value of slot {@code ref}. */
    public static long descriptor(Table t, long ref) {
        return RawMemory.getLong(t.segment, t.valueOffset(ref) + BytesBucketLayout.VALUE_DESCRIPTOR_OFFSET);
    }

    /** The second word: the inline bytes 7-14, or the stored value's locator. */
    public static long secondWord(Table t, long ref) {
        return RawMemory.getLong(t.segment, t.valueOffset(ref) + BytesBucketLayout.VALUE_SECOND_OFFSET);
    }

    /** The length of the value of slot {@code ref}. */
    public static int length(Table t, long ref) {
        return ByteKeys.lengthOf(descriptor(t, ref));
    }

    /** A view of exactly the value of slot {@code ref}, whose stored blocks are in {@code store}. */
    public static MemorySegment view(Table t, long ref, KeyStore store) {
        long descriptor = descriptor(t, ref);
        boolean stored = ByteKeys.isStored(descriptor);
        long locator = secondWord(t, ref);
        // one slicing call for both cases: a caller that inlines this can then drop the view
        // (escape analysis gives up on a value merged from two allocations)
        MemorySegment base = stored ? store.chunk(locator) : t.segment;
        long at = stored ? KeyStore.offset(locator) : t.valueOffset(ref) + BytesBucketLayout.INLINE_VALUE_BYTES_OFFSET;
        return base.asSlice(at, ByteKeys.lengthOf(descriptor));
    }

    /** Copies the value of slot {@code ref} ({@code length} bytes, as read from its descriptor) to {@code target} at 0. */
    public static void copyOut(Table t, long ref, KeyStore store, long descriptor, MemorySegment target) {
        int length = ByteKeys.lengthOf(descriptor);
        if (ByteKeys.isStored(descriptor)) {
            store.copyOut(secondWord(t, ref), target, 0, length);
        } else {
            MemorySegment.copy(t.segment, t.valueOffset(ref) + BytesBucketLayout.INLINE_VALUE_BYTES_OFFSET, target, 0,
                    length);
        }
    }

    /** {@link #copyOut(Table, long, KeyStore, long, MemorySegment)} into a {@code byte[]}. */
    public static void copyOut(Table t, long ref, KeyStore store, long descriptor, byte[] target) {
        int length = ByteKeys.lengthOf(descriptor);
        if (ByteKeys.isStored(descriptor)) {
            store.copyOut(secondWord(t, ref), target, length);
        } else {
            MemorySegment.copy(t.segment, ValueLayout.JAVA_BYTE,
                    t.valueOffset(ref) + BytesBucketLayout.INLINE_VALUE_BYTES_OFFSET, target, 0, length);
        }
    }

    /**
     * The 8-byte field at {@code offset} of the value of slot {@code ref}, in the platform's byte
     * order, or {@code absent} when the value is shorter than {@code offset + 8}.
     */
    public static long field(Table t, long ref, KeyStore store, long offset, long absent) {
        long descriptor = descriptor(t, ref);
        if (offset + Long.BYTES > ByteKeys.lengthOf(descriptor)) {
            return absent;
        }
        return ByteKeys.isStored(descriptor) ? store.getLongNativeOrder(secondWord(t, ref), offset)
                : RawMemory.getLongNativeOrder(t.segment,
                        t.valueOffset(ref) + BytesBucketLayout.INLINE_VALUE_BYTES_OFFSET + offset);
    }

    /** Whether a value of {@code length} bytes is kept in the store. */
    public static boolean stored(long length) {
        return length > BytesBucketLayout.INLINE_VALUE_LIMIT;
    }

    /** The descriptor word of an inline value (its length and bytes 0-6). */
    public static long inlineDescriptor(MemorySegment value) {
        return ByteKeys.inlineHead(value, 0, (int) value.byteSize());
    }

    /** The second word of an inline value (its bytes 7-14). */
    public static long inlineSecond(MemorySegment value) {
        return ByteKeys.inlineTail(value, 0, (int) value.byteSize());
    }

    /** Writes the region of slot {@code ref}. */
    public static void writeRegion(Table t, long ref, long descriptor, long second) {
        long at = t.valueOffset(ref);
        RawMemory.putLong(t.segment, at + BytesBucketLayout.VALUE_DESCRIPTOR_OFFSET, descriptor);
        RawMemory.putLong(t.segment, at + BytesBucketLayout.VALUE_SECOND_OFFSET, second);
    }

    /**
     * The single writer's write of {@code value} into slot {@code ref}: a new slot when
     * {@code replacing} is false (its region holds nothing to free), else the entry's value is
     * replaced.
     *
     * @throws OutOfMemoryError if a block is needed and the allocator refuses (slot unchanged)
     */
    public static void write(Table t, long ref, MemorySegment value, KeyStore store, boolean replacing) {
        int length = (int) value.byteSize();
        long old = replacing ? descriptor(t, ref) : 0;
        boolean oldStored = ByteKeys.isStored(old);
        if (!stored(length)) {
            long descriptor = inlineDescriptor(value);
            long second = inlineSecond(value);
            long oldBlock = oldStored ? secondWord(t, ref) : 0;
            writeRegion(t, ref, descriptor, second);
            if (oldStored) {
                store.free(oldBlock, ByteKeys.lengthOf(old));
            }
            return;
        }
        if (oldStored && KeyStore.blockLength(ByteKeys.lengthOf(old)) == KeyStore.blockLength(length)) {
            long block = secondWord(t, ref);
            store.write(block, value, 0, length);
            writeRegion(t, ref, ByteKeys.storedDescriptor(length), block);
            return;
        }
        long block = store.allocate(length);
        try {
            store.write(block, value, 0, length);
        } catch (RuntimeException e) { // e.g. the caller's value segment was closed
            store.free(block, length);
            throw e;
        }
        long oldBlock = oldStored ? secondWord(t, ref) : 0;
        writeRegion(t, ref, ByteKeys.storedDescriptor(length), block);
        if (oldStored) {
            store.free(oldBlock, ByteKeys.lengthOf(old));
        }
    }

    /** Frees the stored block, if any, of the value of slot {@code ref} (the single writer's remove). */
    public static void free(Table t, long ref, KeyStore store) {
        long descriptor = descriptor(t, ref);
        if (ByteKeys.isStored(descriptor)) {
            store.free(secondWord(t, ref), ByteKeys.lengthOf(descriptor));
        }
    }
}
