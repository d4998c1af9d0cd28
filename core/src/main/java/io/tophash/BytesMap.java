package io.tophash;

import io.tophash.engine.ByteKeys;
import io.tophash.engine.ByteSlots;
import io.tophash.engine.Chain;
import io.tophash.engine.Evacuation;
import io.tophash.engine.Growth;
import io.tophash.engine.Hashing;
import io.tophash.engine.KeyProbe;
import io.tophash.engine.KeyStore;
import io.tophash.engine.MapFile;
import io.tophash.engine.MapMemory;
import io.tophash.engine.MapTables;
import io.tophash.engine.RawMemory;
import io.tophash.engine.Table;
import io.tophash.engine.VariableValues;
import io.tophash.engine.Walk;
import io.tophash.engine.WriterTables;
import io.tophash.layout.BucketFormat;
import io.tophash.layout.BytesBucketLayout;
import io.tophash.layout.MapFileHeaderLayout;
import io.tophash.memory.Allocator;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.ConcurrentModificationException;
import java.util.Objects;

/**
 * An off-heap hash map from byte keys ({@link MemorySegment}, {@code byte[]} or the UTF-8 bytes of a
 * {@link CharSequence}) to fixed-size values read and written in place, or to values of any length,
 * laid out as Go's runtime
 * lays out a {@code map[string]T}: buckets of a tophash word, key regions, values and an overflow
 * link, grown incrementally so that no single write pays for a rehash.
 *
 * <p><b>Values.</b> A map built with {@code valueSize(n)} holds fixed-size records: every value is
 * exactly {@link #valueSize()} bytes, 8-byte aligned (with an allocator that aligns: every stock
 * one but {@code Allocators.naive} with an offset that is not a multiple of 8), so a caller can lay
 * a {@link java.lang.foreign.MemoryLayout} struct over a value view and use its {@code VarHandle}s.
 * A map built with {@code maxValueSize(n)} (or {@code variableValues()}) holds values of any
 * length from 0 to {@link #maxValueSize()} bytes, such as serialized documents: {@code put} takes
 * any length, {@link #valueLength} tells a value's length, {@link #get} gives a read-only view of
 * exactly it, and {@link #readInto} copies it into a caller's segment or {@code byte[]}; values
 * of up to 15 bytes sit in their slot, longer ones in the map's off-heap store. Such a map has no
 * {@link #acquire} and no {@link #valueAddress}: a value cannot change its length in place. The
 * empty key is a key like any other, and the empty value a value like any other.
 *
 * <p><b>Views.</b> {@link #get(MemorySegment)} and {@link #acquire(MemorySegment)} return views of
 * the value where it lies, valid until the next write to this map: a write may move the entry (a
 * growth step) or reuse its slot. A stale view never crashes the JVM: it reads or writes some
 * value of this map, or throws {@link IllegalStateException} once its table has been given back.
 * {@link #getInto} copies instead and allocates nothing. A view (of a value, or of a key from
 * {@link #forEach}) may be the argument of the next write itself, {@code put(k2, get(k1))}: a
 * table that write's growth work retires is given back only after the write has finished with its
 * arguments.
 *
 * <p><b>Threading.</b> As {@link LongLongMap}: one writer at a time and no reader while it
 * writes; any number of threads may read a map no thread is writing. Writes set a flag that
 * readers and other writers check (best effort, no atomic instruction), throwing
 * {@link ConcurrentModificationException}. For a map shared by writers, use
 * {@code ConcurrentBytesMap}.
 *
 * <p><b>Memory.</b> Freed by {@link #close()}; a map that becomes unreachable unclosed is freed
 * after GC, with one warning per map class.
 */
public final class BytesMap extends OffHeapMap {

    /*
     * Implementation notes.
     *
     * A thin policy over the engine, as LongLongMap is: the same WriterTables (tables, growth work,
     * insertion point, writer flag), for a bucket format made at build time (BytesBucketLayout) from
     * the value size. The key word the engine compares is the key's
     * seeded 64-bit hash (Hashing.hashBytes); a slot whose tophash byte and whole hash match is then
     * checked against the key itself: two words for a key of up to 15 bytes kept in the slot, the
     * bytes in the key store for longer ones. Two keys with the same 64-bit hash are both found:
     * the probe goes on after a slot whose hash matched and whose key did not (Chain.findAfter).
     *
     * Every key is normalized once per operation (ByteSlots, shared with ConcurrentBytesMap): a short
     * key (15 bytes or fewer; ASCII text, a segment, a buffer range or a byte array) to the two
     * inline words it is compared and hashed by, read or packed in registers where the key lies,
     * with no thread-local state; a longer one, or non-ASCII text, into the calling thread's
     * KeyProbe as the segment range of its bytes (a MemorySegment key in place; byte[] and text
     * copied into the probe's array). Nothing allocates.
     *
     * Each table generation has its own KeyStore. A growth reserves, before anything changes, the
     * next table and a region of the next store as large as the live stored keys; evacuation copies
     * each stored key into that region (Evacuation.Relocation), which is how the store is compacted.
     * When freed blocks that no key of their size has reused outweigh the live keys (and 1 MiB), an
     * insert starts a same-size growth for that compaction alone.
     *
     * Values of any length (VariableValues) use a 16-byte value region encoded as a key region's
     * last two words, and the same store as the long keys, so one evacuation moves and compacts
     * both; such a map compacts when the freed bytes outweigh a fifth of the live ones (and
     * 64 KiB), checked by inserts and by replacements, which is what bounds its fragmentation.
     *
     * Failure atomicity: the allocations (growth reservations, a key store chunk) all happen before
     * the entry is written; a failed insert leaves at most an empty overflow bucket linked.
     *
     * The file: reads, writes, growth, whole-map operations, key plumbing, builder.
     */

    /** {@link Builder#maxKeyLength} when not set. */
    public static final int DEFAULT_MAX_KEY_LENGTH = 256;
    /** The largest {@link Builder#maxKeyLength}. */
    public static final int MAX_KEY_LENGTH = 1 << 16;
    /** {@link Builder#maxValueSize} set by {@link Builder#variableValues()}: 1 MiB. */
    public static final int DEFAULT_MAX_VALUE_SIZE = 1 << 20;
    /** The largest {@link Builder#maxValueSize}: 1 GiB. */
    public static final int MAX_VALUE_LENGTH = 1 << 30;

    /** Freed key-store bytes above which (and above the live ones) an insert compacts the store. */
    private static final long COMPACTION_THRESHOLD = 1 << 20;
    /**
     * With values of any length: freed store bytes above which (and above a fifth of the live
     * ones) a write compacts the store.
     */
    static final long VARIABLE_COMPACTION_THRESHOLD = 64 << 10;
    /** Marks a located slot of the old table of a growth in progress; slot refs never use this bit. */
    private static final long IN_OLD_TABLE = 1L << 62;

    private final BucketFormat format;
    private final long seed;
    /** The byte-key slot work both byte-keyed maps share: probes, hash, find, key regions, views. */
    private final ByteSlots slots;
    private final Evacuation.KeyWords keyWords;
    private final Evacuation.Relocation relocation = this::relocate;
    private final int valueSize;
    /** Whether values have any length ({@link VariableValues}); else every value is valueSize bytes. */
    private final boolean variable;
    private final int maxKeyLength;

    /** The tables, the growth in progress and the writer flag: the single-writer policy. */
    private final WriterTables tables;
    /** The stored keys of the current table's entries. */
    private KeyStore keys;
    /** During a growth, the stored keys of the old table's entries; else null. */
    private KeyStore oldKeys;

    private BytesMap(Builder b, BucketFormat format, MapFile file) {
        super(b.options, file != null ? file : b.options.allocator);
        MapOptions o = b.options;
        this.seed = file != null ? file.seed() : o.seedForNewMap();
        this.slots = b.slots(seed);
        this.valueSize = this.slots.valueSize();
        this.variable = this.slots.variableValues();
        this.maxKeyLength = this.slots.maxKeyLength();
        this.format = format;
        this.keyWords = new Evacuation.KeyWords(seed, true);
        if (file == null) {
            this.keys = new KeyStore(memory, this.slots.maxStoredLength(), format.maxEntries(1L << o.initialLog2Buckets(format)));
            this.tables = new WriterTables(format, memory, o.initialLog2Buckets(format), keyWords, relocation,
                    new KeyStoreGenerations(), "BytesMap");
        } else {
            this.tables = new WriterTables(format, memory, file, keyWords, relocation, new KeyStoreGenerations(),
                    "BytesMap");
            tables.forceEvery(b.forceEvery);
        }
        built();
    }

    /** The bucket format of a padding for values of {@code valueSize} bytes (see {@link BytesBucketLayout}). */
    static BucketFormat formatFor(BucketPadding padding, int valueSize) {
        return switch (padding) {
            case NONE -> BytesBucketLayout.format(valueSize, false, false);
            case CACHE_LINE -> BytesBucketLayout.format(valueSize, true, true);
            case CACHE_LINE_PADDED -> BytesBucketLayout.format(valueSize, true, false);
        };
    }

    /**
     * A builder; {@link Builder#valueSize} (fixed-size values) or {@link Builder#maxValueSize}
     * (values of any length) is required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------------------------- reads

    /**
     * A read-only view of the value of {@code key} (its whole {@code byteSize()}), or null when
     * absent; valid until the next write to this map. Reader thread rules as the class says.
     *
     * @param key the key: the segment's bytes
     * @return a read-only view of the value, or null when the key is absent
     * @throws IllegalArgumentException        if the key is longer than {@link #maxKeyLength()}
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if a write is seen in progress on another thread
     */
    public MemorySegment get(MemorySegment key) {
        return readOnlyView(locate(key, 0, key.byteSize()));
    }

    /**
     * {@link #get(MemorySegment)} for the {@code length} bytes of {@code buffer} at {@code offset}:
     * a key inside a larger buffer (a request being parsed), read where it lies.
     *
     * @param buffer the buffer holding the key
     * @param offset where the key starts in {@code buffer}
     * @param length the key's length in bytes
     * @return a read-only view of the value, or null when the key is absent
     * @throws IndexOutOfBoundsException if the range is not inside {@code buffer}
     */
    public MemorySegment get(MemorySegment buffer, long offset, long length) {
        return readOnlyView(locate(buffer, offset, length));
    }

    /**
     * The native address of the value of the key at {@code (buffer, offset, length)}, or 0 when the
     * key is absent: for flyweights over raw memory, such as tophash-agrona's {@code UnsafeBuffer},
     * that must not allocate even when this call is not inlined (a view can then cost 40 B). The
     * address is valid exactly as long as a view {@link #get} returns (until the next write to this
     * map) but, unlike a view, nothing checks it: memory read through it after a write or after
     * {@link #close()} may have been given back. Prefer {@link #get} or {@link #getInto}. Reader
     * thread rules as the class says.
     *
     * @param buffer the buffer holding the key
     * @param offset where the key starts in {@code buffer}
     * @param length the key's length in bytes
     * @return the address of the first of the value's {@link #valueSize()} bytes, or 0 when absent
     * @throws IndexOutOfBoundsException if the range is not inside {@code buffer}
     * @throws IllegalStateException     if the map is closed
     * @throws UnsupportedOperationException if the map's values have any length
     */
    public long valueAddress(MemorySegment buffer, long offset, long length) {
        requireFixedValues("valueAddress");
        long located = locate(buffer, offset, length);
        if (located == Table.NONE) {
            return 0;
        }
        Growth g = tables.growth();
        Table t = (located & IN_OLD_TABLE) != 0 && g != null ? g.old : tables.table();
        return t.segment.address() + t.valueOffset(located & ~IN_OLD_TABLE);
    }

    /**
     * {@link #get(MemorySegment)} for the bytes of {@code key}.
     *
     * @param key the key's bytes
     * @return a read-only view of the value, or null when the key is absent
     */
    public MemorySegment get(byte[] key) {
        return readOnlyView(locate(key));
    }

    /**
     * {@link #get(MemorySegment)} for the UTF-8 bytes of {@code key}; encodes without allocating.
     *
     * @param key the key, hashed and compared as its UTF-8 bytes
     * @return a read-only view of the value, or null when the key is absent
     */
    public MemorySegment get(CharSequence key) {
        long head = slots.inlineHead(key);
        return readOnlyView(head != ByteKeys.NOT_INLINE ? locate(head, ByteKeys.asciiTail(key), null)
                : locate(slots.probe(key)));
    }

    /**
     * The slot holding the key, or {@link Table#NONE}; during a growth, a slot of the old table is
     * marked {@link #IN_OLD_TABLE}. The public methods make the view of it themselves (see
     * {@link #valueAt}).
     */
    private long locate(KeyProbe p) {
        return locate(p.head, p.tail, p);
    }

    /** {@link #locate(long, long, KeyProbe)} for a key in a segment: in registers when short, else through the probe. */
    private long locate(MemorySegment buffer, long offset, long length) {
        long head = slots.inlineHead(buffer, offset, length);
        return head != ByteKeys.NOT_INLINE ? locate(head, ByteKeys.inlineTail(buffer, offset, (int) length), null)
                : locate(slots.probe(buffer, offset, length));
    }

    /** {@link #locate(long, long, KeyProbe)} for a key's bytes: in registers when short, else through the probe. */
    private long locate(byte[] key) {
        long head = slots.inlineHead(key);
        return head != ByteKeys.NOT_INLINE ? locate(head, ByteKeys.inlineTail(key), null) : locate(slots.probe(key));
    }

    private long locate(long head, long tail, KeyProbe p) {
        try {
            tables.readTable();
            long h = slots.hash(head, tail, p);
            Table t = tables.homeTable(h);
            long ref = slots.find(t, h, head, tail, p, storeOf(t));
            return ref == Table.NONE || t == tables.table() ? ref : ref | IN_OLD_TABLE;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    private MemorySegment readOnlyView(long located) {
        return located == Table.NONE ? null : valueAt(located).asReadOnly();
    }

    /**
     * The view of a located slot's value. Small, so that it is inlined into the caller and the view
     * is made there: a view made inside a large, separately compiled method escapes it and costs an
     * allocation; made in the caller, escape analysis removes it (0 B/op measured).
     */
    private MemorySegment valueAt(long located) {
        Table t = tableOf(located);
        long ref = located & ~IN_OLD_TABLE;
        MemorySegment base = t.segment;
        long at = t.valueOffset(ref);
        long length = valueSize;
        if (variable) { // one slicing call for every case: a view merged from two allocations would escape
            long descriptor = VariableValues.descriptor(t, ref);
            length = ByteKeys.lengthOf(descriptor);
            if (ByteKeys.isStored(descriptor)) {
                long locator = VariableValues.secondWord(t, ref);
                base = storeOf(t).chunk(locator);
                at = KeyStore.offset(locator);
            } else {
                at += BytesBucketLayout.INLINE_VALUE_BYTES_OFFSET;
            }
        }
        return base.asSlice(at, length);
    }

    /** The table of a located slot. */
    private Table tableOf(long located) {
        Growth g = tables.growth();
        return (located & IN_OLD_TABLE) != 0 && g != null ? g.old : tables.table();
    }

    /**
     * Copies the value of {@code key} into the first {@link #valueSize()} bytes of {@code target}
     * (with values of any length, its first {@link #valueLength} bytes; {@link #readInto} also
     * tells the length); allocates nothing. Reader thread rules as the class says.
     *
     * @param key the key: the segment's bytes
     * @param target receives the value in its first {@link #valueSize()} bytes
     * @return false (target untouched) when the key is absent
     * @throws IllegalArgumentException        if the key is too long, or {@code target} is read-only or
     *                                         smaller than the value (nothing written)
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if a write is seen in progress on another thread
     */
    public boolean getInto(MemorySegment key, MemorySegment target) {
        long head = slots.inlineHead(key, 0, key.byteSize());
        return head != ByteKeys.NOT_INLINE
                ? getIntoAt(head, ByteKeys.inlineTail(key, 0, (int) key.byteSize()), null, target)
                : getIntoAt(slots.probe(key), target);
    }

    /**
     * {@link #getInto(MemorySegment, MemorySegment)} for the bytes of {@code key}.
     *
     * @param key the key's bytes
     * @param target receives the value in its first {@link #valueSize()} bytes
     * @return false (target untouched) when the key is absent
     */
    public boolean getInto(byte[] key, MemorySegment target) {
        long head = slots.inlineHead(key);
        return head != ByteKeys.NOT_INLINE ? getIntoAt(head, ByteKeys.inlineTail(key), null, target)
                : getIntoAt(slots.probe(key), target);
    }

    /**
     * {@link #getInto(MemorySegment, MemorySegment)} for the UTF-8 bytes of {@code key}.
     *
     * @param key the key, hashed and compared as its UTF-8 bytes
     * @param target receives the value in its first {@link #valueSize()} bytes
     * @return false (target untouched) when the key is absent
     */
    public boolean getInto(CharSequence key, MemorySegment target) {
        long head = slots.inlineHead(key);
        return head != ByteKeys.NOT_INLINE ? getIntoAt(head, ByteKeys.asciiTail(key), null, target)
                : getIntoAt(slots.probe(key), target);
    }

    /**
     * {@link #getInto(MemorySegment, MemorySegment)} for the key at {@code (buffer, offset, length)}.
     *
     * @param buffer the buffer holding the key
     * @param offset where the key starts in {@code buffer}
     * @param length the key's length in bytes
     * @param target receives the value in its first {@link #valueSize()} bytes
     * @return false (target untouched) when the key is absent
     */
    public boolean getInto(MemorySegment buffer, long offset, long length, MemorySegment target) {
        long head = slots.inlineHead(buffer, offset, length);
        return head != ByteKeys.NOT_INLINE
                ? getIntoAt(head, ByteKeys.inlineTail(buffer, offset, (int) length), null, target)
                : getIntoAt(slots.probe(buffer, offset, length), target);
    }

    private boolean getIntoAt(KeyProbe p, MemorySegment target) {
        return getIntoAt(p.head, p.tail, p, target);
    }

    private boolean getIntoAt(long head, long tail, KeyProbe p, MemorySegment target) {
        slots.checkTarget(target);
        try {
            tables.readTable();
            long h = slots.hash(head, tail, p);
            Table t = tables.homeTable(h);
            long ref = slots.find(t, h, head, tail, p, storeOf(t));
            if (ref == Table.NONE) {
                return false;
            }
            if (variable) {
                long descriptor = VariableValues.descriptor(t, ref);
                ByteSlots.checkTarget(target, ByteKeys.lengthOf(descriptor));
                VariableValues.copyOut(t, ref, storeOf(t), descriptor, target);
            } else {
                MemorySegment.copy(t.segment, t.valueOffset(ref), target, 0, valueSize);
            }
            return true;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    // ------------------------------------------------------------------ values of any length

    /**
     * The length of the value of {@code key} in bytes ({@link #valueSize()} in a map of fixed-size
     * values), or -1 when the key is absent. Reader thread rules as the class says; allocates nothing.
     *
     * @param key the key: the segment's bytes
     * @return the value's length, or -1
     * @throws IllegalArgumentException        if the key is too long
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if a write is seen in progress on another thread
     */
    public int valueLength(MemorySegment key) {
        return lengthAt(locate(key, 0, key.byteSize()));
    }

    /**
     * {@link #valueLength(MemorySegment)} for the {@code length} bytes of {@code buffer} at {@code offset}.
     *
     * @param buffer the buffer holding the key
     * @param offset where the key starts in {@code buffer}
     * @param length the key's length in bytes
     * @return the value's length, or -1 when the key is absent
     */
    public int valueLength(MemorySegment buffer, long offset, long length) {
        return lengthAt(locate(buffer, offset, length));
    }

    /**
     * {@link #valueLength(MemorySegment)} for the bytes of {@code key}.
     *
     * @param key the key's bytes
     * @return the value's length, or -1 when the key is absent
     */
    public int valueLength(byte[] key) {
        return lengthAt(locate(key));
    }

    /**
     * {@link #valueLength(MemorySegment)} for the UTF-8 bytes of {@code key}.
     *
     * @param key the key, hashed and compared as its UTF-8 bytes
     * @return the value's length, or -1 when the key is absent
     */
    public int valueLength(CharSequence key) {
        return lengthAt(locate(key));
    }

    /**
     * Copies the value of {@code key} into {@code target} from offset 0 and returns its length, or
     * returns -1 (target untouched) when the key is absent; allocates nothing. Reader thread rules as
     * the class says.
     *
     * @param key the key: the segment's bytes
     * @param target receives the value in its first bytes
     * @return the value's length, or -1
     * @throws IllegalArgumentException        if the key is too long, or {@code target} is read-only or
     *                                         shorter than the value (nothing written)
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if a write is seen in progress on another thread
     */
    public int readInto(MemorySegment key, MemorySegment target) {
        return copyAt(locate(key, 0, key.byteSize()), target);
    }

    /**
     * {@link #readInto(MemorySegment, MemorySegment)} into a {@code byte[]}.
     *
     * @param key the key: the segment's bytes
     * @param target receives the value from index 0
     * @return the value's length, or -1 (target untouched) when the key is absent
     * @throws IllegalArgumentException if the key is too long, or {@code target} is shorter than the value
     */
    public int readInto(MemorySegment key, byte[] target) {
        return copyAt(locate(key, 0, key.byteSize()), target);
    }

    /**
     * {@link #readInto(MemorySegment, MemorySegment)} for the key at {@code (buffer, offset, length)}.
     *
     * @param buffer the buffer holding the key
     * @param offset where the key starts in {@code buffer}
     * @param length the key's length in bytes
     * @param target receives the value in its first bytes
     * @return the value's length, or -1 (target untouched) when the key is absent
     */
    public int readInto(MemorySegment buffer, long offset, long length, MemorySegment target) {
        return copyAt(locate(buffer, offset, length), target);
    }

    /**
     * {@link #readInto(MemorySegment, MemorySegment)} for the key at {@code (buffer, offset, length)}, into a {@code byte[]}.
     *
     * @param buffer the buffer holding the key
     * @param offset where the key starts in {@code buffer}
     * @param length the key's length in bytes
     * @param target receives the value from index 0
     * @return the value's length, or -1 (target untouched) when the key is absent
     */
    public int readInto(MemorySegment buffer, long offset, long length, byte[] target) {
        return copyAt(locate(buffer, offset, length), target);
    }

    /**
     * {@link #readInto(MemorySegment, MemorySegment)} for the bytes of {@code key}.
     *
     * @param key the key's bytes
     * @param target receives the value in its first bytes
     * @return the value's length, or -1 (target untouched) when the key is absent
     */
    public int readInto(byte[] key, MemorySegment target) {
        return copyAt(locate(key), target);
    }

    /**
     * {@link #readInto(MemorySegment, MemorySegment)} for the bytes of {@code key}, into a {@code byte[]}.
     *
     * @param key the key's bytes
     * @param target receives the value from index 0
     * @return the value's length, or -1 (target untouched) when the key is absent
     */
    public int readInto(byte[] key, byte[] target) {
        return copyAt(locate(key), target);
    }

    /**
     * {@link #readInto(MemorySegment, MemorySegment)} for the UTF-8 bytes of {@code key}.
     *
     * @param key the key, hashed and compared as its UTF-8 bytes
     * @param target receives the value in its first bytes
     * @return the value's length, or -1 (target untouched) when the key is absent
     */
    public int readInto(CharSequence key, MemorySegment target) {
        return copyAt(locate(key), target);
    }

    /**
     * {@link #readInto(MemorySegment, MemorySegment)} for the UTF-8 bytes of {@code key}, into a {@code byte[]}.
     *
     * @param key the key, hashed and compared as its UTF-8 bytes
     * @param target receives the value from index 0
     * @return the value's length, or -1 (target untouched) when the key is absent
     */
    public int readInto(CharSequence key, byte[] target) {
        return copyAt(locate(key), target);
    }

    /** {@link #locate(long, long, KeyProbe)} for text: ASCII of up to 15 chars in registers, else through the probe. */
    private long locate(CharSequence key) {
        long head = slots.inlineHead(key);
        return head != ByteKeys.NOT_INLINE ? locate(head, ByteKeys.asciiTail(key), null) : locate(slots.probe(key));
    }

    private int lengthAt(long located) {
        if (located == Table.NONE) {
            return -1;
        }
        return variable ? VariableValues.length(tableOf(located), located & ~IN_OLD_TABLE) : valueSize;
    }

    private int copyAt(long located, MemorySegment target) {
        if (located == Table.NONE) {
            return -1;
        }
        Table t = tableOf(located);
        long ref = located & ~IN_OLD_TABLE;
        if (!variable) {
            slots.checkTarget(target);
            MemorySegment.copy(t.segment, t.valueOffset(ref), target, 0, valueSize);
            return valueSize;
        }
        long descriptor = VariableValues.descriptor(t, ref);
        int length = ByteKeys.lengthOf(descriptor);
        ByteSlots.checkTarget(target, length);
        VariableValues.copyOut(t, ref, storeOf(t), descriptor, target);
        return length;
    }

    private int copyAt(long located, byte[] target) {
        if (located == Table.NONE) {
            return -1;
        }
        Table t = tableOf(located);
        long ref = located & ~IN_OLD_TABLE;
        if (!variable) {
            ByteSlots.checkTarget(target, valueSize);
            MemorySegment.copy(t.segment, java.lang.foreign.ValueLayout.JAVA_BYTE, t.valueOffset(ref), target, 0,
                    valueSize);
            return valueSize;
        }
        long descriptor = VariableValues.descriptor(t, ref);
        int length = ByteKeys.lengthOf(descriptor);
        ByteSlots.checkTarget(target, length);
        VariableValues.copyOut(t, ref, storeOf(t), descriptor, target);
        return length;
    }

    /**
     * Whether {@code key} is present. Reader thread rules as the class says; allocates nothing.
     *
     * @param key the key: the segment's bytes
     * @return whether the key is present
     */
    public boolean containsKey(MemorySegment key) {
        long head = slots.inlineHead(key, 0, key.byteSize());
        return head != ByteKeys.NOT_INLINE ? containsAt(head, ByteKeys.inlineTail(key, 0, (int) key.byteSize()), null)
                : containsAt(slots.probe(key));
    }

    /**
     * {@link #containsKey(MemorySegment)} for the bytes of {@code key}.
     *
     * @param key the key's bytes
     * @return whether the key is present
     */
    public boolean containsKey(byte[] key) {
        long head = slots.inlineHead(key);
        return head != ByteKeys.NOT_INLINE ? containsAt(head, ByteKeys.inlineTail(key), null)
                : containsAt(slots.probe(key));
    }

    /**
     * {@link #containsKey(MemorySegment)} for the UTF-8 bytes of {@code key}.
     *
     * @param key the key, hashed and compared as its UTF-8 bytes
     * @return whether the key is present
     */
    public boolean containsKey(CharSequence key) {
        long head = slots.inlineHead(key);
        return head != ByteKeys.NOT_INLINE
                ? containsAt(head, ByteKeys.asciiTail(key), null) : containsAt(slots.probe(key));
    }

    private boolean containsAt(KeyProbe p) {
        return containsAt(p.head, p.tail, p);
    }

    private boolean containsAt(long head, long tail, KeyProbe p) {
        try {
            tables.readTable();
            long h = slots.hash(head, tail, p);
            Table t = tables.homeTable(h);
            return slots.find(t, h, head, tail, p, storeOf(t)) != Table.NONE;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** The key store of {@code t}'s entries. */
    private KeyStore storeOf(Table t) {
        return t == tables.table() ? keys : oldKeys;
    }

    /** Entries in the map. @throws IllegalStateException after {@link #close()} */
    @Override
    public long size() {
        tables.checkOpen();
        return tables.size();
    }

    /**
     * Bytes of every value, or 0 when values have any length ({@link #maxValueSize()}).
     *
     * @return the value size in bytes, or 0
     */
    public int valueSize() {
        return valueSize;
    }

    /**
     * The longest value accepted when values have any length, or 0 when every value is
     * {@link #valueSize()} bytes.
     *
     * @return the longest value in bytes, or 0
     */
    public int maxValueSize() {
        return slots.maxValueSize();
    }

    /**
     * The longest key accepted, in bytes.
     *
     * @return the longest key, in bytes
     */
    public int maxKeyLength() {
        return maxKeyLength;
    }

    /**
     * Calls {@code action} once for every entry, in no particular order, with a read-only view of the
     * key and a writable view of the value, both valid during the call. The action may read the map
     * and write the value it is given, but not otherwise change the map. Single-threaded.
     *
     * @param action called once per entry
     * @throws ConcurrentModificationException if the action changes the map
     * @throws IllegalStateException           after {@link #close()}, also when the action closes it
     */
    public void forEach(BytesEntryConsumer action) {
        Objects.requireNonNull(action, "action");
        try {
            Walk walk = new Walk(tables, "the map was changed during forEach");
            while (walk.next()) {
                Table t = walk.table();
                long ref = walk.ref();
                action.accept(slots.keyView(t, ref, storeOf(t)),
                        variable ? VariableValues.view(t, ref, storeOf(t)).asReadOnly() : slots.valueView(t, ref));
            }
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * A snapshot of the map's shape and memory ({@code bytesReserved} includes the key stores).
     * O(buckets). @throws IllegalStateException after {@link #close()}
     *
     * @return the snapshot
     */
    public MapStats stats() {
        tables.checkOpen();
        return MapStats.of(tables.size(), tables.table(), tables.growth(), memory);
    }

    /**
     * Off-heap bytes of the key store: the chunks holding keys longer than 15 bytes (and, during a
     * growth, the old table's). Not in {@link MapStats#bucketBytes()}; in {@link MapStats#bytesReserved()}.
     * Single-threaded. @throws IllegalStateException after {@link #close()}
     *
     * @return the key store's off-heap bytes
     */
    public long keyStoreBytes() {
        tables.checkOpen();
        return keys.reservedBytes() + (oldKeys == null ? 0 : oldKeys.reservedBytes());
    }

    /**
     * The current store's live, free and reserved bytes: fragmentation, for monitoring and reports.
     * Single-threaded, a read.
     *
     * @return the snapshot
     * @throws IllegalStateException after {@link #close()}
     */
    public StoreStats storeStats() {
        tables.checkOpen();
        return new StoreStats(keys.liveBytes(), keys.freeBytes(), keys.reservedBytes());
    }

    /** Bytes of the current key store's live keys, freed blocks and chunks: fragmentation, for tests and reports. */
    long[] keyStoreFigures() {
        return new long[] {keys.liveBytes(), keys.freeBytes(), keys.reservedBytes()};
    }

    @Override
    MapTables tables() {
        return tables;
    }

    // --------------------------------------------------------------------------------- writes

    /**
     * Associates a copy of {@code value} with {@code key}. Single-threaded. May start a growth; if
     * memory cannot be had the map is unchanged. {@code key} and {@code value} may be views of this
     * map ({@code put(k2, get(k1))} copies a record): what this write's growth work retires is given
     * back only after the write has read them.
     *
     * @param key the key: the segment's bytes
     * @param value the value, exactly {@link #valueSize()} bytes
     * @return true if the key was new
     * @throws IllegalArgumentException        if the key is too long or {@code value.byteSize()} is not
     *                                         {@link #valueSize()}
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if another write is seen in progress
     * @throws OutOfMemoryError                if the map must grow or store the key and the allocator refuses (map unchanged)
     */
    public boolean put(MemorySegment key, MemorySegment value) {
        long head = slots.inlineHead(key, 0, key.byteSize());
        return head != ByteKeys.NOT_INLINE ? putAt(head, ByteKeys.inlineTail(key, 0, (int) key.byteSize()), null, value)
                : putAt(slots.probe(key), value);
    }

    /**
     * {@link #put(MemorySegment, MemorySegment)} for the bytes of {@code key}.
     *
     * @param key the key's bytes
     * @param value the value, exactly {@link #valueSize()} bytes
     * @return true if the key was new
     */
    public boolean put(byte[] key, MemorySegment value) {
        long head = slots.inlineHead(key);
        return head != ByteKeys.NOT_INLINE ? putAt(head, ByteKeys.inlineTail(key), null, value)
                : putAt(slots.probe(key), value);
    }

    /**
     * {@link #put(MemorySegment, MemorySegment)} for the UTF-8 bytes of {@code key}.
     *
     * @param key the key, hashed and compared as its UTF-8 bytes
     * @param value the value, exactly {@link #valueSize()} bytes
     * @return true if the key was new
     */
    public boolean put(CharSequence key, MemorySegment value) {
        long head = slots.inlineHead(key);
        return head != ByteKeys.NOT_INLINE
                ? putAt(head, ByteKeys.asciiTail(key), null, value) : putAt(slots.probe(key), value);
    }

    /**
     * {@link #put(MemorySegment, MemorySegment)} for the key at {@code (buffer, offset, length)}.
     *
     * @param buffer the buffer holding the key
     * @param offset where the key starts in {@code buffer}
     * @param length the key's length in bytes
     * @param value the value, exactly {@link #valueSize()} bytes
     * @return true if the key was new
     */
    public boolean put(MemorySegment buffer, long offset, long length, MemorySegment value) {
        long head = slots.inlineHead(buffer, offset, length);
        return head != ByteKeys.NOT_INLINE ? putAt(head, ByteKeys.inlineTail(buffer, offset, (int) length), null, value)
                : putAt(slots.probe(buffer, offset, length), value);
    }

    private boolean putAt(KeyProbe p, MemorySegment value) {
        return putAt(p.head, p.tail, p, value);
    }

    private boolean putAt(long head, long tail, KeyProbe p, MemorySegment value) {
        slots.checkValue(value);
        tables.beginWrite();
        try {
            long h = slots.hash(head, tail, p);
            Table t = tables.writeTable(h);
            long ref = slots.find(t, h, head, tail, p, storeOf(t));
            if (ref != Table.NONE) {
                if (variable) {
                    replace(t, ref, value);
                } else if (tables.inFile()) {
                    replaceFixedInFile(t, ref, value);
                } else {
                    MemorySegment.copy(value, 0, t.segment, t.valueOffset(ref), valueSize);
                }
                return false;
            }
            insert(head, tail, p, h, value);
            return true;
        } finally {
            tables.endWrite();
        }
    }

    /**
     * Associates a copy of {@code value} with {@code key} only if the key is absent. Single-threaded,
     * a write (it does the growth work a write owes, inserted or not). {@code key} and {@code value}
     * may be views of this map, as for {@link #put(MemorySegment, MemorySegment)}.
     *
     * @param key the key: the segment's bytes
     * @param value the value, exactly {@link #valueSize()} bytes
     * @return true if this call inserted
     * @throws IllegalArgumentException        if the key is too long or {@code value.byteSize()} is not
     *                                         {@link #valueSize()}
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if another write is seen in progress
     * @throws OutOfMemoryError                if the map must grow or store the key and the allocator refuses (map unchanged)
     */
    public boolean putIfAbsent(MemorySegment key, MemorySegment value) {
        long head = slots.inlineHead(key, 0, key.byteSize());
        return head != ByteKeys.NOT_INLINE
                ? putIfAbsentAt(head, ByteKeys.inlineTail(key, 0, (int) key.byteSize()), null, value)
                : putIfAbsentAt(slots.probe(key), value);
    }

    /**
     * {@link #putIfAbsent(MemorySegment, MemorySegment)} for the bytes of {@code key}.
     *
     * @param key the key's bytes
     * @param value the value, exactly {@link #valueSize()} bytes
     * @return true if this call inserted
     */
    public boolean putIfAbsent(byte[] key, MemorySegment value) {
        long head = slots.inlineHead(key);
        return head != ByteKeys.NOT_INLINE ? putIfAbsentAt(head, ByteKeys.inlineTail(key), null, value)
                : putIfAbsentAt(slots.probe(key), value);
    }

    /**
     * {@link #putIfAbsent(MemorySegment, MemorySegment)} for the UTF-8 bytes of {@code key}.
     *
     * @param key the key, hashed and compared as its UTF-8 bytes
     * @param value the value, exactly {@link #valueSize()} bytes
     * @return true if this call inserted
     */
    public boolean putIfAbsent(CharSequence key, MemorySegment value) {
        long head = slots.inlineHead(key);
        return head != ByteKeys.NOT_INLINE ? putIfAbsentAt(head, ByteKeys.asciiTail(key), null, value)
                : putIfAbsentAt(slots.probe(key), value);
    }

    private boolean putIfAbsentAt(KeyProbe p, MemorySegment value) {
        return putIfAbsentAt(p.head, p.tail, p, value);
    }

    private boolean putIfAbsentAt(long head, long tail, KeyProbe p, MemorySegment value) {
        slots.checkValue(value);
        tables.beginWrite();
        try {
            long h = slots.hash(head, tail, p);
            Table t = tables.writeTable(h);
            if (slots.find(t, h, head, tail, p, storeOf(t)) != Table.NONE) {
                return false;
            }
            insert(head, tail, p, h, value);
            return true;
        } finally {
            tables.endWrite();
        }
    }

    /**
     * A writable view of the value of {@code key}, inserted zero-filled if absent; valid until the
     * next write to this map. Single-threaded, a write. {@code key} may be a view of this map (a key
     * from {@link #forEach}), as for {@link #put(MemorySegment, MemorySegment)}. In a map file the
     * insert is whole after a kill, but the caller's own writes through the view are not recorded:
     * a kill in the middle of them can leave the value partly written (a value that must be found
     * whole is written with {@code put}).
     *
     * @param key the key: the segment's bytes
     * @return a writable view of the value, valid until the next write to this map
     * @throws IllegalArgumentException        if the key is too long
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if another write is seen in progress
     * @throws OutOfMemoryError                if the map must grow or store the key and the allocator refuses (map unchanged)
     */
    public MemorySegment acquire(MemorySegment key) {
        return valueAt(acquireSlot(key, 0, key.byteSize()));
    }

    /**
     * {@link #acquire(MemorySegment)} for the bytes of {@code key}.
     *
     * @param key the key's bytes
     * @return a writable view of the value, valid until the next write to this map
     */
    public MemorySegment acquire(byte[] key) {
        return valueAt(acquireSlot(key));
    }

    /**
     * {@link #acquire(MemorySegment)} for the UTF-8 bytes of {@code key}.
     *
     * @param key the key, hashed and compared as its UTF-8 bytes
     * @return a writable view of the value, valid until the next write to this map
     */
    public MemorySegment acquire(CharSequence key) {
        long head = slots.inlineHead(key);
        return valueAt(head != ByteKeys.NOT_INLINE ? acquireSlot(head, ByteKeys.asciiTail(key), null)
                : acquireSlot(slots.probe(key)));
    }

    /**
     * {@link #acquire(MemorySegment)} for the key at {@code (buffer, offset, length)}.
     *
     * @param buffer the buffer holding the key
     * @param offset where the key starts in {@code buffer}
     * @param length the key's length in bytes
     * @return a writable view of the value, valid until the next write to this map
     */
    public MemorySegment acquire(MemorySegment buffer, long offset, long length) {
        return valueAt(acquireSlot(buffer, offset, length));
    }

    /** The slot of the key's value in {@link #table}, inserted zero-filled if absent. */
    private long acquireSlot(KeyProbe p) {
        return acquireSlot(p.head, p.tail, p);
    }

    /** {@link #acquireSlot(long, long, KeyProbe)} for a key in a segment: in registers when short, else through the probe. */
    private long acquireSlot(MemorySegment buffer, long offset, long length) {
        long head = slots.inlineHead(buffer, offset, length);
        return head != ByteKeys.NOT_INLINE ? acquireSlot(head, ByteKeys.inlineTail(buffer, offset, (int) length), null)
                : acquireSlot(slots.probe(buffer, offset, length));
    }

    /** {@link #acquireSlot(long, long, KeyProbe)} for a key's bytes: in registers when short, else through the probe. */
    private long acquireSlot(byte[] key) {
        long head = slots.inlineHead(key);
        return head != ByteKeys.NOT_INLINE ? acquireSlot(head, ByteKeys.inlineTail(key), null) : acquireSlot(slots.probe(key));
    }

    private long acquireSlot(long head, long tail, KeyProbe p) {
        requireFixedValues("acquire");
        tables.beginWrite();
        try {
            long h = slots.hash(head, tail, p);
            Table t = tables.writeTable(h);
            long ref = slots.find(t, h, head, tail, p, storeOf(t));
            return ref != Table.NONE ? ref : insert(head, tail, p, h, null); // writes go to the current table
        } finally {
            tables.endWrite();
        }
    }

    /**
     * Removes {@code key}. Never allocates. Single-threaded.
     *
     * @param key the key: the segment's bytes
     * @return whether the key was present
     * @throws IllegalArgumentException        if the key is too long
     * @throws IllegalStateException           after {@link #close()}
     * @throws ConcurrentModificationException if another write is seen in progress
     */
    public boolean remove(MemorySegment key) {
        long head = slots.inlineHead(key, 0, key.byteSize());
        return head != ByteKeys.NOT_INLINE ? removeAt(head, ByteKeys.inlineTail(key, 0, (int) key.byteSize()), null)
                : removeAt(slots.probe(key));
    }

    /**
     * {@link #remove(MemorySegment)} for the bytes of {@code key}.
     *
     * @param key the key's bytes
     * @return whether the key was present
     */
    public boolean remove(byte[] key) {
        long head = slots.inlineHead(key);
        return head != ByteKeys.NOT_INLINE ? removeAt(head, ByteKeys.inlineTail(key), null)
                : removeAt(slots.probe(key));
    }

    /**
     * {@link #remove(MemorySegment)} for the UTF-8 bytes of {@code key}.
     *
     * @param key the key, hashed and compared as its UTF-8 bytes
     * @return whether the key was present
     */
    public boolean remove(CharSequence key) {
        long head = slots.inlineHead(key);
        return head != ByteKeys.NOT_INLINE ? removeAt(head, ByteKeys.asciiTail(key), null) : removeAt(slots.probe(key));
    }

    /**
     * {@link #remove(MemorySegment)} for the key at {@code (buffer, offset, length)}.
     *
     * @param buffer the buffer holding the key
     * @param offset where the key starts in {@code buffer}
     * @param length the key's length in bytes
     * @return whether the key was present
     */
    public boolean remove(MemorySegment buffer, long offset, long length) {
        long head = slots.inlineHead(buffer, offset, length);
        return head != ByteKeys.NOT_INLINE ? removeAt(head, ByteKeys.inlineTail(buffer, offset, (int) length), null)
                : removeAt(slots.probe(buffer, offset, length));
    }

    private boolean removeAt(KeyProbe p) {
        return removeAt(p.head, p.tail, p);
    }

    private boolean removeAt(long head, long tail, KeyProbe p) {
        tables.beginWrite();
        try {
            long h = slots.hash(head, tail, p);
            Table t = tables.writeTable(h);
            long ref = slots.find(t, h, head, tail, p, storeOf(t));
            if (ref == Table.NONE) {
                return false;
            }
            // the blocks are freed once the slot is empty: a free block's first word is a free-list
            // link, which a map file must never show in a live entry
            long keyBlock = p != null && !p.inline() ? ByteSlots.secondWord(t, ref) : -1;
            long valueDescriptor = variable ? VariableValues.descriptor(t, ref) : 0;
            long valueBlock = variable ? VariableValues.secondWord(t, ref) : 0;
            tables.removeSlot(t, h, ref);
            if (tables.inFile()) {
                VarHandle.releaseFence();
            }
            if (keyBlock != -1) {
                keys.free(keyBlock, p.length);
            }
            if (ByteKeys.isStored(valueDescriptor)) {
                keys.free(valueBlock, ByteKeys.lengthOf(valueDescriptor));
            }
            return true;
        } finally {
            tables.endWrite();
        }
    }

    /**
     * Removes every entry and keeps the capacity, as {@link LongLongMap#clear()} does (with the same
     * exceptions); the key store starts afresh too, the old one given back in the background.
     * Single-threaded.
     */
    public void clear() {
        tables.beginWrite();
        try {
            tables.clear(); // the key stores go with the tables (KeyStoreGenerations.cleared)
        } finally {
            tables.endWrite();
        }
    }

    /**
     * Shrinks the map to what its entries need, as {@link LongLongMap#trimToSize()} does (with the
     * same exceptions), and the key store with it: evacuation copies the live keys into the smaller
     * table's store, so freed blocks go back too; a table that already fits gets a same-size growth
     * when its key store holds much more than its live keys ({@code KeyStore}: more than a quarter,
     * and 16 KiB). Single-threaded, a write.
     *
     * @return whether a shrink (or a compaction) is under way; false when nothing would be given back
     */
    public boolean trimToSize() {
        tables.beginWrite();
        try {
            return tables.trimToSize(keys.wasteful());
        } finally {
            tables.endWrite();
        }
    }

    /**
     * Flushes a map file's pages to its storage device ({@code msync}), as
     * {@link LongLongMap#force()} does; does nothing for a map in memory. Single-threaded (a
     * write: not during another write).
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

    /** For tests: the {@link #force()} calls a map file has made, its sync policy's included; 0 in memory. */
    long forces() {
        MapFile file = tables.file();
        return file == null ? 0 : file.forces();
    }

    /**
     * Frees all off-heap memory and returns once it is back with the allocator; afterwards every
     * other method throws {@link IllegalStateException}, views included. Single-threaded.
     * Idempotent, except that a release the allocator failed is retried by the next call.
     */
    @Override
    public void close() {
        super.close();
    }

    // ------------------------------------------------------------------------------- growth

    /**
     * The key stores' side of a growth: the next table gets a fresh store, compacted by evacuation;
     * a clear's fresh table gets an empty one. In a map file each store's directory is named in its
     * table's slot.
     */
    private final class KeyStoreGenerations implements WriterTables.Generations {
        private KeyStore next;

        @Override
        public void prepareNext() {
            KeyStore store = newStore(); // may throw: nothing changed
            try {
                store.reserveForEvacuation(keys.liveBytes());
            } catch (RuntimeException | Error e) {
                store.releaseLater();
                throw e;
            }
            next = store;
        }

        @Override
        public void prepareFresh() {
            next = newStore();
        }

        @Override
        public void abandonNext() {
            next.releaseLater();
            next = null;
        }

        @Override
        public void switched() {
            oldKeys = keys;
            keys = next;
            next = null;
        }

        @Override
        public void completed() {
            oldKeys.releaseAfterWrite(); // a view the write was given may point into it
            oldKeys = null;
        }

        @Override
        public void cleared() {
            keys.releaseAfterWrite();
            keys = next;
            next = null;
            if (oldKeys != null) {
                oldKeys.releaseAfterWrite();
                oldKeys = null;
            }
        }

        @Override
        public void adopt(MapFile file, int current, int old) {
            keys = KeyStore.adopt(memory, slots.maxStoredLength(), file, file.slotStore(current));
            if (old >= 0) {
                oldKeys = KeyStore.adopt(memory, slots.maxStoredLength(), file, file.slotStore(old));
            }
        }

        @Override
        public void publishNext(MapFile file, int slot) {
            file.installStore(slot, next.directory());
        }

        @Override
        public long evacuationMark() {
            return keys.evacuationMark();
        }

        @Override
        public void rewindEvacuation(long mark) {
            keys.rewindEvacuation(mark);
        }

        @Override
        public void undoReplace(MapFile file, Table t, long ref) {
            if (variable) {
                VariableValues.writeRegion(t, ref, file.undo0(), file.undo1());
            } else {
                MemorySegment.copy(file.undoRegion(), 0, t.segment, t.valueOffset(ref), valueSize);
            }
        }
    }

    /** Evacuation's hook: a stored key follows its entry into the next table's key store. */
    private void relocate(Table from, long fromRef, Table to, long toRef) {
        long at = to.keyOffset(toRef);
        long descriptor = RawMemory.getLong(to.segment, at + BytesBucketLayout.DESCRIPTOR_OFFSET);
        if (ByteKeys.isStored(descriptor)) {
            long locator = RawMemory.getLong(to.segment, at + BytesBucketLayout.INLINE_TAIL_OFFSET);
            long moved = keys.moveFrom(oldKeys, locator, ByteKeys.lengthOf(descriptor));
            RawMemory.putLong(to.segment, at + BytesBucketLayout.INLINE_TAIL_OFFSET, moved);
        }
        if (variable) {
            long valueDescriptor = VariableValues.descriptor(to, toRef);
            if (ByteKeys.isStored(valueDescriptor)) {
                long moved = keys.moveFrom(oldKeys, VariableValues.secondWord(to, toRef),
                        ByteKeys.lengthOf(valueDescriptor));
                VariableValues.writeRegion(to, toRef, valueDescriptor, moved);
            }
        }
    }

    /**
     * Replaces the value of the entry in slot {@code ref} of the current table with one of any
     * length; then starts a compaction when the store's freed blocks have come to outweigh what
     * the bound allows (a churn of replacements alone inserts nothing that would check it).
     */
    private void replace(Table t, long ref, MemorySegment value) {
        if (tables.inFile()) {
            replaceVariableInFile(t, ref, value);
        } else {
            VariableValues.write(t, ref, value, keys, true);
        }
        if (tables.growth() == null && storeFragmented()) {
            tables.startCompaction();
        }
    }

    /**
     * A fixed-size value replaced in a map file: the old bytes go to the file's undo region and the
     * replacement is recorded before the value is copied over, so a crash leaves the old value,
     * put back on reopen, or the new one, never a mix.
     */
    private void replaceFixedInFile(Table t, long ref, MemorySegment value) {
        MapFile file = tables.file();
        MemorySegment.copy(t.segment, t.valueOffset(ref), file.undoRegion(), 0, valueSize);
        tables.replaceBegins(ref, 0, 0);
        try {
            MemorySegment.copy(value, 0, t.segment, t.valueOffset(ref), valueSize);
        } catch (RuntimeException | Error failed) {
            // a caller's value that cannot be read: the old bytes go back and the record ends, so
            // no later reopen puts this undo copy into whatever the slot holds by then
            MemorySegment.copy(file.undoRegion(), 0, t.segment, t.valueOffset(ref), valueSize);
            tables.replaceEnds();
            throw failed;
        }
        crashPointForTests();
        tables.replaceEnds();
    }

    /** For tests: when set, a replacement in a map file stops as a crash would, its record still open. */
    boolean stopMidReplacementForTests;

    private void crashPointForTests() {
        if (stopMidReplacementForTests) {
            throw new IllegalStateException("stopped mid-replacement (a test's crash point)");
        }
    }

    /**
     * A value of any length replaced in a map file: the value region's two words are recorded, the
     * new value goes to a new block (never over the old one), the region is rewritten, and the old
     * block is freed only once the replacement is recorded as done, so the words a reopen puts
     * back always name the old value whole.
     */
    private void replaceVariableInFile(Table t, long ref, MemorySegment value) {
        long oldDescriptor = VariableValues.descriptor(t, ref);
        long oldSecond = VariableValues.secondWord(t, ref);
        int length = (int) value.byteSize();
        long descriptor;
        long second;
        if (VariableValues.stored(length)) {
            second = keys.allocate(length); // may throw: nothing recorded, nothing changed
            try {
                keys.write(second, value, 0, length);
            } catch (RuntimeException e) {
                keys.free(second, length);
                throw e;
            }
            descriptor = ByteKeys.storedDescriptor(length);
        } else {
            descriptor = VariableValues.inlineDescriptor(value);
            second = VariableValues.inlineSecond(value);
        }
        tables.replaceBegins(ref, oldDescriptor, oldSecond);
        VariableValues.writeRegion(t, ref, descriptor, second);
        crashPointForTests();
        tables.replaceEnds();
        if (ByteKeys.isStored(oldDescriptor)) {
            VarHandle.releaseFence(); // the record's end before the old block's first word becomes a free-list link
            keys.free(oldSecond, ByteKeys.lengthOf(oldDescriptor));
        }
    }

    /**
     * Whether the current store's freed blocks no key or value of their size reused outweigh its
     * live ones and 1 MiB; with values of any length, whose lengths drift, a fifth of them and
     * 64 KiB.
     */
    private boolean storeFragmented() {
        long free = keys.freeBytes();
        return variable ? variableStoreFragmented(free, keys.liveBytes(), tables.table())
                : free > COMPACTION_THRESHOLD && free > keys.liveBytes();
    }

    /**
     * With values of any length: whether a store of {@code live} bytes with {@code free} freed ones
     * should be compacted by a same-size growth of {@code t}. Freed bytes over a fifth of the live
     * ones (the fragmentation bound) and 64 KiB, and over an eighth of the table's primary buckets:
     * the growth rewrites the whole table, so a small store beside a large table (mostly inline
     * values) waits until what it gives back is worth that.
     */
    static boolean variableStoreFragmented(long free, long live, Table t) {
        return free > VARIABLE_COMPACTION_THRESHOLD && free > live / 5 && free > t.bucketCount * t.stride / 8;
    }

    private KeyStore newStore() {
        return tables.inFile() ? KeyStore.inFile(memory, slots.maxStoredLength())
                : new KeyStore(memory, slots.maxStoredLength());
    }

    private void requireFixedValues(String method) {
        if (variable) {
            throw new UnsupportedOperationException(method + " needs fixed-size values (valueSize); this map's values "
                    + "have any length up to maxValueSize " + slots.maxValueSize() + ": use put and get");
        }
    }

    /**
     * Inserts a key found absent, after {@link #writeTable} did the growth work for {@code h}; the
     * value is a copy of {@code value}, or zeros when null. Returns the slot, in {@link #tableOf}.
     */
    private long insert(long head, long tail, KeyProbe p, long h, MemorySegment value) {
        boolean fragmented = tables.growth() == null && storeFragmented();
        tables.insertBegins(h);
        long ref;
        Table t;
        long second = tail;
        try {
            ref = tables.slotForInsert(h, tables.size(), fragmented);
            t = tables.table();
            // Value first, then the key's block: either may fail (a caller's closed segment, no
            // memory) while the slot is still free, so nothing is lost or leaked.
            if (variable) {
                VariableValues.write(t, ref, value, keys, false);
            } else {
                slots.writeValue(t, ref, value);
            }
            if (p != null && !p.inline()) {
                try {
                    second = keys.allocate(p.length);
                    keys.write(second, p.segment, p.offset, p.length);
                } catch (RuntimeException | Error e) {
                    if (variable) {
                        VariableValues.free(t, ref, keys);
                    }
                    throw e;
                }
            }
        } catch (RuntimeException | Error failed) {
            tables.insertAbandoned(); // nothing was published: a map file's record ends here, not at a later reopen
            throw failed;
        }
        ByteSlots.writeKey(t, ref, h, head, second);
        tables.occupy(t, ref, h);
        tables.countInsert();
        return ref;
    }

    // ------------------------------------------------------------------------- key plumbing

    @Override
    public String toString() {
        if (tables.closed()) {
            return "BytesMap[closed]";
        }
        return "BytesMap[size=" + tables.size() + (variable ? ", maxValueSize=" + slots.maxValueSize()
                : ", valueSize=" + valueSize) + ", buckets=" + tables.table().bucketCount
                + ", format=" + format.name() + ", allocator=" + allocator.name()
                + (tables.growth() != null ? ", growing" : "") + "]";
    }

    /**
     * Builds a {@link BytesMap}: every map's options, the value size (required) and the longest key.
     * Not thread-safe; a builder may build several maps.
     */
    public static final class Builder extends BytesMapBuilder<Builder> {

        private Path file;
        private long forceEvery;

        private Builder() {
        }

        /**
         * Keeps the map in the file at {@code path}, as {@link LongLongMap.Builder#file} does
         * (README, "Maps in a file"): {@code build()} creates it or opens the map it holds, as the
         * last process left it, even killed mid-write. The file's padding and kind of value
         * ({@link #valueSize} or values of any length) must be this builder's; its seed, if
         * {@link #seed} was called, this seed. {@link #maxKeyLength} and {@code maxValueSize} are
         * this open's limits. Opening maps the file's tables and key stores; it reads no entry.
         * {@code null} (the default) keeps the map in memory.
         *
         * @param path the map file
         * @return this builder
         */
        public Builder file(Path path) {
            this.file = path;
            return this;
        }

        /**
         * A map file's sync policy, as {@link LongLongMap.Builder#forceEvery}: every
         * {@code writes}-th write ends with {@link BytesMap#force()}; 0 (the default) never.
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
         * Reserves the map's initial table, or creates or opens its {@link #file}.
         *
         * @return the new map
         * @throws IllegalStateException    if {@link #valueSize} was not set; if another map, in this or
         *                                  another process, has the file open; or {@link #forceEvery} is
         *                                  set for a map in memory
         * @throws IllegalArgumentException if the file is not a {@code BytesMap} file of this builder's
         *                                  padding and kind of value (or seed, if set), or of a newer format:
         *                                  the file is untouched
         * @throws OutOfMemoryError         if the allocator cannot supply the table (nothing is leaked)
         * @throws java.io.UncheckedIOException if the file cannot be created, read or written
         */
        public BytesMap build() {
            ByteSlots checked = slots(0); // throws before anything is reserved when valueSize is missing
            BucketFormat format = formatFor(options.padding,
                    checked.variableValues() ? VariableValues.REGION_LENGTH : checked.valueSize());
            if (file == null) {
                if (forceEvery != 0) {
                    throw new IllegalStateException("forceEvery(" + forceEvery + ") needs a file(path): a map in memory has nothing to force");
                }
                return new BytesMap(this, format, null);
            }
            MapFile mapFile = MapFile.openOrCreate(file, new MapFile.Identity(MapFileHeaderLayout.KIND_BYTES, "BytesMap",
                    options.padding.fileCode(), options.padding.name(), format, 0, checked.valueSize(),
                    checked.variableValues() ? 0 : checked.valueSize()), options.initialLog2Buckets(format),
                    options.seedForNewMap(), options.seedSet());
            return mapFile.buildMap(f -> new BytesMap(this, format, f));
        }
    }
}
