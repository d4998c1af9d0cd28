package io.tophash.jcstress;

import io.tophash.ConcurrentBytesMap;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;
import org.openjdk.jcstress.infra.results.J_Result;

import java.lang.foreign.MemorySegment;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * jcstress tests of {@link ConcurrentBytesMap} with values of any length: a reader paired with a
 * writer whose value changes length (inline to stored, one size class to another), one nested
 * test per read operation. Value {@code n} is {@link #lengthOf lengthOf(n)} bytes, every one of
 * them {@code n}: a reader that got a length of one value and bytes of another, or bytes of two
 * values, reports -1. Keys are 24 bytes (in the store, as the values). Every state builds its own
 * small map with a fixed seed and the arbiter closes it. Every test ends with a catch-all
 * FORBIDDEN outcome.
 */
public final class VariableValueStress {

    static final long SEED = 0x5EED;
    static final String KEY = "session-0000000000000042";

    private VariableValueStress() {
    }

    static ConcurrentBytesMap newMap() {
        return ConcurrentBytesMap.builder().maxValueSize(4096).seed(SEED).build();
    }

    /** The length of value {@code n}: 5 (inline), 40, 300 and 2,000 bytes for 1 to 4. */
    static int lengthOf(long n) {
        return switch ((int) n) {
            case 1 -> 5;
            case 2 -> 40;
            case 3 -> 300;
            default -> 2_000;
        };
    }

    static MemorySegment value(long n) {
        byte[] v = new byte[lengthOf(n)];
        java.util.Arrays.fill(v, (byte) n);
        return MemorySegment.ofArray(v);
    }

    /** Which value {@code length} bytes of {@code v} are: n, 0 when absent (-1), -1 for any other bytes. */
    static long which(byte[] v, int length) {
        if (length < 0) {
            return 0;
        }
        long n = length == 0 ? -1 : v[0];
        if (n < 1 || n > 4 || lengthOf(n) != length) {
            return -1;
        }
        for (int i = 1; i < length; i++) {
            if (v[i] != n) {
                return -1;
            }
        }
        return n;
    }

    /** readInto a byte[] racing a replacement with a longer value in another size class: the old or the new, whole. */
    @JCStressTest
    @Description("readInto(byte[]) racing a put of another length: one whole value with its own length")
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "read before the replacement")
    @Outcome(id = "3", expect = ACCEPTABLE, desc = "read after the replacement")
    @Outcome(expect = FORBIDDEN, desc = "a torn value, a wrong length or an absent key")
    @State
    public static class ReadIntoArrayVersusLongerPut {
        final ConcurrentBytesMap map = newMap();
        final byte[] target = new byte[4096];

        {
            map.put(KEY, value(2));
        }

        @Actor
        public void writer() {
            map.put(KEY, value(3));
        }

        @Actor
        public void reader(J_Result r) {
            r.r1 = which(target, map.readInto(KEY, target));
        }

        @Arbiter
        public void end() {
            map.close();
        }
    }

    /** readInto a segment racing a replacement of a stored value by an inline one: the old or the new, whole. */
    @JCStressTest
    @Description("readInto(segment) racing a put that makes a stored value inline")
    @Outcome(id = "4", expect = ACCEPTABLE, desc = "read before the replacement")
    @Outcome(id = "1", expect = ACCEPTABLE, desc = "read after the replacement")
    @Outcome(expect = FORBIDDEN, desc = "a torn value, a wrong length or an absent key")
    @State
    public static class ReadIntoSegmentVersusShorterPut {
        final ConcurrentBytesMap map = newMap();
        final byte[] bytes = new byte[4096];
        final MemorySegment target = MemorySegment.ofArray(bytes);

        {
            map.put(KEY, value(4));
        }

        @Actor
        public void writer() {
            map.put(KEY, value(1));
        }

        @Actor
        public void reader(J_Result r) {
            r.r1 = which(bytes, map.readInto(KEY, target));
        }

        @Arbiter
        public void end() {
            map.close();
        }
    }

    /**
     * Two reads racing two replacements in a row (2 to 4 to 1 bytes long): each read is one of the
     * three values whole, and the second read is never older than the first.
     */
    @JCStressTest
    @Description("two readInto calls racing two puts of other lengths: whole values, in order")
    @Outcome(id = {"2, 2", "2, 4", "2, 1", "4, 4", "4, 1", "1, 1"}, expect = ACCEPTABLE, desc = "whole values in write order")
    @Outcome(expect = FORBIDDEN, desc = "a torn value, a wrong length, or a read older than the one before")
    @State
    public static class ReadsVersusReplacements {
        final ConcurrentBytesMap map = newMap();
        final byte[] target = new byte[4096];

        {
            map.put(KEY, value(2));
        }

        @Actor
        public void writer() {
            map.put(KEY, value(4));
            map.put(KEY, value(1));
        }

        @Actor
        public void reader(JJ_Result r) {
            r.r1 = which(target, map.readInto(KEY, target));
            r.r2 = which(target, map.readInto(KEY, target));
        }

        @Arbiter
        public void end() {
            map.close();
        }
    }

    /** valueLength racing a put of another length: the old length or the new, nothing else. */
    @JCStressTest
    @Description("valueLength racing a put of another length")
    @Outcome(id = "40", expect = ACCEPTABLE, desc = "before the replacement")
    @Outcome(id = "2000", expect = ACCEPTABLE, desc = "after the replacement")
    @Outcome(expect = FORBIDDEN, desc = "a length no value had")
    @State
    public static class ValueLengthVersusPut {
        final ConcurrentBytesMap map = newMap();

        {
            map.put(KEY, value(2));
        }

        @Actor
        public void writer() {
            map.put(KEY, value(4));
        }

        @Actor
        public void reader(J_Result r) {
            r.r1 = map.valueLength(KEY);
        }

        @Arbiter
        public void end() {
            map.close();
        }
    }

    /** readInto racing a remove: the whole value, or absent; and the removed value's block is not read after reuse. */
    @JCStressTest
    @Description("readInto racing remove and a put of another key reusing the block")
    @Outcome(id = "3", expect = ACCEPTABLE, desc = "read before the remove")
    @Outcome(id = "0", expect = ACCEPTABLE, desc = "read after the remove")
    @Outcome(expect = FORBIDDEN, desc = "a torn value, a wrong length, or the other key's bytes")
    @State
    public static class ReadIntoVersusRemoveAndReuse {
        final ConcurrentBytesMap map = newMap();
        final byte[] target = new byte[4096];

        {
            map.put(KEY, value(3));
        }

        @Actor
        public void writer() {
            map.remove(KEY);
            byte[] other = new byte[300];
            java.util.Arrays.fill(other, (byte) 9); // same size class: takes the freed block
            map.put("session-0000000000000099", MemorySegment.ofArray(other));
        }

        @Actor
        public void reader(J_Result r) {
            r.r1 = which(target, map.readInto(KEY, target));
        }

        @Arbiter
        public void end() {
            map.close();
        }
    }

    /**
     * readInto during a growth that moves the value's block into the next store, while the writer
     * replaces the value with one of another length: the old or the new value, whole.
     */
    @JCStressTest
    @Description("readInto during evacuation and a replacement of another length")
    @Outcome(id = "3", expect = ACCEPTABLE, desc = "read before the replacement")
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "read after the replacement")
    @Outcome(expect = FORBIDDEN, desc = "a torn value, a wrong length or an absent key")
    @State
    public static class ReadIntoDuringGrowth {
        final ConcurrentBytesMap map = newMap();
        final byte[] target = new byte[4096];

        {
            map.put(KEY, value(3));
            for (int k = 0; !map.stats().growing(); k++) {
                map.put(String.format("filler-%017d", k), value(1 + k % 4));
            }
        }

        @Actor
        public void writer() {
            map.put(KEY, value(2));
            for (int k = 0; k < 8; k++) {
                map.put(String.format("moving-%017d", k), value(4)); // each moves buckets to the next table
            }
        }

        @Actor
        public void reader(J_Result r) {
            r.r1 = which(target, map.readInto(KEY, target));
        }

        @Arbiter
        public void end() {
            map.close();
        }
    }
}
