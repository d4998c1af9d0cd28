package io.tophash.jcstress;

import io.tophash.LongLongMap;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;
import org.openjdk.jcstress.infra.results.LL_Result;
import org.openjdk.jcstress.infra.results.L_Result;

import java.util.ConcurrentModificationException;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * jcstress tests of {@link LongLongMap}'s threading contract: a map may be handed to another
 * thread by safe publication, and a write racing another access is detected on a best-effort
 * basis only.
 *
 * <p>jcstress makes a fresh {@code @State} object for every iteration and calls the
 * {@code @Arbiter} on every state it made (the sanity checks included), after all actors. So each
 * state owns at most one map and the arbiter closes it: the memory comes from shared arenas that
 * the garbage collector never frees, and millions of iterations would otherwise exhaust it.
 *
 * <p>Outcomes are strings, so that a FORBIDDEN result names what went wrong.
 */
public final class LongLongMapStress {

    private LongLongMapStress() {
    }

    /** Distinct keys spread over the hash space (multiples of the 64-bit golden ratio). */
    static long key(int i) {
        return (i + 1) * 0x9E3779B97F4A7C15L;
    }

    /** Never 0 for these keys, the value {@code get} returns for a missing key. */
    static long valueOf(long key) {
        return ~key;
    }

    static String exceptionName(Throwable e) {
        return e.getClass().getSimpleName();
    }

    /**
     * A map built, filled and published by one thread through a volatile field is complete when
     * read by another: a reader that sees the reference sees every entry with its value and the
     * size, even though the map is published in the middle of a growth, with entries in both the
     * old table and the new one the writer allocated (and the allocator zero-filled).
     */
    @JCStressTest
    @Description("A map built and filled on one thread, published by a volatile write, is complete on another")
    @Outcome(id = PublishAfterBuild.NOT_PUBLISHED, expect = ACCEPTABLE, desc = "not yet published")
    @Outcome(id = PublishAfterBuild.COMPLETE, expect = ACCEPTABLE, desc = "published: every entry visible with its value, size right")
    @Outcome(expect = FORBIDDEN, desc = "published, but an entry is missing or wrong, the size is wrong, or a read threw")
    @State
    public static class PublishAfterBuild {
        static final String NOT_PUBLISHED = "not published";
        static final String COMPLETE = "complete";

        /**
         * 48 entries into a map sized for 24 (8 buckets of 7 slots): the 46th put starts the
         * growth to 16 buckets and each put evacuates at most two old buckets, so at least two
         * of the eight are still unevacuated when the map is published and the reader looks in
         * both tables. Pre-sizing spares the writer the earlier growths, whose chunk releases
         * each cost a thread handshake: without it the writer was so much slower than the
         * reader that 0.05% of reads saw the map published (quick mode), against 46% with it.
         */
        static final int ENTRIES = 48;
        static final int PRESIZED_FOR = 24;

        volatile LongLongMap published;

        @Actor
        public void writer() {
            LongLongMap map = LongLongMap.builder().expectedSize(PRESIZED_FOR).build();
            for (int i = 0; i < ENTRIES; i++) {
                map.put(key(i), valueOf(key(i)));
            }
            published = map;
        }

        @Actor
        public void reader(L_Result r) {
            LongLongMap map = published;
            if (map == null) {
                r.r1 = NOT_PUBLISHED;
                return;
            }
            try {
                r.r1 = check(map);
            } catch (RuntimeException e) {
                r.r1 = exceptionName(e);
            }
        }

        private static String check(LongLongMap map) {
            for (int i = 0; i < ENTRIES; i++) {
                long k = key(i);
                if (!map.containsKey(k)) {
                    return "missing key " + i;
                }
                long v = map.get(k);
                if (v != valueOf(k)) {
                    return "key " + i + " holds " + v;
                }
            }
            long size = map.size();
            return size == ENTRIES ? COMPLETE : "size " + size;
        }

        /** Runs after both actors, so the writer has always published by now. */
        @Arbiter
        public void closeMap() {
            published.close();
        }
    }

    /**
     * Two threads each put one key into the same map at once. A put that sees the other's write
     * in progress throws {@link ConcurrentModificationException} and changes nothing, so then the
     * other put lands alone and the map is intact; since the one that sees the flag never sets
     * it, both cannot throw it. The detection is best effort (a plain flag, no atomics), so the
     * race may also go unseen, and then anything but a crash may happen: both puts return and
     * the map loses keys, or a put fails with another exception (NullPointerException: the
     * threads share the map's scratch fields, such as the insertion point).
     *
     * <p>Result: (writer 1, writer 2, map afterwards). Each writer records {@code ok},
     * {@code CME} or the simple name of whatever else its put threw; the arbiter records
     * {@code intact} if the map holds exactly the keys of the puts that returned, else what it
     * found. A map broken by an unseen race is the program's fault, not the map's: only the
     * frequency is of interest.
     *
     * <p>Both keys fit in the map's single bucket: no growth, so no put releases memory (nothing
     * can be released twice) and every chain stays acyclic (the arbiter's reads end). A put
     * that races a growth unseen fails more often (IllegalStateException "Already closed",
     * NullPointerException, ArrayIndexOutOfBoundsException: about 1 sample in 10^4 in quick mode)
     * and may leak the table the other thread allocated.
     */
    @JCStressTest
    @Description("Two concurrent puts: ConcurrentModificationException if seen, anything but a crash if not")
    @Outcome(id = "ok, ok, intact", expect = ACCEPTABLE_INTERESTING,
            desc = "no CME: the puts did not overlap, or raced unseen (detection is best effort) harmlessly")
    @Outcome(id = "ok, ok, (?!intact$).*", expect = ACCEPTABLE_INTERESTING,
            desc = "race not detected (detection is best effort), and it broke the map")
    @Outcome(id = {"\\w+Exception, (ok|\\w+Exception), .*", "ok, \\w+Exception, .*"}, expect = ACCEPTABLE_INTERESTING,
            desc = "race not detected, and a put failed on what the other was changing")
    @Outcome(id = "(CME, ok|ok, CME), intact", expect = ACCEPTABLE, desc = "detected: a put saw the other writing and threw CME")
    @Outcome(expect = FORBIDDEN, desc = "a CME put left a trace or the other put did not land, both threw CME, or a put failed alone")
    @State
    public static class WritingFlag {
        static final String OK = "ok";
        static final String CME = "CME";
        static final String INTACT = "intact";

        static final long KEY_1 = key(1);
        static final long KEY_2 = key(2);

        /** One bucket of 7 slots (the default layout): room for both keys without growing. */
        final LongLongMap map = LongLongMap.builder().build();

        @Actor
        public void writer1(LLL_Result r) {
            r.r1 = put(KEY_1);
        }

        @Actor
        public void writer2(LLL_Result r) {
            r.r2 = put(KEY_2);
        }

        private String put(long key) {
            try {
                map.put(key, valueOf(key));
                return OK;
            } catch (ConcurrentModificationException e) {
                return CME;
            } catch (RuntimeException e) {
                return exceptionName(e);
            }
        }

        @Arbiter
        public void checkAndClose(LLL_Result r) {
            String state;
            try {
                state = check(OK.equals(r.r1), OK.equals(r.r2));
            } catch (RuntimeException e) {
                state = "reading threw " + exceptionName(e);
            }
            try {
                map.close();
            } catch (RuntimeException e) {
                state += "; close threw " + exceptionName(e);
            }
            r.r3 = state;
        }

        /** Present: exactly the keys whose put returned, with their values. */
        private String check(boolean put1, boolean put2) {
            boolean has1 = map.containsKey(KEY_1);
            boolean has2 = map.containsKey(KEY_2);
            if (has1 != put1 || has2 != put2) {
                return "keys present: " + has1 + " " + has2;
            }
            if ((put1 && map.get(KEY_1) != valueOf(KEY_1)) || (put2 && map.get(KEY_2) != valueOf(KEY_2))) {
                return "wrong value";
            }
            long expectedSize = (put1 ? 1 : 0) + (put2 ? 1 : 0);
            return map.size() == expectedSize ? INTACT : "size " + map.size();
        }
    }

    /**
     * Any number of threads may read a map that no thread writes, as with Go's maps: reads write
     * no shared state. Two readers look up the same keys at once in a map built before either
     * starts; the keys all share one bucket (found with the map's fixed seed), so the lookups walk
     * an overflow chain, the path where a scratch field shared between readers once returned
     * another reader's value. Each reader records {@code ok} or the first key it got wrong.
     */
    @JCStressTest
    @Description("Two threads reading a map that nobody writes both see every entry")
    @Outcome(id = "ok, ok", expect = ACCEPTABLE, desc = "both readers saw every entry")
    @Outcome(expect = FORBIDDEN, desc = "a reader missed an entry, read a wrong value, or threw")
    @State
    public static class ConcurrentReaders {
        static final long SEED = 42;
        /** Three buckets' worth of keys in one chain (7 slots a bucket in the default layout). */
        static final long[] CHAINED_KEYS = keysInOneBucket(100, 17);

        final LongLongMap map = LongLongMap.builder().seed(SEED).expectedSize(100).build();

        public ConcurrentReaders() {
            for (long k : CHAINED_KEYS) {
                map.put(k, valueOf(k));
            }
        }

        /** Keys whose hashes share their low bits, so they share a bucket in a map sized for {@code expected}. */
        static long[] keysInOneBucket(int expected, int count) {
            try (LongLongMap probe = LongLongMap.builder().seed(SEED).expectedSize(expected).build()) {
                long mask = probe.stats().bucketCount() - 1;
                long[] keys = new long[count];
                long target = io.tophash.engine.Hashing.hash(0, SEED) & mask;
                for (long k = 0, n = 0; n < count; k++) {
                    if ((io.tophash.engine.Hashing.hash(k, SEED) & mask) == target) {
                        keys[(int) n++] = k;
                    }
                }
                return keys;
            }
        }

        @Actor
        public void reader1(LL_Result r) {
            r.r1 = readAll();
        }

        @Actor
        public void reader2(LL_Result r) {
            r.r2 = readAll();
        }

        private String readAll() {
            try {
                for (long k : CHAINED_KEYS) {
                    if (map.get(k) != valueOf(k) || !map.containsKey(k)) {
                        return "key " + k + " read as " + map.get(k);
                    }
                }
                return "ok";
            } catch (RuntimeException e) {
                return exceptionName(e);
            }
        }

        @Arbiter
        public void closeMap() {
            map.close();
        }
    }

    /**
     * Closing a map while another thread reads it (a misuse the map must survive): the reader
     * either finishes with every value right or gets {@link IllegalStateException}, never another
     * exception (the old close nulled its chunk references after publishing its closed flag with a
     * plain store, so a reader on a weakly ordered CPU could see the null and throw
     * {@link NullPointerException}) and never a wrong value. Each state owns one small map of 4
     * KiB chunks (a 30-entry chain), so close() releases several arenas while the reader walks.
     */
    @JCStressTest
    @Description("A reader racing close() sees every value or IllegalStateException, nothing else")
    @Outcome(id = "ok", expect = ACCEPTABLE, desc = "the reader finished before the memory went")
    @Outcome(id = "IllegalStateException", expect = ACCEPTABLE_INTERESTING, desc = "the reader met the closed map")
    @Outcome(expect = FORBIDDEN, desc = "a wrong value, or an exception other than IllegalStateException")
    @State
    public static class CloseWhileReading {
        static final long[] KEYS = ConcurrentReaders.keysInOneBucket(100, 30);

        final LongLongMap map = LongLongMap.builder().seed(ConcurrentReaders.SEED).expectedSize(100)
                .chunkBytes(4096).build();

        public CloseWhileReading() {
            for (long k : KEYS) {
                map.put(k, valueOf(k));
            }
        }

        @Actor
        public void reader(L_Result r) {
            try {
                for (long k : KEYS) {
                    if (map.get(k) != valueOf(k)) {
                        r.r1 = "key " + k + " read wrong";
                        return;
                    }
                }
                r.r1 = "ok";
            } catch (RuntimeException e) {
                r.r1 = exceptionName(e);
            }
        }

        @Actor
        public void closer() {
            map.close();
        }
    }
}
