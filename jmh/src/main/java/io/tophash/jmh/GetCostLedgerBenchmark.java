package io.tophash.jmh;

import io.tophash.LongLongMap;
import io.tophash.engine.Chain;
import io.tophash.engine.Hashing;
import io.tophash.engine.RawMemory;
import io.tophash.engine.Table;
import io.tophash.engine.WriterTables;
import io.tophash.layout.LineBucketLayout;
import io.tophash.layout.Tophash;
import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Where do the nanoseconds of a {@code LongLongMap.get} hit go when everything is in L1? A ladder
 * of {@link Step}s over the same 1,000-entry map (default builder: the 128-byte line layout), each
 * rung doing one step more than the one before, so that the difference between two rungs is the
 * cost of the step between them: the key load, the hash, the tophash word, the SWAR match, the key
 * compare, the value read (with the engine's early load of the link word), the same steps on a
 * {@code long[]} copy of the table (no FFM bounds and liveness checks), the engine's probe as the
 * map calls it, and the map's {@code get}; fastutil's {@code get} on the same keys for scale.
 *
 * <p>The hand-written rungs read the map's own table and test the first tophash candidate only, so
 * the keys are those whose first candidate in their primary bucket is the key itself (most keys);
 * every rung answers the same value for them. Two questions per rung: {@link #independent} (the
 * next key does not wait for this answer: throughput, misses and work overlap) and
 * {@link #dependent} (the next key's index waits for this answer: latency, as one request sees
 * it).
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar GetCostLedgerBenchmark}, pinned to one CPU
 * for steadier numbers ({@code taskset -c 1}); docs/results.md keeps the ledger.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {Workload.PRE_TOUCH, Workload.HEAP_MIN, Workload.HEAP_MAX, Workload.NATIVE_ACCESS})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GetCostLedgerBenchmark {

    /** The rungs of the ladder, each one step more than the one before. */
    public enum Step {
        /** The key's load from the key array. */
        KEY,
        /** + the seeded hash. */
        HASH,
        /** + the primary bucket's tophash word. */
        TAG_WORD,
        /** + the SWAR match of the tophash byte. */
        TAG_MATCH,
        /** + the first candidate's key compare. */
        KEY_COMPARE,
        /** + the link word's early load and the value read: a whole probe, by hand. */
        VALUE,
        /** {@link #VALUE} on a {@code long[]} copy of the table: the probe without FFM's checks. */
        VALUE_ARRAY,
        /** The engine's probe as the map called it before issue #20: {@code Chain.find}, then the value by slot reference. */
        ENGINE_FIND,
        /** The engine's probe as the map calls it: {@code Chain.findValue}. */
        ENGINE_FIND_VALUE,
        /** {@code LongLongMap.get}: the probe and the map's checks. */
        MAP,
        /** fastutil's {@code Long2LongOpenHashMap.get} of the same keys. */
        FASTUTIL
    }

    /** Bytes of a tophash word that belong to slots (the line layout's byte 7 has no slot). */
    private static final long SLOT_TAGS = 0x0080_8080_8080_8080L;

    @Param
    public Step step;

    @Param({Workload.THOUSAND})
    public int size;

    private LongLongMap map;
    private WriterTables tables;
    private Table table;
    private MemorySegment segment;
    private long[] copy;
    private long seed;
    private long bucketMask;
    private Long2LongOpenHashMap fastutil;
    private long[] keys;
    private int next;
    /** Always 0, but unknown to the compiler: {@code answer & zero} makes the next index wait for the answer. */
    private long zero;

    @Setup(Level.Trial)
    public void fill() throws ReflectiveOperationException {
        long[] all = Workload.shuffled(Workload.presentKeys(size));
        map = LongLongMap.builder().expectedSize(size).build();
        fastutil = new Long2LongOpenHashMap(size);
        for (long k : all) {
            map.put(k, ~k);
            fastutil.put(k, ~k);
        }
        map.finishGrowth();
        tables = (WriterTables) field(LongLongMap.class, "tables").get(map);
        seed = field(LongLongMap.class, "seed").getLong(map);
        table = tables.table();
        if (table.stride != LineBucketLayout.BUCKET_LENGTH) {
            throw new IllegalStateException("the default builder no longer lays buckets out in lines: " + table.format);
        }
        segment = table.segment;
        bucketMask = table.bucketMask;
        copy = segment.toArray(ValueLayout.JAVA_LONG);
        long[] kept = new long[all.length];
        int n = 0;
        for (long k : all) {
            long h = Hashing.hash(k, seed);
            long off = (h & bucketMask) * LineBucketLayout.BUCKET_LENGTH;
            long m = Tophash.match(RawMemory.getLong(segment, off), Tophash.tophash(h)) & SLOT_TAGS;
            if (m != 0 && RawMemory.getLong(segment, off + LineBucketLayout.KEYS_OFFSET
                    + (Long.numberOfTrailingZeros(m) & ~7)) == k) {
                kept[n++] = k;
            }
        }
        keys = Arrays.copyOf(kept, n);
        for (long k : keys) {
            long expected = ~k;
            for (Step s : Step.values()) {
                if (s.ordinal() >= Step.VALUE.ordinal() && answer(s, k) != expected) {
                    throw new IllegalStateException(s + " answers " + answer(s, k) + " for key " + k + ", not " + expected);
                }
            }
        }
    }

    private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
        Field f = owner.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    @TearDown(Level.Trial)
    public void close() {
        map.close();
    }

    @Benchmark
    public long independent() {
        int i = next;
        next = i + 1 == keys.length ? 0 : i + 1;
        return answer(step, keys[i]);
    }

    @Benchmark
    public long dependent() {
        int i = next;
        long answer = answer(step, keys[i]);
        int j = i + 1 + (int) (answer & zero);
        next = j >= keys.length ? 0 : j;
        return answer;
    }

    private long answer(Step s, long k) {
        switch (s) {
            case KEY:
                return k;
            case HASH:
                return Hashing.hash(k, seed);
            case FASTUTIL:
                return fastutil.get(k);
            case MAP:
                return map.get(k);
            case ENGINE_FIND: {
                tables.readTable();
                long h = Hashing.hash(k, seed);
                Table t = tables.homeTable(h);
                long ref = Chain.find(t, h, k);
                return ref == Table.NONE ? 0 : t.longValueAt(ref);
            }
            case ENGINE_FIND_VALUE: {
                tables.readTable();
                long h = Hashing.hash(k, seed);
                return Chain.findValue(tables.homeTable(h), h, k, 0);
            }
            case VALUE_ARRAY:
                return onArray(k);
            default:
                return byHand(s, k);
        }
    }

    private long byHand(Step s, long k) {
        long h = Hashing.hash(k, seed);
        long off = (h & bucketMask) * LineBucketLayout.BUCKET_LENGTH;
        long link = s == Step.VALUE ? RawMemory.getLong(segment, off + LineBucketLayout.LINK_OFFSET) : 0;
        long tags = RawMemory.getLong(segment, off);
        if (s == Step.TAG_WORD) {
            return tags;
        }
        long m = Tophash.match(tags, Tophash.tophash(h)) & SLOT_TAGS;
        if (s == Step.TAG_MATCH) {
            return m;
        }
        long slotBytes = Long.numberOfTrailingZeros(m) & ~7;
        boolean hit = RawMemory.getLong(segment, off + LineBucketLayout.KEYS_OFFSET + slotBytes) == k;
        if (s == Step.KEY_COMPARE) {
            return hit ? slotBytes : -1;
        }
        return hit ? RawMemory.getLong(segment, off + LineBucketLayout.VALUES_OFFSET + slotBytes) : link;
    }

    private long onArray(long k) {
        long h = Hashing.hash(k, seed);
        int word = (int) ((h & bucketMask) * (LineBucketLayout.BUCKET_LENGTH / 8));
        long link = copy[word + (int) (LineBucketLayout.LINK_OFFSET / 8)];
        long m = Tophash.match(copy[word], Tophash.tophash(h)) & SLOT_TAGS;
        int slot = Long.numberOfTrailingZeros(m) >>> 3;
        boolean hit = copy[word + (int) (LineBucketLayout.KEYS_OFFSET / 8) + slot] == k;
        return hit ? copy[word + (int) (LineBucketLayout.VALUES_OFFSET / 8) + slot] : link;
    }
}
