package io.tophash.jcstress;

import io.tophash.ConcurrentLongLongMap;
import io.tophash.engine.Hashing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJJ_Result;
import org.openjdk.jcstress.infra.results.L_Result;
import org.openjdk.jcstress.infra.results.ZZJ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * jcstress tests of {@link ConcurrentLongLongMap}: one nested test per property the issue asks
 * for, each with its invariant. Every state builds its own small map (fixed seed, so keys can be
 * chosen to share a bucket) and the arbiter closes it: map memory comes from shared arenas that
 * the garbage collector never frees. Every test ends with a catch-all FORBIDDEN outcome.
 */
public final class ConcurrentLongLongMapStress {

    static final long SEED = 0x5EED;
    static final long KEY = 0x9E3779B97F4A7C15L;

    private ConcurrentLongLongMapStress() {
    }

    static ConcurrentLongLongMap newMap() {
        return ConcurrentLongLongMap.builder().seed(SEED).build();
    }

    /** The first {@code count} keys from 1 up whose hash falls in the same bucket of a table of {@code buckets}. */
    static long[] keysInOneBucket(long buckets, int count) {
        long[] keys = new long[count];
        long target = Hashing.hash(1, SEED) & (buckets - 1);
        int n = 0;
        for (long k = 1; n < count; k++) {
            if ((Hashing.hash(k, SEED) & (buckets - 1)) == target) {
                keys[n++] = k;
            }
        }
        return keys;
    }

    /**
     * Puts keys until a growth is in progress with at least {@code oldBuckets} old buckets, and
     * returns how many it put (keys 1..n, value = key).
     */
    static long fillUntilGrowing(ConcurrentLongLongMap map, long oldBuckets) {
        long k = 1;
        while (true) {
            var stats = k < 40 ? null : map.stats();
            if (stats != null && stats.growing() && stats.oldBucketCount() >= oldBuckets
                    && stats.evacuatedBuckets() < stats.oldBucketCount() / 2) {
                return k - 1;
            }
            map.put(k, k);
            k++;
        }
    }

    /**
     * Two puts of the same key: one happens first and returns "absent" (0), the other sees the
     * first one's value as the previous value, and the map ends with the second one's value.
     */
    @JCStressTest
    @Description("Two puts of one key: one wins, the other sees it as the previous value")
    @Outcome(id = "0, 1, 2", expect = ACCEPTABLE, desc = "put 1 then put 2")
    @Outcome(id = "2, 0, 1", expect = ACCEPTABLE, desc = "put 2 then put 1")
    @Outcome(expect = FORBIDDEN, desc = "lost or invented write")
    @State
    public static class SameKeyPuts {
        final ConcurrentLongLongMap map = newMap();

        @Actor
        public void put1(JJJ_Result r) {
            r.r1 = map.put(KEY, 1);
        }

        @Actor
        public void put2(JJJ_Result r) {
            r.r2 = map.put(KEY, 2);
        }

        @Arbiter
        public void end(JJJ_Result r) {
            r.r3 = map.get(KEY);
            map.close();
        }
    }

    /** A get racing a put of an absent key sees either nothing (0) or the whole value, never anything else. */
    @JCStressTest
    @Description("get racing put: absent or the value put, nothing torn")
    @Outcome(id = "0", expect = ACCEPTABLE, desc = "get before put")
    @Outcome(id = "42", expect = ACCEPTABLE, desc = "get after put")
    @Outcome(expect = FORBIDDEN, desc = "a torn or foreign value")
    @State
    public static class PutVersusGet {
        final ConcurrentLongLongMap map = newMap();

        @Actor
        public void writer() {
            map.put(KEY, 42);
        }

        @Actor
        public void reader(L_Result r) {
            r.r1 = map.get(KEY);
        }

        @Arbiter
        public void end() {
            map.close();
        }
    }

    /** Two putIfAbsent of one key: exactly one inserts (gets 0 back), the other gets its value; the map keeps the winner's. */
    @JCStressTest
    @Description("Two putIfAbsent of one key: exactly one inserts")
    @Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "first inserted, second saw it")
    @Outcome(id = "2, 0, 2", expect = ACCEPTABLE, desc = "second inserted, first saw it")
    @Outcome(expect = FORBIDDEN, desc = "both or neither inserted, or the map disagrees")
    @State
    public static class PutIfAbsentRace {
        final ConcurrentLongLongMap map = newMap();

        @Actor
        public void first(JJJ_Result r) {
            r.r1 = map.putIfAbsent(KEY, 1);
        }

        @Actor
        public void second(JJJ_Result r) {
            r.r2 = map.putIfAbsent(KEY, 2);
        }

        @Arbiter
        public void end(JJJ_Result r) {
            r.r3 = map.get(KEY);
            map.close();
        }
    }

    /** Two addAndGet(+1) of a key that starts absent: they return 1 and 2 in some order, the map ends at 2. */
    @JCStressTest
    @Description("Concurrent addAndGet loses no increment")
    @Outcome(id = "1, 2, 2", expect = ACCEPTABLE, desc = "first added first")
    @Outcome(id = "2, 1, 2", expect = ACCEPTABLE, desc = "second added first")
    @Outcome(expect = FORBIDDEN, desc = "an increment was lost or duplicated")
    @State
    public static class AddAndGetRace {
        final ConcurrentLongLongMap map = newMap();

        @Actor
        public void first(JJJ_Result r) {
            r.r1 = map.addAndGet(KEY, 1);
        }

        @Actor
        public void second(JJJ_Result r) {
            r.r2 = map.addAndGet(KEY, 1);
        }

        @Arbiter
        public void end(JJJ_Result r) {
            r.r3 = map.get(KEY);
            map.close();
        }
    }

    /**
     * remove racing put of a key that holds 1: either the removal comes first (removes 1, the put
     * inserts 2 afresh) or the put comes first (replaces 1, the removal takes 2 away).
     */
    @JCStressTest
    @Description("remove racing put of one key")
    @Outcome(id = "1, 0, 2", expect = ACCEPTABLE, desc = "remove then put: 2 stays")
    @Outcome(id = "2, 1, 0", expect = ACCEPTABLE, desc = "put then remove: nothing stays")
    @Outcome(expect = FORBIDDEN, desc = "not a serial order of the two")
    @State
    public static class RemoveVersusPut {
        final ConcurrentLongLongMap map = newMap();

        {
            map.put(KEY, 1);
        }

        @Actor
        public void remover(JJJ_Result r) {
            r.r1 = map.remove(KEY);
        }

        @Actor
        public void putter(JJJ_Result r) {
            r.r2 = map.put(KEY, 2);
        }

        @Arbiter
        public void end(JJJ_Result r) {
            r.r3 = map.get(KEY);
            map.close();
        }
    }

    /** Two replace(key, 10, x) of a key holding 10: exactly one succeeds and the map holds its value. */
    @JCStressTest
    @Description("Conditional replace races: exactly one wins")
    @Outcome(id = "true, false, 11", expect = ACCEPTABLE, desc = "first replaced")
    @Outcome(id = "false, true, 12", expect = ACCEPTABLE, desc = "second replaced")
    @Outcome(expect = FORBIDDEN, desc = "both, neither, or a value not from the winner")
    @State
    public static class ReplaceRace {
        final ConcurrentLongLongMap map = newMap();

        {
            map.put(KEY, 10);
        }

        @Actor
        public void first(ZZJ_Result r) {
            r.r1 = map.replace(KEY, 10, 11);
        }

        @Actor
        public void second(ZZJ_Result r) {
            r.r2 = map.replace(KEY, 10, 12);
        }

        @Arbiter
        public void end(ZZJ_Result r) {
            r.r3 = map.get(KEY);
            map.close();
        }
    }

    /**
     * Two different keys of the same bucket, written at once into a bucket that already holds
     * six entries (so one of them goes to an overflow bucket): both end up present.
     */
    @JCStressTest
    @Description("Two keys of one bucket written at once: neither is lost")
    @Outcome(id = "both", expect = ACCEPTABLE, desc = "both present with their values, size 8")
    @Outcome(expect = FORBIDDEN, desc = "a key lost, or the size wrong")
    @State
    public static class SameBucketKeys {
        static final long[] KEYS = keysInOneBucket(1, 8);
        final ConcurrentLongLongMap map = newMap();

        {
            for (int i = 0; i < 6; i++) {
                map.put(KEYS[i], KEYS[i]);
            }
        }

        @Actor
        public void first() {
            map.put(KEYS[6], -6);
        }

        @Actor
        public void second() {
            map.put(KEYS[7], -7);
        }

        @Arbiter
        public void end(L_Result r) {
            boolean ok = map.get(KEYS[6]) == -6 && map.get(KEYS[7]) == -7 && map.size() == 8;
            r.r1 = ok ? "both" : "6:" + map.get(KEYS[6]) + " 7:" + map.get(KEYS[7]) + " size " + map.size();
            map.close();
        }
    }

    /**
     * A key present before the test is always found by a reader while a writer evacuates its old
     * bucket (the writer puts a key of the same old bucket, which makes it evacuate that bucket
     * first): the key is in the old bucket until it is marked evacuated, in the new table after.
     */
    @JCStressTest
    @Description("get during the evacuation of its bucket always finds the key")
    @Outcome(id = "found", expect = ACCEPTABLE, desc = "found with its value")
    @Outcome(expect = FORBIDDEN, desc = "missing or wrong during evacuation")
    @State
    public static class GetDuringEvacuation {
        final ConcurrentLongLongMap map = newMap();
        final long target;
        final long sameOldBucket;

        {
            long filled = fillUntilGrowing(map, 8);
            long oldBuckets = map.stats().oldBucketCount();
            long target = -1;
            long partner = -1;
            // a present key whose old bucket is not evacuated yet, and a new key of the same old bucket
            for (long k = filled; k >= 1 && target < 0; k--) {
                long bucket = Hashing.hash(k, SEED) & (oldBuckets - 1);
                if (bucket >= oldBuckets / 2) {
                    target = k;
                }
            }
            long bucket = Hashing.hash(target, SEED) & (oldBuckets - 1);
            for (long k = -1; partner == -1; k--) {
                if ((Hashing.hash(k, SEED) & (oldBuckets - 1)) == bucket) {
                    partner = k;
                }
            }
            this.target = target;
            this.sameOldBucket = partner;
        }

        @Actor
        public void evacuator() {
            map.put(sameOldBucket, 0);
        }

        @Actor
        public void reader(L_Result r) {
            long v = map.get(target);
            r.r1 = v == target ? "found" : "got " + v;
        }

        @Arbiter
        public void end() {
            map.close();
        }
    }

    /** Two puts of new keys while a growth is in progress: both present afterwards, size grown by two. */
    @JCStressTest
    @Description("Two puts during a growth: both present after")
    @Outcome(id = "both", expect = ACCEPTABLE, desc = "both present, size right")
    @Outcome(expect = FORBIDDEN, desc = "a put lost or duplicated")
    @State
    public static class PutsDuringGrowth {
        final ConcurrentLongLongMap map = newMap();
        final long before = fillUntilGrowing(map, 8);

        @Actor
        public void first() {
            map.put(-1, 11);
        }

        @Actor
        public void second() {
            map.put(-2, 22);
        }

        @Arbiter
        public void end(L_Result r) {
            boolean ok = map.get(-1) == 11 && map.get(-2) == 22 && map.size() == before + 2;
            r.r1 = ok ? "both" : "-1:" + map.get(-1) + " -2:" + map.get(-2) + " size " + map.size();
            map.close();
        }
    }

    /**
     * close racing get: the get returns the value (it ran before the close took effect) or throws
     * IllegalStateException; nothing else, and never a crash.
     */
    @JCStressTest
    @Description("close racing get: the value or IllegalStateException")
    @Outcome(id = "value", expect = ACCEPTABLE, desc = "get completed before close")
    @Outcome(id = "IllegalStateException", expect = ACCEPTABLE, desc = "get saw the map closed")
    @Outcome(expect = FORBIDDEN, desc = "another exception or a wrong value")
    @State
    public static class CloseVersusGet {
        final ConcurrentLongLongMap map = newMap();

        {
            map.put(KEY, 5);
        }

        @Actor
        public void closer() {
            map.close();
        }

        @Actor
        public void reader(L_Result r) {
            try {
                long v = map.get(KEY);
                r.r1 = v == 5 ? "value" : "got " + v;
            } catch (RuntimeException e) {
                r.r1 = e.getClass().getSimpleName();
            }
        }
    }

    /** Fills keys 1..120, removes all but 1..6 and starts a trim toward one bucket, no unit evacuated yet. */
    static ConcurrentLongLongMap shrinking() {
        ConcurrentLongLongMap map = newMap();
        for (long k = 1; k <= 120; k++) {
            map.put(k, k * 10);
        }
        map.finishGrowth();
        for (long k = 7; k <= 120; k++) {
            map.remove(k);
        }
        map.trimToSize();
        return map;
    }

    /**
     * A get of a present key while another thread carries a trim out ({@code finishGrowth} evacuates
     * every unit of every step, locking each unit's old buckets together): always found.
     */
    @JCStressTest
    @Description("get during a shrink always finds the key")
    @Outcome(id = "30", expect = ACCEPTABLE, desc = "found")
    @Outcome(expect = FORBIDDEN, desc = "missing or wrong during the shrink")
    @State
    public static class GetDuringShrink {
        final ConcurrentLongLongMap map = shrinking();

        @Actor
        public void shrinker() {
            map.finishGrowth();
        }

        @Actor
        public void reader(L_Result r) {
            r.r1 = map.get(3);
        }

        @Arbiter
        public void end() {
            map.close();
        }
    }

    /** Puts of new keys and an addAndGet during a shrink: all present afterwards, size right. */
    @JCStressTest
    @Description("Writes during a shrink: all present after")
    @Outcome(id = "all", expect = ACCEPTABLE, desc = "both new keys present, the add applied, size right")
    @Outcome(expect = FORBIDDEN, desc = "a write lost or duplicated")
    @State
    public static class WritesDuringShrink {
        final ConcurrentLongLongMap map = shrinking();

        @Actor
        public void first() {
            map.put(1_001, 11);
            map.finishGrowth();
        }

        @Actor
        public void second() {
            map.put(1_002, 22);
            map.addAndGet(1, 1);
        }

        @Arbiter
        public void end(L_Result r) {
            boolean ok = map.get(1_001) == 11 && map.get(1_002) == 22 && map.get(1) == 11 && map.get(6) == 60
                    && map.size() == 8;
            r.r1 = ok ? "all" : "1001:" + map.get(1_001) + " 1002:" + map.get(1_002) + " 1:" + map.get(1)
                    + " size " + map.size();
            map.close();
        }
    }

    /**
     * clear() racing a get of a present key and the put of a new one: afterwards the old key is gone,
     * and the new key is present or not (put before or after the clear); the reader sees the value or
     * nothing.
     */
    @JCStressTest
    @Description("clear racing get and put")
    @Outcome(id = "50, 0, 9", expect = ACCEPTABLE, desc = "read before the clear; the put after it")
    @Outcome(id = "50, 0, 0", expect = ACCEPTABLE, desc = "read before the clear; the put before it")
    @Outcome(id = "0, 0, 9", expect = ACCEPTABLE, desc = "read after the clear; the put after it")
    @Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "read after the clear; the put before it")
    @Outcome(expect = FORBIDDEN, desc = "an old key left, or a wrong value")
    @State
    public static class ClearVersusGetAndPut {
        final ConcurrentLongLongMap map = newMap();

        {
            for (long k = 1; k <= 40; k++) {
                map.put(k, k * 10);
            }
        }

        @Actor
        public void clearer() {
            map.clear();
        }

        @Actor
        public void reader(JJJ_Result r) {
            r.r1 = map.get(5);
        }

        @Actor
        public void putter() {
            map.put(KEY, 9);
        }

        @Arbiter
        public void end(JJJ_Result r) {
            r.r2 = map.get(5);
            r.r3 = map.get(KEY);
            map.close();
        }
    }
}
