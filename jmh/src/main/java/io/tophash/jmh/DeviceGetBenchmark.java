package io.tophash.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What does reading one device's record cost, its id a {@code String} already in hand ({@code form=STRING}) or ASCII bytes inside a request buffer ({@code form=BUFFER}: what a service parsing requests has; {@code HashMap} must build a {@code String} first)? Each op reads the {@code lastSeen} field of one of the {@code size} present devices, visiting all in a shuffled order.
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar DeviceGetBenchmark -p impl=TOPHASH_BYTES_LINE,HASHMAP_DEVICE -prof gc};
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
public class DeviceGetBenchmark extends DeviceRegistry {

    @Param({"STRING", "BUFFER"})
    public String form;

    @Benchmark
    public long get() {
        int i = nextIndex();
        return form.equals("BUFFER") ? map.lastSeenFromBuffer(requests, offsets[i], lengths[i]) : map.lastSeen(order[i]);
    }
}
