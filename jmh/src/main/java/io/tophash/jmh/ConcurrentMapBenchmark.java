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
import org.openjdk.jmh.infra.ThreadParams;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.concurrent.TimeUnit;

/**
 * How many operations per second does a map shared by 1 or 2 threads serve? Each thread walks
 * the {@code size} present keys in its own shuffled order (starting at a different place) and
 * either gets the key or puts a new value for it, by the {@link Mix}; puts only update, so the
 * map keeps its size and never grows while timed. Threads: JMH's {@code -t} ({@link ConcurrentReport}
 * runs 1 and 2).
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar ConcurrentMapBenchmark -t 2 -p impl=TOPHASH_CONCURRENT,CONCURRENT_HASHMAP -p size=1000000}
 * (or this class's {@code main}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {Workload.PRE_TOUCH, Workload.HEAP_MIN, Workload.HEAP_MAX,
        Workload.CHRONICLE_EXPORT_JAVAC_FILE, Workload.CHRONICLE_OPEN_LANG, Workload.CHRONICLE_OPEN_REFLECT,
        Workload.NATIVE_ACCESS, Workload.CHRONICLE_NO_ANALYTICS})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ConcurrentMapBenchmark {

    /** The share of writes among the operations: every {@code period}-th op of a thread is a put. */
    public enum Mix {
        GET_ONLY(0), GET_90_PUT_10(10), GET_50_PUT_50(2);

        final int period;

        Mix(int period) {
            this.period = period;
        }
    }

    @Param
    public ConcurrentImpl impl;

    @Param({Workload.MEDIUM, Workload.LARGE})
    public int size;

    @Param
    public Mix mix;

    BenchMap map;
    long[] lookups;

    @Setup(Level.Trial)
    public void fill() {
        long[] keys = Workload.presentKeys(size);
        map = impl.create(size);
        Workload.fill(map, keys);
        lookups = Workload.shuffled(keys);
    }

    @TearDown(Level.Trial)
    public void close() {
        map.close();
    }

    /** One thread's place in the lookup order and in the mix. */
    @State(Scope.Thread)
    public static class Walker {
        int next;
        int tick;

        @Setup(Level.Trial)
        public void start(ConcurrentMapBenchmark benchmark, ThreadParams thread) {
            next = (int) ((long) benchmark.lookups.length * thread.getThreadIndex() / thread.getThreadCount());
        }
    }

    @Benchmark
    public long op(Walker walker) {
        long[] keys = lookups;
        int i = walker.next;
        walker.next = i + 1 == keys.length ? 0 : i + 1;
        long key = keys[i];
        int period = mix.period;
        if (period != 0 && ++walker.tick == period) {
            walker.tick = 0;
            map.put(key, i);
            return i;
        }
        return map.get(key);
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(ConcurrentMapBenchmark.class.getName()).threads(2).build()).run();
    }
}
