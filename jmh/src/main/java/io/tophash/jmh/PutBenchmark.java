package io.tophash.jmh;

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
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.concurrent.TimeUnit;

/**
 * What does inserting a new key cost in a map that already holds {@code size} entries and has
 * room for it? Each invocation puts a batch of {@value #BATCH} keys that are not in the map,
 * and an untimed teardown removes them again, so every timed put is a true insert, the map
 * stays at {@code size} entries and never grows (it is pre-sized for {@code size + BATCH}).
 * Batches walk through {@code size} fresh keys (rounded up to whole batches) in random order, so
 * at 10M the buckets written are as cold as a real insert stream would find them.
 *
 * <p>The timed part is inserts only. The allocation figure of {@code -prof gc} covers the whole
 * iteration, teardown included: for HASHMAP it also counts the key boxes the removals allocate;
 * tophash allocates in neither.
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar PutBenchmark -p impl=TOPHASH_LINE_ALIGNED,FASTUTIL -p size=10000 -prof gc}
 * (or this class's {@code main}); {@link LayoutReport} runs it next to the other questions.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {Workload.PRE_TOUCH, Workload.HEAP_MIN, Workload.HEAP_MAX,
        Workload.CHRONICLE_EXPORT_JAVAC_FILE, Workload.CHRONICLE_OPEN_LANG, Workload.CHRONICLE_OPEN_REFLECT,
        Workload.NATIVE_ACCESS, Workload.CHRONICLE_NO_ANALYTICS})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PutBenchmark {

    /** Puts per invocation: enough (tens of microseconds) that the per-invocation timer and teardown are negligible. */
    static final int BATCH = 1024;

    @Param
    public Impl impl;

    @Param({Workload.SMALL, Workload.LARGE})
    public int size;

    private BenchMap map;
    private long[] freshKeys;
    private int batchStart;

    @Setup(Level.Trial)
    public void fill() {
        map = impl.create(size + BATCH);
        Workload.fill(map, Workload.presentKeys(size));
        int batches = (size + BATCH - 1) / BATCH;
        freshKeys = Workload.absentKeys(size, batches * BATCH);
    }

    @TearDown(Level.Trial)
    public void close() {
        map.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void put() {
        long[] keys = freshKeys;
        for (int i = batchStart, end = batchStart + BATCH; i < end; i++) {
            map.put(keys[i], keys[i]);
        }
    }

    @TearDown(Level.Invocation)
    public void removeBatch() {
        for (int i = batchStart, end = batchStart + BATCH; i < end; i++) {
            map.remove(freshKeys[i]);
        }
        batchStart = (batchStart + BATCH) % freshKeys.length;
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(PutBenchmark.class.getName()).build()).run();
    }
}
