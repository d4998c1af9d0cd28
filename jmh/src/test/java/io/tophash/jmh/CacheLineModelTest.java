package io.tophash.jmh;

import io.tophash.BucketPadding;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model's numbers for layouts whose answer can be worked out by hand. */
class CacheLineModelTest {

    @Test
    void alignedLineBucketHitsTwoLinesAndMissesOne() {
        CacheLineModel line = new CacheLineModel(BucketPadding.CACHE_LINE, 0, false);
        // tophash and keys fill bytes 0-63, values 64-119: every hit reads both lines, a miss one
        assertEquals(2.0, line.hitLines(64), 1e-9);
        assertEquals(1.0, line.missLines(64), 1e-9);
        // the whole 128-byte bucket is one adjacent-line pair
        assertEquals(1.0, line.hitLines(128), 1e-9);
        assertEquals(1.0, line.missLines(128), 1e-9);
    }

    @Test
    void shiftingTheLineBucketByEightBytesCostsOnlyTheConcurrentMapALine() {
        CacheLineModel shifted = new CacheLineModel(BucketPadding.CACHE_LINE, 8, false);
        // bytes 8-127 of the period: tophash and keys 0-5 in line 0, key 6 and values in line 1
        assertEquals(2.0, shifted.hitLines(64), 1e-9);
        assertEquals(1.0, shifted.missLines(64), 1e-9);
        // but the link word moves to bytes 128-135, a third line, which the concurrent map reads
        assertEquals(3.0, new CacheLineModel(BucketPadding.CACHE_LINE, 8, true).hitLines(64), 1e-9);
    }

    @Test
    void goBucketTophashWordsNeverStraddleFromOffsetThree() {
        // 144-byte strides from offset 3 start at 3, 19, 35 and 51 mod 64: the word always fits
        assertEquals(1.0, new CacheLineModel(BucketPadding.NONE, 3, false).missLines(64), 1e-9);
    }

    @Test
    void theConcurrentMapAlsoReadsTheLinkWord() {
        CacheLineModel plain = new CacheLineModel(BucketPadding.CACHE_LINE, 0, false);
        CacheLineModel concurrent = new CacheLineModel(BucketPadding.CACHE_LINE, 0, true);
        assertEquals(2.0, concurrent.hitLines(64), 1e-9, "the link word shares the values' line");
        assertEquals(2.0, concurrent.missLines(64), 1e-9, "a miss reads the second line for the link word");
        assertEquals(plain.missLines(64) + 1, concurrent.missLines(64), 1e-9);
    }

    @Test
    void goBucketsAveragedOverTheirPeriodAgainstTheLine() {
        // starts at 0, 16, 32, 48 mod 64: hits average 17/8, 19/8, 21/8, 23/8 lines (worked by hand)
        assertEquals(2.5, new CacheLineModel(BucketPadding.NONE, 0, false).hitLines(64), 1e-9);
        assertTrue(CacheLineModel.markdown().contains("| CACHE_LINE (128 B) | aligned | 2.00 | 1.00 | 1.00 | 1.00 | 2.00 |"),
                CacheLineModel::markdown);
    }
}
