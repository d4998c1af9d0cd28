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
 * What does a read-mostly service mix cost? Each op is a get (90%) or an update of a present key
 * (10%), both over the {@code size} keys in a shuffled order; which op comes next is drawn from a
 * fixed-seed random stream, so the branch cannot be learned from a pattern. Updates overwrite
 * a value and so keep the map at {@code size} entries.
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar MixedBenchmark -p impl=TOPHASH_LINE_ALIGNED,FASTUTIL -p size=10000 -prof gc}
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
public class MixedBenchmark {

    /** Percent of ops that are writes. */
    static final int WRITE_PERCENT = 10;

    @Param
    public Impl impl;

    @Param({Workload.SMALL, Workload.LARGE})
    public int size;

    private BenchMap map;
    private long[] keys;
    private boolean[] isWrite;
    private int next;

    @Setup(Level.Trial)
    public void fill() {
        long[] present = Workload.presentKeys(size);
        map = impl.create(size);
        Workload.fill(map, present);
        keys = Workload.shuffled(present);
        isWrite = Workload.writeMask(keys.length, WRITE_PERCENT);
    }

    @TearDown(Level.Trial)
    public void close() {
        long entries = map.size();
        map.close();
        if (entries != size) {
            throw new IllegalStateException("updates changed the size: " + entries + " != " + size);
        }
    }

    @Benchmark
    public long mix90get10put() {
        int i = next;
        next = i + 1 == keys.length ? 0 : i + 1;
        long key = keys[i];
        if (isWrite[i]) {
            map.put(key, key + i);
            return i;
        }
        return map.get(key);
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(MixedBenchmark.class.getName()).build()).run();
    }
}
