package io.tophash.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tophash.BytesMap;
import io.tophash.memory.Allocators;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/** The store on its own: the supplier, the options, limits, close, and readers racing the writer. */
class TophashStoreTest {

    private static KeyValueStore<Bytes, byte[]> open(KeyValueBytesStoreSupplier supplier) {
        KeyValueStore<Bytes, byte[]> store = supplier.get();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }

    private static Bytes key(String key) {
        return Bytes.wrap(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void theSupplierMakesANewEmptyStoreEachTime() {
        KeyValueBytesStoreSupplier supplier = TophashStores.keyValueStore("s");
        assertEquals("s", supplier.name());
        assertEquals("tophash", supplier.metricsScope());
        try (var closer = new Closer()) {
            KeyValueStore<Bytes, byte[]> first = closer.add(open(supplier));
            KeyValueStore<Bytes, byte[]> second = closer.add(open(supplier));
            assertNotSame(first, second);
            first.put(key("a"), new byte[] {1});
            assertNull(second.get(key("a")));
            assertFalse(first.persistent());
            assertTrue(first.isOpen());
        }
    }

    @Test
    void badArgumentsAreNamed() {
        assertThrows(NullPointerException.class, () -> TophashStores.keyValueStore(null));
        assertThrows(NullPointerException.class, () -> TophashStores.keyValueStore("s", null));
        TophashStoreOptions defaults = TophashStoreOptions.defaults();
        assertEquals(BytesMap.MAX_KEY_LENGTH, defaults.maxKeyLength());
        assertEquals(BytesMap.MAX_VALUE_LENGTH, defaults.maxValueLength());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> defaults.withExpectedSize(-1));
        assertTrue(negative.getMessage().contains("expectedSize"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> defaults.withMaxKeyLength(0));
        assertThrows(IllegalArgumentException.class, () -> defaults.withMaxKeyLength(BytesMap.MAX_KEY_LENGTH + 1));
        assertThrows(IllegalArgumentException.class, () -> defaults.withMaxValueLength(0));
        assertThrows(NullPointerException.class, () -> defaults.withAllocator(null));
    }

    @Test
    void limitsFromTheOptionsAreEnforcedAndLeaveTheStoreIntact() {
        TophashStoreOptions options = TophashStoreOptions.defaults()
                .withExpectedSize(10)
                .withAllocator(Allocators.pageAligned())
                .withMaxKeyLength(8)
                .withMaxValueLength(100);
        try (var closer = new Closer()) {
            KeyValueStore<Bytes, byte[]> store = closer.add(open(TophashStores.keyValueStore("s", options)));
            store.put(key("k"), new byte[100]);
            IllegalArgumentException value = assertThrows(IllegalArgumentException.class,
                    () -> store.put(key("k"), new byte[101]));
            assertTrue(value.getMessage().contains("100"), value.getMessage());
            assertThrows(IllegalArgumentException.class, () -> store.put(key("123456789"), new byte[1]));
            assertArrayEquals(new byte[100], store.get(key("k")));
            assertNull(store.get(key("123456789")), "a key longer than the limit is absent");
            assertEquals(1, store.approximateNumEntries());
        }
    }

    @Test
    void emptyKeysAndValuesAndLongValuesRoundTrip() {
        try (var closer = new Closer()) {
            KeyValueStore<Bytes, byte[]> store = closer.add(open(TophashStores.keyValueStore("s")));
            byte[] big = new byte[300_000];
            Arrays.fill(big, (byte) 7);
            store.put(Bytes.wrap(new byte[0]), new byte[0]);
            store.put(key("big"), big);
            assertArrayEquals(new byte[0], store.get(Bytes.wrap(new byte[0])));
            assertArrayEquals(big, store.get(key("big")));
            assertArrayEquals(big, store.delete(key("big")));
            assertNull(store.get(key("big")));
        }
    }

    @Test
    void iteratorsSkipKeysRemovedAfterTheyOpen() {
        try (var closer = new Closer()) {
            KeyValueStore<Bytes, byte[]> store = closer.add(open(TophashStores.keyValueStore("s")));
            for (int i = 0; i < 10; i++) {
                store.put(key("k" + i), new byte[] {(byte) i});
            }
            List<String> seen = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
                store.delete(key("k3"));
                store.put(key("k5"), new byte[] {55});
                while (all.hasNext()) {
                    KeyValue<Bytes, byte[]> entry = all.next();
                    seen.add(new String(entry.key.get()) + "=" + entry.value[0]);
                }
            }
            assertEquals(List.of("k0=0", "k1=1", "k2=2", "k4=4", "k5=55", "k6=6", "k7=7", "k8=8", "k9=9"), seen);
        }
    }

    @Test
    void useAfterCloseIsAnError() {
        KeyValueStore<Bytes, byte[]> store = open(TophashStores.keyValueStore("s"));
        store.put(key("a"), new byte[] {1});
        store.close();
        assertFalse(store.isOpen());
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> store.get(key("a")));
        assertTrue(closed.getMessage().contains("not open"), closed.getMessage());
        assertThrows(IllegalStateException.class, () -> store.put(key("a"), new byte[] {2}));
        store.close();
    }

    /**
     * Interactive queries read while the stream thread writes: every value a reader gets is one the
     * writer put, whole (each value is its length, repeated), never torn or of a wrong length.
     */
    @Test
    void readersRacingTheWriterSeeWholeValues() throws InterruptedException {
        try (var closer = new Closer()) {
            KeyValueStore<Bytes, byte[]> store = closer.add(open(TophashStores.keyValueStore("s")));
            int keys = 64;
            for (int i = 0; i < keys; i++) {
                store.put(key("key-" + i), value(1));
            }
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<String> failure = new AtomicReference<>();
            AtomicLong reads = new AtomicLong();
            Thread reader = new Thread(() -> {
                while (!done.get() && failure.get() == null) {
                    for (int i = 0; i < keys; i++) {
                        byte[] v = store.get(key("key-" + i));
                        if (v == null || !wellFormed(v)) {
                            failure.set("key-" + i + " read as " + (v == null ? "null" : v.length + " bytes, torn"));
                        }
                        reads.incrementAndGet();
                    }
                    try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
                        while (all.hasNext()) {
                            byte[] v = all.next().value;
                            if (!wellFormed(v)) {
                                failure.set("all() read " + v.length + " bytes, torn");
                            }
                        }
                    }
                }
            });
            reader.start();
            java.util.Random random = new java.util.Random(7);
            for (int round = 0; round < 40_000 && failure.get() == null; round++) {
                store.put(key("key-" + random.nextInt(keys)), value(1 + random.nextInt(2_000)));
            }
            done.set(true);
            reader.join();
            assertNull(failure.get());
            assertTrue(reads.get() > 0);
        }
    }

    private static byte[] value(int length) {
        byte[] v = new byte[length];
        Arrays.fill(v, (byte) length);
        return v;
    }

    private static boolean wellFormed(byte[] v) {
        if (v.length == 0) {
            return false;
        }
        for (byte b : v) {
            if (b != (byte) v.length) {
                return false;
            }
        }
        return true;
    }

    /** Closes the stores a test opened. */
    private static final class Closer implements AutoCloseable {
        private final List<KeyValueStore<Bytes, byte[]>> stores = new ArrayList<>();

        KeyValueStore<Bytes, byte[]> add(KeyValueStore<Bytes, byte[]> store) {
            stores.add(store);
            return store;
        }

        @Override
        public void close() {
            stores.forEach(KeyValueStore::close);
        }
    }
}
