package io.tophash.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on a real Kafka broker (KRaft, one combined broker and controller, in this JVM on
 * 127.0.0.1, from Kafka's own test kit): an application counts with a tophash store and stops; a
 * second instance of it starts with an empty state directory, restores the store from the
 * changelog topic and counts the rest of the input. Its counts must equal the input's, and those
 * of the same topology on Kafka's in-memory store.
 */
class BrokerRestoreTest {

    private static final String INPUT = "clicks";
    private static final String STORE = "click-counts";
    private static final int USERS = 500;

    @Test
    @Timeout(300)
    void aNewInstanceRestoresTheStoreFromTheChangelog(@TempDir Path stateDirs) throws Exception {
        try (KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build())
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .build()) {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            String bootstrap = cluster.bootstrapServers();
            try (Admin admin = cluster.admin()) {
                admin.createTopics(List.of(new NewTopic(INPUT, 2, (short) 1))).all().get();
            }

            Map<String, Long> expected = new TreeMap<>();
            Random random = new Random(22);
            produce(bootstrap, random, 5_000, expected);
            Map<String, Long> afterFirst = new TreeMap<>(expected);
            try (KafkaStreams first = start(bootstrap, "tophash-app", TophashStores.keyValueStore(STORE),
                    stateDirs.resolve("first"), null)) {
                awaitCounts(first, afterFirst);
            }

            produce(bootstrap, random, 5_000, expected);
            AtomicLong restored = new AtomicLong();
            Map<String, Long> tophash;
            try (KafkaStreams second = start(bootstrap, "tophash-app", TophashStores.keyValueStore(STORE),
                    stateDirs.resolve("second"), restored)) {
                tophash = awaitCounts(second, expected);
            }
            assertTrue(restored.get() >= afterFirst.size(),
                    "the second instance restored " + restored.get() + " changelog records, fewer than the "
                            + afterFirst.size() + " keys the first one counted");

            Map<String, Long> inMemory;
            try (KafkaStreams reference = start(bootstrap, "in-memory-app", Stores.inMemoryKeyValueStore(STORE),
                    stateDirs.resolve("reference"), null)) {
                inMemory = awaitCounts(reference, expected);
            }
            assertEquals(inMemory, tophash);
        }
    }

    private static void produce(String bootstrap, Random random, int records, Map<String, Long> counts) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < records; i++) {
                String user = "user-" + random.nextInt(USERS);
                producer.send(new ProducerRecord<>(INPUT, user, "page-" + random.nextInt(100)));
                counts.merge(user, 1L, Long::sum);
            }
            producer.flush();
        }
    }

    private static KafkaStreams start(String bootstrap, String application, KeyValueBytesStoreSupplier supplier,
                                      Path stateDir, AtomicLong restored) throws InterruptedException {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(INPUT, Consumed.with(Serdes.String(), Serdes.String()))
                .groupByKey()
                .count(Materialized.<String, Long>as(supplier).withKeySerde(Serdes.String())
                        .withValueSerde(Serdes.Long()));
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, application);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        config.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        KafkaStreams streams = new KafkaStreams(builder.build(), config);
        if (restored != null) {
            streams.setGlobalStateRestoreListener(new StateRestoreListener() {
                @Override
                public void onRestoreStart(TopicPartition partition, String store, long start, long end) {
                }

                @Override
                public void onBatchRestored(TopicPartition partition, String store, long batchEnd, long records) {
                    restored.addAndGet(records);
                }

                @Override
                public void onRestoreEnd(TopicPartition partition, String store, long total) {
                }
            });
        }
        streams.start();
        return streams;
    }

    /** Polls the store through interactive queries until it holds {@code expected}; returns what it holds. */
    private static Map<String, Long> awaitCounts(KafkaStreams streams, Map<String, Long> expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        Map<String, Long> seen = Map.of();
        while (System.nanoTime() < deadline) {
            try {
                ReadOnlyKeyValueStore<String, Long> store = streams.store(
                        StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.keyValueStore()));
                Map<String, Long> counts = new TreeMap<>();
                try (KeyValueIterator<String, Long> all = store.all()) {
                    while (all.hasNext()) {
                        KeyValue<String, Long> entry = all.next();
                        counts.put(entry.key, entry.value);
                    }
                }
                if (counts.equals(expected)) {
                    return counts;
                }
                seen = counts;
            } catch (InvalidStateStoreException notRunningYet) {
                // rebalancing or restoring: ask again
            }
            Thread.sleep(100);
        }
        fail("the store never held the expected counts: " + seen.size() + " keys seen, " + expected.size()
                + " expected; state " + streams.state());
        return seen;
    }
}
