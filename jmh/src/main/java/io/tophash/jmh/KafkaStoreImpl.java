package io.tophash.jmh;

import io.tophash.kafka.TophashStoreOptions;
import io.tophash.kafka.TophashStores;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.CommitCallback;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The Kafka Streams key-value stores a user picks between: tophash's, Kafka's in-memory store (a
 * {@code TreeMap} under {@code synchronized}) and RocksDB, Kafka's default. Each is the raw bytes
 * store a supplier makes (no metering, caching or changelog wrapper), opened with Kafka's
 * {@link MockProcessorContext} on a fresh state directory.
 */
public enum KafkaStoreImpl {
    TOPHASH {
        @Override
        KeyValueBytesStoreSupplier supplier(String name, long expectedSize) {
            return TophashStores.keyValueStore(name, TophashStoreOptions.defaults().withExpectedSize(expectedSize));
        }
    },
    /** Tophash's store with its default options: sized for 1,024 entries, growing to the store's size. */
    TOPHASH_UNSIZED {
        @Override
        KeyValueBytesStoreSupplier supplier(String name, long expectedSize) {
            return TophashStores.keyValueStore(name);
        }
    },
    /** Tophash's store on cache-line-aligned memory in base pages instead of its default huge pages. */
    TOPHASH_BASE_PAGES {
        @Override
        KeyValueBytesStoreSupplier supplier(String name, long expectedSize) {
            return TophashStores.keyValueStore(name, TophashStoreOptions.defaults().withExpectedSize(expectedSize)
                    .withAllocator(io.tophash.memory.Allocators.cacheLineAligned()));
        }
    },
    IN_MEMORY {
        @Override
        KeyValueBytesStoreSupplier supplier(String name, long expectedSize) {
            return Stores.inMemoryKeyValueStore(name);
        }
    },
    ROCKSDB {
        @Override
        KeyValueBytesStoreSupplier supplier(String name, long expectedSize) {
            return Stores.persistentKeyValueStore(name);
        }
    };

    abstract KeyValueBytesStoreSupplier supplier(String name, long expectedSize);

    /** A new, empty, initialised store under {@code stateDir}. */
    KeyValueStore<Bytes, byte[]> open(File stateDir, long expectedSize) {
        return open(stateDir, expectedSize, new StateRestoreCallback[1]);
    }

    /** {@link #open(File, long)}, handing out the restore callback the store registers in {@code restore[0]}. */
    KeyValueStore<Bytes, byte[]> open(File stateDir, long expectedSize, StateRestoreCallback[] restore) {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "store-benchmark");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.BytesSerde.class);
        config.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>(config, new TaskId(0, 0), stateDir);
        KeyValueStore<Bytes, byte[]> store = supplier("store", expectedSize).get();
        store.init(new RegistrationCapture(context.getStateStoreContext(), restore), store);
        return store;
    }

    /** Deletes a state directory {@link #open} used, with everything a store left in it. */
    static void deleteStateDir(File stateDir) throws IOException {
        try (Stream<Path> files = Files.walk(stateDir.toPath())) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    /** Kafka's mock context, but the restore callback a store registers is kept for the caller. */
    private record RegistrationCapture(StateStoreContext context, StateRestoreCallback[] restore)
            implements StateStoreContext {
        @Override
        public void register(StateStore store, StateRestoreCallback callback) {
            restore[0] = callback;
            context.register(store, callback);
        }

        @Override
        public void register(StateStore store, StateRestoreCallback callback, CommitCallback commit) {
            restore[0] = callback;
            context.register(store, callback, commit);
        }

        @Override
        public String applicationId() {
            return context.applicationId();
        }

        @Override
        public TaskId taskId() {
            return context.taskId();
        }

        @Override
        public Optional<RecordMetadata> recordMetadata() {
            return context.recordMetadata();
        }

        @Override
        public Serde<?> keySerde() {
            return context.keySerde();
        }

        @Override
        public Serde<?> valueSerde() {
            return context.valueSerde();
        }

        @Override
        public File stateDir() {
            return context.stateDir();
        }

        @Override
        public StreamsMetrics metrics() {
            return context.metrics();
        }

        @Override
        public Map<String, Object> appConfigs() {
            return context.appConfigs();
        }

        @Override
        public Map<String, Object> appConfigsWithPrefix(String prefix) {
            return context.appConfigsWithPrefix(prefix);
        }
    }
}
