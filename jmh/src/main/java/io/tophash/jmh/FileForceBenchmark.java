package io.tophash.jmh;

import io.tophash.LongLongMap;
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

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What does durability after a power loss cost a write? A {@code LongLongMap} file of 1M entries
 * whose replacing puts end with {@code force()} ({@code msync} of the header and the table) every
 * {@code forceEvery} writes (0: never; the builder's {@code forceEvery}). The cost is the device's:
 * the file is on this machine's disk ({@code tophash.bench.dir}, default {@code target/}).
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar FileForceBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {Workload.PRE_TOUCH, Workload.HEAP_MIN, Workload.HEAP_MAX, Workload.NATIVE_ACCESS})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FileForceBenchmark {

    @Param({"0", "1", "100", "10000"})
    public long forceEvery;

    @Param({"1000000"})
    public int size;

    private LongLongMap map;
    private Path file;
    private long[] keys;
    private int next;
    private long value;

    @Setup(Level.Trial)
    public void fill() {
        file = FileMapImpl.newFile("map");
        long[] present = Workload.presentKeys(size);
        try (LongLongMap filling = LongLongMap.builder().expectedSize(size).seed(Impl.HASH_SEED).file(file).build()) {
            for (long key : present) {
                filling.put(key, key);
            }
            filling.force();
        }
        map = LongLongMap.builder().file(file).forceEvery(forceEvery).build();
        keys = Workload.shuffled(present);
    }

    @TearDown(Level.Trial)
    public void close() {
        map.close();
        FileMapImpl.delete(file);
    }

    @Benchmark
    public void put() {
        int i = next;
        next = i + 1 == keys.length ? 0 : i + 1;
        map.put(keys[i], value++);
    }
}
