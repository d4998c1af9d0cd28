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
 * What does updating one device's record in place cost (set {@code lastSeen}, add 1 to a counter)? Each op updates one of the {@code size} present devices in a shuffled order: tophash through the view {@code acquire} returns, the heap maps through their object or array, Chronicle Map by read, change, put.
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar DeviceUpdateBenchmark -p impl=TOPHASH_BYTES_LINE,HASHMAP_DEVICE -prof gc};
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
public class DeviceUpdateBenchmark extends DeviceRegistry {

    @Benchmark
    public void update() {
        int i = nextIndex();
        map.touch(order[i], i);
    }
}
