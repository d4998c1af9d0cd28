package io.tophash.kafka;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.AbstractKeyValueStoreTest;

/**
 * Kafka's own key-value store suite, {@code AbstractKeyValueStoreTest} from the kafka-streams test
 * jar, run against a tophash store built as Kafka's {@code InMemoryKeyValueStoreTest} builds its
 * store: behind Kafka's metered, serde-applying wrapper, initialised with the suite's context.
 */
class TophashKeyValueStoreTest extends AbstractKeyValueStoreTest {

    @Override
    @SuppressWarnings("unchecked")
    protected <K, V> KeyValueStore<K, V> createKeyValueStore(StateStoreContext context) {
        StoreBuilder<KeyValueStore<K, V>> builder = Stores.keyValueStoreBuilder(
                TophashStores.keyValueStore("my-store"),
                (Serde<K>) context.keySerde(),
                (Serde<V>) context.valueSerde());
        KeyValueStore<K, V> store = builder.build();
        store.init(context, store);
        return store;
    }
}
