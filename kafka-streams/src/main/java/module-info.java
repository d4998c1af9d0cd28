/**
 * A Kafka Streams key-value store on tophash's shared byte map: entries off-heap, values of any
 * length, reads from interactive queries while the stream thread writes. Entry point:
 * {@link io.tophash.kafka.TophashStores}.
 */
module io.tophash.kafka {
    requires transitive io.tophash;
    requires transitive kafka.streams;
    requires transitive kafka.clients;
    requires org.slf4j;

    exports io.tophash.kafka;
}
