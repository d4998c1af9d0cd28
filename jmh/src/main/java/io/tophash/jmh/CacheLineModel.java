package io.tophash.jmh;

import io.tophash.BucketPadding;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * How many cache lines a lookup touches, computed from the bucket layout rather than measured:
 * the lines of the 8-byte words a lookup reads, averaged over every slot and over the bucket
 * positions of one period of the layout against the line size. A hit reads the tophash word,
 * its key and its value; a miss in a bucket that is not full reads the tophash word only (it
 * stops at an empty-rest byte). For the concurrent map both also read the bucket's link word
 * (its seqlock). Line sizes: 64 bytes, and 128 bytes for the adjacent-line pair that x86's
 * spatial prefetcher fetches together. Overflow chains are left out: the model is of the first
 * bucket, where at 13/16 load nine lookups in ten end.
 *
 * @param shift where the first bucket starts relative to a line boundary: 0 for
 *              {@code cacheLineAligned} (128-byte buckets are placed on 128 bytes), the offset of
 *              {@code naive(offset)} otherwise
 */
record CacheLineModel(BucketPadding padding, long shift, boolean concurrent) {

    /** Average lines a hit touches with lines of {@code line} bytes. */
    double hitLines(long line) {
        return average(line, true);
    }

    /** Average lines a miss (first bucket not full) touches with lines of {@code line} bytes. */
    double missLines(long line) {
        return average(line, false);
    }

    private double average(long line, boolean hit) {
        long stride = padding.bucketLength();
        long period = lcm(stride, line) / stride; // buckets after which placement repeats
        long total = 0;
        long cases = 0;
        for (long b = 0; b < period; b++) {
            long base = shift + b * stride;
            int slots = hit ? padding.slotsPerBucket() : 1;
            for (int slot = 0; slot < slots; slot++) {
                Set<Long> lines = new HashSet<>();
                touch(lines, base + padding.tophashOffset(), line);
                if (hit) {
                    touch(lines, base + padding.keysOffset() + 8L * slot, line);
                    touch(lines, base + padding.valuesOffset() + 8L * slot, line);
                }
                if (concurrent) {
                    touch(lines, base + padding.overflowOffset(), line);
                }
                total += lines.size();
                cases++;
            }
        }
        return (double) total / cases;
    }

    /** Adds the lines an 8-byte word at {@code address} lies in. */
    private static void touch(Set<Long> lines, long address, long line) {
        lines.add(Math.floorDiv(address, line));
        lines.add(Math.floorDiv(address + 7, line));
    }

    private static long lcm(long a, long b) {
        long x = a;
        long y = b;
        while (y != 0) {
            long t = x % y;
            x = y;
            y = t;
        }
        return a / x * b;
    }

    /** A Markdown table of the model for every padding, aligned and shifted by 8 and 3 bytes. */
    static String markdown() {
        StringBuilder out = new StringBuilder(
                "| layout | placement | hit, 64-B lines | miss, 64-B lines | hit, 128-B pairs | miss, 128-B pairs |"
                        + " concurrent hit, 64-B lines |\n|---|---|---:|---:|---:|---:|---:|\n");
        for (BucketPadding padding : BucketPadding.values()) {
            for (long shift : new long[] {0, 8, 3}) {
                CacheLineModel m = new CacheLineModel(padding, shift, false);
                CacheLineModel c = new CacheLineModel(padding, shift, true);
                out.append(String.format(Locale.ROOT, "| %s (%d B) | %s | %.2f | %.2f | %.2f | %.2f | %.2f |%n",
                        padding, padding.bucketLength(), shift == 0 ? "aligned" : "naive(" + shift + ")",
                        m.hitLines(64), m.missLines(64), m.hitLines(128), m.missLines(128), c.hitLines(64)));
            }
        }
        return out.toString();
    }
}
