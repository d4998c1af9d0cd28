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
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What does one request to the shared device registry cost, taken the way a server receives it?
 * Nine reads of the device's {@code lastSeen} for every update ({@code lastSeen} set, a counter
 * incremented, atomically per device), 131,072 devices, the device id in one of three forms:
 * <ul>
 *   <li>{@link KeyForm#IN_HAND}: a {@code String} the caller already holds (its hash cached after
 *       the first use), as a benchmark that reuses its keys sees it;</li>
 *   <li>{@link KeyForm#FRESH_STRING}: a {@code String} decoded from the request's bytes for each
 *       request, as a server that works in {@code String}s does;</li>
 *   <li>{@link KeyForm#BUFFER}: the bytes in the request buffer; tophash reads them where they are,
 *       {@code ConcurrentHashMap} must still decode a {@code String} to look them up.</li>
 * </ul>
 * tophash's {@link ConcurrentBytesMap} reads the whole record ({@code getInto}) or only the field
 * ({@code getLong}) and updates in place; {@code ConcurrentHashMap<String, Device>} reads a field
 * of the device object and updates with {@code compute}. Threads come from JMH's {@code -t}
 * (1 by default; the shared-device report runs 1, 2 and 4); each walks the requests in an order
 * of its own.
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar RegistryRequestBenchmark -t 2 -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {Workload.PRE_TOUCH, Workload.HEAP_MIN, Workload.HEAP_MAX, Workload.NATIVE_ACCESS})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RegistryRequestBenchmark {

    /** The registries compared, each read the way its users would. */
    public enum Registry {
        /** {@code ConcurrentBytesMap}, default builder, 64-byte records; reads copy the record ({@code getInto}). */
        TOPHASH_GET_INTO,
        /** The same map; reads take the one field they need ({@code getLong}). */
        TOPHASH_GET_LONG,
        /** {@code ConcurrentHashMap<String, Device>}. */
        CONCURRENT_HASHMAP
    }

    /** How the request carries its device id. */
    public enum KeyForm { IN_HAND, FRESH_STRING, BUFFER }

    /** The registry all threads share, and the requests as bytes. */
    @State(Scope.Benchmark)
    public static class Shared {
        @Param
        public Registry registry;

        @Param
        public KeyForm form;

        @Param({DeviceKeys.SEED_SCENARIO})
        public int size;

        String[] ids;
        ConcurrentBytesMap tophash;
        ConcurrentHashMap<String, DeviceMap.Device> chm;

        @Setup(Level.Trial)
        public void fill() {
            ids = DeviceKeys.DEVICES.draw(size);
            if (registry == Registry.CONCURRENT_HASHMAP) {
                chm = new ConcurrentHashMap<>(size);
                for (int i = 0; i < ids.length; i++) {
                    chm.put(ids[i], DeviceMap.Device.of(DeviceKeys.record(i)));
                }
            } else {
                tophash = ConcurrentBytesMap.builder().valueSize(DeviceMap.RECORD).expectedSize(size).build();
                for (int i = 0; i < ids.length; i++) {
                    tophash.put(ids[i], MemorySegment.ofArray(DeviceKeys.record(i)));
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

    /** One thread's requests (in an order of its own), record buffer and updater. */
    @State(Scope.Thread)
    public static class Requests extends DeviceTouch {
        String[] inHand;
        MemorySegment buffer;
        byte[] bytes;
        int[] offsets;
        int[] lengths;
        int next;
        final MemorySegment record = MemorySegment.ofArray(new long[DeviceMap.RECORD / 8]);

        @Setup(Level.Trial)
        public void build(Shared shared) {
            inHand = DeviceKeys.inHand(DeviceKeys.shuffled(shared.ids));
            int[] starts = new int[inHand.length];
            bytes = DeviceKeys.requests(inHand, starts);
            buffer = MemorySegment.ofArray(bytes);
            offsets = starts;
            lengths = new int[inHand.length];
            for (int i = 0; i < inHand.length; i++) {
                lengths[i] = inHand[i].length();
            }
            next = (int) (Thread.currentThread().threadId() * 7919 % inHand.length);
        }
    }

    @Benchmark
    public long request90Reads10Updates(Shared shared, Requests r) {
        int i = r.next;
        r.next = i + 1 == r.inHand.length ? 0 : i + 1;
        boolean update = i % 10 == 0;
        r.now = i;
        if (shared.registry == Registry.CONCURRENT_HASHMAP) {
            String id = shared.form == KeyForm.IN_HAND ? r.inHand[i]
                    : new String(r.bytes, r.offsets[i], r.lengths[i], StandardCharsets.US_ASCII);
            if (update) {
                shared.chm.compute(id, r);
                return 0;
            }
            DeviceMap.Device d = shared.chm.get(id);
            return d == null ? -1 : d.lastSeen;
        }
        ConcurrentBytesMap map = shared.tophash;
        if (shared.form == KeyForm.BUFFER) {
            if (update) {
                map.update(r.buffer, r.offsets[i], r.lengths[i], r);
                return 0;
            }
            if (shared.registry == Registry.TOPHASH_GET_LONG) {
                return map.getLong(r.buffer, r.offsets[i], r.lengths[i], DeviceMap.LAST_SEEN, -1);
            }
            return map.getInto(r.buffer, r.offsets[i], r.lengths[i], r.record)
                    ? r.record.get(ValueLayout.JAVA_LONG, DeviceMap.LAST_SEEN) : -1;
        }
        String id = shared.form == KeyForm.IN_HAND ? r.inHand[i]
                : new String(r.bytes, r.offsets[i], r.lengths[i], StandardCharsets.US_ASCII);
        if (update) {
            map.update(id, r);
            return 0;
        }
        if (shared.registry == Registry.TOPHASH_GET_LONG) {
            return map.getLong(id, DeviceMap.LAST_SEEN, -1);
        }
        return map.getInto(id, r.record) ? r.record.get(ValueLayout.JAVA_LONG, DeviceMap.LAST_SEEN) : -1;
    }
}
