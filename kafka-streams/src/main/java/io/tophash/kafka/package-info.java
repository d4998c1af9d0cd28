/**
 * tophash as a Kafka Streams state store: {@link io.tophash.kafka.TophashStores#keyValueStore(String)}
 * supplies a {@code KeyValueStore<Bytes, byte[]>} wherever Kafka Streams takes a
 * {@code KeyValueBytesStoreSupplier} ({@code Materialized.as(supplier)},
 * {@code Stores.keyValueStoreBuilder(supplier, ...)}).
 *
 * <p>Threading: the stream thread that owns the store writes it; any number of other threads
 * (interactive queries) may read it meanwhile, as the store is a
 * {@link io.tophash.ConcurrentBytesMap}.
 */
package io.tophash.kafka;
