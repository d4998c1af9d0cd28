package io.tophash.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/** The README's Kafka Streams example, compiled and run here, and shown in the README exactly as written here. */
class KafkaReadmeExampleTest {

    static KTable<String, Long> clickCounts(StreamsBuilder builder) {
        // README-KAFKA-EXAMPLE-BEGIN
        KTable<String, Long> counts = builder.stream("clicks", Consumed.with(Serdes.String(), Serdes.String()))
                .groupByKey()
                .count(Materialized.as(TophashStores.keyValueStore("click-counts")));
        // README-KAFKA-EXAMPLE-END
        return counts;
    }

    @Test
    void theExampleCountsInATophashStore() {
        StreamsBuilder builder = new StreamsBuilder();
        clickCounts(builder);
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "readme");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), config)) {
            TestInputTopic<String, String> clicks = driver.createInputTopic("clicks", Serdes.String().serializer(),
                    Serdes.String().serializer());
            clicks.pipeInput("alice", "/home");
            clicks.pipeInput("bob", "/home");
            clicks.pipeInput("alice", "/cart");
            KeyValueStore<String, Long> counts = driver.getKeyValueStore("click-counts");
            assertEquals(2L, counts.get("alice"));
            assertEquals(1L, counts.get("bob"));
            assertEquals(2, counts.approximateNumEntries());
        }
    }

    @Test
    void readmeShowsTheExampleVerbatim() throws IOException {
        String source = Files.readString(Path.of("src/test/java/io/tophash/kafka/KafkaReadmeExampleTest.java"));
        String begin = "// README-KAFKA-EXAMPLE-BEGIN\n";
        String example = source.substring(source.indexOf(begin) + begin.length(),
                        source.indexOf("        // README-KAFKA-EXAMPLE-END"))
                .lines().map(line -> line.startsWith("        ") ? line.substring(8) : line)
                .collect(Collectors.joining("\n", "", "\n"));
        assertEquals(3, example.lines().count(), "three lines");
        String readme = Files.readString(Path.of("../README.md"));
        assertTrue(readme.contains("## Kafka Streams"), "README has a Kafka Streams section");
        assertTrue(readme.contains(example), "README must contain the example exactly as tested:\n" + example);
    }
}
