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
 * What does a pass over every entry cost (a periodic scan or snapshot of all device records)? Each
 * op sums the values of all {@code size} entries through the map's own allocation-free iteration
 * ({@link BenchMap#sumValues()}). JMH reports the time of a whole pass; the reports divide it by
 * {@code size} to give ns per entry, comparable across sizes.
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar ForEachBenchmark -p impl=TOPHASH_LINE_ALIGNED,FASTUTIL -p size=10000 -prof gc}
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
public class ForEachBenchmark {

    @Param
    public Impl impl;

    @Param({Workload.SMALL, Workload.LARGE})
    public int size;

    private BenchMap map;

    @Setup(Level.Trial)
    public void fill() {
        map = impl.create(size);
        Workload.fill(map, Workload.presentKeys(size));
    }

    @TearDown(Level.Trial)
    public void close() {
        map.close();
    }

    @Benchmark
    public long forEach() {
        return map.sumValues();
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(ForEachBenchmark.class.getName()).build()).run();
    }
}
