package io.tophash.jmh;

import io.tophash.LongLongMap;
import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What does a key cost when a caller has many keys to look up at once (a batch of 1,000 random
 * present keys, the next batch of a shuffled key array each time)? tophash's
 * {@code LongLongMap.getAll}, which loads the first buckets of 16 keys before it matches any of
 * them so that their cache misses overlap, against tophash's own loop of {@code get} and
 * fastutil's loop of {@code get} over the same keys. Scores are per key.
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar GetAllBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {Workload.PRE_TOUCH, Workload.GROWTH_HEAP_MIN, Workload.GROWTH_HEAP_MAX,
        Workload.NATIVE_ACCESS})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GetAllBenchmark {

    /** Keys per batch. */
    static final int BATCH = 1000;

    /** How the batch is looked up. */
    public enum Lookup {
        /** {@code LongLongMap.getAll(keys, values)}, default builder. */
        TOPHASH_GET_ALL,
        /** A loop of {@code LongLongMap.get} over the same keys. */
        TOPHASH_GET_LOOP,
        /** A loop of fastutil's {@code Long2LongOpenHashMap.get} over the same keys. */
        FASTUTIL_GET_LOOP
    }

    @Param
    public Lookup lookup;

    @Param({Workload.LARGE})
    public int size;

    private LongLongMap tophash;
    private Long2LongOpenHashMap fastutil;
    private long[] order;
    private int start;
    private final long[] batch = new long[BATCH];
    private final long[] values = new long[BATCH];

    @Setup(Level.Trial)
    public void fill() {
        long[] keys = Workload.presentKeys(size);
        if (lookup == Lookup.FASTUTIL_GET_LOOP) {
            fastutil = new Long2LongOpenHashMap(size);
            for (long k : keys) {
                fastutil.put(k, ~k);
            }
        } else {
            tophash = LongLongMap.builder().expectedSize(size).build();
            for (long k : keys) {
                tophash.put(k, ~k);
            }
            tophash.finishGrowth();
        }
        order = Workload.shuffled(keys);
    }

    @TearDown(Level.Trial)
    public void close() {
        if (tophash != null) {
            tophash.close();
        }
    }

    /** Copies the next batch of the shuffled keys (so that no batch finds the last one's lines in cache). */
    @Setup(Level.Invocation)
    public void nextBatch() {
        if (start + BATCH > order.length) {
            start = 0;
        }
        System.arraycopy(order, start, batch, 0, BATCH);
        start += BATCH;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long lookUpBatch() {
        long[] keys = batch;
        long[] out = values;
        switch (lookup) {
            case TOPHASH_GET_ALL -> tophash.getAll(keys, out);
            case TOPHASH_GET_LOOP -> {
                for (int i = 0; i < keys.length; i++) {
                    out[i] = tophash.get(keys[i]);
                }
            }
            case FASTUTIL_GET_LOOP -> {
                for (int i = 0; i < keys.length; i++) {
                    out[i] = fastutil.get(keys[i]);
                }
            }
        }
        return out[0] ^ out[BATCH - 1];
    }
}
