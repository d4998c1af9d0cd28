package io.tophash.engine;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seeded hash spreads the keys people actually have: keys differing only in their high bits
 * (ids with a type in the top bits), only in their low bits (counters), or in a middle byte, both
 * over the bucket index (low bits) and over the tophash byte (top byte). With 256 keys thrown into
 * 256 buckets at random about 162 buckets are hit (256 * (1 - 1/e)); a mix that ignored the
 * varying bits would hit 1.
 */
class HashingTest {

    static long distinct(LongStream hashes) {
        return hashes.distinct().count();
    }

    @ParameterizedTest(name = "keys i << {0}")
    @ValueSource(ints = {0, 8, 16, 24, 32, 40, 48, 56})
    void keysDifferingInOneByteSpreadOverBucketsAndTophashes(int shift) {
        for (long seed : new long[] {0, 42, -1, 0x5EED_5EED_5EED_5EEDL}) {
            long buckets = distinct(LongStream.range(0, 256).map(i -> Hashing.hash(i << shift, seed) & 0xFF));
            long tophashes = distinct(LongStream.range(0, 256).map(i -> Hashing.hash(i << shift, seed) >>> 56));
            assertTrue(buckets > 140, "keys i << " + shift + ", seed " + seed + ": only " + buckets + " of 256 buckets");
            assertTrue(tophashes > 140, "keys i << " + shift + ", seed " + seed + ": only " + tophashes + " tophash bytes");
        }
    }

    /**
     * Sequential keys and counters shifted left (ids with low bits reserved), 13 per bucket on
     * average: the fullest of 65,536 buckets holds at most 38 (Poisson(13) puts the expected
     * maximum near 34; a single folded multiply measured 105 here).
     */
    @ParameterizedTest(name = "keys k << {0}")
    @ValueSource(ints = {0, 7, 20, 32, 40})
    void structuredKeysFillABigTableEvenly(int shift) {
        int buckets = 1 << 16;
        for (long seed : new long[] {0, 7, -1}) {
            int[] load = new int[buckets];
            for (long k = 0; k < 13L * buckets; k++) {
                load[(int) (Hashing.hash(k << shift, seed) & (buckets - 1))]++;
            }
            int max = 0;
            for (int l : load) {
                max = Math.max(max, l);
            }
            assertTrue(max <= 38, "keys k << " + shift + ", seed " + seed + ": a bucket got " + max + " of 13 expected");
        }
    }

    @Test
    void theSeedChangesWhichKeysCollide() {
        assertNotEquals(Hashing.hash(1, 1), Hashing.hash(1, 2));
        long sameBucketUnderSeedA = LongStream.range(0, 10_000)
                .filter(k -> (Hashing.hash(k, 1) & 1023) == (Hashing.hash(0, 1) & 1023)).count();
        long stillTogetherUnderSeedB = LongStream.range(0, 10_000)
                .filter(k -> (Hashing.hash(k, 1) & 1023) == (Hashing.hash(0, 1) & 1023))
                .filter(k -> (Hashing.hash(k, 2) & 1023) == (Hashing.hash(0, 2) & 1023)).count();
        assertTrue(sameBucketUnderSeedA >= 2);
        assertTrue(stillTogetherUnderSeedB <= 2, stillTogetherUnderSeedB + " keys collide under both seeds");
    }

    @Property
    void aSingleBitFlipChangesAboutHalfTheOutputBits(@ForAll long key, @ForAll long seed) {
        long total = 0;
        for (int bit = 0; bit < 64; bit++) {
            total += Long.bitCount(Hashing.hash(key, seed) ^ Hashing.hash(key ^ (1L << bit), seed));
        }
        double mean = total / 64.0;
        assertTrue(mean > 16 && mean < 48, "a one-bit change flips " + mean + " of 64 output bits on average");
    }

    @Test
    void theOneFixedPointIsTheKeyEqualToTheSeed() {
        for (long seed : new long[] {1, 42, -7}) {
            assertEquals(0, Hashing.hash(seed, seed), "one key per map hashes to 0: bucket 0, like any other");
            assertNotEquals(0, Hashing.hash(seed + 1, seed));
        }
    }
}
