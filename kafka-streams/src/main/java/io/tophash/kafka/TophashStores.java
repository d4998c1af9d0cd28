package io.tophash.kafka;

import java.util.Objects;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Suppliers of tophash key-value stores for Kafka Streams, as {@code Stores.inMemoryKeyValueStore}
 * supplies Kafka's own in-memory store:
 *
 * <pre>{@code
 * KTable<String, Long> counts = builder.stream("clicks", Consumed.with(Serdes.String(), Serdes.String()))
 *         .groupByKey()
 *         .count(Materialized.as(TophashStores.keyValueStore("click-counts")));
 * }</pre>
 *
 * <p>Thread-safe; the suppliers are immutable.
 */
public final class TophashStores {

    private TophashStores() {
    }

    /**
     * A supplier of stores named {@code name}, with the default {@link TophashStoreOptions}.
     * Any thread.
     *
     * @param name the store's name (and its changelog topic's suffix)
     * @return a supplier making a new, empty store at each {@code get()}
     * @throws NullPointerException if {@code name} is null
     */
    public static KeyValueBytesStoreSupplier keyValueStore(String name) {
        return keyValueStore(name, TophashStoreOptions.defaults());
    }

    /**
     * A supplier of stores named {@code name}, built with {@code options}. Any thread.
     *
     * @param name    the store's name (and its changelog topic's suffix)
     * @param options the maps' expected size, allocator and longest key and value
     * @return a supplier making a new, empty store at each {@code get()}
     * @throws NullPointerException if {@code name} or {@code options} is null
     */
    public static KeyValueBytesStoreSupplier keyValueStore(String name, TophashStoreOptions options) {
        Objects.requireNonNull(name, "name cannot be null");
        Objects.requireNonNull(options, "options cannot be null");
        return new Supplier(name, options);
    }

    private record Supplier(String name, TophashStoreOptions options) implements KeyValueBytesStoreSupplier {
        @Override
        public KeyValueStore<Bytes, byte[]> get() {
            return new TophashKeyValueStore(name, options);
        }

        @Override
        public String metricsScope() {
            return "tophash";
        }
    }
}
