package io.tophash.engine;

import java.security.SecureRandom;

/**
 * Seeded 64-bit hashing of {@code long} keys.
 *
 * <p>Each map draws its seed from {@link SecureRandom}, so which keys share a bucket cannot be
 * chosen in advance by someone who does not know the seed. This is the defence Go's runtime gets
 * from its seeded hash; like Go's it is not a cryptographic MAC.
 *
 * <p>The mix is two folded multiplies (as in wyhash, rapidhash and foldhash): the 128-bit product
 * of the seeded key and an odd constant, its high half xor its low half, twice. The low half carries
 * key bits upwards and the high half downwards, so both the bucket index (low bits) and the
 * tophash byte (the top byte) depend on all 64 key bits, also for keys that differ only in their
 * high bits or only in their low bits ({@code HashingTest}). One fold alone is not enough: keys
 * with a regular structure (sequential, or a counter shifted left) stay on a lattice, which
 * measured up to 105 keys in one bucket where 13 were expected; two folds measured as evenly as
 * the two xor-shift-multiply rounds they replace (a 13-expected maximum of 39 against 36, over
 * sequential and shifted keys in tables of 2^10 to 2^20 buckets) with a shorter chain of dependent
 * instructions: each fold is a multiply and a multiply-high that issue in parallel.
 */
public final class Hashing {

    /** Odd 64-bit constants with evenly spread bits: the golden ratio's, and PCG's multiplier. */
    static final long MULTIPLIER = 0x9E3779B97F4A7C15L;
    static final long SECOND_MULTIPLIER = 0x5851F42D4C957F2DL;
    /** Pi's fraction: keeps a zero first fold from being a fixed point of the second. */
    static final long SECOND_OFFSET = 0x243F6A8885A308D3L;

    private static final SecureRandom SEEDS = new SecureRandom();

    private Hashing() {
    }

    /** A fresh unpredictable seed. Thread-safe. */
    public static long randomSeed() {
        synchronized (SEEDS) {
            return SEEDS.nextLong();
        }
    }

    /** Mixes a key with a seed. */
    public static long hash(long key, long seed) {
        return fold(fold(key ^ seed, MULTIPLIER) ^ SECOND_OFFSET, SECOND_MULTIPLIER);
    }

    /** The 128-bit product of {@code x} and {@code m}, high half xor low half. */
    static long fold(long x, long m) {
        return Math.multiplyHigh(x, m) ^ (x * m);
    }
}
