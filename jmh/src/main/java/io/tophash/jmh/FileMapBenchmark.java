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

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What does keeping a map in a file cost a get and a put? The same pre-sized {@code LongLongMap}
 * in memory and in a file (issue #23's target: get <= 1.1x, put <= 1.5x the map in memory), and
 * Chronicle Map persisted to a file (target: <= 0.5x). A get looks up a present key, a put
 * replaces a present key's value (one 8-byte store, nothing recorded), a remove and put takes
 * a present key out and puts it back (both recorded in a map file's header); keys visited in a shuffled order. The files are in the page
 * cache (filled in the trial's setup, and a tophash file flushed after the fill, so that the
 * kernel does not write the fill back during the measurement): this is the cost of the mapping and
 * of the file map's write records, not of the disk.
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar FileMapBenchmark -p size=1000000}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {Workload.PRE_TOUCH, Workload.HEAP_MIN, Workload.HEAP_MAX,
        Workload.CHRONICLE_EXPORT_JAVAC_FILE, Workload.CHRONICLE_OPEN_LANG, Workload.CHRONICLE_OPEN_REFLECT,
        Workload.NATIVE_ACCESS, Workload.CHRONICLE_NO_ANALYTICS, Workload.CHRONICLE_FILES_EXPORT,
        Workload.CHRONICLE_FILES_OPEN, Workload.CHRONICLE_NIO_OPEN, Workload.CHRONICLE_REF_EXPORT})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FileMapBenchmark {

    @Param
    public FileMapImpl impl;

    @Param({"1000000", Workload.LARGE})
    public int size;

    private BenchMap map;
    private Path file;
    private long[] keys;
    private int next;
    private long value;

    @Setup(Level.Trial)
    public void fill() {
        file = impl.fileFor("map");
        long[] present = Workload.presentKeys(size);
        map = impl.create(size, file);
        Workload.fill(map, present);
        if (map instanceof BenchMap.Tophash tophash && impl != FileMapImpl.TOPHASH_MEMORY) {
            tophash.map().force(); // the fill's dirty pages written back now, not by the kernel during the measurement
        }
        keys = Workload.shuffled(present);
    }

    @TearDown(Level.Trial)
    public void close() {
        map.close();
        FileMapImpl.delete(file);
    }

    @Benchmark
    public long get() {
        int i = next;
        next = i + 1 == keys.length ? 0 : i + 1;
        return map.get(keys[i]);
    }

    @Benchmark
    public void put() {
        int i = next;
        next = i + 1 == keys.length ? 0 : i + 1;
        map.put(keys[i], value++);
    }

    /** A removal and an insert of the same key: the two writes a map file records (a replacing put records nothing). */
    @Benchmark
    public void removeAndPut() {
        int i = next;
        next = i + 1 == keys.length ? 0 : i + 1;
        long key = keys[i];
        map.remove(key);
        map.put(key, value++);
    }
}
