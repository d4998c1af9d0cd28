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

import java.util.concurrent.TimeUnit;

/**
 * What does the worst single put cost while a byte-keyed registry grows from empty to {@code size}
 * devices? {@link GrowthBenchmark}'s question for byte keys: each op (single shot) puts every key
 * into an empty map that was not pre-sized, timing each put on its own, and each measured
 * iteration appends one {@link GrowthLatency} line to
 * {@code <tophash.growth.dir>/device-growth-latency.jsonl}. Keys are tokens of 8-40 random
 * letters and digits (most in tophash's key store), values 64-byte records. Chronicle Map cannot
 * grow from empty (it is sized when created) and is left out.
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar DeviceGrowthBenchmark -p size=10000000}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {Workload.PRE_TOUCH, "-Xms8g", "-Xmx8g", Workload.NATIVE_ACCESS})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class DeviceGrowthBenchmark {

    /** The file the latency lines go to, in the {@link GrowthBenchmark#OUTPUT_DIRECTORY} directory. */
    public static final String LATENCY_FILE = "device-growth-latency.jsonl";

    @Param({"TOPHASH_BYTES_LINE", "HASHMAP_BYTES", "HASHMAP_DEVICE"})
    public DeviceImpl impl;

    @Param({"TOKENS"})
    public DeviceKeys keys;

    @Param({"1000000"})
    public int size;

    private String[] ids;
    private byte[] record;
    private long[] latencies;
    private DeviceMap map;

    @Setup(Level.Trial)
    public void drawKeys() {
        if (impl == DeviceImpl.CHRONICLE_MAP) {
            throw new IllegalStateException("Chronicle Map cannot grow from empty: it is sized when created");
        }
        ids = DeviceKeys.inHand(keys.draw(size));
        record = DeviceKeys.record(7);
        latencies = new long[size];
    }

    @Setup(Level.Iteration)
    public void emptyMap() {
        map = impl.create(0, DeviceKeys.averageLength(ids));
    }

    @Benchmark
    public int growFromEmpty() {
        DeviceMap m = map;
        String[] k = ids;
        long[] lat = latencies;
        byte[] r = record;
        long before = System.nanoTime();
        for (int i = 0; i < k.length; i++) {
            m.put(k[i], r);
            long after = System.nanoTime();
            lat[i] = after - before;
            before = after;
        }
        return k.length;
    }

    @TearDown(Level.Iteration)
    public void record(BenchmarkParams benchmark, IterationParams iteration) {
        map.close();
        map = null;
        if (iteration.getType() != IterationType.MEASUREMENT) {
            return;
        }
        GrowthLatency line = GrowthLatency.of(impl.name(), size, String.join(" ", benchmark.getJvmArgs()), latencies);
        line.appendTo(LATENCY_FILE);
    }
}
