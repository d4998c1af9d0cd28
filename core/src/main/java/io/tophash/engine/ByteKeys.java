package io.tophash.engine;

import io.tophash.layout.BytesBucketLayout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte keys in a bucket's key region ({@link BytesBucketLayout}): the two words a key of up to
 * {@value BytesBucketLayout#INLINE_KEY_LIMIT} bytes is kept in, the descriptor of a stored key, and
 * the UTF-8 encoding of {@link CharSequence} keys into a caller's buffer without allocating.
 *
 * <p>Implementation notes. An inline key is compared as two words built once per operation
 * ({@link #inlineHead}, {@link #inlineTail}); the head carries the length in its low byte, so keys
 * that differ only in trailing zero bytes differ in their head. Both words are read from the key
 * with at most two 8-byte loads for keys of 8 bytes or more. Stateless; thread-safe.
 */
public final class ByteKeys {

    /** Keys of at most this many bytes are inline: {@link BytesBucketLayout#INLINE_KEY_LIMIT}. */
    static final int INLINE_LIMIT = BytesBucketLayout.INLINE_KEY_LIMIT;

    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle ARRAY_WORD = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private ByteKeys() {
    }

    /** What {@link #asciiHead} returns for text that is not an ASCII key of at most 15 chars (no head word is -1). */
    public static final long NOT_INLINE = -1;

    /**
     * The head word of text that is an inline key (ASCII, at most 15 chars), its chars packed in a
     * register; else {@link #NOT_INLINE}. Reads each char once; no memory written.
     */
    public static long asciiHead(CharSequence key) {
        int n = key.length();
        if (n > INLINE_LIMIT) {
            return NOT_INLINE;
        }
        long head = n;
        long high = 0;
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            high |= c;
            if (i < 7) {
                head |= (long) c << (8 * (i + 1));
            }
        }
        return high < 0x80 ? head : NOT_INLINE;
    }

    /** The tail word of text {@link #asciiHead} accepted: chars 7 to 14 packed, 0 for fewer than 8. */
    public static long asciiTail(CharSequence key) {
        int n = key.length();
        long tail = 0;
        for (int i = 7; i < n; i++) {
            tail |= (long) key.charAt(i) << (8 * (i - 7));
        }
        return tail;
    }

    /** The descriptor word of a key of {@code length} bytes kept in the key store. */
    public static long storedDescriptor(int length) {
        return BytesBucketLayout.STORED | ((long) length << 8);
    }

    /** Whether a descriptor word names a stored key. */
    public static boolean isStored(long descriptor) {
        return (descriptor & 0xFF) == BytesBucketLayout.STORED;
    }

    /** The key length a descriptor word records. */
    public static int lengthOf(long descriptor) {
        return isStored(descriptor) ? (int) (descriptor >>> 8) : (int) (descriptor & 0xFF);
    }

    /**
     * The descriptor word of an inline key: its length in byte 0, its bytes 0 to 6 in bytes 1 to 7.
     * {@code length} is at most {@value BytesBucketLayout#INLINE_KEY_LIMIT}.
     */
    public static long inlineHead(MemorySegment key, long offset, int length) {
        if (length >= 8) {
            return length | (key.get(WORD, offset) << 8);
        }
        long head = length;
        for (int i = 0; i < length; i++) {
            head |= (long) (key.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFF) << (8 * (i + 1));
        }
        return head;
    }

    /** The second word of an inline key: its bytes 7 to 14, zero beyond its length. */
    public static long inlineTail(MemorySegment key, long offset, int length) {
        if (length < 8) {
            return 0;
        }
        // bytes length-8 .. length-1, of which the first 15-length are already in the head
        return key.get(WORD, offset + length - 8) >>> (8 * (BytesBucketLayout.INLINE_KEY_LIMIT - length));
    }

    /** {@link #inlineHead(MemorySegment, long, int)} for the bytes of {@code key}, at most {@value BytesBucketLayout#INLINE_KEY_LIMIT}. */
    public static long inlineHead(byte[] key) {
        int length = key.length;
        if (length >= 8) {
            return length | ((long) ARRAY_WORD.get(key, 0) << 8);
        }
        long head = length;
        for (int i = 0; i < length; i++) {
            head |= (long) (key[i] & 0xFF) << (8 * (i + 1));
        }
        return head;
    }

    /** {@link #inlineTail(MemorySegment, long, int)} for the bytes of {@code key}, at most {@value BytesBucketLayout#INLINE_KEY_LIMIT}. */
    public static long inlineTail(byte[] key) {
        int length = key.length;
        if (length < 8) {
            return 0;
        }
        return (long) ARRAY_WORD.get(key, length - 8) >>> (8 * (BytesBucketLayout.INLINE_KEY_LIMIT - length));
    }

    /**
     * Encodes {@code chars} as UTF-8 into {@code out} from index 0, as
     * {@code String.getBytes(UTF_8)} does (an unpaired surrogate becomes {@code '?'}), without
     * allocating. ASCII text takes one loop of plain array stores.
     *
     * @return the number of bytes written, or -1 if they would exceed {@code limit} (at most
     *         {@code out.length}; {@code out} is then partly written)
     */
    public static int encodeUtf8(CharSequence chars, byte[] out, int limit) {
        int n = chars.length();
        int i = 0;
        if (n <= limit) {
            for (; i < n; i++) {
                char c = chars.charAt(i);
                if (c >= 0x80) {
                    break;
                }
                out[i] = (byte) c;
            }
            if (i == n) {
                return n;
            }
        }
        int at = i;
        for (; i < n; i++) {
            char c = chars.charAt(i);
            if (c < 0x80) {
                if (at >= limit) {
                    return -1;
                }
                out[at++] = (byte) c;
            } else if (c < 0x800) {
                if (at + 2 > limit) {
                    return -1;
                }
                out[at++] = (byte) (0xC0 | (c >> 6));
                out[at++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                char low = i + 1 < n ? chars.charAt(i + 1) : 0;
                if (Character.isHighSurrogate(c) && Character.isLowSurrogate(low)) {
                    if (at + 4 > limit) {
                        return -1;
                    }
                    int cp = Character.toCodePoint(c, low);
                    out[at++] = (byte) (0xF0 | (cp >> 18));
                    out[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    out[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    out[at++] = (byte) (0x80 | (cp & 0x3F));
                    i++;
                } else {
                    if (at >= limit) {
                        return -1;
                    }
                    out[at++] = (byte) '?';
                }
            } else {
                if (at + 3 > limit) {
                    return -1;
                }
                out[at++] = (byte) (0xE0 | (c >> 12));
                out[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[at++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return at;
    }
}
