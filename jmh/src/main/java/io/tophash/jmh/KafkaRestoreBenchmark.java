package io.tophash.jmh;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;
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
 * How long does a Kafka Streams store take to restore {@code records} changelog records into an
 * empty store? Each op opens a fresh store and hands it the records, in batches of 1,000 (Kafka's
 * default {@code max.poll.records}), through the batching restore callback the store registered,
 * as Kafka's restore does once the records are fetched; fetching them from a broker is not timed.
 * Keys and values as {@link KafkaStoreBenchmark}'s; the changelog holds them in key order (a
 * table loaded in order, the best case for the sorted stores) or shuffled (keys written in any
 * order, as most applications write them).
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar KafkaRestoreBenchmark}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {Workload.PRE_TOUCH, KafkaStoreBenchmark.HEAP_MIN, KafkaStoreBenchmark.HEAP_MAX,
        Workload.NATIVE_ACCESS})
@Warmup(iterations = 8) // single shots: the write paths are not all compiled after two, pinned to one CPU
@Measurement(iterations = 8)
public class KafkaRestoreBenchmark {

    static final int BATCH = 1_000;

    @Param({"TOPHASH", "IN_MEMORY", "ROCKSDB"})
    public KafkaStoreImpl impl;

    @Param({Workload.MEDIUM})
    public int records;

    @Param({"KEY_ORDER", "SHUFFLED"})
    public String order;

    private List<List<ConsumerRecord<byte[], byte[]>>> batches;
    private File stateDir;
    private KeyValueStore<Bytes, byte[]> store;
    private RecordBatchingStateRestoreCallback restore;

    @Setup(Level.Trial)
    public void records() {
        int[] keys = new int[records];
        for (int i = 0; i < records; i++) {
            keys[i] = i;
        }
        if (order.equals("SHUFFLED")) {
            java.util.SplittableRandom random = new java.util.SplittableRandom(22);
            for (int i = records - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = keys[i];
                keys[i] = keys[j];
                keys[j] = t;
            }
        } else if (!order.equals("KEY_ORDER")) {
            throw new IllegalArgumentException("order " + order + ": KEY_ORDER or SHUFFLED");
        }
        batches = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(BATCH);
        for (int i = 0; i < records; i++) {
            byte[] value = new byte[KafkaStoreBenchmark.VALUE_LENGTH];
            value[0] = (byte) i;
            batch.add(new ConsumerRecord<>("store-changelog", 0, i, KafkaStoreBenchmark.key(keys[i]).get(), value));
            if (batch.size() == BATCH) {
                batches.add(batch);
                batch = new ArrayList<>(BATCH);
            }
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
    }

    @Setup(Level.Invocation)
    public void openEmptyStore() throws IOException {
        stateDir = Files.createTempDirectory("kafka-restore-benchmark").toFile();
        StateRestoreCallback[] callback = new StateRestoreCallback[1];
        store = impl.open(stateDir, records, callback);
        restore = (RecordBatchingStateRestoreCallback) callback[0];
    }

    @TearDown(Level.Invocation)
    public void closeStore() throws IOException {
        if (store.approximateNumEntries() < records * 9L / 10) {
            throw new IllegalStateException(impl + " restored " + store.approximateNumEntries() + " of " + records);
        }
        store.close();
        KafkaStoreImpl.deleteStateDir(stateDir);
    }

    @Benchmark
    public KeyValueStore<Bytes, byte[]> restore() {
        for (List<ConsumerRecord<byte[], byte[]>> batch : batches) {
            restore.restoreBatch(batch);
        }
        return store;
    }
}
