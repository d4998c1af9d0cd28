package io.tophash;

import io.tophash.engine.Chain;
import io.tophash.engine.Evacuation;
import io.tophash.engine.Growth;
import io.tophash.engine.Hashing;
import io.tophash.engine.MapMemory;
import io.tophash.engine.MapTables;
import io.tophash.engine.SeqlockTables;
import io.tophash.engine.Table;
import io.tophash.memory.Allocator;

import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentMap;

/**
 * An off-heap {@code long -> long} hash map for any number of threads, with the buckets and the
 * incremental growth of {@link LongLongMap}.
 *
 * <p><b>Threading.</b> Every public method may be called from any thread at any time. Single-key
 * operations are linearizable; reads are lock-free (they write nothing and wait only while a
 * writer holds the key's bucket); writers of different buckets never wait for each other.
 * {@link #size()} and {@link #forEach} are not linearizable (see each).
 *
 * <p><b>Memory.</b> The allocator must give 8-byte aligned memory ({@code naive(3)} cannot):
 * each bucket's link word is accessed atomically. Off-heap memory is freed by {@link #close()}; a
 * map that becomes unreachable unclosed is freed after GC by a {@link java.lang.ref.Cleaner},
 * with one warning per map class.
 *
 * <p><b>Known limits.</b> A bucket's version has 32 bits and each write adds 2: a reader paused
 * between its two loads of a bucket's link word for exactly a multiple of 2^31 writes to that
 * bucket would accept a torn read (StampedLock has the same kind of bound).
 */
public final class ConcurrentLongLongMap extends OffHeapMap {

    /*
     * Implementation notes.
     *
     * This class is the concurrent policy's API for long keys: the per-bucket seqlock, optimistic
     * reads and concurrent growth are the engine's SeqlockTables (its notes say how they work),
     * around the same probe (Chain) and evacuation (Evacuation) that LongLongMap runs under its
     * writer flag. A read says what it takes from the slot it finds through readSlot; a write
     * locks the key's bucket, finds the key, and inserts through slotForInsert, starting over when
     * the engine has moved the bucket to the next table of a growth.
     *
     * The asMap() view (ConcurrentLongLongMapView) needs what the long API folds into the missing
     * value: whether the key was there. The boxed* methods answer it from the same read or write
     * (the write's Presence, filled under the bucket lock; the read's, by the validated readSlot
     * call), so that each view method stays one atomic operation.
     *
     * The file: reads, writes, whole map, the view's primitives, builder.
     */

    /** Passed as a read's probe: the read takes presence (1), not the value. */
    private static final Object PRESENCE = new Object();

    /**
     * Whether an operation found its key: filled by the operation, read by its caller (one thread);
     * the answer the long API leaves to the missing value, for the {@link #asMap()} view.
     */
    private static final class Presence {
        boolean found;
    }

    private final long seed;
    private final long missingValue;
    private final Tables tables;

    /** The engine's concurrent tables, told what a read of a {@code long} key takes. */
    private static final class Tables extends SeqlockTables {
        Tables(MapOptions o, MapMemory memory, long seed) {
            super(o.padding.format(), memory, o.initialLog2Buckets(o.padding.format()),
                    new Evacuation.KeyWords(seed, false), "ConcurrentLongLongMap");
        }

        @Override
        protected long readSlot(Table t, long h, long key, long key2, long part, long absent, Object probe) {
            long ref = Chain.find(t, h, key);
            if (probe instanceof Presence presence) {
                // the caller's own object: the last call, the one read() validates, leaves its answer
                presence.found = ref != Table.NONE;
            }
            return ref == Table.NONE ? absent : probe == PRESENCE ? 1 : t.longValueAt(ref);
        }
    }

    /** The {@link #asMap()} view, made on first use; its fields are final, so a racy publication is safe. */
    private ConcurrentLongLongMapView view;

    private ConcurrentLongLongMap(Builder b) {
        super(b.options);
        MapOptions o = b.options;
        this.seed = o.seedForNewMap();
        this.missingValue = o.missingValue;
        this.tables = new Tables(o, memory, seed);
        built();
    }

    /**
     * A builder with the same options and defaults as {@link LongLongMap#builder()}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------------------ reads

    /**
     * The value of {@code key}, or the map's missing value. Lock-free: writes nothing, waits only
     * while a writer holds the key's bucket. Any thread.
     *
     * @param key the key
     * @return the value, or {@link #missingValue()} when absent
     * @throws IllegalStateException after {@link #close()}
     */
    public long get(long key) {
        return tables.read(Hashing.hash(key, seed), key, missingValue, null);
    }

    /**
     * The value of {@code key}, or {@code defaultValue} if absent. Any thread.
     *
     * @param key the key
     * @param defaultValue returned when the key is absent
     * @return the value, or {@code defaultValue} when absent
     * @throws IllegalStateException after {@link #close()}
     */
    public long getOrDefault(long key, long defaultValue) {
        return tables.read(Hashing.hash(key, seed), key, defaultValue, null);
    }

    /**
     * Looks up every key of {@code keys}: {@code values[i]} becomes the value of {@code keys[i]}, or
     * the missing value when it is absent ({@code values} may be {@code keys}: in place). Each key is read
     * as {@link #get} reads it, on its own:
     * the values need not be one snapshot of the map. Any thread; never allocates.
     *
     * @param keys   the keys to look up
     * @param values receives the values; at least as long as {@code keys}
     * @throws IllegalArgumentException if {@code values} is shorter than {@code keys}
     * @throws NullPointerException     if either array is null
     * @throws IllegalStateException    after {@link #close()}
     */
    public void getAll(long[] keys, long[] values) {
        checkBatch(keys, values);
        for (int i = 0; i < keys.length; i++) {
            values[i] = get(keys[i]);
        }
    }

    /**
     * Whether {@code key} is present. Any thread.
     *
     * @param key the key
     * @return whether the key is present
     * @throws IllegalStateException after {@link #close()}
     */
    public boolean containsKey(long key) {
        return tables.read(Hashing.hash(key, seed), key, 0, PRESENCE) != 0;
    }

    // ----------------------------------------------------------------------------- writes

    /**
     * Associates {@code value} with {@code key}. Linearizable. Any thread.
     *
     * @param key the key
     * @param value the value
     * @return the previous value, or the missing value if the key was absent
     * @throws IllegalStateException after {@link #close()}
     * @throws OutOfMemoryError      if the map must grow, the allocator refuses and there is no room left (map unchanged)
     */
    public long put(long key, long value) {
        return write(key, value, PUT, null);
    }

    /**
     * Inserts {@code value} only if {@code key} is absent; atomic. Any thread.
     *
     * @param key the key
     * @param value the value
     * @return the present value, or the missing value if this call inserted
     * @throws IllegalStateException after {@link #close()}
     * @throws OutOfMemoryError      if the map must grow, the allocator refuses and there is no room left (map unchanged)
     */
    public long putIfAbsent(long key, long value) {
        return write(key, value, PUT_IF_ABSENT, null);
    }

    /**
     * Adds {@code delta} to the value of {@code key} (an absent key counts as 0) and returns the
     * sum; atomic, no increment is lost. Any thread.
     *
     * @param key the key
     * @param delta added to the value
     * @return the new value
     * @throws IllegalStateException after {@link #close()}
     * @throws OutOfMemoryError      if the map must grow, the allocator refuses and there is no room left (map unchanged)
     */
    public long addAndGet(long key, long delta) {
        return write(key, delta, ADD, null);
    }

    private static final int PUT = 0;
    private static final int PUT_IF_ABSENT = 1;
    private static final int ADD = 2;

    /**
     * The three writes that may insert, under the key's bucket lock: {@code operand} is the value
     * to put or the delta to add. Returns what the public method returns; tells {@code presence},
     * if given, whether the key was there.
     */
    private long write(long key, long operand, int operation, Presence presence) {
        long h = Hashing.hash(key, seed);
        boolean interruptedBefore = Thread.currentThread().isInterrupted();
        try {
            while (true) {
                Table t = tables.lockHome(h);
                try {
                    long ref = Chain.find(t, h, key);
                    if (ref != Table.NONE) {
                        if (presence != null) {
                            presence.found = true;
                        }
                        long present = t.longValueAt(ref);
                        if (operation == PUT) {
                            t.putLongValue(ref, operand);
                        } else if (operation == ADD) {
                            t.putLongValue(ref, present + operand);
                            return present + operand;
                        }
                        return present;
                    }
                    ref = tables.slotForInsert(t, h);
                    if (ref == SeqlockTables.RETRY) {
                        continue; // the bucket moved to the next table
                    }
                    t.putKeyWord(ref, key);
                    t.putLongValue(ref, operand);
                    tables.occupy(t, ref, h);
                    return operation == ADD ? operand : missingValue;
                } finally {
                    tables.unlockHome(t, h);
                }
            }
        } catch (RuntimeException e) {
            throw tables.closedOr(e, interruptedBefore);
        }
    }

    /**
     * Removes {@code key}. Linearizable; never needs memory. Any thread.
     *
     * @param key the key
     * @return the removed value, or the missing value if absent
     * @throws IllegalStateException after {@link #close()}
     */
    public long remove(long key) {
        return remove(key, (Presence) null);
    }

    /** {@link #remove(long)}, telling {@code presence}, if given, whether the key was there. */
    private long remove(long key, Presence presence) {
        long h = Hashing.hash(key, seed);
        boolean interruptedBefore = Thread.currentThread().isInterrupted();
        try {
            Table t = tables.lockHome(h);
            try {
                long ref = Chain.find(t, h, key);
                if (ref == Table.NONE) {
                    return missingValue;
                }
                if (presence != null) {
                    presence.found = true;
                }
                long previous = t.longValueAt(ref);
                tables.removeSlot(t, h, ref);
                return previous;
            } finally {
                tables.unlockHome(t, h);
            }
        } catch (RuntimeException e) {
            throw tables.closedOr(e, interruptedBefore);
        }
    }

    /**
     * Removes {@code key} only if it maps to {@code expectedValue}; atomic; never needs memory. Any thread.
     *
     * @param key the key
     * @param expectedValue the value the key must have
     * @return whether it was removed
     * @throws IllegalStateException after {@link #close()}
     */
    public boolean remove(long key, long expectedValue) {
        return compareAnd(key, expectedValue, 0, true);
    }

    /**
     * Sets {@code key} to {@code newValue} only if it maps to {@code expectedValue}; atomic; never
     * needs memory. Any thread.
     *
     * @param key the key
     * @param expectedValue the value the key must have
     * @param newValue the value to set
     * @return whether it was replaced
     * @throws IllegalStateException after {@link #close()}
     */
    public boolean replace(long key, long expectedValue, long newValue) {
        return compareAnd(key, expectedValue, newValue, false);
    }

    /** Removes {@code key}, or sets it to {@code newValue}, if it maps to {@code expectedValue}. */
    private boolean compareAnd(long key, long expectedValue, long newValue, boolean remove) {
        long h = Hashing.hash(key, seed);
        boolean interruptedBefore = Thread.currentThread().isInterrupted();
        try {
            Table t = tables.lockHome(h);
            try {
                long ref = Chain.find(t, h, key);
                if (ref == Table.NONE || t.longValueAt(ref) != expectedValue) {
                    return false;
                }
                if (remove) {
                    tables.removeSlot(t, h, ref);
                } else {
                    t.putLongValue(ref, newValue);
                }
                return true;
            } finally {
                tables.unlockHome(t, h);
            }
        } catch (RuntimeException e) {
            throw tables.closedOr(e, interruptedBefore);
        }
    }

    /**
     * Sets {@code key} to {@code newValue} only if it is present; atomic. Tells {@code presence}
     * whether it was.
     *
     * @return the replaced value, or the missing value if absent
     */
    private long replace(long key, long newValue, Presence presence) {
        long h = Hashing.hash(key, seed);
        boolean interruptedBefore = Thread.currentThread().isInterrupted();
        try {
            Table t = tables.lockHome(h);
            try {
                long ref = Chain.find(t, h, key);
                if (ref == Table.NONE) {
                    return missingValue;
                }
                presence.found = true;
                long previous = t.longValueAt(ref);
                t.putLongValue(ref, newValue);
                return previous;
            } finally {
                tables.unlockHome(t, h);
            }
        } catch (RuntimeException e) {
            throw tables.closedOr(e, interruptedBefore);
        }
    }

    // ------------------------------------------------------------------------ whole map

    /**
     * The number of entries. Exact when no write runs concurrently; while writers run it is a
     * sum of per-thread counters that may be off by the writes in flight (as
     * {@code ConcurrentHashMap.size()}). Any thread.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public long size() {
        return tables.size();
    }

    /**
     * Removes every entry, keeping the map's capacity. Not atomic, as
     * {@code ConcurrentHashMap.clear()} is not: an entry present when the call starts and not
     * written meanwhile is gone when it returns; entries written meanwhile may or may not be.
     * Readers and writers go on meanwhile (a clearing growth: see {@code docs/how-it-works.md}); the
     * call itself visits every bucket. A trim in progress is dropped. Any thread.
     *
     * @throws IllegalStateException after {@link #close()}
     * @throws OutOfMemoryError      if the fresh table cannot be reserved (map unchanged)
     */
    public void clear() {
        tables.clear();
    }

    /**
     * Shrinks the map to what its entries need: the table a map built with
     * {@code expectedSize(size())} would get. Like a growth, the shrink is carried out by later
     * writes, each moving at most two evacuation units (a unit is the up to 8 old buckets that share
     * a new bucket), or at once by {@link #finishGrowth()}; it runs as several growths when the
     * table is more than 8 times too large, the next starting when one completes. A growth in
     * progress completes first. Readers and writers go on meanwhile; the old tables go back to the
     * allocator after the grace period for readers. Any thread.
     *
     * @return whether a shrink is under way (false: the table is no larger than the entries need)
     * @throws IllegalStateException after {@link #close()}
     * @throws OutOfMemoryError      if the first smaller table cannot be reserved (map unchanged)
     */
    public boolean trimToSize() {
        return tables.trimToSize();
    }

    /**
     * Calls {@code action} for each entry. Weakly consistent, as ConcurrentHashMap's iterators:
     * never throws {@link java.util.ConcurrentModificationException}, visits every entry present
     * for the whole call exactly once, and may or may not see entries written meanwhile. Each
     * bucket's entries are read as one consistent snapshot; the action runs with no lock held and
     * may itself write to the map. Any thread.
     *
     * @param action called once per entry
     * @throws IllegalStateException after {@link #close()}
     */
    public void forEach(LongLongConsumer action) {
        tables.forEach(new Snapshot(Objects.requireNonNull(action, "action")));
    }

    /** One chain's entries, copied out inside a validated window. Owned by one forEach call. */
    private static final class Snapshot extends SeqlockTables.ChainSnapshot {
        private final LongLongConsumer action;
        private long[] keys = new long[16];
        private long[] values = new long[16];
        private int count;

        Snapshot(LongLongConsumer action) {
            this.action = action;
        }

        @Override
        protected void read(Table t, long off) {
            count = 0;
            for (long ref = Chain.firstLive(t, off); ref != Table.NONE; ref = Chain.nextLive(t, ref)) {
                if (!inWalk(t, ref)) {
                    continue;
                }
                if (count == keys.length) {
                    keys = Arrays.copyOf(keys, count * 2);
                    values = Arrays.copyOf(values, count * 2);
                }
                keys[count] = t.keyWordAt(ref);
                values[count] = t.longValueAt(ref);
                count++;
            }
        }

        @Override
        protected void emit() {
            int n = count;
            for (int i = 0; i < n; i++) {
                action.accept(keys[i], values[i]);
            }
        }
    }

    /**
     * A live {@link ConcurrentMap} view of this map, for code that takes a {@code java.util} map.
     * Writes through the view are writes to this map and the other way round; each single-key
     * method ({@code get}, {@code put}, {@code putIfAbsent}, {@code remove(key)},
     * {@code remove(key, value)}, {@code replace(key, value)}, {@code replace(key, old, new)}) is
     * one atomic operation of this map, and tells an absent key ({@code null}) from one holding
     * the missing value. Iterators of its collections are weakly consistent, as
     * {@code ConcurrentHashMap}'s (never {@link java.util.ConcurrentModificationException}; every
     * entry present for the whole iteration is seen once; later writes may or may not be); their
     * {@code remove} removes the key, and an entry's {@code setValue} puts the key (as
     * {@code ConcurrentHashMap}'s). {@code size}, {@code clear}, {@code equals}, {@code hashCode},
     * {@code toString} and bulk operations are not atomic. {@code null} keys and values are
     * refused with {@link NullPointerException}, as is a {@code null} key or value queried;
     * a key or value that is not a {@link Long} is simply absent.
     *
     * <p><b>Cost.</b> The view boxes: every key and value crossing it is a {@link Long}
     * (allocated outside the {@code Long} cache's -128..127), and every entry an iterator returns
     * is a new object; an iterator holds one bucket chain's entries at a time, and
     * {@code equals}, {@code hashCode} and {@code toString} walk the whole map. A single-key
     * method costs the map's own operation plus the boxing; {@code put}, {@code putIfAbsent},
     * {@code remove(key)} and {@code replace(key, value)} also allocate one small object to learn,
     * in the same locked operation, whether the key was there, and so does a {@code get} that
     * reads the missing value (which then reads the key a second time). Use the {@code long}
     * methods on hot paths.
     *
     * <p>Threading: any thread, as every method of the view; the same view object is returned to
     * every caller. After {@link #close()} the view's methods throw {@link IllegalStateException}.
     *
     * @return the view, backed by this map
     */
    public ConcurrentMap<Long, Long> asMap() {
        ConcurrentLongLongMapView v = view;
        if (v == null) {
            view = v = new ConcurrentLongLongMapView(this);
        }
        return v;
    }

    // ---------------------------------------------------------------- the view's primitives

    /*
     * For ConcurrentLongLongMapView: the long API's operations, each telling an absent key (null)
     * from a present one (its value, boxed), atomically. Boxing happens after the bucket lock is
     * released.
     */

    /** {@link #get}, null if absent. */
    Long boxedGet(long key) {
        long value = get(key);
        if (value != missingValue) {
            return value;
        }
        Presence presence = new Presence(); // the missing value, or absent: ask the read which
        value = tables.read(Hashing.hash(key, seed), key, missingValue, presence);
        return presence.found ? value : null;
    }

    /** {@link #put}: the previous value, or null if absent. */
    Long boxedPut(long key, long value) {
        Presence presence = new Presence();
        long previous = write(key, value, PUT, presence);
        return presence.found ? previous : null;
    }

    /** {@link #putIfAbsent}: the present value, or null if this call inserted. */
    Long boxedPutIfAbsent(long key, long value) {
        Presence presence = new Presence();
        long present = write(key, value, PUT_IF_ABSENT, presence);
        return presence.found ? present : null;
    }

    /** {@link #remove(long)}: the removed value, or null if absent. */
    Long boxedRemove(long key) {
        Presence presence = new Presence();
        long previous = remove(key, presence);
        return presence.found ? previous : null;
    }

    /** Replaces the value of a present key: the replaced value, or null if absent (nothing done). */
    Long boxedReplace(long key, long value) {
        Presence presence = new Presence();
        long previous = replace(key, value, presence);
        return presence.found ? previous : null;
    }

    /**
     * A weakly consistent walk over the entries, as {@link #forEach} but pulled one entry at a
     * time (the view's iterators): {@code while (walk.next()) { walk.key(); walk.value(); }}.
     * Holds one bucket chain's entries at a time, read as one consistent snapshot. Owned by one
     * thread; never throws {@link java.util.ConcurrentModificationException}.
     */
    final class Walk implements LongLongConsumer {
        private final Table start = tables.walkStart();
        private final Snapshot chain = new Snapshot(this);
        private long nextBucket;
        private long[] keys = new long[8];
        private long[] values = new long[8];
        private int count;
        private int index = -1;

        /**
         * Moves to the next entry; false when every bucket has been read.
         *
         * @throws IllegalStateException after {@link #close()}
         */
        boolean next() {
            index++;
            while (index >= count) {
                if (nextBucket >= start.bucketCount) {
                    index = count;
                    return false;
                }
                count = 0;
                index = 0;
                tables.forEachIn(start, nextBucket, nextBucket + 1, chain);
                nextBucket++;
            }
            return true;
        }

        long key() {
            return keys[index];
        }

        long value() {
            return values[index];
        }

        /** Collects what the bucket's snapshot emits (one bucket may emit two chains, after a growth). */
        @Override
        public void accept(long key, long value) {
            if (count == keys.length) {
                keys = Arrays.copyOf(keys, count * 2);
                values = Arrays.copyOf(values, count * 2);
            }
            keys[count] = key;
            values[count] = value;
            count++;
        }
    }

    /**
     * A snapshot of the map's shape and memory, as {@link LongLongMap#stats()}; taken under the
     * allocation lock; {@code size} is approximate while writers run. Any thread.
     *
     * @return the snapshot
     * @throws IllegalStateException after {@link #close()}
     */
    public MapStats stats() {
        return tables.stats((size, table, growth) -> MapStats.of(size, table, growth, memory));
    }

    @Override
    MapTables tables() {
        return tables;
    }

    /**
     * The value reads return for absent keys.
     *
     * @return the value reads return for absent keys
     */
    public long missingValue() {
        return missingValue;
    }

    /**
     * Releases all memory, once, and returns when all of it is back with the allocator (tables a
     * growth queued for background release included). Any thread, at any time: operations running
     * meanwhile in other threads, and every later one, throw {@link IllegalStateException}.
     * Idempotent, except that if the allocator failed to release some memory, the exception it
     * threw is thrown here (after everything else is released) and calling {@code close()} again
     * retries those releases.
     */
    @Override
    public void close() {
        super.close();
    }

    @Override
    public String toString() {
        return "ConcurrentLongLongMap[" + tables + "]";
    }

    /**
     * Options for a {@link ConcurrentLongLongMap}: those of {@link LongLongMap.Builder}, with the same
     * defaults and validation. Not thread-safe; a builder may build several maps.
     */
    public static final class Builder extends LongMapBuilder<Builder> {

        private Builder() {
        }

        /**
         * Reserves the map's initial table.
         *
         * @return the new map
         * @throws IllegalArgumentException if the allocator's memory is not 8-byte aligned (nothing is leaked)
         * @throws OutOfMemoryError         if the allocator cannot supply it (nothing is leaked)
         */
        public ConcurrentLongLongMap build() {
            return new ConcurrentLongLongMap(this);
        }
    }
}
