package io.tophash.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.security.SecureRandom;

/**
 * Seeded 64-bit hashing of {@code long} keys.
 *
 * <p>Each map draws its seed from {@link SecureRandom}, so which keys share a bucket cannot be
 * chosen in advance by someone who does not know the seed. This is the defence Go's runtime gets
 * from its seeded hash; like Go's it is not a cryptographic MAC.
 *
 * <p>The mix is two xor-shift-multiply rounds and a final xor-shift, so that every output bit
 * depends on every input bit: both the bucket index (low bits) and the tophash byte (the top byte)
 * are well spread, also for keys that differ only in their high bits or only in their low bits, and
 * for keys with a regular structure (sequential, or a counter shifted left) ({@code HashingTest}).
 *
 * <p>Cheaper mixes were measured and not kept (JMH, Xeon VM, JDK 25, dependent-chain gets in a
 * 1K-entry map): one folded multiply (the 128-bit product of the seeded key and a constant, high
 * half xor low half) cut the latency by 16% but left structured keys on a lattice, up to 105 keys
 * in one bucket where 13 were expected; two folded multiplies spread as well as this mix and cost
 * the same (11.6 against 11.3 ns); a single multiply of two key-dependent operands, as wyhash does
 * for 8-byte inputs, clustered too. One multiply's latency is not enough for this spread.
 *
 * <p>Byte keys ({@link #hashBytes}) use the construction of wyhash (Wang Yi's public-domain hash,
 * final version 4): the seed is mixed once, then every 16 bytes cost one 64x64->128-bit multiply
 * folded to 64 bits, three independent lanes from 48 bytes, and the last 0 to 15 bytes are one
 * more multiply, with the length. Unlike wyhash, the last bytes are read as aligned words and a
 * zero-padded partial word rather than as the overlapping last 16 bytes (see {@link #hashBytes}
 * for why). Keys of up to 15 bytes are hashed from the two words a byte-keyed map keeps them in
 * ({@link #hashInline}): one multiply; a {@code String} key's words are its chars packed in
 * registers. {@code ByteHashingTest} checks the spread on the keys services use ({@code dev-<n>},
 * keys differing in one byte at any position, every length).
 */
public final class Hashing {

    /** An odd 64-bit constant with evenly spread bits. */
    static final long MULTIPLIER = 0xD6E8FEB86659FD93L;

    private static final SecureRandom SEEDS = new SecureRandom();

    private Hashing() {
    }

    /** A fresh unpredictable seed. Thread-safe. */
    public static long randomSeed() {
        synchronized (SEEDS) {
            return SEEDS.nextLong();
        }
    }

    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt HALF = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort QUARTER = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long S0 = 0xa0761d6478bd642fL;
    private static final long S1 = 0xe7037ed1a0b428dbL;
    private static final long S2 = 0x8ebc6af09c88c6e3L;
    private static final long S3 = 0x589965cc75374cc3L;

    /**
     * The seeded 64-bit hash of the {@code length} bytes of {@code key} at {@code offset}: the same
     * bytes give the same hash whatever segment holds them. Reads only those bytes. Keys of up to
     * 15 bytes are hashed from their two inline words ({@link #hashInline}), which a map has
     * computed anyway to compare them. Longer keys are read as 8-byte words at offsets 0, 8, 16...
     * from the key's start and a last word of the 1 to 7 bytes left, read with loads that each lie
     * inside one of those words: a key just written into a buffer with 8-byte stores (as
     * {@code KeyProbe} writes text) is read back through store-to-load forwarding.
     */
    public static long hashBytes(MemorySegment key, long offset, long length, long seed) {
        if (length <= ByteKeys.INLINE_LIMIT) {
            int n = (int) length;
            return hashInline(ByteKeys.inlineHead(key, offset, n), ByteKeys.inlineTail(key, offset, n), seed);
        }
        long p = offset;
        long i = length;
        if (i >= 48) {
            long lane1 = seed;
            long lane2 = seed;
            do {
                seed = mix(key.get(WORD, p) ^ S1, key.get(WORD, p + 8) ^ seed);
                lane1 = mix(key.get(WORD, p + 16) ^ S2, key.get(WORD, p + 24) ^ lane1);
                lane2 = mix(key.get(WORD, p + 32) ^ S3, key.get(WORD, p + 40) ^ lane2);
                p += 48;
                i -= 48;
            } while (i >= 48);
            seed ^= lane1 ^ lane2;
        }
        while (i >= 16) {
            seed = mix(key.get(WORD, p) ^ S1, key.get(WORD, p + 8) ^ seed);
            p += 16;
            i -= 16;
        }
        long a = i >= 8 ? key.get(WORD, p) : partialWord(key, p, (int) i);
        long b = i > 8 ? partialWord(key, p + 8, (int) i - 8) : 0;
        return finish(a, b, seed, length);
    }

    /** The {@code n} (0..7) bytes at {@code at}, little-endian, read as 4-, 2- and 1-byte loads inside one word. */
    static long partialWord(MemorySegment key, long at, int n) {
        long v = 0;
        int k = 0;
        if ((n & 4) != 0) {
            v = key.get(HALF, at) & 0xFFFF_FFFFL;
            k = 4;
        }
        if ((n & 2) != 0) {
            v |= (key.get(QUARTER, at + k) & 0xFFFFL) << (8 * k);
            k += 2;
        }
        if ((n & 1) != 0) {
            v |= (key.get(ValueLayout.JAVA_BYTE, at + k) & 0xFFL) << (8 * k);
        }
        return v;
    }

    /**
     * A map's seed for {@link #hashBytes} and {@link #hashInline}: wyhash's mix of the map's seed,
     * done once when the map is built instead of in every hash. Pass only seeds made here: the last
     * step multiplies {@code (a ^ S1) * (tail ^ seed)}, so a raw seed of 0 would zero that product
     * for every short key (ByteHashingTest failed that way before the tests used this); a mixed
     * random seed leaves it to one secret tail value, wyhash's own known limit.
     */
    public static long byteSeed(long seed) {
        return seed ^ mix(seed ^ S0, S1);
    }

    /**
     * The seeded hash of a key of up to 15 bytes given as its inline words ({@code head} carries the
     * length and bytes 0 to 6, {@code tail} bytes 7 to 14): wyhash's last step over the two words.
     */
    public static long hashInline(long head, long tail, long seed) {
        return finish(head, tail, seed, head & 0xFF);
    }

    private static long finish(long a, long b, long seed, long length) {
        a ^= S1;
        b ^= seed;
        long lo = a * b;
        long hi = Math.unsignedMultiplyHigh(a, b);
        return mix(lo ^ S0 ^ length, hi ^ S1);
    }

    /** The 128-bit product of {@code a} and {@code b}, its halves xored. */
    private static long mix(long a, long b) {
        return a * b ^ Math.unsignedMultiplyHigh(a, b);
    }

    /** Mixes a key with a seed. */
    public static long hash(long key, long seed) {
        long h = key ^ seed;
        h = (h ^ (h >>> 32)) * MULTIPLIER;
        h = (h ^ (h >>> 32)) * MULTIPLIER;
        return h ^ (h >>> 32);
    }
}
