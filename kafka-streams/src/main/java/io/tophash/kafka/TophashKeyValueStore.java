package io.tophash.kafka;

import io.tophash.ConcurrentBytesMap;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.ChangelogRecordDeserializationHelper;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.StoreQueryUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Implementation notes. The entries live in one ConcurrentBytesMap with values of any length; the
 * store adds what a hash map lacks for Kafka's contract. Order: range, prefixScan and all walk the
 * whole table once (forEach), keep the matching keys on the heap, sort them as Kafka's Bytes
 * compare (unsigned, lexicographic) and read each value when the iterator reaches its key,
 * skipping keys removed meanwhile; O(n) to open plus O(m log m) for m matches, m keys' copies on
 * the heap. A read is one lookup that copies the value into a new array of its length inside the
 * map's read window (getCopy). Kafka internals used, as Kafka's in-memory store uses them (so the
 * Kafka version is pinned by the build): the record-batching restore callback with the
 * changelog's position headers, and StoreQueryUtils for interactive queries v2.
 */

/**
 * A Kafka Streams {@code KeyValueStore<Bytes, byte[]>} on a {@link ConcurrentBytesMap}: not
 * persistent (its changelog restores it, as Kafka's in-memory store). Threading: the owning stream
 * thread calls the writing methods, {@code init} and {@code close}; any thread may call
 * {@code get}, the iterating methods and {@code approximateNumEntries} meanwhile (interactive
 * queries), and sees each value whole.
 */
final class TophashKeyValueStore implements KeyValueStore<Bytes, byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(TophashKeyValueStore.class);
    private static final Comparator<Bytes> ORDER = (a, b) -> Arrays.compareUnsigned(a.get(), b.get());

    /** How many records a restore brings into cache together before writing them. */
    private static final int PREFETCH_GROUP = 16;

    private final String name;
    private final TophashStoreOptions options;
    private final Position position = Position.emptyPosition();
    /** Null before {@code init} and after {@code close}. */
    private volatile ConcurrentBytesMap map;
    private StateStoreContext context;

    TophashKeyValueStore(String name, TophashStoreOptions options) {
        this.name = name;
        this.options = options;
    }

    @Override
    public String name() {
        return name;
    }

    /** Builds the map and registers the restore callback. The stream thread. */
    @Override
    public void init(StateStoreContext context, StateStore root) {
        this.context = context;
        this.map = options.mapBuilder().build();
        if (root != null) {
            boolean consistency = StreamsConfig.InternalConfig.getBoolean(context.appConfigs(),
                    StreamsConfig.InternalConfig.IQ_CONSISTENCY_OFFSET_VECTOR_ENABLED, false);
            context.register(root, (RecordBatchingStateRestoreCallback) records -> restore(records, consistency));
        }
    }

    private void restore(Collection<ConsumerRecord<byte[], byte[]>> records, boolean consistency) {
        ConcurrentBytesMap m = map;
        List<ConsumerRecord<byte[], byte[]>> batch = records instanceof List<ConsumerRecord<byte[], byte[]>> list
                ? list : new ArrayList<>(records);
        int n = batch.size();
        for (int start = 0; start < n; start += PREFETCH_GROUP) {
            int end = Math.min(start + PREFETCH_GROUP, n);
            for (int i = start; i < end; i++) {
                prefetch(m, batch.get(i).key());
            }
            for (int i = start; i < end; i++) {
                ConsumerRecord<byte[], byte[]> record = batch.get(i);
                write(m, record.key(), record.value());
                ChangelogRecordDeserializationHelper.applyChecksAndUpdatePosition(record, consistency, position);
            }
        }
    }

    private static void prefetch(ConcurrentBytesMap m, byte[] key) {
        if (key != null && key.length <= m.maxKeyLength()) {
            m.prefetch(key);
        }
    }

    /** False: the changelog restores the store. Any thread. */
    @Override
    public boolean persistent() {
        return false;
    }

    /** Any thread. */
    @Override
    public boolean isOpen() {
        return map != null;
    }

    /** The changelog offsets the store holds. Any thread. */
    @Override
    public Position getPosition() {
        return position;
    }

    /** Key and range queries (interactive queries v2). Any thread. */
    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return StoreQueryUtils.handleBasicQueries(query, positionBound, config, this, position, context);
    }

    /** The value, or null. Any thread; lock-free, allocates the returned array. */
    @Override
    public byte[] get(Bytes key) {
        return read(map(), Objects.requireNonNull(key, "key cannot be null").get());
    }

    private byte[] read(ConcurrentBytesMap m, byte[] key) {
        return key.length > m.maxKeyLength() ? null : m.getCopy(key);
    }

    /** Puts, or removes for a null value. The stream thread. */
    @Override
    public void put(Bytes key, byte[] value) {
        write(map(), Objects.requireNonNull(key, "key cannot be null").get(), value);
        StoreQueryUtils.updatePosition(position, context);
    }

    private static void write(ConcurrentBytesMap m, byte[] key, byte[] value) {
        if (value == null) {
            m.remove(key);
        } else {
            m.put(key, MemorySegment.ofArray(value));
        }
    }

    /** The present value, or null after putting {@code value}. The stream thread. */
    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        byte[] present = get(key);
        if (present == null) {
            put(key, value);
        }
        return present;
    }

    /** The stream thread. */
    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        ConcurrentBytesMap m = map();
        for (KeyValue<Bytes, byte[]> entry : entries) {
            write(m, Objects.requireNonNull(entry.key, "key cannot be null").get(), entry.value);
            StoreQueryUtils.updatePosition(position, context);
        }
    }

    /** Removes the key and returns the value it had, or null. The stream thread. */
    @Override
    public byte[] delete(Bytes key) {
        ConcurrentBytesMap m = map();
        byte[] k = Objects.requireNonNull(key, "key cannot be null").get();
        byte[] previous = read(m, k);
        if (previous != null) {
            m.remove(k);
        }
        StoreQueryUtils.updatePosition(position, context);
        return previous;
    }

    /**
     * Entries with keys from {@code from} to {@code to}, both included (null: unbounded), in
     * ascending byte order. Any thread; O(entries) to open, see the implementation notes.
     */
    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return range(from, to, false);
    }

    /** {@link #range} in descending order. Any thread. */
    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        return range(from, to, true);
    }

    private KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to, boolean descending) {
        if (from != null && to != null && ORDER.compare(from, to) > 0) {
            LOG.warn("Returning empty iterator for fetch with invalid key range: from > to. This may be due to"
                    + " range arguments set in the wrong order, or serdes that don't preserve ordering when"
                    + " lexicographically comparing the serialized bytes. Note that the built-in numerical serdes"
                    + " do not follow this for negative numbers");
            return new SnapshotIterator(map(), List.of());
        }
        return sorted(key -> (from == null || ORDER.compare(key, from) >= 0)
                && (to == null || ORDER.compare(key, to) <= 0), descending);
    }

    /** Every entry in ascending byte order. Any thread; O(entries). */
    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return sorted(key -> true, false);
    }

    /** Every entry in descending byte order. Any thread; O(entries). */
    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        return sorted(key -> true, true);
    }

    /** Entries whose keys start with the serialized prefix, in ascending byte order. Any thread; O(entries). */
    @Override
    public <S extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, S prefixKeySerializer) {
        Objects.requireNonNull(prefix, "prefix cannot be null");
        Objects.requireNonNull(prefixKeySerializer, "prefixKeySerializer cannot be null");
        byte[] start = prefixKeySerializer.serialize(null, prefix);
        return sorted(key -> startsWith(key.get(), start), false);
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    private KeyValueIterator<Bytes, byte[]> sorted(Predicate<Bytes> matches, boolean descending) {
        ConcurrentBytesMap m = map();
        List<Bytes> keys = new ArrayList<>();
        m.forEach((key, value) -> {
            Bytes k = Bytes.wrap(key.toArray(ValueLayout.JAVA_BYTE));
            if (matches.test(k)) {
                keys.add(k);
            }
        });
        keys.sort(descending ? ORDER.reversed() : ORDER);
        return new SnapshotIterator(m, keys);
    }

    /** Entries in the map. Any thread. */
    @Override
    public long approximateNumEntries() {
        return map().size();
    }

    /** Frees the map's memory; the store then holds nothing until {@code init} again. The stream thread. */
    @Override
    public void close() {
        ConcurrentBytesMap m = map;
        map = null;
        if (m != null) {
            m.close();
        }
    }

    private ConcurrentBytesMap map() {
        ConcurrentBytesMap m = map;
        if (m == null) {
            throw new IllegalStateException("store " + name + " is not open");
        }
        return m;
    }

    /** Walks sorted keys, reading each value when reached and skipping keys removed since the snapshot. */
    private final class SnapshotIterator implements KeyValueIterator<Bytes, byte[]> {
        private final ConcurrentBytesMap map;
        private final List<Bytes> keys;
        private int index;
        private KeyValue<Bytes, byte[]> next;

        SnapshotIterator(ConcurrentBytesMap map, List<Bytes> keys) {
            this.map = map;
            this.keys = keys;
        }

        @Override
        public boolean hasNext() {
            while (next == null && index < keys.size()) {
                Bytes key = keys.get(index++);
                byte[] value = read(map, key.get());
                if (value != null) {
                    next = KeyValue.pair(key, value);
                }
            }
            return next != null;
        }

        @Override
        public KeyValue<Bytes, byte[]> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            KeyValue<Bytes, byte[]> result = next;
            next = null;
            return result;
        }

        @Override
        public Bytes peekNextKey() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return next.key;
        }

        @Override
        public void close() {
            next = null;
            index = keys.size();
        }
    }
}
