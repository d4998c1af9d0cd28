package io.tophash.engine;

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

    /** Mixes a key with a seed. */
    public static long hash(long key, long seed) {
        long h = key ^ seed;
        h = (h ^ (h >>> 32)) * MULTIPLIER;
        h = (h ^ (h >>> 32)) * MULTIPLIER;
        return h ^ (h >>> 32);
    }
}
