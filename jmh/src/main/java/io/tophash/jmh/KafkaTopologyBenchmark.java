package io.tophash.jmh;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
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
 * What does one record cost a Kafka Streams {@code count()} whose store holds {@code size} keys,
 * through {@link TopologyTestDriver}? Each op pipes one record (the next key of a shuffled order,
 * {@link KafkaStoreBenchmark}'s 17-byte keys) through source, count and store: one get and one put
 * of the store per record, plus Kafka's serdes, metering and the driver's bookkeeping, the same
 * for every store. The store's record cache is off (every record reaches the store) and so is
 * its changelog (the driver would keep every changelog record in memory); the store is filled
 * with every key once before timing.
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar KafkaTopologyBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {Workload.PRE_TOUCH, KafkaStoreBenchmark.HEAP_MIN, KafkaStoreBenchmark.HEAP_MAX,
        Workload.NATIVE_ACCESS})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class KafkaTopologyBenchmark {

    static final String INPUT = "events";

    @Param({"TOPHASH", "IN_MEMORY", "ROCKSDB"})
    public KafkaStoreImpl impl;

    @Param({Workload.MEDIUM})
    public int size;

    private File stateDir;
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> input;
    private byte[][] order;
    private final byte[] event = "click".getBytes(StandardCharsets.US_ASCII);
    private int next;

    @Setup(Level.Trial)
    public void fill() throws IOException {
        stateDir = Files.createTempDirectory("kafka-topology-benchmark").toFile();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(INPUT, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .groupByKey(Grouped.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .count(Materialized.<byte[], Long>as(impl.supplier("counts", size))
                        .withKeySerde(Serdes.ByteArray())
                        .withValueSerde(Serdes.Long())
                        .withCachingDisabled()
                        .withLoggingDisabled());
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-benchmark");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.getAbsolutePath());
        driver = new TopologyTestDriver(builder.build(), config);
        input = driver.createInputTopic(INPUT, new ByteArraySerializer(), new ByteArraySerializer());
        order = new byte[size][];
        for (int i = 0; i < size; i++) {
            order[i] = KafkaStoreBenchmark.key(i).get();
            input.pipeInput(order[i], event);
        }
        SplittableRandom random = new SplittableRandom(22);
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            byte[] t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        long counted = driver.getKeyValueStore("counts").approximateNumEntries();
        driver.close();
        KafkaStoreImpl.deleteStateDir(stateDir);
        if (counted < size * 9L / 10) {
            throw new IllegalStateException(impl + " counted " + counted + " keys of " + size);
        }
    }

    @Benchmark
    public void count() {
        int i = next;
        next = i + 1 == order.length ? 0 : i + 1;
        input.pipeInput(order[i], event);
    }
}
