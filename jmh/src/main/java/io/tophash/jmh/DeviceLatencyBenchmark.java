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

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * How long does one request wait for a device's record? A dependent chain: each op looks up the
 * device whose index the previous record's {@code lastSeen} holds (the records form one random
 * cycle over all devices), so no two lookups overlap, as one request sees them. {@link DeviceGetBenchmark}'s
 * lookups are independent and overlap their cache misses: that is throughput, this is latency.
 * The next key comes from memory for every map alike (a String of an array, or bytes of a request
 * buffer, at a random index).
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar DeviceLatencyBenchmark -p impl=TOPHASH_BYTES_LINE,HASHMAP_DEVICE}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {Workload.PRE_TOUCH, Workload.HEAP_MIN, Workload.HEAP_MAX,
        Workload.CHRONICLE_EXPORT_JAVAC_FILE, Workload.CHRONICLE_OPEN_LANG, Workload.CHRONICLE_OPEN_REFLECT,
        Workload.NATIVE_ACCESS, Workload.CHRONICLE_NO_ANALYTICS})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DeviceLatencyBenchmark {

    static final long BASE = 1_700_000_000_000L;

    @Param
    public DeviceImpl impl;

    @Param({"DEVICES"})
    public DeviceKeys keys;

    @Param({DeviceKeys.SEED_SCENARIO})
    public int size;

    @Param({"STRING", "BUFFER"})
    public String form;

    private DeviceMap map;
    private String[] ids;
    private byte[] requests;
    private int[] offsets;
    private int[] lengths;
    private int cursor;

    @Setup(Level.Trial)
    public void fill() {
        ids = keys.draw(size);
        int[] next = cycle(size);
        map = impl.create(size, DeviceKeys.averageLength(ids));
        for (int i = 0; i < ids.length; i++) {
            byte[] record = DeviceKeys.record(i);
            DeviceMap.LONGS.set(record, (int) DeviceMap.LAST_SEEN, BASE + next[i]);
            map.put(ids[i], record);
        }
        ids = DeviceKeys.inHand(ids);
        offsets = new int[size];
        lengths = new int[size];
        requests = DeviceKeys.requests(ids, offsets);
        for (int i = 0; i < size; i++) {
            lengths[i] = ids[i].getBytes(StandardCharsets.US_ASCII).length;
        }
    }

    /** One random cycle through all indexes (Sattolo's algorithm), seeded. */
    static int[] cycle(int n) {
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            next[i] = i;
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i);
            int t = next[i];
            next[i] = next[j];
            next[j] = t;
        }
        return next;
    }

    @TearDown(Level.Trial)
    public void close() {
        map.close();
    }

    @Benchmark
    public int getLatency() {
        int i = cursor;
        long seen = form.equals("BUFFER") ? map.lastSeenFromBuffer(requests, offsets[i], lengths[i]) : map.lastSeen(ids[i]);
        cursor = (int) (seen - BASE);
        return cursor;
    }
}
