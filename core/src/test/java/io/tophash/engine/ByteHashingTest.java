package io.tophash.engine;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Hashing#hashBytes} spreads the byte keys services have (device ids {@code dev-<n>},
 * keys differing in one byte at any position, keys of every length 0..64) over bucket indexes (low
 * bits) and tophash bytes (top byte), depends on the bytes only (not on where they lie), and
 * {@link ByteKeys}' inline words and UTF-8 encoding agree with the JDK.
 */
class ByteHashingTest {

    static long hash(byte[] key, long seed) {
        return Hashing.hashBytes(MemorySegment.ofArray(key), 0, key.length, Hashing.byteSeed(seed));
    }

    /** 131,072 device ids into 16,384 buckets (8 per bucket): the fullest holds at most 24 (Poisson(8) expects about 20). */
    @Test
    void deviceIdsFillTheTableEvenly() {
        int buckets = 1 << 14;
        for (long seed : new long[] {0, 7, -1}) {
            int[] load = new int[buckets];
            Set<Integer> tophashes = new HashSet<>();
            for (int n = 0; n < 131_072; n++) {
                long h = hash(("dev-" + n).getBytes(StandardCharsets.US_ASCII), seed);
                load[(int) (h & (buckets - 1))]++;
                tophashes.add((int) (h >>> 56));
            }
            int max = 0;
            for (int l : load) {
                max = Math.max(max, l);
            }
            assertTrue(max <= 24, "seed " + seed + ": a bucket got " + max + " of 8 expected");
            assertEquals(256, tophashes.size(), "seed " + seed + ": tophash bytes used");
        }
    }

    /** 256 keys differing only in the byte at {@code position}: spread over 256 buckets and 256 tophash bytes. */
    @ParameterizedTest(name = "length 40, byte {0} varies")
    @ValueSource(ints = {0, 3, 7, 8, 15, 16, 17, 31, 32, 39})
    void keysDifferingInOneByteSpread(int position) {
        for (int length : new int[] {position + 1, 40}) {
            Set<Long> buckets = new HashSet<>();
            Set<Long> tops = new HashSet<>();
            for (int b = 0; b < 256; b++) {
                byte[] key = new byte[length];
                key[position] = (byte) b;
                long h = hash(key, 42);
                buckets.add(h & 0xFF);
                tops.add(h >>> 56);
            }
            assertTrue(buckets.size() > 140, "length " + length + ", byte " + position + ": " + buckets.size() + " buckets");
            assertTrue(tops.size() > 140, "length " + length + ", byte " + position + ": " + tops.size() + " tophashes");
        }
    }

    @Test
    void lengthIsPartOfTheKey() {
        Set<Long> hashes = new HashSet<>();
        for (int length = 0; length <= 64; length++) {
            hashes.add(hash(new byte[length], 3));
        }
        assertEquals(65, hashes.size(), "zero-filled keys of lengths 0..64 share a hash");
    }

    @Property
    void sameBytesSameHashWhereverTheyLie(@ForAll @Size(max = 100) byte[] key, @ForAll long seed) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment shifted = arena.allocate(key.length + 3L).asSlice(3);
            MemorySegment.copy(key, 0, shifted, ValueLayout.JAVA_BYTE, 0, key.length);
            assertEquals(hash(key, seed), Hashing.hashBytes(shifted, 0, key.length, Hashing.byteSeed(seed)));
        }
    }

    @Property
    void aSingleBitFlipChangesAboutHalfTheOutputBits(@ForAll @Size(min = 1, max = 80) byte[] key, @ForAll long seed) {
        long total = 0;
        int flips = Math.min(key.length * 8, 64);
        for (int bit = 0; bit < flips; bit++) {
            byte[] flipped = key.clone();
            flipped[bit / 8 % key.length] ^= (byte) (1 << (bit % 8));
            total += Long.bitCount(hash(key, seed) ^ hash(flipped, seed));
        }
        double mean = (double) total / flips;
        assertTrue(mean > 20 && mean < 44, "a one-bit change flips " + mean + " of 64 output bits on average");
    }

    @Test
    void theSeedChangesTheHash() {
        byte[] key = "dev-1".getBytes(StandardCharsets.US_ASCII);
        assertNotEquals(hash(key, 1), hash(key, 2));
    }

    @Property
    void inlineWordsAreTheKeysBytesWithItsLength(@ForAll @Size(max = 15) byte[] key) {
        MemorySegment k = MemorySegment.ofArray(key);
        long head = ByteKeys.inlineHead(k, 0, key.length);
        long tail = ByteKeys.inlineTail(k, 0, key.length);
        byte[] words = new byte[16];
        for (int i = 0; i < 8; i++) {
            words[i] = (byte) (head >>> (8 * i));
            words[8 + i] = (byte) (tail >>> (8 * i));
        }
        assertEquals(key.length, words[0]);
        for (int i = 0; i < 15; i++) {
            assertEquals(i < key.length ? key[i] : 0, words[i + 1], "byte " + i);
        }
    }

    @Property
    void utf8EncodingMatchesTheJdk(@ForAll @StringLength(max = 40) String text) {
        byte[] buffer = new byte[200];
        int n = ByteKeys.encodeUtf8(text, buffer, 200);
        byte[] jdk = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(jdk.length, n, text);
        assertEquals(-1L, MemorySegment.ofArray(jdk).mismatch(MemorySegment.ofArray(buffer).asSlice(0, n)), text);
        if (jdk.length > 0) {
            assertEquals(-1, ByteKeys.encodeUtf8(text, buffer, jdk.length - 1), "over the limit");
        }
    }

    /** A String key's words made from its chars are the words of its UTF-8 bytes, so every key form hashes alike. */
    @Property
    void asciiWordsAreTheBytesWords(@ForAll @StringLength(max = 20) String text, @ForAll long seed) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        long head = ByteKeys.asciiHead(text);
        boolean inlineAscii = utf8.length == text.length() && text.chars().allMatch(c -> c < 0x80) && text.length() <= 15;
        if (!inlineAscii) {
            assertEquals(ByteKeys.NOT_INLINE, head, text);
            return;
        }
        MemorySegment bytes = MemorySegment.ofArray(utf8);
        assertEquals(ByteKeys.inlineHead(bytes, 0, utf8.length), head);
        assertEquals(ByteKeys.inlineTail(bytes, 0, utf8.length), ByteKeys.asciiTail(text));
        long byteSeed = Hashing.byteSeed(seed);
        assertEquals(Hashing.hashBytes(bytes, 0, utf8.length, byteSeed), Hashing.hashInline(head, ByteKeys.asciiTail(text), byteSeed));
    }

    /** A byte array's words, read in registers, are the words of the same bytes in a segment (at an odd offset too). */
    @Property
    void byteArrayWordsAreTheSegmentWords(@ForAll @Size(max = 15) byte[] key) {
        byte[] shifted = new byte[key.length + 3];
        System.arraycopy(key, 0, shifted, 3, key.length);
        MemorySegment bytes = MemorySegment.ofArray(shifted);
        assertEquals(ByteKeys.inlineHead(bytes, 3, key.length), ByteKeys.inlineHead(key));
        assertEquals(ByteKeys.inlineTail(bytes, 3, key.length), ByteKeys.inlineTail(key));
    }
}
