package io.tophash.jmh;

import io.tophash.BucketPadding;
import io.tophash.BytesMap;
import net.openhft.chronicle.map.ChronicleMap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;

/**
 * The device registry the byte-keyed benchmarks measure: device id -> 64-byte record (id, last seen,
 * status, five counters), each map used the way its users would use it. Reads return the record's
 * {@code lastSeen}, so every implementation must reach the record, not only the key.
 */
interface DeviceMap extends AutoCloseable {

    /** Bytes of a record: id, lastSeen (offset 8), status (16), padding, 5 counters (24..63). */
    int RECORD = 64;
    long LAST_SEEN = 8;
    long COUNTER0 = 24;

    /** The record's lastSeen, or -1 when absent; the key as a String already in hand. */
    long lastSeen(String id);

    /** As {@link #lastSeen(String)}, the key as ASCII bytes inside a request buffer. */
    long lastSeenFromBuffer(byte[] request, int offset, int length);

    /** Sets lastSeen and adds 1 to counter 0, in place where the map allows. */
    void touch(String id, long now);

    /** Puts a whole record. */
    void put(String id, byte[] record);

    void remove(String id);

    /**
     * Bytes the map occupies: tophash's buckets in use and key store, Chronicle Map's off-heap
     * memory, the heap maps' object graph (JOL: table, nodes, keys, records).
     */
    long footprintBytes();

    @Override
    void close();

    VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** tophash's BytesMap: records read and written in place. */
    final class Tophash implements DeviceMap {
        private final BytesMap map;
        private byte[] requestArray;
        private MemorySegment requestSegment;
        private byte[] recordArray;
        private MemorySegment recordSegment;

        Tophash(int expectedSize, BucketPadding padding) {
            map = BytesMap.builder().valueSize(RECORD).expectedSize(expectedSize).padding(padding).build();
        }

        @Override
        public long lastSeen(String id) {
            MemorySegment record = map.get(id);
            return record == null ? -1 : record.get(ValueLayout.JAVA_LONG, LAST_SEEN);
        }

        @Override
        public long lastSeenFromBuffer(byte[] request, int offset, int length) {
            if (request != requestArray) { // once per buffer: the service's buffer is long-lived
                requestArray = request;
                requestSegment = MemorySegment.ofArray(request);
            }
            MemorySegment record = map.get(requestSegment, offset, length);
            return record == null ? -1 : record.get(ValueLayout.JAVA_LONG, LAST_SEEN);
        }

        @Override
        public void touch(String id, long now) {
            MemorySegment record = map.acquire(id);
            record.set(ValueLayout.JAVA_LONG, LAST_SEEN, now);
            record.set(ValueLayout.JAVA_LONG, COUNTER0, record.get(ValueLayout.JAVA_LONG, COUNTER0) + 1);
        }

        @Override
        public void put(String id, byte[] record) {
            if (record != recordArray) { // a service reuses its record buffer, too
                recordArray = record;
                recordSegment = MemorySegment.ofArray(record);
            }
            map.put(id, recordSegment);
        }

        @Override
        public void remove(String id) {
            map.remove(id);
        }

        @Override
        public long footprintBytes() {
            map.finishGrowth();
            return map.stats().bucketBytes() + map.keyStoreBytes();
        }

        @Override
        public void close() {
            map.close();
        }
    }

    /** {@code HashMap<String, byte[]>}: the record as bytes on the heap. */
    final class HashMapOfBytes implements DeviceMap {
        private final HashMap<String, byte[]> map;

        HashMapOfBytes(int expectedSize) {
            map = HashMap.newHashMap(expectedSize);
        }

        @Override
        public long lastSeen(String id) {
            byte[] record = map.get(id);
            return record == null ? -1 : (long) LONGS.get(record, (int) LAST_SEEN);
        }

        @Override
        public long lastSeenFromBuffer(byte[] request, int offset, int length) {
            return lastSeen(new String(request, offset, length, StandardCharsets.ISO_8859_1));
        }

        @Override
        public void touch(String id, long now) {
            byte[] record = map.computeIfAbsent(id, k -> new byte[RECORD]);
            LONGS.set(record, (int) LAST_SEEN, now);
            LONGS.set(record, (int) COUNTER0, (long) LONGS.get(record, (int) COUNTER0) + 1);
        }

        @Override
        public void put(String id, byte[] record) {
            map.put(id, record.clone()); // the map keeps its own copy, as BytesMap does
        }

        @Override
        public void remove(String id) {
            map.remove(id);
        }

        @Override
        public long footprintBytes() {
            return org.openjdk.jol.info.GraphStats.parseInstance(map).totalSize();
        }

        @Override
        public void close() {
            map.clear();
        }
    }

    /** A device as a Java object, the way a Java service holds it. */
    final class Device {
        long id;
        long lastSeen;
        int status;
        long counter0;
        long counter1;
        long counter2;
        long counter3;
        long counter4;

        static Device of(byte[] record) {
            Device d = new Device();
            d.id = (long) LONGS.get(record, 0);
            d.lastSeen = (long) LONGS.get(record, (int) LAST_SEEN);
            d.counter0 = (long) LONGS.get(record, (int) COUNTER0);
            return d;
        }
    }

    /** {@code HashMap<String, Device>}. */
    final class HashMapOfObjects implements DeviceMap {
        private final HashMap<String, Device> map;

        HashMapOfObjects(int expectedSize) {
            map = HashMap.newHashMap(expectedSize);
        }

        @Override
        public long lastSeen(String id) {
            Device d = map.get(id);
            return d == null ? -1 : d.lastSeen;
        }

        @Override
        public long lastSeenFromBuffer(byte[] request, int offset, int length) {
            return lastSeen(new String(request, offset, length, StandardCharsets.ISO_8859_1));
        }

        @Override
        public void touch(String id, long now) {
            Device d = map.computeIfAbsent(id, k -> new Device());
            d.lastSeen = now;
            d.counter0++;
        }

        @Override
        public void put(String id, byte[] record) {
            map.put(id, Device.of(record));
        }

        @Override
        public void remove(String id) {
            map.remove(id);
        }

        @Override
        public long footprintBytes() {
            return org.openjdk.jol.info.GraphStats.parseInstance(map).totalSize();
        }

        @Override
        public void close() {
            map.clear();
        }
    }

    /**
     * Chronicle Map with {@code CharSequence} keys and 64-byte {@code byte[]} values, read with
     * {@code getUsing} into a reused array (no allocation) and updated by read, change, put.
     */
    final class Chronicle implements DeviceMap {
        private final ChronicleMap<CharSequence, byte[]> map;
        private final byte[] using = new byte[RECORD];
        private final StringBuilder key = new StringBuilder();

        Chronicle(int expectedSize, double averageKeySize) {
            map = ChronicleMap.of(CharSequence.class, byte[].class).entries(expectedSize)
                    .averageKeySize(averageKeySize).constantValueSizeBySample(new byte[RECORD]).create();
        }

        @Override
        public long lastSeen(String id) {
            byte[] record = map.getUsing(id, using);
            return record == null ? -1 : (long) LONGS.get(record, (int) LAST_SEEN);
        }

        @Override
        public long lastSeenFromBuffer(byte[] request, int offset, int length) {
            key.setLength(0);
            for (int i = 0; i < length; i++) {
                key.append((char) (request[offset + i] & 0xFF));
            }
            byte[] record = map.getUsing(key, using);
            return record == null ? -1 : (long) LONGS.get(record, (int) LAST_SEEN);
        }

        @Override
        public void touch(String id, long now) {
            byte[] record = map.getUsing(id, using);
            if (record == null) {
                record = using;
                java.util.Arrays.fill(record, (byte) 0);
            }
            LONGS.set(record, (int) LAST_SEEN, now);
            LONGS.set(record, (int) COUNTER0, (long) LONGS.get(record, (int) COUNTER0) + 1);
            map.put(id, record);
        }

        @Override
        public void put(String id, byte[] record) {
            map.put(id, record);
        }

        @Override
        public void remove(String id) {
            map.remove(id);
        }

        @Override
        public long footprintBytes() {
            return map.offHeapMemoryUsed();
        }

        @Override
        public void close() {
            map.close();
        }
    }
}
