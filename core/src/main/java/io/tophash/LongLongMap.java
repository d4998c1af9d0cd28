package io.tophash;

import io.tophash.engine.Chain;
import io.tophash.engine.Evacuation;
import io.tophash.engine.Hashing;
import io.tophash.engine.MapFile;
import io.tophash.engine.MapMemory;
import io.tophash.engine.MapTables;
import io.tophash.engine.Table;
import io.tophash.engine.Walk;
import io.tophash.engine.WriterTables;
import io.tophash.layout.BucketFormat;
import io.tophash.layout.MapFileHeaderLayout;
import io.tophash.memory.Allocator;

import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.ConcurrentModificationException;
import java.util.Map;
import java.util.Objects;

/**
 * An off-heap {@code long -> long} hash map laid out as Go's classic runtime map: buckets of a
 * tophash word, keys, values and a link to an overflow bucket, in native memory, grown
 * incrementally so that no single write pays for a rehash.
 *
 * <p><b>Threading.</b> One writer at a time, and no reader while it writes; any number of
 * threads may read a map that no thread is writing, as with Go's maps. A map may be built on one
 * thread and published to others (a volatile write, a lock, a queue): its memory belongs to no
 * thread, and reads write no shared state. As Go does with {@code hashWriting}, writes set a flag;
 * another thread that writes or reads meanwhile gets a {@link ConcurrentModificationException} if
 * it sees the flag. This detection is best effort and costs no atomic instruction; it is not a
 * lock. For a map shared by writers, use {@link ConcurrentLongLongMap}.
 *
 * <p><b>Memory.</b> Off-heap memory is freed by {@link #close()}; a map that becomes unreachable
 * unclosed is freed after GC by a {@link java.lang.ref.Cleaner}, with one warning per map class.
 */
public final class LongLongMap extends OffHeapMap {

    /*
     * Implementation notes.
     *
     * This class is a thin policy over the engine (io.tophash.engine): WriterTables is the
     * single-writer policy it shares with BytesMap (the current table and the growth in progress,
     * the growth work each write owes, the insertion point and the growth it may start, the writer
     * flag), and under it Chain (the probe), Evacuation and Growth, the same code
     * ConcurrentLongLongMap runs under its per-bucket locks. What is left here is what a long key
     * means: keys are key words as they are, compared directly; a key's hash is its seeded mix,
     * whose low bits choose the bucket and whose top byte is its tophash. And the size, the
     * cursor and the builder.
     *
     * Growth (WriterTables): when an insert would take the map past 13/16 of its slots (Go's 6.5
     * of 8), the bucket count doubles; when the overflow buckets in use reach the primary bucket
     * count, a same-size growth compacts them. Growth only reserves the next table (mapped lazily:
     * no copy, no zeroing); every later write evacuates its key's old bucket if needed and claims
     * more, two buckets in all, so a growth ends within as many writes as the old table has buckets
     * (about half as many with keys spread by the hash). The old table goes to a
     * background thread for release (closing a shared arena is a handshake with every thread).
     *
     * Failure atomicity: the only allocations are table reservations (build, growth start,
     * clear), each made before anything changes. A growth that cannot start is skipped and the
     * insert goes on in the current table when it has room there; only an insert that has no room
     * and cannot grow fails, with the map unchanged.
     *
     * The file: reads, cursor, writes, whole-map operations, builder.
     */

    /** Keys whose buckets {@link #getAll} loads before matching any of them. */
    public static final int GET_ALL_BATCH = 16;
    /** A value the combined words {@link #getAll} touches are compared with, so that no compiler drops their loads. */
    private static final long TOUCH_SINK = 0x7A5E_0000_0000_0001L;
    /** Kept for the builder's {@code chunkBytes} option, which tables no longer use. */
    static final long DEFAULT_CHUNK_BYTES = 256 * 1024;
    static final int MAX_LOG2_BUCKETS = Table.MAX_LOG2_BUCKETS;
    /** Largest accepted {@link Builder#expectedSize}. */
    public static final long MAX_EXPECTED_SIZE = 1L << 40;

    private final BucketFormat format;
    private final long seed;
    private final Evacuation.KeyWords keyWords;
    private final long missingValue;

    /** The tables, the growth in progress and the writer flag: the single-writer policy. */
    private final WriterTables tables;
    /** The {@link #asMap()} view, made on first use. */
    private LongLongMapView view;

    private LongLongMap(Builder b, MapFile file) {
        super(b.options, file != null ? file : b.options.allocator);
        MapOptions o = b.options;
        this.format = o.padding.format();
        this.seed = file != null ? file.seed() : o.seedForNewMap();
        this.keyWords = new Evacuation.KeyWords(seed, false);
        this.missingValue = o.missingValue;
        this.tables = file != null ? new WriterTables(format, memory, file, keyWords, "LongLongMap")
                : new WriterTables(format, memory, o.initialLog2Buckets(format), keyWords, null, null, "LongLongMap");
        tables.forceEvery(b.forceEvery);
        built();
    }

    /**
     * A builder with defaults: no pre-sizing, cache-line allocator and padding, missing value 0, random seed.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------------------------- reads

    /**
     * The value of {@code key}, or {@link #missingValue()} when absent. Use {@link #containsKey}
     * to tell a stored missing value from an absent key. Single-threaded; never allocates.
     *
     * @param key the key
     * @return the value, or {@link #missingValue()} when absent
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if a write is seen in progress on another thread
     */
    public long get(long key) {
        return getOrDefault(key, missingValue);
    }

    /**
     * The value of {@code key}, or {@code defaultValue} when absent. Single-threaded; never allocates.
     *
     * @param key the key
     * @param defaultValue returned when the key is absent
     * @return the value, or {@code defaultValue} when absent
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if a write is seen in progress on another thread
     */
    public long getOrDefault(long key, long defaultValue) {
        try {
            tables.readTable();
            long h = Hashing.hash(key, seed);
            Table t = tables.homeTable(h);
            return Chain.findValue(t, h, key, defaultValue);
        } finally {
            // the Cleaner must not free the memory of a map dropped right after this call
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Looks up every key of {@code keys}: {@code values[i]} becomes the value of {@code keys[i]}, or
     * {@link #missingValue()} when it is absent, as {@link #get} would return. Keys are taken in
     * batches of {@value #GET_ALL_BATCH}: the first buckets of a whole batch are loaded before any key
     * of it is matched, so that lookups whose buckets are not in cache wait for memory together
     * rather than one after the other (group prefetching). A loop of {@link #get} gives the same
     * answers, also when {@code values} is {@code keys} itself (an in-place lookup). Single-threaded;
     * never allocates.
     *
     * @param keys   the keys to look up
     * @param values receives the values; at least as long as {@code keys}
     * @throws IllegalArgumentException        if {@code values} is shorter than {@code keys}
     * @throws NullPointerException            if either array is null
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if a write is seen in progress on another thread
     */
    public void getAll(long[] keys, long[] values) {
        checkBatch(keys, values);
        try {
            tables.readTable();
            for (int start = 0; start < keys.length; start += GET_ALL_BATCH) {
                int end = Math.min(start + GET_ALL_BATCH, keys.length);
                long touched = 0;
                for (int i = start; i < end; i++) {
                    long h = Hashing.hash(keys[i], seed);
                    touched ^= Chain.touch(tables.homeTable(h), h);
                }
                if (touched == TOUCH_SINK) {
                    // never taken in practice; the branch on the loaded words is what keeps their loads
                    Thread.onSpinWait();
                }
                for (int i = start; i < end; i++) {
                    long h = Hashing.hash(keys[i], seed);
                    values[i] = Chain.findValue(tables.homeTable(h), h, keys[i], missingValue);
                }
            }
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Whether {@code key} is present. Single-threaded; never allocates.
     *
     * @param key the key
     * @return whether the key is present
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if a write is seen in progress on another thread
     */
    public boolean containsKey(long key) {
        try {
            tables.readTable();
            long h = Hashing.hash(key, seed);
            Table t = tables.homeTable(h);
            return Chain.find(t, h, key) != Table.NONE;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Entries in the map. Single-threaded. @throws IllegalStateException after {@link #close()} */
    @Override
    public long size() {
        tables.checkOpen();
        return tables.size();
    }

    /**
     * The value reads return for absent keys (set by {@link Builder#missingValue}; 0 by default).
     *
     * @return the value reads return for absent keys
     */
    public long missingValue() {
        return missingValue;
    }

    /**
     * Calls {@code action} once for every entry, in no particular order, without allocating.
     * The action may read the map but not change it. Single-threaded.
     *
     * @param action called once per entry
     * @throws ConcurrentModificationException if the action changes the map
     * @throws IllegalStateException           after {@link #close()}, also when the action closes it
     */
    public void forEach(LongLongConsumer action) {
        Objects.requireNonNull(action, "action");
        try {
            Walk walk = new Walk(tables, "the map was changed during forEach");
            while (walk.next()) {
                Table t = walk.table();
                long ref = walk.ref();
                action.accept(t.keyWordAt(ref), t.longValueAt(ref));
            }
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * A cursor over every entry, in the same order as {@link #forEach}: able to update or remove
     * the entry it stands on. Other changes to the map while a cursor is in use make the cursor
     * throw {@link ConcurrentModificationException}. Single-threaded.
     *
     * @return a new cursor, before the first entry
     * @throws IllegalStateException after {@link #close()}
     */
    public Cursor cursor() {
        tables.readTable();
        return new Cursor();
    }

    /**
     * Walks a map's entries: {@code while (cursor.next()) { cursor.key(); cursor.value(); }}.
     * Same threading rules as the map. Removing through the cursor never moves other entries
     * (it does no growth work), so the walk neither skips nor repeats an entry.
     */
    public final class Cursor {
        private final Walk walk = new Walk(tables, "the map was changed outside this cursor");
        private boolean positioned;

        private Cursor() {
        }

        /**
         * Moves to the next entry.
         *
         * @return false when every entry has been visited
         * @throws ConcurrentModificationException if the map changed other than through this cursor
         * @throws IllegalStateException           if the map was closed
         */
        public boolean next() {
            try {
                positioned = walk.next();
                return positioned;
            } finally {
                Reference.reachabilityFence(LongLongMap.this);
            }
        }

        /**
         * The key of the current entry.
         *
         * @return the current entry's key
         * @throws IllegalStateException if {@link #next()} has not returned true
         */
        public long key() {
            checkPositioned();
            long key = walk.table().keyWordAt(walk.ref());
            Reference.reachabilityFence(LongLongMap.this);
            return key;
        }

        /**
         * The value of the current entry.
         *
         * @return the current entry's value
         * @throws IllegalStateException if not on an entry
         */
        public long value() {
            checkPositioned();
            long value = walk.table().longValueAt(walk.ref());
            Reference.reachabilityFence(LongLongMap.this);
            return value;
        }

        /**
         * Replaces the value of the current entry.
         *
         * @param value the new value
         * @throws IllegalStateException if not on an entry
         */
        public void setValue(long value) {
            checkPositioned();
            walk.table().putLongValue(walk.ref(), value);
            Reference.reachabilityFence(LongLongMap.this);
        }

        /**
         * Removes the current entry; {@link #next()} then moves on to the entry after it.
         *
         * @throws IllegalStateException if not on an entry (also after a previous remove)
         */
        public void remove() {
            checkPositioned();
            walk.removeCurrent();
            positioned = false;
        }

        private void checkPositioned() {
            walk.checkUnchanged();
            if (!positioned) {
                throw new IllegalStateException("the cursor is not on an entry: call next() first");
            }
        }
    }

    /**
     * A live {@link Map} view of this map, for code that takes a {@code java.util} map. Writes
     * through the view are writes to this map and the other way round. It follows the
     * {@link Map} contract ({@code equals}, {@code hashCode} and {@code toString} as
     * {@link java.util.AbstractMap}'s) and tells an absent key ({@code null}) from one holding
     * {@link #missingValue()}. Its collections' iterators support {@code remove}, entries from
     * them {@code setValue}; iterators are fail-fast as {@link #cursor()} is: an insert or removal
     * not made through the iterator makes it throw {@link ConcurrentModificationException}, while
     * a {@code put} of a present key through the view does not (it sets the value in place).
     * {@code null} keys and values are refused with {@link NullPointerException}, as is a
     * {@code null} key or value queried; a key or value that is not a {@link Long} is simply
     * absent. {@code size()} is capped at {@link Integer#MAX_VALUE}.
     *
     * <p><b>Cost.</b> The view boxes: every key and value crossing it is a {@link Long}
     * (allocated outside the {@code Long} cache's -128..127), and every entry an iterator returns
     * is a new object. A {@code get} that finds {@link #missingValue()} probes the map twice to
     * tell a stored missing value from an absent key, and a {@code put} of an absent key probes
     * twice (it first looks for the key to set its value in place); everything else costs the
     * map's own operation plus the boxing. Use the {@code long} methods on hot paths.
     *
     * <p>Threading: as this map's, which the view calls (one writer, no reader meanwhile); the
     * same view object is returned to every caller. After {@link #close()} the view's methods
     * throw {@link IllegalStateException}.
     *
     * @return the view, backed by this map
     */
    public Map<Long, Long> asMap() {
        LongLongMapView v = view;
        if (v == null) {
            view = v = new LongLongMapView(this);
        }
        return v;
    }

    /**
     * A snapshot of the map's shape, memory and alignment audit. Walks every bucket address
     * (not its contents): O(buckets), meant for diagnostics, not hot paths. Single-threaded.
     *
     * @return the snapshot
     * @throws IllegalStateException after {@link #close()}
     */
    public MapStats stats() {
        tables.checkOpen();
        return MapStats.of(tables.size(), tables.table(), tables.growth(), memory);
    }

    // --------------------------------------------------------------------------------- writes

    /**
     * Associates {@code value} with {@code key}. Single-threaded. May reserve a new table (a
     * growth); if that fails the map is unchanged.
     *
     * @param key the key
     * @param value the value
     * @return the previous value, or {@link #missingValue()} if the key was absent
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if another write is seen in progress
     * @throws OutOfMemoryError                if the map must grow and the allocator refuses (map unchanged)
     */
    public long put(long key, long value) {
        tables.beginWrite();
        try {
            long h = Hashing.hash(key, seed);
            Table t = tables.writeTable(h);
            long ref = Chain.find(t, h, key);
            if (ref != Table.NONE) {
                long previous = t.longValueAt(ref);
                t.putLongValue(ref, value);
                return previous;
            }
            insert(key, value, h);
            return missingValue;
        } finally {
            tables.endWrite();
        }
    }

    /**
     * {@link #put}, for the {@link #asMap()} view: a present key's value is set where it is, with
     * none of the growth work a write owes (as {@link Cursor#setValue}), so that no entry moves
     * under a walking cursor, as {@code java.util.Map} iterators outlive a put of a present key;
     * an absent key is {@link #put}. Same exceptions.
     */
    long putInPlace(long key, long value) {
        tables.beginWrite();
        try {
            long h = Hashing.hash(key, seed);
            Table t = tables.homeTable(h);
            long ref = Chain.find(t, h, key);
            if (ref != Table.NONE) {
                long previous = t.longValueAt(ref);
                t.putLongValue(ref, value);
                return previous;
            }
        } finally {
            tables.endWrite();
            Reference.reachabilityFence(this);
        }
        return put(key, value);
    }

    /**
     * Associates {@code value} with {@code key} only if the key is absent. Single-threaded.
     *
     * @param key the key
     * @param value the value
     * @return the existing value, or {@link #missingValue()} if this call inserted
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if another write is seen in progress
     * @throws OutOfMemoryError                if the map must grow and the allocator refuses (map unchanged)
     */
    public long putIfAbsent(long key, long value) {
        tables.beginWrite();
        try {
            long h = Hashing.hash(key, seed);
            Table t = tables.writeTable(h);
            long ref = Chain.find(t, h, key);
            if (ref != Table.NONE) {
                return t.longValueAt(ref);
            }
            insert(key, value, h);
            return missingValue;
        } finally {
            tables.endWrite();
        }
    }

    /**
     * Adds {@code delta} to the value of {@code key}, an absent key counting as 0 (so it is
     * inserted with {@code delta}). Overflow wraps as {@code long} arithmetic does. Single-threaded.
     *
     * @param key the key
     * @param delta added to the value
     * @return the new value
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if another write is seen in progress
     * @throws OutOfMemoryError                if the map must grow and the allocator refuses (map unchanged)
     */
    public long addAndGet(long key, long delta) {
        tables.beginWrite();
        try {
            long h = Hashing.hash(key, seed);
            Table t = tables.writeTable(h);
            long ref = Chain.find(t, h, key);
            if (ref != Table.NONE) {
                long updated = t.longValueAt(ref) + delta;
                t.putLongValue(ref, updated);
                return updated;
            }
            insert(key, delta, h);
            return delta;
        } finally {
            tables.endWrite();
        }
    }

    /**
     * Removes {@code key}. Never allocates. Single-threaded.
     *
     * @param key the key
     * @return the previous value, or {@link #missingValue()} if the key was absent
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if another write is seen in progress
     */
    public long remove(long key) {
        tables.beginWrite();
        try {
            long h = Hashing.hash(key, seed);
            Table t = tables.writeTable(h);
            long ref = Chain.find(t, h, key);
            if (ref == Table.NONE) {
                return missingValue;
            }
            long previous = t.longValueAt(ref);
            tables.removeSlot(t, h, ref);
            return previous;
        } finally {
            tables.endWrite();
        }
    }

    /**
     * Removes every entry, keeping the current capacity: the table is replaced by a fresh
     * reservation of the same size (mapped lazily, so it costs no zeroing), and the old one goes
     * back to the allocator in the background. A growth in progress is dropped with the old table.
     * Single-threaded.
     *
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if another write is seen in progress
     * @throws OutOfMemoryError                if the allocator cannot supply the new table (map unchanged)
     */
    public void clear() {
        tables.beginWrite();
        try {
            tables.clear();
        } finally {
            tables.endWrite();
        }
    }

    /**
     * Shrinks the map to what its entries need: the table a map built with
     * {@code expectedSize(size())} would get, as {@code trimToSize()} does for an
     * {@link java.util.ArrayList}, but incrementally, as a growth toward fewer buckets: later writes
     * carry it out, each moving at most two evacuation units (a unit is the up to 8 old buckets that
     * share a new bucket), and {@link #finishGrowth()} completes it at once. A table more than 8
     * times too large shrinks in several such growths, the next starting when one completes; a
     * growth in progress completes first. The old tables go back to the allocator once the write
     * that completes each has ended. Single-threaded, a write.
     *
     * @return whether a shrink is under way (false: the table is no larger than the entries need)
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if another write is seen in progress
     * @throws OutOfMemoryError                if the first smaller table cannot be reserved (map unchanged)
     */
    public boolean trimToSize() {
        tables.beginWrite();
        try {
            return tables.trimToSize(false);
        } finally {
            tables.endWrite();
        }
    }

    /**
     * Frees all off-heap memory and returns once all of it is back with the allocator (tables a
     * growth queued for background release included). Afterwards every other method throws
     * {@link IllegalStateException}. Single-threaded: closing while another thread uses the map
     * makes that thread's accesses fail with {@link IllegalStateException}, never crash (HotSpot
     * may also leave that thread interrupted: it interrupts a thread it stops inside a closing
     * shared arena; {@link ConcurrentLongLongMap} hides that, this map does not pay for it).
     * Idempotent, except that if the allocator failed to release some memory, the exception it
     * threw is thrown here (after everything else is released) and calling {@code close()} again
     * retries those releases.
     */
    @Override
    public void close() {
        super.close();
    }

    /** Inserts a key found absent, after {@code tables.writeTable} did the growth work for {@code h}. */
    private void insert(long key, long value, long h) {
        tables.insertBegins(key);
        long ref;
        try {
            ref = tables.slotForInsert(h, tables.size(), false);
        } catch (RuntimeException | Error noRoom) {
            tables.insertAbandoned();
            throw noRoom;
        }
        Table t = tables.table();
        t.putKeyWord(ref, key);
        t.putLongValue(ref, value);
        tables.occupy(t, ref, h);
        tables.countInsert();
    }

    /**
     * Flushes a map file's pages to its storage device ({@code msync}), so that every write that
     * returned before this call survives a power loss or a kernel crash; a process crash loses
     * nothing without it. Does nothing for a map in memory. Single-threaded (a write: not during
     * another write).
     *
     * @throws IllegalStateException           after {@link #close()}
     * @throws java.io.UncheckedIOException    if the device reports an error
     */
    public void force() {
        tables.checkOpen();
        MapFile file = tables.file();
        if (file != null) {
            file.force();
        }
    }

    @Override
    MapTables tables() {
        return tables;
    }

    /** For tests: the {@link #force()} calls a map file has made, its sync policy's included; 0 in memory. */
    long forces() {
        MapFile file = tables.file();
        return file == null ? 0 : file.forces();
    }

    @Override
    public String toString() {
        if (tables.closed()) {
            return "LongLongMap[closed]";
        }
        return "LongLongMap[size=" + tables.size() + ", buckets=" + tables.table().bucketCount + ", padding=" + padding
                + ", allocator=" + allocator.name() + (tables.growth() != null ? ", growing" : "") + "]";
    }

    /**
     * Builds a {@link LongLongMap}: the options of every map (expected size, allocator, padding,
     * seed) and the value reads return for absent keys. Not thread-safe; a builder may build
     * several maps.
     */
    public static final class Builder extends LongMapBuilder<Builder> {

        private Path file;
        private long forceEvery;

        private Builder() {
        }

        /**
         * A map file's sync policy: every {@code writes}-th write ({@code put}, {@code remove},
         * any call that may change the map, counted whether it did or not) ends with
         * {@link LongLongMap#force()}, so that after a power loss at most the last
         * {@code writes - 1} writes are missing, unless the device lies about its flushes. 0 (the
         * default): only explicit {@code force()} calls. What it costs: README, "Maps in a file".
         *
         * @param writes writes between flushes, 1 to flush every write, or 0
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder forceEvery(long writes) {
            if (writes < 0) {
                throw new IllegalArgumentException("forceEvery must not be negative, got " + writes);
            }
            this.forceEvery = writes;
            return this;
        }

        /**
         * Keeps the map in the file at {@code path} (README, "Maps in a file"): {@code build()}
         * creates it, an empty map sized for {@link #expectedSize}, or opens the map it holds, as
         * the last process left it, even killed mid-write: every write is found whole or not at
         * all, and a growth a crash interrupted goes on. Opening maps the file's tables; it reads
         * no entry. One map at a time may have the file open (in any process). The file's tables
         * are regions of the file, so the allocator option is not used. The file's padding must be
         * this builder's and, if {@link #seed} was called, its seed this seed; the missing value is
         * the builder's. {@code null} (the default) keeps the map in memory.
         *
         * @param path the map file
         * @return this builder
         */
        public Builder file(Path path) {
            this.file = path;
            return this;
        }

        /**
         * Reserves the map's initial table, or creates or opens its {@link #file}.
         *
         * @return the new map
         * @throws OutOfMemoryError         if the allocator cannot supply it (nothing is leaked)
         * @throws IllegalArgumentException if the file is not a {@code LongLongMap} file of this builder's
         *                                  padding (or seed, if set), or of a newer format: the file is untouched
         * @throws IllegalStateException    if another map, in this or another process, has the file open,
         *                                  or {@link #forceEvery} is set for a map in memory
         * @throws java.io.UncheckedIOException if the file cannot be created, read or written
         */
        public LongLongMap build() {
            if (file == null) {
                if (forceEvery != 0) {
                    throw new IllegalStateException("forceEvery(" + forceEvery + ") needs a file(path): a map in memory has nothing to force");
                }
                return new LongLongMap(this, null);
            }
            BucketFormat format = options.padding.format();
            MapFile mapFile = MapFile.openOrCreate(file, new MapFile.Identity(MapFileHeaderLayout.KIND_LONG_LONG,
                    "LongLongMap", options.padding.fileCode(), options.padding.name(), format, Long.BYTES,
                    Long.BYTES, 0), options.initialLog2Buckets(format), options.seedForNewMap(), options.seedSet());
            return mapFile.buildMap(f -> new LongLongMap(this, f));
        }
    }
}
