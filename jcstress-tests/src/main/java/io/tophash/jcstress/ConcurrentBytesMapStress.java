package io.tophash.jcstress;

import io.tophash.ConcurrentBytesMap;
import io.tophash.engine.Hashing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJJ_Result;
import org.openjdk.jcstress.infra.results.JJ_Result;
import org.openjdk.jcstress.infra.results.L_Result;
import org.openjdk.jcstress.infra.results.ZZJ_Result;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * jcstress tests of {@link ConcurrentBytesMap}: one nested test per operation pair, each with its
 * invariant. Keys are 24 bytes, so they live in the key store (the harder case: a reader compares
 * bytes outside the slot). Values are 64-byte records of eight words that every writer fills with
 * one number and readers check whole: a torn record is a failure. Every state builds its own small
 * map with a fixed seed and the arbiter closes it. Every test ends with a catch-all FORBIDDEN
 * outcome.
 */
public final class ConcurrentBytesMapStress {

    static final long SEED = 0x5EED;
    static final int VALUE_SIZE = 64;
    static final String KEY = "device-0000000000000042";

    private ConcurrentBytesMapStress() {
    }

    static ConcurrentBytesMap newMap() {
        return ConcurrentBytesMap.builder().valueSize(VALUE_SIZE).seed(SEED).build();
    }

    /** A record whose eight words all hold {@code n}. */
    static MemorySegment record(long n) {
        MemorySegment r = MemorySegment.ofArray(new long[VALUE_SIZE / 8]);
        for (int i = 0; i < VALUE_SIZE; i += 8) {
            r.set(ValueLayout.JAVA_LONG, i, n);
        }
        return r;
    }

    /** The number a whole record holds, -1 for a torn one, 0 when {@code present} is false. */
    static long numberIn(MemorySegment r, boolean present) {
        if (!present) {
            return 0;
        }
        long n = r.get(ValueLayout.JAVA_LONG, 0);
        for (int i = 8; i < VALUE_SIZE; i += 8) {
            if (r.get(ValueLayout.JAVA_LONG, i) != n) {
                return -1;
            }
        }
        return n;
    }

    static long read(ConcurrentBytesMap map, String key) {
        MemorySegment target = MemorySegment.ofArray(new long[VALUE_SIZE / 8]);
        return numberIn(target, map.getInto(key, target));
    }

    /** Adds one to every word of the record: a reader sees all of the old words or all of the new. */
    static void increment(ConcurrentBytesMap map, String key) {
        map.update(key, v -> {
            for (int i = 0; i < VALUE_SIZE; i += 8) {
                v.set(ValueLayout.JAVA_LONG, i, v.get(ValueLayout.JAVA_LONG, i) + 1);
            }
        });
    }

    static String key(long n) {
        return String.format("device-%016d", n);
    }

    /** The bucket of {@code key} in a table of {@code buckets}. */
    static long bucketOf(String key, long buckets) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        return Hashing.hashBytes(MemorySegment.ofArray(bytes), 0, bytes.length, Hashing.byteSeed(SEED)) & (buckets - 1);
    }

    /** Puts keys 1.. (value = n) until a growth is in progress with at least {@code oldBuckets} old buckets, half left. */
    static long fillUntilGrowing(ConcurrentBytesMap map, long oldBuckets) {
        long k = 1;
        while (true) {
            var stats = k < 40 ? null : map.stats();
            if (stats != null && stats.growing() && stats.oldBucketCount() >= oldBuckets
                    && stats.evacuatedBuckets() < stats.oldBucketCount() / 2) {
                return k - 1;
            }
            map.put(key(k), record(k));
            k++;
        }
    }

    /** Two puts of one key: each says whether the key was new; exactly one did, and the map keeps the later value. */
    @JCStressTest
    @Description("Two puts of one key: one inserts, the later value stays")
    @Outcome(id = "true, false, 2", expect = ACCEPTABLE, desc = "put 1 then put 2")
    @Outcome(id = "false, true, 1", expect = ACCEPTABLE, desc = "put 2 then put 1")
    @Outcome(expect = FORBIDDEN, desc = "both or neither new, or a lost or torn value")
    @State
    public static class SameKeyPuts {
        final ConcurrentBytesMap map = newMap();

        @Actor
        public void put1(ZZJ_Result r) {
            r.r1 = map.put(KEY, record(1));
        }

        @Actor
        public void put2(ZZJ_Result r) {
            r.r2 = map.put(KEY, record(2));
        }

        @Arbiter
        public void end(ZZJ_Result r) {
            r.r3 = read(map, KEY);
            map.close();
        }
    }

    /** getInto racing the put of an absent key: absent (0) or the whole record, never a torn one. */
    @JCStressTest
    @Description("getInto racing put: absent or the whole record")
    @Outcome(id = "0", expect = ACCEPTABLE, desc = "get before put")
    @Outcome(id = "7", expect = ACCEPTABLE, desc = "get after put")
    @Outcome(expect = FORBIDDEN, desc = "a torn or foreign record")
    @State
    public static class PutVersusGetInto {
        final ConcurrentBytesMap map = newMap();

        @Actor
        public void writer() {
            map.put(KEY, record(7));
        }

        @Actor
        public void reader(L_Result r) {
            r.r1 = read(map, KEY);
        }

        @Arbiter
        public void end() {
            map.close();
        }
    }

    /** Two updates of one absent key, each adding one to every word: no increment lost, the record whole. */
    @JCStressTest
    @Description("Two updates of one key lose no increment")
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "both applied")
    @Outcome(expect = FORBIDDEN, desc = "an update lost, or the record torn")
    @State
    public static class UpdateRace {
        final ConcurrentBytesMap map = newMap();

        @Actor
        public void first() {
            increment(map, KEY);
        }

        @Actor
        public void second() {
            increment(map, KEY);
        }

        @Arbiter
        public void end(L_Result r) {
            r.r1 = read(map, KEY);
            map.close();
        }
    }

    /** getInto racing an update that rewrites every word: the record before or after, never part of each. */
    @JCStressTest
    @Description("getInto racing update: before or after, never torn")
    @Outcome(id = "5", expect = ACCEPTABLE, desc = "read before the update")
    @Outcome(id = "6", expect = ACCEPTABLE, desc = "read after the update")
    @Outcome(expect = FORBIDDEN, desc = "a torn record")
    @State
    public static class UpdateVersusGetInto {
        final ConcurrentBytesMap map = newMap();

        {
            map.put(KEY, record(5));
        }

        @Actor
        public void updater() {
            increment(map, KEY);
        }

        @Actor
        public void reader(L_Result r) {
            r.r1 = read(map, KEY);
        }

        @Arbiter
        public void end() {
            map.close();
        }
    }

    /** Two putIfAbsent of one key: exactly one inserts, and the map keeps the winner's record. */
    @JCStressTest
    @Description("Two putIfAbsent of one key: exactly one inserts")
    @Outcome(id = "true, false, 1", expect = ACCEPTABLE, desc = "first inserted")
    @Outcome(id = "false, true, 2", expect = ACCEPTABLE, desc = "second inserted")
    @Outcome(expect = FORBIDDEN, desc = "both or neither inserted, or the map disagrees")
    @State
    public static class PutIfAbsentRace {
        final ConcurrentBytesMap map = newMap();

        @Actor
        public void first(ZZJ_Result r) {
            r.r1 = map.putIfAbsent(KEY, record(1));
        }

        @Actor
        public void second(ZZJ_Result r) {
            r.r2 = map.putIfAbsent(KEY, record(2));
        }

        @Arbiter
        public void end(ZZJ_Result r) {
            r.r3 = read(map, KEY);
            map.close();
        }
    }

    /**
     * remove racing a put of a present key: either order, and the key store's block of the removed
     * key is never handed to the put while a reader could still match it (the final state agrees).
     */
    @JCStressTest
    @Description("remove racing put of one key")
    @Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "remove then put: 2 stays")
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "put then remove: nothing stays")
    @Outcome(expect = FORBIDDEN, desc = "not a serial order of the two")
    @State
    public static class RemoveVersusPut {
        final ConcurrentBytesMap map = newMap();

        {
            map.put(KEY, record(1));
        }

        @Actor
        public void remover(JJ_Result r) {
            r.r1 = map.remove(KEY) ? 1 : 0;
        }

        @Actor
        public void putter() {
            map.put(KEY, record(2));
        }

        @Arbiter
        public void end(JJ_Result r) {
            r.r2 = read(map, KEY);
            map.close();
        }
    }

    /**
     * A getInto of a present key while a writer evacuates that key's old bucket (it puts a new key
     * of the same old bucket, which evacuates that bucket first): always found, whole.
     */
    @JCStressTest
    @Description("getInto during the evacuation of its bucket always finds the key")
    @Outcome(id = "found", expect = ACCEPTABLE, desc = "found with its record")
    @Outcome(expect = FORBIDDEN, desc = "missing, torn or wrong during evacuation")
    @State
    public static class GetDuringEvacuation {
        final ConcurrentBytesMap map = newMap();
        final long target;
        final String sameOldBucket;

        {
            long filled = fillUntilGrowing(map, 8);
            long oldBuckets = map.stats().oldBucketCount();
            long found = -1;
            for (long k = filled; k >= 1 && found < 0; k--) {
                if (bucketOf(key(k), oldBuckets) >= oldBuckets / 2) {
                    found = k; // the writes so far evacuated (mostly) the lower half
                }
            }
            long bucket = bucketOf(key(found), oldBuckets);
            String partner = null;
            for (long k = filled + 1; partner == null; k++) {
                if (bucketOf(key(k), oldBuckets) == bucket) {
                    partner = key(k);
                }
            }
            this.target = found;
            this.sameOldBucket = partner;
        }

        @Actor
        public void evacuator() {
            map.put(sameOldBucket, record(0));
        }

        @Actor
        public void reader(L_Result r) {
            long v = read(map, key(target));
            r.r1 = v == target ? "found" : "got " + v;
        }

        @Arbiter
        public void end() {
            map.close();
        }
    }

    /** Two puts of new keys and an update while a growth is in progress: all present afterwards, size right. */
    @JCStressTest
    @Description("Puts and an update during a growth: all present after")
    @Outcome(id = "all", expect = ACCEPTABLE, desc = "both new keys present, the update applied, size right")
    @Outcome(expect = FORBIDDEN, desc = "a write lost or duplicated")
    @State
    public static class WritesDuringGrowth {
        final ConcurrentBytesMap map = newMap();
        final long before = fillUntilGrowing(map, 8);

        @Actor
        public void first() {
            map.put("new-key-number-one-00001", record(11));
        }

        @Actor
        public void second() {
            map.put("new-key-number-two-00002", record(22));
            increment(map, key(1));
        }

        @Arbiter
        public void end(L_Result r) {
            boolean ok = read(map, "new-key-number-one-00001") == 11 && read(map, "new-key-number-two-00002") == 22
                    && read(map, key(1)) == 2 && map.size() == before + 2;
            r.r1 = ok ? "all" : "one:" + read(map, "new-key-number-one-00001") + " two:"
                    + read(map, "new-key-number-two-00002") + " k1:" + read(map, key(1)) + " size " + map.size();
            map.close();
        }
    }

    /**
     * Fills keys 1..120, removes all but 1..6 and starts a trim: a shrink of the table toward one
     * bucket, in steps of at most 8 old buckets per new one, no unit evacuated yet.
     */
    static ConcurrentBytesMap shrinking() {
        ConcurrentBytesMap map = newMap();
        for (long k = 1; k <= 120; k++) {
            map.put(key(k), record(k));
        }
        map.finishGrowth();
        for (long k = 7; k <= 120; k++) {
            map.remove(key(k));
        }
        map.trimToSize();
        return map;
    }

    /**
     * A getInto of a present key while another thread carries a trim out ({@code finishGrowth}
     * evacuates every unit of every step, locking each unit's old buckets together): always found,
     * whole, whichever table it reads.
     */
    @JCStressTest
    @Description("getInto during a shrink always finds the key")
    @Outcome(id = "3", expect = ACCEPTABLE, desc = "found with its record")
    @Outcome(expect = FORBIDDEN, desc = "missing, torn or wrong during the shrink")
    @State
    public static class GetDuringShrink {
        final ConcurrentBytesMap map = shrinking();

        @Actor
        public void shrinker() {
            map.finishGrowth();
        }

        @Actor
        public void reader(L_Result r) {
            r.r1 = read(map, key(3));
        }

        @Arbiter
        public void end() {
            map.close();
        }
    }

    /** Two writers during a shrink: a new key each, and an update of a kept one; all present afterwards, size right. */
    @JCStressTest
    @Description("Writes during a shrink: all present after")
    @Outcome(id = "all", expect = ACCEPTABLE, desc = "both new keys present, the update applied, size right")
    @Outcome(expect = FORBIDDEN, desc = "a write lost or duplicated")
    @State
    public static class WritesDuringShrink {
        final ConcurrentBytesMap map = shrinking();

        @Actor
        public void first() {
            map.put("new-key-number-one-00001", record(11));
            map.finishGrowth();
        }

        @Actor
        public void second() {
            map.put("new-key-number-two-00002", record(22));
            increment(map, key(1));
        }

        @Arbiter
        public void end(L_Result r) {
            boolean ok = read(map, "new-key-number-one-00001") == 11 && read(map, "new-key-number-two-00002") == 22
                    && read(map, key(1)) == 2 && read(map, key(6)) == 6 && map.size() == 8;
            r.r1 = ok ? "all" : "one:" + read(map, "new-key-number-one-00001") + " two:"
                    + read(map, "new-key-number-two-00002") + " k1:" + read(map, key(1)) + " size " + map.size();
            map.close();
        }
    }

    /**
     * clear() racing a getInto of a present key and the put of a new one: the reader sees the record
     * whole or nothing; afterwards the old key is gone, and the new key is present or not (put
     * before or after the clear), never torn.
     */
    @JCStressTest
    @Description("clear racing getInto and put")
    @Outcome(id = "5, 0, 9", expect = ACCEPTABLE, desc = "read before the clear; the put after it")
    @Outcome(id = "5, 0, 0", expect = ACCEPTABLE, desc = "read before the clear; the put before it")
    @Outcome(id = "0, 0, 9", expect = ACCEPTABLE, desc = "read after the clear; the put after it")
    @Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "read after the clear; the put before it")
    @Outcome(expect = FORBIDDEN, desc = "an old key left, or a torn record")
    @State
    public static class ClearVersusReadAndPut {
        final ConcurrentBytesMap map = newMap();

        {
            for (long k = 1; k <= 40; k++) {
                map.put(key(k), record(k == 5 ? 5 : k));
            }
        }

        @Actor
        public void clearer() {
            map.clear();
        }

        @Actor
        public void reader(JJJ_Result r) {
            r.r1 = read(map, key(5));
        }

        @Actor
        public void putter() {
            map.put(KEY, record(9));
        }

        @Arbiter
        public void end(JJJ_Result r) {
            r.r2 = read(map, key(5));
            r.r3 = read(map, KEY);
            map.close();
        }
    }

    /**
     * Two {@code getLong} reads (the first and the last word of the record) racing an update of
     * the stored key: each read is one value the key had, 5 or 6, never a torn word; and the second
     * read, which starts after the first ended, never sees the older value once the first saw the
     * newer one.
     */
    @JCStressTest
    @Description("getLong racing update: each field a value the key had, reads in order")
    @Outcome(id = "5, 5", expect = ACCEPTABLE, desc = "both reads before the update")
    @Outcome(id = "5, 6", expect = ACCEPTABLE, desc = "the update between the reads")
    @Outcome(id = "6, 6", expect = ACCEPTABLE, desc = "both reads after the update")
    @Outcome(expect = FORBIDDEN, desc = "a torn or foreign word, or the newer value then the older")
    @State
    public static class GetLongVersusUpdate {
        final ConcurrentBytesMap map = newMap();

        {
            map.put(KEY, record(5));
        }

        @Actor
        public void updater() {
            increment(map, KEY);
        }

        @Actor
        public void reader(JJ_Result r) {
            r.r1 = map.getLong(KEY, 0, -1);
            r.r2 = map.getLong(KEY, VALUE_SIZE - 8, -1);
        }

        @Arbiter
        public void end() {
            map.close();
        }
    }

    /**
     * {@link GetLongVersusUpdate} for a short key, which the map packs in registers (no key store,
     * no thread-local probe): the same outcomes.
     */
    @JCStressTest
    @Description("getLong of a short key racing update: each field a value the key had, reads in order")
    @Outcome(id = "5, 5", expect = ACCEPTABLE, desc = "both reads before the update")
    @Outcome(id = "5, 6", expect = ACCEPTABLE, desc = "the update between the reads")
    @Outcome(id = "6, 6", expect = ACCEPTABLE, desc = "both reads after the update")
    @Outcome(expect = FORBIDDEN, desc = "a torn or foreign word, or the newer value then the older")
    @State
    public static class ShortKeyGetLongVersusUpdate {
        static final String SHORT_KEY = "dev-42";
        final ConcurrentBytesMap map = newMap();

        {
            map.put(SHORT_KEY, record(5));
        }

        @Actor
        public void updater() {
            increment(map, SHORT_KEY);
        }

        @Actor
        public void reader(JJ_Result r) {
            r.r1 = map.getLong(SHORT_KEY, 0, -1);
            r.r2 = map.getLong(SHORT_KEY, VALUE_SIZE - 8, -1);
        }

        @Arbiter
        public void end() {
            map.close();
        }
    }
}
