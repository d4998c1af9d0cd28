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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.concurrent.TimeUnit;

/**
 * What does it cost to grow a map from empty to {@code size} entries, and what does the worst
 * single put cost while it grows? Each op (JMH single shot) puts {@code size} random keys into an
 * empty map that was not pre-sized; JMH reports the time of the whole growth. Every put is also
 * timed on its own with {@link System#nanoTime()} (about 20-40 ns of overhead per put, the same for
 * every map), and each measured iteration appends one line of percentiles to
 * {@code <tophash.growth.dir>/growth-latency.jsonl} (a {@link GrowthLatency} record), which
 * {@link ResultsReport} and {@link HugePageReport} read. This is where Go-style incremental growth must show:
 * a rehashing map pays for copying its whole table inside one put.
 *
 * <p>The on-heap maps' latencies include the garbage collector's pauses (G1, the JDK default),
 * as their users' would; the heap is pre-touched so that first-touch page faults of the heap are
 * not. tophash's memory is mapped and faulted in by the map itself, inside the puts, as it would be
 * in use.
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar GrowthBenchmark -p impl=TOPHASH_LINE_HUGE,FASTUTIL -p size=1000000}
 * (or this class's {@code main}).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {Workload.PRE_TOUCH, Workload.GROWTH_HEAP_MIN, Workload.GROWTH_HEAP_MAX,
        Workload.CHRONICLE_EXPORT_JAVAC_FILE, Workload.CHRONICLE_OPEN_LANG, Workload.CHRONICLE_OPEN_REFLECT,
        Workload.NATIVE_ACCESS, Workload.CHRONICLE_NO_ANALYTICS})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class GrowthBenchmark {

    /** System property naming the directory the latency lines go to; {@code target/growth} by default. */
    public static final String OUTPUT_DIRECTORY = "tophash.growth.dir";

    @Param
    public Impl impl;

    @Param({Workload.MEDIUM, Workload.LARGE})
    public int size;

    private long[] keys;
    private long[] latencies;
    private BenchMap map;

    @Setup(Level.Trial)
    public void drawKeys() {
        if (!impl.canGrow()) {
            throw new IllegalStateException(impl + " cannot grow from empty: it is sized when created");
        }
        keys = Workload.presentKeys(size);
        latencies = new long[size];
    }

    @Setup(Level.Iteration)
    public void emptyMap() {
        map = impl.createEmpty();
    }

    @Benchmark
    public long growFromEmpty() {
        BenchMap m = map;
        long[] k = keys;
        long[] lat = latencies;
        long before = System.nanoTime();
        for (int i = 0; i < k.length; i++) {
            m.put(k[i], i + 1); // never 0: Agrona refuses its missing value
            long after = System.nanoTime();
            lat[i] = after - before;
            before = after;
        }
        return m.size();
    }

    @TearDown(Level.Iteration)
    public void record(BenchmarkParams benchmark, IterationParams iteration) {
        long entries = map.size();
        map.close();
        map = null;
        if (entries != size) {
            throw new IllegalStateException("expected " + size + " entries, map has " + entries);
        }
        if (iteration.getType() != IterationType.MEASUREMENT) {
            return;
        }
        GrowthLatency line = GrowthLatency.of(impl.name(), size, String.join(" ", benchmark.getJvmArgs()), latencies);
        line.appendTo(ResultsReport.GROWTH_LATENCY_FILE);
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(GrowthBenchmark.class.getName()).build()).run();
    }
}
