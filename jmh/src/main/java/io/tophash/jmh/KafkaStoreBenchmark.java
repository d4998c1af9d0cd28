package io.tophash.jmh;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
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

/**
 * What does one record's store operation cost in a Kafka Streams key-value store holding
 * {@code size} keys: a get, a put replacing a value, a delete (followed by the put that restores
 * the key, so the size holds)? Keys are {@code "device-"} and 10 digits (17 bytes), values 100
 * bytes, as an aggregate's serialized state; each op takes the next key of a shuffled order. A
 * written value is a new array each time, as a serializer makes it (the in-memory store keeps the
 * array it is given; the others copy it).
 * The stores are the raw bytes stores ({@link KafkaStoreImpl}).
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar KafkaStoreBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {Workload.PRE_TOUCH, KafkaStoreBenchmark.HEAP_MIN, KafkaStoreBenchmark.HEAP_MAX,
        Workload.NATIVE_ACCESS})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class KafkaStoreBenchmark {

    /** The in-memory store at 10M keys holds about 2 GB of small objects; room for the collector. */
    static final String HEAP_MIN = "-Xms6g";
    static final String HEAP_MAX = "-Xmx6g";
    static final int VALUE_LENGTH = 100;

    @Param({"TOPHASH", "IN_MEMORY", "ROCKSDB"})
    public KafkaStoreImpl impl;

    @Param({Workload.MEDIUM, Workload.LARGE})
    public int size;

    private File stateDir;
    private KeyValueStore<Bytes, byte[]> store;
    private Bytes[] order;
    private byte[][] values;
    private int next;

    @Setup(Level.Trial)
    public void fill() throws IOException {
        stateDir = Files.createTempDirectory("kafka-store-benchmark").toFile();
        store = impl.open(stateDir, size);
        SplittableRandom random = new SplittableRandom(22);
        values = new byte[16][];
        for (int v = 0; v < values.length; v++) {
            values[v] = new byte[VALUE_LENGTH];
            for (int b = 0; b < VALUE_LENGTH; b++) {
                values[v][b] = (byte) random.nextInt(256);
            }
        }
        order = new Bytes[size];
        for (int i = 0; i < size; i++) {
            order[i] = key(i);
            store.put(order[i], values[i & 15]);
        }
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Bytes t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        store.flush();
    }

    static Bytes key(long i) {
        return Bytes.wrap(String.format("device-%010d", i).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        store.close();
        KafkaStoreImpl.deleteStateDir(stateDir);
    }

    private Bytes nextKey() {
        int i = next;
        next = i + 1 == order.length ? 0 : i + 1;
        return order[i];
    }

    @Benchmark
    public byte[] get() {
        return store.get(nextKey());
    }

    @Benchmark
    public void put() {
        Bytes key = nextKey();
        store.put(key, values[(key.hashCode() + next) & 15].clone());
    }

    @Benchmark
    public void deleteAndPut() {
        Bytes key = nextKey();
        store.delete(key);
        store.put(key, values[next & 15].clone());
    }
}
