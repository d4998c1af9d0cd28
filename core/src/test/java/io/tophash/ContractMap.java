package io.tophash;

import io.tophash.memory.Allocator;

/**
 * The operations {@link LongLongMap} and {@link ConcurrentLongLongMap} share, so that one contract
 * suite ({@link AbstractLongLongMapContract}) runs against both.
 */
interface ContractMap extends AutoCloseable {

    long get(long key);

    long getOrDefault(long key, long defaultValue);

    /** {@code values[i] = get(keys[i])} for every key; the long maps batch it. */
    default void getAll(long[] keys, long[] values) {
        if (values.length < keys.length) {
            throw new IllegalArgumentException("values shorter than keys");
        }
        for (int i = 0; i < keys.length; i++) {
            values[i] = get(keys[i]);
        }
    }

    boolean containsKey(long key);

    long put(long key, long value);

    long putIfAbsent(long key, long value);

    long remove(long key);

    long addAndGet(long key, long delta);

    long size();

    default boolean isEmpty() {
        return size() == 0;
    }

    void forEach(LongLongConsumer action);

    MapStats stats();

    long missingValue();

    boolean growing();

    long oldBucketCount();

    /** Null when every chain keeps the empty-rest rule that removal promises lookups, else the fault. */
    String auditChains();

    /** Completes a growth in progress; whether there was one. */
    boolean finishGrowth();

    /** Starts shrinking the map to what its entries need; whether a shrink is under way. */
    boolean trimToSize();

    /** Removes every entry. */
    void clear();

    /** Units evacuated so far in the growth in progress. */
    long evacuatedBuckets();

    /** Waits until every chunk queued for background release is back with the allocator. */
    void awaitRetiredReleased();

    @Override
    void close();

    /** Bytes this map holds besides its tables (a byte-keyed map's key store); 0 for the long maps. */
    default long auxiliaryBytes() {
        return 0;
    }

    /** The single-threaded map behind this one, or null. */
    default LongLongMap single() {
        return null;
    }

    /** Builder options both maps have. */
    interface Builder {
        Builder expectedSize(long entries);

        Builder missingValue(long value);

        Builder seed(long seed);

        ContractMap build();
    }

    static Builder singleThreaded(Allocator allocator, BucketPadding padding) {
        LongLongMap.Builder b = LongLongMap.builder().allocator(allocator).padding(padding);
        return new Builder() {
            @Override
            public Builder expectedSize(long entries) {
                b.expectedSize(entries);
                return this;
            }

            @Override
            public Builder missingValue(long value) {
                b.missingValue(value);
                return this;
            }

            @Override
            public Builder seed(long seed) {
                b.seed(seed);
                return this;
            }

            @Override
            public ContractMap build() {
                return new Single(b.build());
            }
        };
    }

    static Builder concurrent(Allocator allocator, BucketPadding padding) {
        ConcurrentLongLongMap.Builder b = ConcurrentLongLongMap.builder().allocator(allocator).padding(padding);
        return new Builder() {
            @Override
            public Builder expectedSize(long entries) {
                b.expectedSize(entries);
                return this;
            }

            @Override
            public Builder missingValue(long value) {
                b.missingValue(value);
                return this;
            }

            @Override
            public Builder seed(long seed) {
                b.seed(seed);
                return this;
            }

            @Override
            public ContractMap build() {
                return new Concurrent(b.build());
            }
        };
    }

    record Single(LongLongMap map) implements ContractMap {
        public long get(long key) { return map.get(key); }
        public void getAll(long[] keys, long[] values) { map.getAll(keys, values); }
        public long getOrDefault(long key, long d) { return map.getOrDefault(key, d); }
        public boolean containsKey(long key) { return map.containsKey(key); }
        public long put(long key, long value) { return map.put(key, value); }
        public long putIfAbsent(long key, long value) { return map.putIfAbsent(key, value); }
        public long remove(long key) { return map.remove(key); }
        public long addAndGet(long key, long delta) { return map.addAndGet(key, delta); }
        public long size() { return map.size(); }
        public boolean isEmpty() { return map.isEmpty(); }
        public void forEach(LongLongConsumer action) { map.forEach(action); }
        public MapStats stats() { return map.stats(); }
        public long missingValue() { return map.missingValue(); }
        public boolean growing() { return map.growing(); }
        public long oldBucketCount() { return map.oldBucketCount(); }
        public String auditChains() { return map.auditChains(); }
        public boolean finishGrowth() { return map.finishGrowth(); }
        public boolean trimToSize() { return map.trimToSize(); }
        public void clear() { map.clear(); }
        public long evacuatedBuckets() { return map.evacuatedBuckets(); }
        public void awaitRetiredReleased() { map.awaitRetiredReleased(); }
        public void close() { map.close(); }
        public LongLongMap single() { return map; }
    }

    record Concurrent(ConcurrentLongLongMap map) implements ContractMap {
        public long get(long key) { return map.get(key); }
        public void getAll(long[] keys, long[] values) { map.getAll(keys, values); }
        public long getOrDefault(long key, long d) { return map.getOrDefault(key, d); }
        public boolean containsKey(long key) { return map.containsKey(key); }
        public long put(long key, long value) { return map.put(key, value); }
        public long putIfAbsent(long key, long value) { return map.putIfAbsent(key, value); }
        public long remove(long key) { return map.remove(key); }
        public long addAndGet(long key, long delta) { return map.addAndGet(key, delta); }
        public long size() { return map.size(); }
        public boolean isEmpty() { return map.isEmpty(); }
        public void forEach(LongLongConsumer action) { map.forEach(action); }
        public MapStats stats() { return map.stats(); }
        public long missingValue() { return map.missingValue(); }
        public boolean growing() { return map.growing(); }
        public long oldBucketCount() { return map.oldBucketCount(); }
        public String auditChains() { return map.auditChains(); }
        public boolean finishGrowth() { return map.finishGrowth(); }
        public boolean trimToSize() { return map.trimToSize(); }
        public void clear() { map.clear(); }
        public long evacuatedBuckets() { return map.evacuatedBuckets(); }
        public void awaitRetiredReleased() { map.awaitRetiredReleased(); }
        public void close() { map.close(); }
    }

    /**
     * A {@link BytesMap} seen as a {@code long -> long} map, so that the fuzzer's phases and checks
     * run on it: an even key is its 8 little-endian bytes (kept inline in the slot), an odd key those
     * 8 bytes and 16 more derived from it (24 bytes: in the key store); a value is the first 8 bytes
     * of a 16-byte record whose other 8 repeat it negated, so a torn or misplaced record shows.
     */
    final class Bytes implements ContractMap {
        static final int VALUE_SIZE = 16;
        private final BytesMap map;
        private final java.lang.foreign.MemorySegment record = java.lang.foreign.Arena.ofAuto().allocate(VALUE_SIZE, 8);

        Bytes(BytesMap map) {
            this.map = map;
        }

        BytesMap map() {
            return map;
        }

        static byte[] key(long key) {
            byte[] k = new byte[(key & 1) == 0 ? 8 : 24];
            for (int i = 0; i < k.length; i++) {
                long word = i < 8 ? key : key * 0x9E3779B97F4A7C15L + i;
                k[i] = (byte) (word >>> (8 * (i & 7)));
            }
            return k;
        }

        static long keyOf(java.lang.foreign.MemorySegment k) {
            return k.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0);
        }

        java.lang.foreign.MemorySegment value(long v) {
            record.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, v);
            record.set(java.lang.foreign.ValueLayout.JAVA_LONG, 8, -v);
            return record;
        }

        /** Unaligned reads: with naive(3) the map's value views are not 8-byte aligned (as documented). */
        static long valueOf(java.lang.foreign.MemorySegment r) {
            long v = r.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0);
            long check = r.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 8);
            if (check != -v) {
                throw new AssertionError("torn record: " + v + " / " + check);
            }
            return v;
        }

        public long get(long key) { return getOrDefault(key, -1); }
        public long getOrDefault(long key, long d) {
            return map.getInto(key(key), record) ? valueOf(record) : d;
        }
        public boolean containsKey(long key) { return map.containsKey(key(key)); }
        public long put(long key, long value) {
            byte[] k = key(key);
            long previous = map.getInto(k, record) ? valueOf(record) : -1;
            map.put(k, value(value));
            return previous;
        }
        public long putIfAbsent(long key, long value) {
            byte[] k = key(key);
            long present = map.getInto(k, record) ? valueOf(record) : -1;
            return map.putIfAbsent(k, value(value)) ? -1 : present;
        }
        public long remove(long key) {
            byte[] k = key(key);
            long previous = map.getInto(k, record) ? valueOf(record) : -1;
            map.remove(k);
            return previous;
        }
        public long addAndGet(long key, long delta) {
            java.lang.foreign.MemorySegment v = map.acquire(key(key));
            long sum = v.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0) + delta;
            v.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0, sum);
            v.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 8, -sum);
            return sum;
        }
        public long size() { return map.size(); }
        public void forEach(LongLongConsumer action) {
            map.forEach((k, v) -> action.accept(keyOf(k), valueOf(v)));
        }
        public MapStats stats() { return map.stats(); }
        public long missingValue() { return -1; }
        public boolean growing() { return map.growing(); }
        public long oldBucketCount() { return map.oldBucketCount(); }
        public String auditChains() { return map.auditChains(); }
        public boolean finishGrowth() { return map.finishGrowth(); }
        public boolean trimToSize() { return map.trimToSize(); }
        public void clear() { map.clear(); }
        public long evacuatedBuckets() { return map.evacuatedBuckets(); }
        public void awaitRetiredReleased() { map.awaitRetiredReleased(); }
        public long auxiliaryBytes() { return map.keyStoreFigures()[2]; }
        public void close() { map.close(); }
    }

    /**
     * A {@link ConcurrentBytesMap} seen as a {@code long -> long} map, with {@link Bytes}'s keys and
     * values: {@code addAndGet} goes through {@code update}.
     */
    final class ConcurrentBytes implements ContractMap {
        private final ConcurrentBytesMap map;
        private final Bytes codec;
        private final java.lang.foreign.MemorySegment record = java.lang.foreign.Arena.ofAuto().allocate(Bytes.VALUE_SIZE, 8);
        private long sum;

        ConcurrentBytes(ConcurrentBytesMap map) {
            this.map = map;
            this.codec = new Bytes(null);
        }

        ConcurrentBytesMap map() {
            return map;
        }

        public long get(long key) { return getOrDefault(key, -1); }
        public long getOrDefault(long key, long d) {
            return map.getInto(Bytes.key(key), record) ? Bytes.valueOf(record) : d;
        }
        /** Field reads ({@code getLong}) of both words of each record, checked against each other. */
        public void getAll(long[] keys, long[] values) {
            for (int i = 0; i < keys.length; i++) {
                byte[] k = Bytes.key(keys[i]);
                long v = map.getLong(k, 0, -1);
                long check = map.getLong(k, 8, 1);
                if (v == -1 ? check != 1 && check != -v : check != -v) {
                    throw new AssertionError("getLong of key " + keys[i] + ": " + v + " / " + check);
                }
                values[i] = v;
            }
        }
        public boolean containsKey(long key) { return map.containsKey(Bytes.key(key)); }
        public long put(long key, long value) {
            byte[] k = Bytes.key(key);
            long previous = map.getInto(k, record) ? Bytes.valueOf(record) : -1;
            map.put(k, codec.value(value));
            return previous;
        }
        public long putIfAbsent(long key, long value) {
            byte[] k = Bytes.key(key);
            long present = map.getInto(k, record) ? Bytes.valueOf(record) : -1;
            return map.putIfAbsent(k, codec.value(value)) ? -1 : present;
        }
        public long remove(long key) {
            byte[] k = Bytes.key(key);
            long previous = map.getInto(k, record) ? Bytes.valueOf(record) : -1;
            map.remove(k);
            return previous;
        }
        public long addAndGet(long key, long delta) {
            map.update(Bytes.key(key), v -> {
                sum = Bytes.valueOf(v) + delta;
                v.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0, sum);
                v.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 8, -sum);
            });
            return sum;
        }
        public long size() { return map.size(); }
        public void forEach(LongLongConsumer action) {
            map.forEach((k, v) -> action.accept(Bytes.keyOf(k), Bytes.valueOf(v)));
        }
        public MapStats stats() { return map.stats(); }
        public long missingValue() { return -1; }
        public boolean growing() { return map.growing(); }
        public long oldBucketCount() { return map.oldBucketCount(); }
        public String auditChains() { return map.auditChains(); }
        public boolean finishGrowth() { return map.finishGrowth(); }
        public boolean trimToSize() { return map.trimToSize(); }
        public void clear() { map.clear(); }
        public long evacuatedBuckets() { return map.evacuatedBuckets(); }
        public void awaitRetiredReleased() { map.awaitRetiredReleased(); }
        public long auxiliaryBytes() { return map.keyStoreFigures()[2]; }
        public void close() { map.close(); }
    }

    /**
     * Either byte map with values of any length, seen as a {@code long -> long} map: keys as
     * {@link Bytes}'s; a value {@code v} is a byte string of a length that drifts with the number of
     * writes (12 bytes up to a few KiB, inline and stored, so that freed blocks of one size class stop
     * being reused): {@code v} in bytes 0-7, the length in bytes 8-11, then bytes derived from both,
     * so that a torn value, a wrong length or bytes of another value all show.
     */
    final class VariableBytes implements ContractMap {
        static final int MAX_VALUE = 8192;
        private final BytesMap single;
        private final ConcurrentBytesMap shared;
        private final byte[] buffer = new byte[MAX_VALUE];
        private long writes;

        VariableBytes(BytesMap single, ConcurrentBytesMap shared) {
            this.single = single;
            this.shared = shared;
        }

        /** The length the next write of {@code v} gets: a window of lengths that slides with the writes. */
        private int lengthFor(long v) {
            long mixed = (v ^ writes) * 0x9E3779B97F4A7C15L;
            int drift = (int) ((writes / 3_000) % 24) * 40;
            int span = (mixed >>> 60) == 0 ? MAX_VALUE - 12 - 24 * 40 : 500;
            return 12 + drift + (int) ((mixed >>> 1) % span);
        }

        private java.lang.foreign.MemorySegment encode(long v) {
            int length = lengthFor(v);
            writes++;
            byte[] b = new byte[length];
            java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(v).putInt(length);
            for (int i = 12; i < length; i++) {
                b[i] = (byte) (v * 31 + length + i);
            }
            return java.lang.foreign.MemorySegment.ofArray(b);
        }

        static long decode(java.lang.foreign.MemorySegment value) {
            byte[] b = value.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            return decode(b, b.length);
        }

        static long decode(byte[] b, int length) {
            if (length < 12) {
                throw new AssertionError("value of " + length + " bytes: shorter than any written");
            }
            java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            long v = in.getLong();
            int recorded = in.getInt();
            if (recorded != length) {
                throw new AssertionError("value of " + length + " bytes records " + recorded);
            }
            for (int i = 12; i < length; i++) {
                if (b[i] != (byte) (v * 31 + length + i)) {
                    throw new AssertionError("value " + v + " of " + length + " bytes: byte " + i + " is not its own");
                }
            }
            return v;
        }

        /** The length the last {@link #read} found, -1 when absent. */
        private int lastLength;

        private long read(byte[] k) {
            int length = single != null ? single.readInto(k, buffer) : shared.readInto(k, buffer);
            lastLength = length;
            return length < 0 ? -1 : decode(buffer, length);
        }

        private OffHeapMap map() {
            return single != null ? single : shared;
        }

        public long get(long key) { return getOrDefault(key, -1); }
        public long getOrDefault(long key, long d) {
            byte[] k = Bytes.key(key);
            int length = single != null ? single.valueLength(k) : shared.valueLength(k);
            long v = read(k);
            if (length != lastLength) {
                throw new AssertionError("valueLength " + length + " but the read found " + lastLength + " bytes");
            }
            return length < 0 ? d : v;
        }
        public boolean containsKey(long key) {
            byte[] k = Bytes.key(key);
            return single != null ? single.containsKey(k) : shared.containsKey(k);
        }
        public long put(long key, long value) {
            byte[] k = Bytes.key(key);
            long previous = read(k);
            java.lang.foreign.MemorySegment v = encode(value);
            if (single != null) {
                single.put(k, v);
            } else {
                shared.put(k, v);
            }
            return previous;
        }
        public long putIfAbsent(long key, long value) {
            byte[] k = Bytes.key(key);
            long present = read(k);
            java.lang.foreign.MemorySegment v = encode(value);
            return (single != null ? single.putIfAbsent(k, v) : shared.putIfAbsent(k, v)) ? -1 : present;
        }
        public long remove(long key) {
            byte[] k = Bytes.key(key);
            long previous = read(k);
            if (single != null) {
                single.remove(k);
            } else {
                shared.remove(k);
            }
            return previous;
        }
        /** Not atomic on the shared map: the fuzzer runs one thread. */
        public long addAndGet(long key, long delta) {
            byte[] k = Bytes.key(key);
            long previous = read(k);
            long sum = (lastLength < 0 ? 0 : previous) + delta;
            java.lang.foreign.MemorySegment v = encode(sum);
            if (single != null) {
                single.put(k, v);
            } else {
                shared.put(k, v);
            }
            return sum;
        }
        public long size() { return map().size(); }
        public void forEach(LongLongConsumer action) {
            if (single != null) {
                single.forEach((k, v) -> action.accept(Bytes.keyOf(k), decode(v)));
            } else {
                shared.forEach((k, v) -> action.accept(Bytes.keyOf(k), decode(v)));
            }
        }
        public MapStats stats() { return single != null ? single.stats() : shared.stats(); }
        public long missingValue() { return -1; }
        public boolean growing() { return map().growing(); }
        public long oldBucketCount() { return map().oldBucketCount(); }
        public String auditChains() { return map().auditChains(); }
        public boolean finishGrowth() { return map().finishGrowth(); }
        public boolean trimToSize() { return single != null ? single.trimToSize() : shared.trimToSize(); }
        public void clear() {
            if (single != null) {
                single.clear();
            } else {
                shared.clear();
            }
        }
        public long evacuatedBuckets() { return map().evacuatedBuckets(); }
        public void awaitRetiredReleased() { map().awaitRetiredReleased(); }
        public long auxiliaryBytes() { return storeFigures()[2]; }
        /** Bytes of the stores: the current table's and, during a growth, the old one's. */
        long storeBytes() { return single != null ? single.keyStoreBytes() : shared.keyStoreBytes(); }
        /** Live, free and reserved bytes of the current table's store. */
        long[] storeFigures() { return single != null ? single.keyStoreFigures() : shared.keyStoreFigures(); }
        public void close() { map().close(); }
    }
}
