package io.tophash.jmh;

import io.tophash.BytesMap;
import io.tophash.agrona.AgronaBytesMap;
import org.agrona.concurrent.UnsafeBuffer;
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
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Reading a device record through an Agrona flyweight, or copying it out through a {@code byte[]}?
 * A {@link BytesMap} of {@code size} devices (64-byte records); each op takes the next device of a
 * shuffled order, its id as ASCII bytes inside a request buffer in direct memory (an
 * {@code UnsafeBuffer} over a direct {@code ByteBuffer}, as an Aeron or Agrona service holds its
 * input), looks it up through {@link AgronaBytesMap} (the key read where it lies) and reads the
 * record's {@code lastSeen} and counter 0:
 *
 * <ul>
 *   <li>{@code FLYWEIGHT}: {@link AgronaBytesMap#wrapValue} wraps one reused {@code UnsafeBuffer}
 *       over the value in the map, which is read in place;</li>
 *   <li>{@code COPY_BYTE_ARRAY}: {@link AgronaBytesMap#getInto} copies the 64 bytes into one reused
 *       {@code byte[]}, read through an {@code UnsafeBuffer} over that array.</li>
 * </ul>
 *
 * Both should allocate nothing: {@code -prof gc} shows it.
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar AgronaRecordBenchmark -prof gc}, or
 * {@link #main}. The fork grants what Agrona's {@code UnsafeBuffer} needs on the class path
 * ({@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {Workload.PRE_TOUCH, Workload.HEAP_MIN, Workload.HEAP_MAX,
        Workload.NATIVE_ACCESS, AgronaRecordBenchmark.AGRONA_UNSAFE})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AgronaRecordBenchmark {

    /** Agrona 2.x's UnsafeBuffer calls jdk.internal.misc.Unsafe; on the class path it needs this. */
    static final String AGRONA_UNSAFE = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";

    /** How the record is read. */
    public enum Impl {
        /** A reused UnsafeBuffer wrapped over the value where it lies. */
        FLYWEIGHT,
        /** The value copied into a reused byte[], read through an UnsafeBuffer over it. */
        COPY_BYTE_ARRAY
    }

    @Param
    public Impl impl;

    @Param({DeviceKeys.SEED_SCENARIO})
    public int size;

    private BytesMap map;
    private AgronaBytesMap devices;
    private UnsafeBuffer requests;
    private int[] offsets;
    private int[] lengths;
    private int next;

    private final UnsafeBuffer flyweight = new UnsafeBuffer();
    private final byte[] copy = new byte[DeviceMap.RECORD];
    private final MemorySegment copySegment = MemorySegment.ofArray(copy);
    private final UnsafeBuffer copyBuffer = new UnsafeBuffer(copy);

    @Setup(Level.Trial)
    public void fill() {
        String[] ids = DeviceKeys.DEVICES.draw(size);
        map = BytesMap.builder().valueSize(DeviceMap.RECORD).expectedSize(size).build();
        for (int i = 0; i < ids.length; i++) {
            map.put(ids[i], MemorySegment.ofArray(DeviceKeys.record(i)));
        }
        devices = new AgronaBytesMap(map);
        String[] order = DeviceKeys.shuffled(ids);
        offsets = new int[order.length];
        lengths = new int[order.length];
        byte[] heapRequests = DeviceKeys.requests(order, offsets);
        requests = new UnsafeBuffer(ByteBuffer.allocateDirect(heapRequests.length));
        requests.putBytes(0, heapRequests);
        for (int i = 0; i < order.length; i++) {
            lengths[i] = order[i].getBytes(StandardCharsets.US_ASCII).length;
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        map.close();
    }

    @Benchmark
    public long read() {
        int i = next;
        next = i + 1 == offsets.length ? 0 : i + 1;
        return switch (impl) {
            case FLYWEIGHT -> devices.wrapValue(requests, offsets[i], lengths[i], flyweight)
                    ? flyweight.getLong((int) DeviceMap.LAST_SEEN) + flyweight.getLong((int) DeviceMap.COUNTER0) : -1;
            case COPY_BYTE_ARRAY -> devices.getInto(requests, offsets[i], lengths[i], copySegment)
                    ? copyBuffer.getLong((int) DeviceMap.LAST_SEEN) + copyBuffer.getLong((int) DeviceMap.COUNTER0) : -1;
        };
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(AgronaRecordBenchmark.class.getSimpleName()).addProfiler("gc").build()).run();
    }
}
