package io.tophash.internal;

import java.security.SecureRandom;

/**
 * Key hashing. Every map has its own random seed, mixed in before a full-avalanche 64-bit mixer,
 * so which keys share a bucket (low bits) or a tophash byte (high byte) differs from map to map
 * and cannot be chosen in advance by someone who does not know the seed. This is the defence Go's
 * runtime gets from its seeded hash; like Go's it is not a cryptographic MAC.
 */
public final class Hashing {

    private static final SecureRandom SEEDS = new SecureRandom();

    private Hashing() {
    }

    /** A fresh unpredictable seed. Thread-safe. */
    public static long randomSeed() {
        synchronized (SEEDS) {
            return SEEDS.nextLong();
        }
    }

    /**
     * Mixes a key with a seed. Each output bit depends on every input bit (two xor-shift-multiply
     * rounds), so both the low bits (bucket index) and the top byte (tophash) are well spread even
     * for keys that differ only in their high bits or only in their low bits.
     */
    public static long hash(long key, long seed) {
        long h = key ^ seed;
        h = (h ^ (h >>> 32)) * 0xD6E8FEB86659FD93L;
        h = (h ^ (h >>> 32)) * 0xD6E8FEB86659FD93L;
        return h ^ (h >>> 32);
    }
}
