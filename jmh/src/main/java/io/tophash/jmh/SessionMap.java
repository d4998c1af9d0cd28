package io.tophash.jmh;

import io.tophash.BytesMap;
import io.tophash.ConcurrentBytesMap;
import net.openhft.chronicle.map.ChronicleMap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The session cache the variable-value benchmarks measure: session id -> a serialized value of
 * any length, each map used the way its users would use it. A read returns the value's length plus
 * its last byte, so every implementation must reach the value's bytes (the heap maps hand out
 * their array, tophash's single-writer map a view, the shared map and Chronicle Map copy into the
 * caller's array).
 */
interface SessionMap extends AutoCloseable {

    /** The largest value: the copy buffers' size. */
    int MAX_VALUE = 64 * 1024;

    /** Length plus last byte of the value, or -1 when absent; the key as a String in hand. */
    long get(String id);

    /** As {@link #get(String)}, the key as ASCII bytes inside a request buffer. */
    long getFromBuffer(byte[] request, MemorySegment requestSegment, int offset, int length);

    /**
     * Associates {@code value} with {@code id}; {@code segment} is a heap segment over it, made
     * once, for the off-heap maps that copy from a segment (a wrapper made per call would be the
     * caller's allocation, not the map's).
     */
    void put(String id, byte[] value, MemorySegment segment);

    void remove(String id);

    /** Off-heap bytes (tophash: buckets in use and the store; Chronicle Map: its memory); -1 for heap maps. */
    long offHeapBytes();

    /** tophash: its store's live, free and reserved bytes; else null. */
    default io.tophash.StoreStats storeStats() {
        return null;
    }

    @Override
    void close();

    /** Length plus last byte of {@code length} bytes of {@code v}. */
    static long summary(byte[] v, int length) {
        return length < 0 ? -1 : length + (length == 0 ? 0 : v[length - 1]);
    }

    final class Tophash implements SessionMap {
        private final BytesMap map;

        Tophash(int expectedSize) {
            map = BytesMap.builder().maxValueSize(MAX_VALUE).expectedSize(expectedSize).build();
        }

        public long get(String id) {
            return summary(map.get(id));
        }

        public long getFromBuffer(byte[] request, MemorySegment requestSegment, int offset, int length) {
            return summary(map.get(requestSegment, offset, length));
        }

        private static long summary(MemorySegment v) {
            if (v == null) {
                return -1;
            }
            long length = v.byteSize();
            return length + (length == 0 ? 0 : v.get(ValueLayout.JAVA_BYTE, length - 1));
        }

        public void put(String id, byte[] value, MemorySegment segment) {
            map.put(id, segment);
        }

        public void remove(String id) {
            map.remove(id);
        }

        public long offHeapBytes() {
            return map.stats().bucketBytes() + map.keyStoreBytes();
        }

        public io.tophash.StoreStats storeStats() {
            return map.storeStats();
        }

        public void close() {
            map.close();
        }
    }

    final class TophashShared implements SessionMap {
        private final ConcurrentBytesMap map;
        private final byte[] buffer = new byte[MAX_VALUE];

        TophashShared(int expectedSize) {
            map = ConcurrentBytesMap.builder().maxValueSize(MAX_VALUE).expectedSize(expectedSize).build();
        }

        public long get(String id) {
            return summary(buffer, map.readInto(id, buffer));
        }

        public long getFromBuffer(byte[] request, MemorySegment requestSegment, int offset, int length) {
            return summary(buffer, map.readInto(requestSegment, offset, length, buffer));
        }

        public void put(String id, byte[] value, MemorySegment segment) {
            map.put(id, segment);
        }

        public void remove(String id) {
            map.remove(id);
        }

        public long offHeapBytes() {
            return map.stats().bucketBytes() + map.keyStoreBytes();
        }

        public io.tophash.StoreStats storeStats() {
            return map.storeStats();
        }

        public void close() {
            map.close();
        }
    }

    /** {@code HashMap} or {@code ConcurrentHashMap} of {@code String} to {@code byte[]}. */
    final class OnHeap implements SessionMap {
        private final Map<String, byte[]> map;

        OnHeap(Map<String, byte[]> map) {
            this.map = map;
        }

        public long get(String id) {
            byte[] v = map.get(id);
            return v == null ? -1 : summary(v, v.length);
        }

        public long getFromBuffer(byte[] request, MemorySegment requestSegment, int offset, int length) {
            byte[] v = map.get(new String(request, offset, length, StandardCharsets.US_ASCII));
            return v == null ? -1 : summary(v, v.length);
        }

        public void put(String id, byte[] value, MemorySegment segment) {
            map.put(id, value);
        }

        public void remove(String id) {
            map.remove(id);
        }

        public long offHeapBytes() {
            return -1;
        }

        Map<String, byte[]> map() {
            return map;
        }

        public void close() {
        }
    }

    final class Chronicle implements SessionMap {
        private final ChronicleMap<CharSequence, byte[]> map;
        private final byte[] using = new byte[MAX_VALUE];
        private final StringBuilder key = new StringBuilder();

        Chronicle(int expectedSize, double averageKeySize, double averageValueSize) {
            map = ChronicleMap.of(CharSequence.class, byte[].class).entries(expectedSize)
                    .averageKeySize(averageKeySize).averageValueSize(averageValueSize).create();
        }

        public long get(String id) {
            byte[] v = map.getUsing(id, using);
            return v == null ? -1 : summary(v, v.length);
        }

        public long getFromBuffer(byte[] request, MemorySegment requestSegment, int offset, int length) {
            key.setLength(0);
            for (int i = 0; i < length; i++) {
                key.append((char) (request[offset + i] & 0xFF));
            }
            byte[] v = map.getUsing(key, using);
            return v == null ? -1 : summary(v, v.length);
        }

        public void put(String id, byte[] value, MemorySegment segment) {
            map.put(id, value);
        }

        public void remove(String id) {
            map.remove(id);
        }

        public long offHeapBytes() {
            return map.offHeapMemoryUsed();
        }

        public void close() {
            map.close();
        }
    }
}
