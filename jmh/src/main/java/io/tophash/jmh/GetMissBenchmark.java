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
 * What does looking up an absent key cost? The map holds {@code size} keys; each op gets one
 * of {@code size} other random keys, none of them in the map, cycling through them.
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar GetMissBenchmark -p impl=TOPHASH_LINE_ALIGNED,FASTUTIL -p size=10000 -prof gc}
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
public class GetMissBenchmark {

    @Param
    public Impl impl;

    @Param({Workload.SMALL, Workload.LARGE})
    public int size;

    private BenchMap map;
    private long[] lookups;
    private int next;

    @Setup(Level.Trial)
    public void fill() {
        map = impl.create(size);
        Workload.fill(map, Workload.presentKeys(size));
        lookups = Workload.absentKeys(size, size);
    }

    @TearDown(Level.Trial)
    public void close() {
        map.close();
    }

    @Benchmark
    public long getMiss() {
        int i = next;
        next = i + 1 == lookups.length ? 0 : i + 1;
        return map.get(lookups[i]);
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(GetMissBenchmark.class.getName()).build()).run();
    }
}
