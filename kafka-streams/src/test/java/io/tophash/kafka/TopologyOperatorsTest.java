package io.tophash.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The common stateful operators (count, aggregate, a stream-table join) on a tophash store and on
 * Kafka's in-memory store, fed the same records through {@link TopologyTestDriver}: the output
 * topics and the final stores must be equal.
 */
class TopologyOperatorsTest {

    private static final String INPUT = "clicks";
    private static final String PROFILES = "profiles";
    private static final String OUTPUT = "out";

    @Test
    void countMatchesTheInMemoryStore() {
        assertSameResults(false, supplier -> {
            StreamsBuilder builder = new StreamsBuilder();
            builder.stream(INPUT, Consumed.with(Serdes.String(), Serdes.String()))
                    .groupByKey()
                    .count(Materialized.<String, Long>as(supplier).withKeySerde(Serdes.String())
                            .withValueSerde(Serdes.Long()))
                    .toStream()
                    .mapValues(String::valueOf)
                    .to(OUTPUT, Produced.with(Serdes.String(), Serdes.String()));
            return builder.build();
        });
    }

    @Test
    void aggregateMatchesTheInMemoryStore() {
        assertSameResults(false, supplier -> {
            StreamsBuilder builder = new StreamsBuilder();
            builder.stream(INPUT, Consumed.with(Serdes.String(), Serdes.String()))
                    .groupByKey()
                    .aggregate(() -> "", (key, value, history) -> history.length() > 2_000 ? value : history + value,
                            Materialized.<String, String>as(supplier).withKeySerde(Serdes.String())
                                    .withValueSerde(Serdes.String()))
                    .toStream()
                    .to(OUTPUT, Produced.with(Serdes.String(), Serdes.String()));
            return builder.build();
        });
    }

    @Test
    void streamTableJoinMatchesTheInMemoryStore() {
        assertSameResults(true, supplier -> {
            StreamsBuilder builder = new StreamsBuilder();
            KTable<String, String> profiles = builder.table(PROFILES, Consumed.with(Serdes.String(), Serdes.String()),
                    Materialized.<String, String>as(supplier).withKeySerde(Serdes.String())
                            .withValueSerde(Serdes.String()));
            KStream<String, String> clicks = builder.stream(INPUT, Consumed.with(Serdes.String(), Serdes.String()));
            clicks.join(profiles, (click, profile) -> profile + "|" + click)
                    .to(OUTPUT, Produced.with(Serdes.String(), Serdes.String()));
            return builder.build();
        });
    }

    private static void assertSameResults(boolean profileUpdates, Function<KeyValueBytesStoreSupplier, Topology> topology) {
        Run expected = run(topology.apply(Stores.inMemoryKeyValueStore("store")), profileUpdates);
        Run actual = run(topology.apply(TophashStores.keyValueStore("store")), profileUpdates);
        assertFalse(expected.output.isEmpty(), "the input makes output");
        assertEquals(expected.output, actual.output);
        assertEquals(expected.store, actual.store);
    }

    private record Run(List<KeyValue<String, String>> output, Map<String, String> store) {
    }

    private static Run run(Topology topology, boolean profileUpdates) {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "operators");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, config)) {
            TestInputTopic<String, String> clicks = driver.createInputTopic(INPUT, Serdes.String().serializer(),
                    Serdes.String().serializer());
            TestInputTopic<String, String> profiles = profileUpdates
                    ? driver.createInputTopic(PROFILES, Serdes.String().serializer(), Serdes.String().serializer())
                    : clicks;
            TestOutputTopic<String, String> output = driver.createOutputTopic(OUTPUT, Serdes.String().deserializer(),
                    Serdes.String().deserializer());
            Random random = new Random(21);
            for (int i = 0; i < 5_000; i++) {
                String user = "user-" + random.nextInt(300);
                if (random.nextInt(10) == 0) {
                    profiles.pipeInput(user, random.nextInt(20) == 0 ? null : "profile-" + "x".repeat(random.nextInt(100)));
                } else {
                    clicks.pipeInput(user, "page-" + random.nextInt(1_000));
                }
            }
            List<KeyValue<String, String>> records = output.readKeyValuesToList();
            return new Run(records, contents(driver));
        }
    }

    private static Map<String, String> contents(TopologyTestDriver driver) {
        Map<String, String> contents = new TreeMap<>();
        KeyValueStore<String, Object> store = driver.getKeyValueStore("store");
        try (KeyValueIterator<String, Object> all = store.all()) {
            List<String> order = new ArrayList<>();
            while (all.hasNext()) {
                KeyValue<String, Object> entry = all.next();
                order.add(entry.key);
                contents.put(entry.key, String.valueOf(entry.value));
            }
            assertEquals(new ArrayList<>(contents.keySet()), order, "all() in key order");
        }
        return contents;
    }
}
