package io.tophash;

import io.tophash.memory.Allocator;

/**
 * The operations {@link LongLongMap} and {@link ConcurrentLongLongMap} share, so that one contract
 * suite ({@link AbstractLongLongMapContract}) runs against both.
 */
interface ContractMap extends AutoCloseable {

    long get(long key);

    long getOrDefault(long key, long defaultValue);

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

    /** Waits until every chunk queued for background release is back with the allocator. */
    void awaitRetiredReleased();

    @Override
    void close();

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
        public void awaitRetiredReleased() { map.awaitRetiredReleased(); }
        public void close() { map.close(); }
        public LongLongMap single() { return map; }
    }

    record Concurrent(ConcurrentLongLongMap map) implements ContractMap {
        public long get(long key) { return map.get(key); }
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
        public void awaitRetiredReleased() { map.awaitRetiredReleased(); }
        public void close() { map.close(); }
    }
}
