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
 * What does one lookup cost when each lookup depends on the previous one, as one request's
 * latency sees it? The map holds the {@code size} keys linked into one random cycle: each key's
 * value is the next key of the cycle. Each op gets the value of the key the previous op returned,
 * so no lookup can start before the one before it has finished: nothing overlaps, unlike
 * {@link GetHitBenchmark}, whose independent lookups the CPU runs several at a time.
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar GetLatencyBenchmark -p impl=TOPHASH_LINE_ALIGNED,FASTUTIL -p size=10000000 -prof gc}
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
public class GetLatencyBenchmark {

    @Param
    public Impl impl;

    @Param({Workload.THOUSAND, Workload.HUNDRED_THOUSAND, Workload.MEDIUM, Workload.LARGE})
    public int size;

    private BenchMap map;
    /** The key the next op looks up: the value the previous op read. */
    private long current;

    @Setup(Level.Trial)
    public void fill() {
        map = impl.create(size);
        current = fillCycle(map, Workload.presentKeys(size));
    }

    @TearDown(Level.Trial)
    public void close() {
        map.close();
    }

    @Benchmark
    public long getLatency() {
        current = map.get(current);
        return current;
    }

    /**
     * Puts every key with the key after it in {@link Workload#shuffled shuffled} order as its
     * value, the last with the first: one cycle through all the keys, in the order
     * {@link GetHitBenchmark} visits them, so that {@code k = map.get(k)} walks every key once
     * before it comes back. The values are keys, none of them Agrona's missing value 0. Returns
     * the cycle's first key.
     */
    static long fillCycle(BenchMap map, long[] keys) {
        long[] cycle = Workload.shuffled(keys);
        for (int i = 0; i < cycle.length; i++) {
            map.put(cycle[i], cycle[i + 1 == cycle.length ? 0 : i + 1]);
        }
        if (map.size() != keys.length) {
            throw new IllegalStateException("expected " + keys.length + " entries, map has " + map.size());
        }
        return cycle[0];
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(GetLatencyBenchmark.class.getName()).build()).run();
    }
}
