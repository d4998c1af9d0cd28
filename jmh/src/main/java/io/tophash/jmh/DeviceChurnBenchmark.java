package io.tophash.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What does a device cost that leaves and comes back? Each op removes one of the {@code size} present devices and puts its 64-byte record back, in a shuffled order, so the map stays at {@code size} entries: inserts, removals and (for tophash's long keys) the key store's block reuse.
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar DeviceChurnBenchmark -p impl=TOPHASH_BYTES_LINE,HASHMAP_DEVICE -prof gc};
 * {@link LayoutReport} runs it in the main job (the seed scenario) and the full report.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {Workload.PRE_TOUCH, Workload.HEAP_MIN, Workload.HEAP_MAX,
        Workload.CHRONICLE_EXPORT_JAVAC_FILE, Workload.CHRONICLE_OPEN_LANG, Workload.CHRONICLE_OPEN_REFLECT,
        Workload.NATIVE_ACCESS, Workload.CHRONICLE_NO_ANALYTICS})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DeviceChurnBenchmark extends DeviceRegistry {

    @Benchmark
    public void removeAndPut() {
        int i = nextIndex();
        map.remove(order[i]);
        map.put(order[i], record);
    }
}
