package io.tophash.jmh;

import io.tophash.ConcurrentBytesMap;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * How many device requests per microsecond do four threads serve from one shared registry, nine
 * reads (the record's {@code lastSeen}, the key a {@code String} in hand) for every update
 * ({@code lastSeen} set, a counter incremented, atomically per device)? tophash's
 * {@link ConcurrentBytesMap} ({@code getInto} a thread's own record buffer, {@code update} in
 * place) against {@code ConcurrentHashMap<String, Device>} ({@code get} and a field read;
 * {@code compute} that changes the device object under the bin's lock), each used the way its
 * users would. Each thread walks the devices in an order of its own.
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar ConcurrentDeviceBenchmark -prof gc}; the
 * threads are {@code @Threads(4)} (JMH's {@code -t} changes them).
 */
@BenchmarkMode({Mode.Throughput, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(4)
@Fork(value = 1, jvmArgsAppend = {Workload.PRE_TOUCH, Workload.HEAP_MIN, Workload.HEAP_MAX, Workload.NATIVE_ACCESS})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConcurrentDeviceBenchmark {

    /** The registries compared. */
    public enum Registry {
        /** {@code ConcurrentBytesMap}, default builder, 64-byte records. */
        TOPHASH_CONCURRENT_BYTES,
        /** {@code ConcurrentHashMap<String, Device>}. */
        CONCURRENT_HASHMAP_DEVICE
    }

    /** The registry all threads share. */
    @State(Scope.Benchmark)
    public static class Shared {
        @Param
        public Registry registry;

        @Param({"DEVICES"})
        public DeviceKeys keys;

        @Param({DeviceKeys.SEED_SCENARIO})
        public int size;

        String[] ids;
        ConcurrentBytesMap tophash;
        ConcurrentHashMap<String, DeviceMap.Device> chm;

        @Setup(Level.Trial)
        public void fill() {
            ids = keys.draw(size);
            if (registry == Registry.TOPHASH_CONCURRENT_BYTES) {
                tophash = ConcurrentBytesMap.builder().valueSize(DeviceMap.RECORD).expectedSize(size).build();
                for (int i = 0; i < ids.length; i++) {
                    tophash.put(ids[i], MemorySegment.ofArray(DeviceKeys.record(i)));
                }
            } else {
                chm = new ConcurrentHashMap<>(size);
                for (int i = 0; i < ids.length; i++) {
                    chm.put(ids[i], DeviceMap.Device.of(DeviceKeys.record(i)));
                }
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            if (tophash != null) {
                tophash.close();
            }
        }
    }

    /** One thread's walk, record buffer and updater (reused: the benchmark allocates nothing of its own). */
    @State(Scope.Thread)
    public static class Walker extends DeviceTouch {
        String[] order;
        int next;
        final MemorySegment record = MemorySegment.ofArray(new long[DeviceMap.RECORD / 8]);

        @Setup(Level.Trial)
        public void shuffle(Shared shared) {
            order = DeviceKeys.inHand(DeviceKeys.shuffled(shared.ids));
            next = (int) (Thread.currentThread().threadId() * 7919 % order.length);
        }
    }

    @Benchmark
    public long mixed90Reads10Updates(Shared shared, Walker walker) {
        int i = walker.next;
        walker.next = i + 1 == walker.order.length ? 0 : i + 1;
        String id = walker.order[i];
        if (i % 10 == 0) {
            walker.now = i;
            if (shared.tophash != null) {
                shared.tophash.update(id, walker);
            } else {
                shared.chm.compute(id, walker);
            }
            return 0;
        }
        if (shared.tophash != null) {
            return shared.tophash.getInto(id, walker.record) ? walker.record.get(ValueLayout.JAVA_LONG, DeviceMap.LAST_SEEN) : -1;
        }
        DeviceMap.Device d = shared.chm.get(id);
        return d == null ? -1 : d.lastSeen;
    }
}
