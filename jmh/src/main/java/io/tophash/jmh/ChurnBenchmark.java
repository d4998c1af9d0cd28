package io.tophash.jmh;

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
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.concurrent.TimeUnit;

/**
 * What does a key cost that leaves the map and comes back (a device that disconnects and
 * reconnects)? Each op removes one of the {@code size} present keys and puts it back, visiting
 * all of them in a shuffled order, so the map stays at {@code size} entries. This is where
 * tombstones (Eclipse Collections), backward-shift deletion (fastutil, HPPC, Agrona), node churn
 * (HashMap) and tophash's emptied slots show their cost.
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar ChurnBenchmark -p impl=TOPHASH_LINE_ALIGNED,FASTUTIL -p size=10000 -prof gc}
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
public class ChurnBenchmark {

    @Param
    public Impl impl;

    @Param({Workload.SMALL, Workload.LARGE})
    public int size;

    private BenchMap map;
    private long[] order;
    private int next;

    @Setup(Level.Trial)
    public void fill() {
        long[] keys = Workload.presentKeys(size);
        map = impl.create(size);
        Workload.fill(map, keys);
        order = Workload.shuffled(keys);
    }

    @TearDown(Level.Trial)
    public void close() {
        long entries = map.size();
        map.close();
        if (entries != size) {
            throw new IllegalStateException("churn changed the size: " + entries + " != " + size);
        }
    }

    /** One remove and one put of the same key: the time of the pair. */
    @Benchmark
    public void churn() {
        int i = next;
        next = i + 1 == order.length ? 0 : i + 1;
        long key = order[i];
        map.remove(key);
        map.put(key, key);
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(ChurnBenchmark.class.getName()).build()).run();
    }
}
