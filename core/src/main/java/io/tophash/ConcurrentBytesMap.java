package io.tophash;

import io.tophash.engine.ByteKeys;
import io.tophash.engine.ByteSlots;
import io.tophash.engine.Chain;
import io.tophash.engine.Evacuation;
import io.tophash.engine.Growth;
import io.tophash.engine.KeyProbe;
import io.tophash.engine.KeyStore;
import io.tophash.engine.MapMemory;
import io.tophash.engine.MapTables;
import io.tophash.engine.RawMemory;
import io.tophash.engine.SeqlockTables;
import io.tophash.engine.Table;
import io.tophash.engine.VariableValues;
import io.tophash.layout.BucketFormat;
import io.tophash.layout.BytesBucketLayout;
import io.tophash.memory.Allocator;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.Objects;

/**
 * An off-heap hash map from byte keys to fixed-size values, or to values of any length, for any
 * number of threads: the buckets,
 * keys and values of {@link BytesMap} under the per-bucket locks and optimistic reads of
 * {@link ConcurrentLongLongMap}.
 *
 * <p>Keys come as a {@link MemorySegment} (its whole {@code byteSize()}), a range of one, a
 * {@code byte[]}, or a {@link CharSequence} (its UTF-8 bytes, encoded without allocating). In a
 * map built with {@code valueSize(n)} every value is exactly {@link #valueSize()} bytes; there are
 * no views: values are copied out ({@link #getInto}) or changed in place under the key's lock
 * ({@link #update}). A map built with {@code maxValueSize(n)} (or {@code variableValues()}) holds
 * values of any length from 0 to {@link #maxValueSize()} bytes, kept as in {@link BytesMap}:
 * {@code put} takes any length, {@link #valueLength} tells it, {@link #readInto} copies a value
 * into a caller's segment or {@code byte[]} and returns its length, and no reader ever sees a
 * value torn between two writes or a length that does not belong to the bytes it got. Such a map
 * has no {@link #update}: a value cannot change its length in place.
 *
 * <p><b>Threading.</b> Every public method may be called from any thread at any time. Single-key
 * operations are linearizable; {@link #getInto} and {@link #containsKey} are lock-free (they write
 * nothing to the map and wait only while a writer holds the key's bucket); writers of different
 * buckets never wait for each other. {@link #size()} and {@link #forEach} are not linearizable
 * (see each).
 *
 * <p><b>Memory.</b> The allocator must give 8-byte aligned memory ({@code naive(3)} cannot).
 * Keys longer than 15 bytes (and values, when they have any length) live in an off-heap store, one
 * per table generation, as in {@link BytesMap}: a removed key's space is reused by the next key of
 * its size class, and every growth copies the live keys into the next table's store, which
 * compacts it; when freed blocks no key has reused outweigh the live keys (and 1 MiB; with values
 * of any length, a fifth of them and 64 KiB), an insert (or a replacement) starts a same-size
 * growth for that alone. {@link #trimToSize()} gives back what a map that has shrunk no longer needs, and
 * {@link #clear()} empties it. Freed by {@link #close()}; a map that becomes unreachable unclosed
 * is freed after GC, with one warning per map class.
 */
public final class ConcurrentBytesMap extends OffHeapMap {

    /*
     * Implementation notes.
     *
     * The concurrent policy (SeqlockTables: bucket seqlocks, optimistic reads, concurrent growth)
     * over the byte-key slots of BytesMap (ByteSlots: probe, hash, find, key regions), with no code
     * of its own for either. A read runs ByteSlots.find inside the engine's validated window
     * (readSlot) and copies a fixed-size value into the thread's scratch there; only a validated
     * copy reaches the caller's target, so a read that raced a writer never leaves a torn value
     * behind. A value of any length is copied straight into the caller's target inside the window
     * (no per-thread scratch as large as the largest value), and again after a failed window; one
     * over WINDOW_COPY_LIMIT, or a target that shares memory with the key, is copied under the
     * key's bucket lock instead (a long window would keep failing under writes to its chain, and
     * could outlast the grace period of a retired store; a retried window must find the key's
     * bytes as they were). forEach copies such values under the lock too, when it emits. getLong
     * reads one field in that window and copies nothing; it and containsKey take a key of up to 15
     * bytes (ASCII text, a segment, a buffer range or a byte array) in two registers, with no
     * thread-local probe.
     *
     * Each table generation has its own key store (Table.keyStore), whose allocation and free calls
     * are serialized on the store (writers of different buckets may insert long keys at once).
     * Readers read stored keys without that lock: a block they compare was written before the
     * insert that links it was published by the bucket's release; a block freed or reused under
     * them belongs to a bucket whose version changed, so their window fails and they retry; a
     * chunk array replaced under them still holds every chunk they can name. A growth, under the
     * engine's allocation lock, seals the old store (no new key may come in, so its live bytes can
     * only fall), reserves the next store's evacuation region as large as those live bytes, and
     * evacuation copies every moved key into it (relocate, serialized on the next store): that is
     * compaction. A writer whose insert meets a sealed store starts over, in the growth's next
     * table. The old store is retired with the old table, after the grace period for readers.
     *
     * Writes: the key's bucket is locked (lockHome), the key looked up; an insert takes a slot
     * from slotForInsert and starts over when the engine moved the bucket to a growth's next
     * table. The value is written before the key's block is allocated, so a failure at either
     * leaves the slot free and nothing allocated.
     *
     * The file: reads, writes, whole map, builder.
     */

    private static final int PUT = 0;
    private static final int PUT_IF_ABSENT = 1;
    private static final int UPDATE = 2;
    private static final int REMOVE = 3;

    /** What a read takes ({@code Tables.readSlot}'s {@code part}): whether the key is present. */
    private static final long PRESENCE = -1;
    /** What a read takes: the whole value, copied to the probe's scratch inside the read window. */
    private static final long COPY = -2;
    /** What a read takes, values of any length: the value's length, or -1 when absent. */
    private static final long LENGTH = -3;
    /**
     * What a read takes, values of any length: the value, copied straight to the probe's copy
     * target inside the read window; its length, -1 when absent, or {@code -2 - length} (nothing
     * copied) when the target is too short.
     */
    private static final long COPY_OUT = -4;

    /** Freed key-store bytes above which (and above the live ones) an insert compacts the store. */
    private static final long COMPACTION_THRESHOLD = 1 << 20;

    private final ByteSlots slots;
    private final int valueSize;
    /** Whether values have any length ({@link VariableValues}); else every value is valueSize bytes. */
    private final boolean variable;
    private final Tables tables;

    /** The engine's concurrent tables, told what a read of a byte key takes and how key stores follow growths. */
    private final class Tables extends SeqlockTables {
        /** The next table's key store between prepareNext and installing; guarded by the allocation lock. */
        private KeyStore preparedStore;

        Tables(BucketFormat format, int log2Buckets, long seed) {
            super(format, memory, log2Buckets, new Evacuation.KeyWords(seed, true), ConcurrentBytesMap.this::relocate,
                    "ConcurrentBytesMap");
            table().keyStore = newStore(table());
        }

        /**
         * The key's words are {@code head} and {@code tail}; {@code probe} is its probe, or null for an
         * inline key given in registers only. {@code part} says what is read: {@link #PRESENCE} (1 if
         * found, else 0), {@link #COPY} (the same, the value copied to the probe's scratch), or an
         * offset in the value, whose 8-byte field is returned ({@code absent} when the key is not found).
         */
        @Override
        protected long readSlot(Table t, long h, long head, long tail, long part, long absent, Object probe) {
            KeyProbe p = (KeyProbe) probe;
            long ref = slots.find(t, h, head, tail, p, t.keyStore);
            if (part >= 0) {
                return ref == Table.NONE ? absent
                        : variable ? VariableValues.field(t, ref, t.keyStore, part, absent)
                        : RawMemory.getLongNativeOrder(t.segment, t.valueOffset(ref) + part);
            }
            if (part <= LENGTH) {
                return ref == Table.NONE ? -1 : part == LENGTH ? VariableValues.length(t, ref) : copyOut(t, ref, p);
            }
            if (ref == Table.NONE) {
                return 0;
            }
            if (part == COPY) {
                MemorySegment.copy(t.segment, t.valueOffset(ref), p.valueScratch(valueSize), 0, valueSize);
            }
            return 1;
        }

        /**
         * A short-key read takes no probe, so its reentry check waits until it meets a locked bucket
         * (maybe the one its ValueUpdater holds): it then fails rather than wait.
         */
        @Override
        protected RuntimeException readWaits() {
            return KeyProbe.forThread().updating ? updaterReentry() : null;
        }

        @Override
        protected void prepareNext(Table old, boolean entriesMove) {
            KeyStore store = old.keyStore;
            long live;
            synchronized (store) {
                store.seal();
                live = store.liveBytes();
            }
            KeyStore next = newStore(old);
            try {
                if (entriesMove) {
                    next.reserveForEvacuation(live);
                }
            } catch (RuntimeException | Error e) {
                synchronized (store) {
                    store.unseal();
                }
                throw e;
            }
            preparedStore = next;
        }

        @Override
        protected void abandonNext(Table old) {
            preparedStore.releaseLater();
            preparedStore = null;
            synchronized (old.keyStore) {
                old.keyStore.unseal();
            }
        }

        @Override
        protected void installing(Growth g) {
            g.next.keyStore = preparedStore;
            preparedStore = null;
        }

        @Override
        protected void retiring(Growth g) {
            g.old.keyStore.retire(); // readers holding a stale view may still compare keys in it
        }

        @Override
        protected boolean wasteful(Table t) {
            KeyStore store = t.keyStore;
            synchronized (store) {
                return store.wasteful();
            }
        }

        @Override
        protected boolean wantsCompaction(Table t) {
            KeyStore store = t.keyStore; // racy reads: a hint, settled when the growth starts
            long free = store.freeBytes();
            return variable ? BytesMap.variableStoreFragmented(free, store.liveBytes(), t)
                    : free > COMPACTION_THRESHOLD && free > store.liveBytes();
        }
    }

    /** Inside a read window: copies the value of slot {@code ref} to the probe's copy target (see {@link #COPY_OUT}). */
    private static long copyOut(Table t, long ref, KeyProbe p) {
        long descriptor = VariableValues.descriptor(t, ref);
        int length = ByteKeys.lengthOf(descriptor);
        if (length > WINDOW_COPY_LIMIT || length < 0) { // a negative length: a torn read, which validation refuses
            return COPY_UNDER_LOCK;
        }
        if (p.copyFresh) {
            byte[] fresh = new byte[length];
            VariableValues.copyOut(t, ref, t.keyStore, descriptor, fresh);
            p.copied = fresh;
            return length;
        }
        MemorySegment target = p.copyTarget;
        if (target != null) {
            if (target.byteSize() < length) {
                return -2L - length;
            }
            VariableValues.copyOut(t, ref, t.keyStore, descriptor, target);
        } else {
            if (p.copyArray.length < length) {
                return -2L - length;
            }
            VariableValues.copyOut(t, ref, t.keyStore, descriptor, p.copyArray);
        }
        return length;
    }

    /** A key store for the table {@code beside}, its first chunks sized from the entries that table holds. */
    private KeyStore newStore(Table beside) {
        return new KeyStore(memory, slots.maxStoredLength(), beside.maxEntries);
    }

    /** Evacuation's hook: a stored key follows its entry into the next table's key store. */
    private void relocate(Table from, long fromRef, Table to, long toRef) {
        long at = to.keyOffset(toRef);
        long descriptor = RawMemory.getLong(to.segment, at + BytesBucketLayout.DESCRIPTOR_OFFSET);
        if (ByteKeys.isStored(descriptor)) {
            long locator = RawMemory.getLong(to.segment, at + BytesBucketLayout.INLINE_TAIL_OFFSET);
            long moved;
            KeyStore into = to.keyStore;
            synchronized (into) { // evacuators of different units copy into the same region
                moved = into.moveFrom(from.keyStore, locator, ByteKeys.lengthOf(descriptor));
            }
            RawMemory.putLong(to.segment, at + BytesBucketLayout.INLINE_TAIL_OFFSET, moved);
        }
        if (variable) {
            long valueDescriptor = VariableValues.descriptor(to, toRef);
            if (ByteKeys.isStored(valueDescriptor)) {
                long moved;
                KeyStore into = to.keyStore;
                synchronized (into) {
                    moved = into.moveFrom(from.keyStore, VariableValues.secondWord(to, toRef),
                            ByteKeys.lengthOf(valueDescriptor));
                }
                VariableValues.writeRegion(to, toRef, valueDescriptor, moved);
            }
        }
    }

    private ConcurrentBytesMap(Builder b) {
        super(b.options);
        MapOptions o = b.options;
        long seed = o.seedForNewMap();
        this.slots = b.slots(seed); // throws before anything is reserved when valueSize is missing
        this.valueSize = slots.valueSize();
        this.variable = slots.variableValues();
        BucketFormat format = BytesMap.formatFor(padding, variable ? VariableValues.REGION_LENGTH : valueSize);
        this.tables = new Tables(format, o.initialLog2Buckets(format), seed);
        built();
    }

    /**
     * A builder with the options of {@link BytesMap#builder()}; {@link Builder#valueSize} or
     * {@link Builder#maxValueSize} is required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------------------------- reads

    /**
     * Copies the value of {@code key} into the first {@link #valueSize()} bytes of {@code target};
     * lock-free, allocates nothing. Any thread. With values of any length, as
     * {@link #readInto(MemorySegment, MemorySegment)} but answering whether the key is present; the
     * target is then left untouched on false only if no write raced the call.
     *
     * @param key the key: the segment's bytes
     * @param target receives the value in its first {@link #valueSize()} bytes
     * @return whether the key is present (when false, {@code target} is unchanged: see above for
     *         values of any length)
     * @throws IllegalArgumentException if the key is longer than {@link #maxKeyLength()}, or
     *                                  {@code target} is read-only or smaller than {@link #valueSize()}
     * @throws IllegalStateException    after {@link #close()}, or from inside a {@link ValueUpdater}
     */
    public boolean getInto(MemorySegment key, MemorySegment target) {
        return getInto(slots.probe(key), target);
    }

    /**
     * {@link #getInto(MemorySegment, MemorySegment)} for the {@code length} bytes of {@code buffer} at {@code offset}.
     *
     * @param buffer the buffer holding the key
     * @param offset where the key starts in {@code buffer}
     * @param length the key's length in bytes
     * @param target receives the value in its first {@link #valueSize()} bytes
     * @return false (target untouched) when the key is absent
     */
    public boolean getInto(MemorySegment buffer, long offset, long length, MemorySegment target) {
        return getInto(slots.probe(buffer, offset, length), target);
    }

    /**
     * {@link #getInto(MemorySegment, MemorySegment)} for the bytes of {@code key}.
     *
     * @param key the key's bytes
     * @param target receives the value in its first {@link #valueSize()} bytes
     * @return false (target untouched) when the key is absent
     */
    public boolean getInto(byte[] key, MemorySegment target) {
        return getInto(slots.probe(key), target);
    }

    /**
     * {@link #getInto(MemorySegment, MemorySegment)} for the UTF-8 bytes of {@code key}.
     *
     * @param key the key, hashed and compared as its UTF-8 bytes
     * @param target receives the value in its first {@link #valueSize()} bytes
     * @return false (target untouched) when the key is absent
     */
    public boolean getInto(CharSequence key, MemorySegment target) {
        return getInto(slots.probe(key), target);
    }

    private boolean getInto(KeyProbe p, MemorySegment target) {
        slots.checkTarget(target);
        checkNotUpdating(p);
        if (variable) {
            return copyOut(p, target, null) >= 0;
        }
        if (read(p.head, p.tail, p, COPY, 0) == 0) {
            return false;
        }
        MemorySegment.copy(p.valueScratch(valueSize), 0, target, 0, valueSize);
        return true;
    }

    /**
     * The optimistic read of {@code part} ({@link #PRESENCE}, {@link #COPY} or a field offset) for the
     * key whose words are {@code head} and {@code tail}, with its probe, or null for an inline key
     * given in registers only.
     */
    private long read(long head, long tail, KeyProbe p, long part, long absent) {
        return tables.read(slots.hash(head, tail, p), head, tail, part, absent, p);
    }

    /**
     * The 8-byte field at {@code offset} in the value of {@code key}, read in the platform's byte
     * order (as {@code ValueLayout.JAVA_LONG} or {@code JAVA_LONG_UNALIGNED} writes it), or
     * {@code defaultValue} when the key is absent. Lock-free, like {@link #getInto}: the field is
     * read inside the same validated window, so it is a value the key had, never a torn one, and
     * nothing else of the value is copied. Several fields read by several calls may come from
     * different writes; {@link #getInto} reads a whole value at once. With values of any length, a
     * value shorter than {@code offset + 8} answers {@code defaultValue} too, and {@code offset} may
     * be up to {@link #maxValueSize()} - 8. A key of up to 15 bytes (in a
     * segment, a buffer or a byte array; up to 15 ASCII chars as a {@code String}) is packed in registers and
     * touches no thread-local state unless the read must wait for a locked bucket. Any thread;
     * never allocates.
     *
     * @param key          the key: the segment's bytes
     * @param offset       where the field starts in the value, 0 to {@link #valueSize()} - 8; need not be aligned
     * @param defaultValue returned when the key is absent
     * @return the field, or {@code defaultValue}
     * @throws IllegalArgumentException if the key is longer than {@link #maxKeyLength()}, or the
     *                                  field does not lie inside the value
     * @throws IllegalStateException    after {@link #close()}, or from inside a {@link ValueUpdater}
     *                                  (for a short key, when the read meets a locked bucket)
     */
    public long getLong(MemorySegment key, long offset, long defaultValue) {
        return getLong(key, 0, key.byteSize(), offset, defaultValue);
    }

    /**
     * {@link #getLong(MemorySegment, long, long)} for the {@code length} bytes of {@code buffer} at {@code keyOffset}.
     *
     * @param buffer      the buffer holding the key
     * @param keyOffset   where the key starts in {@code buffer}
     * @param length      the key's length in bytes
     * @param offset      where the field starts in the value
     * @param defaultValue returned when the key is absent
     * @return the field, or {@code defaultValue}
     */
    public long getLong(MemorySegment buffer, long keyOffset, long length, long offset, long defaultValue) {
        checkField(offset);
        long head = slots.inlineHead(buffer, keyOffset, length);
        if (head == ByteKeys.NOT_INLINE) {
            return getLong(slots.probe(buffer, keyOffset, length), offset, defaultValue);
        }
        return read(head, ByteKeys.inlineTail(buffer, keyOffset, (int) length), null, offset, defaultValue);
    }

    /**
     * {@link #getLong(MemorySegment, long, long)} for the bytes of {@code key}.
     *
     * @param key          the key's bytes
     * @param offset       where the field starts in the value
     * @param defaultValue returned when the key is absent
     * @return the field, or {@code defaultValue}
     */
    public long getLong(byte[] key, long offset, long defaultValue) {
        checkField(offset);
        long head = slots.inlineHead(key);
        if (head == ByteKeys.NOT_INLINE) {
            return getLong(slots.probe(key), offset, defaultValue);
        }
        return read(head, ByteKeys.inlineTail(key), null, offset, defaultValue);
    }

    /**
     * {@link #getLong(MemorySegment, long, long)} for the UTF-8 bytes of {@code key}. An ASCII key of
     * up to 15 chars is packed in registers and touches no thread-local state.
     *
     * @param key          the key, hashed and compared as its UTF-8 bytes
     * @param offset       where the field starts in the value
     * @param defaultValue returned when the key is absent
     * @return the field, or {@code defaultValue}
     */
    public long getLong(CharSequence key, long offset, long defaultValue) {
        checkField(offset);
        long head = slots.inlineHead(key);
        if (head == ByteKeys.NOT_INLINE) {
            return getLong(slots.probe(key), offset, defaultValue);
        }
        return read(head, ByteKeys.asciiTail(key), null, offset, defaultValue);
    }

    private long getLong(KeyProbe p, long offset, long defaultValue) {
        checkNotUpdating(p);
        return read(p.head, p.tail, p, offset, defaultValue);
    }

    private void checkField(long offset) {
        if (variable) {
            if (offset < 0 || offset > slots.maxValueSize() - Long.BYTES) {
                throw new IllegalArgumentException("an 8-byte field at offset " + offset
                        + " does not lie inside a value of at most " + slots.maxValueSize() + " bytes");
            }
            return;
        }
        if (offset < 0 || offset > valueSize - Long.BYTES) {
            throw new IllegalArgumentException("an 8-byte field at offset " + offset + " does not lie inside a value of "
                    + valueSize + " bytes");
        }
    }

    // ------------------------------------------------------------------ values of any length

    /**
     * The length of the value of {@code key} in bytes ({@link #valueSize()} in a map of fixed-size
     * values), or -1 when the key is absent; lock-free, allocates nothing. Any thread.
     *
     * @param key the key: the segment's bytes
     * @return the value's length, or -1
     * @throws IllegalArgumentException if the key is longer than {@link #maxKeyLength()}
     * @throws IllegalStateException    after {@link #close()}, or from inside a {@link ValueUpdater}
     */
    public int valueLength(MemorySegment key) {
        return valueLength(slots.probe(key));
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
        return valueLength(slots.probe(buffer, offset, length));
    }

    /**
     * {@link #valueLength(MemorySegment)} for the bytes of {@code key}.
     *
     * @param key the key's bytes
     * @return the value's length, or -1 when the key is absent
     */
    public int valueLength(byte[] key) {
        return valueLength(slots.probe(key));
    }

    /**
     * {@link #valueLength(MemorySegment)} for the UTF-8 bytes of {@code key}.
     *
     * @param key the key, hashed and compared as its UTF-8 bytes
     * @return the value's length, or -1 when the key is absent
     */
    public int valueLength(CharSequence key) {
        return valueLength(slots.probe(key));
    }

    private int valueLength(KeyProbe p) {
        checkNotUpdating(p);
        if (!variable) {
            return read(p.head, p.tail, p, PRESENCE, 0) != 0 ? valueSize : -1;
        }
        return (int) read(p.head, p.tail, p, LENGTH, -1);
    }

    /**
     * Copies the value of {@code key} into {@code target} from offset 0 and returns its length, or
     * returns -1 when the key is absent; lock-free, allocates nothing. Any thread. The bytes copied
     * and the length returned are one value the key had, never parts of two (the copy is made
     * inside the read's validated window, straight into {@code target}, and made again if a writer
     * raced it). So {@code target} may have been written even when the call returns -1 or throws:
     * by a copy a concurrent write made void; only its first bytes, as many as the returned length,
     * carry meaning. A value over 64 KiB, or any value when {@code target} shares memory with the
     * key, is copied under the key's bucket lock instead, as a write takes it (so the call may wait
     * for a writer of that bucket, and does the growth work a write owes).
     *
     * @param key the key: the segment's bytes
     * @param target receives the value in its first bytes
     * @return the value's length, or -1
     * @throws IllegalArgumentException if the key is longer than {@link #maxKeyLength()}, or
     *                                  {@code target} is read-only or shorter than the value (the
     *                                  value is not copied)
     * @throws IllegalStateException    after {@link #close()}, or from inside a {@link ValueUpdater}
     */
    public int readInto(MemorySegment key, MemorySegment target) {
        return copyOut(slots.probe(key), target, null);
    }

    /**
     * {@link #readInto(MemorySegment, MemorySegment)} into a {@code byte[]}.
     *
     * @param key the key: the segment's bytes
     * @param target receives the value from index 0
     * @return the value's length, or -1 when the key is absent
     */
    public int readInto(MemorySegment key, byte[] target) {
        return copyOut(slots.probe(key), null, target);
    }

    /**
     * {@link #readInto(MemorySegment, MemorySegment)} for the key at {@code (buffer, offset, length)}.
     *
     * @param buffer the buffer holding the key
     * @param offset where the key starts in {@code buffer}
     * @param length the key's length in bytes
     * @param target receives the value in its first bytes
     * @return the value's length, or -1 when the key is absent
     */
    public int readInto(MemorySegment buffer, long offset, long length, MemorySegment target) {
        return copyOut(slots.probe(buffer, offset, length), target, null);
    }

    /**
     * {@link #readInto(MemorySegment, MemorySegment)} for the key at {@code (buffer, offset, length)}, into a {@code byte[]}.
     *
     * @param buffer the buffer holding the key
     * @param offset where the key starts in {@code buffer}
     * @param length the key's length in bytes
     * @param target receives the value from index 0
     * @return the value's length, or -1 when the key is absent
     */
    public int readInto(MemorySegment buffer, long offset, long length, byte[] target) {
        return copyOut(slots.probe(buffer, offset, length), null, target);
    }

    /**
     * {@link #readInto(MemorySegment, MemorySegment)} for the bytes of {@code key}.
     *
     * @param key the key's bytes
     * @param target receives the value in its first bytes
     * @return the value's length, or -1 when the key is absent
     */
    public int readInto(byte[] key, MemorySegment target) {
        return copyOut(slots.probe(key), target, null);
    }

    /**
     * {@link #readInto(MemorySegment, MemorySegment)} for the bytes of {@code key}, into a {@code byte[]}.
     *
     * @param key the key's bytes
     * @param target receives the value from index 0
     * @return the value's length, or -1 when the key is absent
     */
    public int readInto(byte[] key, byte[] target) {
        return copyOut(slots.probe(key), null, target);
    }

    /**
     * {@link #readInto(MemorySegment, MemorySegment)} for the UTF-8 bytes of {@code key}.
     *
     * @param key the key, hashed and compared as its UTF-8 bytes
     * @param target receives the value in its first bytes
     * @return the value's length, or -1 when the key is absent
     */
    public int readInto(CharSequence key, MemorySegment target) {
        return copyOut(slots.probe(key), target, null);
    }

    /**
     * {@link #readInto(MemorySegment, MemorySegment)} for the UTF-8 bytes of {@code key}, into a {@code byte[]}.
     *
     * @param key the key, hashed and compared as its UTF-8 bytes
     * @param target receives the value from index 0
     * @return the value's length, or -1 when the key is absent
     */
    public int readInto(CharSequence key, byte[] target) {
        return copyOut(slots.probe(key), null, target);
    }

    /**
     * Brings the home bucket of {@code key} into the cache and returns at once: a hint for a caller
     * that knows the keys of its next operations (a batch of records), so that their waits for
     * memory overlap instead of following each other. Call it a few keys ahead of the operation;
     * it changes nothing and answers nothing. Any thread; lock-free, allocates nothing.
     *
     * @param key the key's bytes
     * @throws IllegalArgumentException if the key is longer than {@link #maxKeyLength()}
     * @throws IllegalStateException    if the map is closed
     */
    public void prefetch(byte[] key) {
        KeyProbe p = slots.probe(key);
        p.prefetched ^= tables.touchHome(slots.hash(p.head, p.tail, p));
    }

    /**
     * The value of {@code key} in a new array of exactly its length, or null when the key is
     * absent: one lookup, where {@link #valueLength(byte[])} followed by
     * {@link #readInto(byte[], byte[])} take two. Any thread; lock-free like {@code readInto}, and
     * the array is one value the key had, never parts of two. A value over 64 KiB is copied under
     * the key's bucket lock, as {@code readInto} copies it.
     *
     * @param key the key's bytes
     * @return a new array holding the value, or null
     * @throws IllegalArgumentException if the key is longer than {@link #maxKeyLength()}
     * @throws IllegalStateException    if the map is closed, or if called from inside a {@link ValueUpdater}
     */
    public byte[] getCopy(byte[] key) {
        KeyProbe p = slots.probe(key);
        checkNotUpdating(p);
        if (!variable) {
            byte[] value = new byte[valueSize];
            return copyOut(p, null, value) < 0 ? null : value;
        }
        long result;
        p.copyFresh = true;
        try {
            result = read(p.head, p.tail, p, COPY_OUT, -1);
            if (result >= 0) {
                return p.copied;
            }
        } finally {
            p.copyFresh = false;
            p.copied = null;
        }
        while (result == COPY_UNDER_LOCK) { // over the window's limit: sized first, then copied under the lock
            int length = valueLength(p);
            if (length < 0) {
                return null;
            }
            byte[] value = new byte[length];
            result = copyLocked(p, null, value);
            if (result >= 0) {
                return result == length ? value : Arrays.copyOf(value, (int) result);
            }
            if (result < -1) {
                result = COPY_UNDER_LOCK; // a longer value came meanwhile
            }
        }
        return null;
    }

    /** The copy of {@link #readInto}: into {@code target}, or else into {@code array}. */
    private int copyOut(KeyProbe p, MemorySegment target, byte[] array) {
        if (target != null && target.isReadOnly()) {
            throw new IllegalArgumentException("target is read-only");
        }
        Objects.requireNonNull(target != null ? target : array, "target");
        checkNotUpdating(p);
        if (!variable) {
            if (array != null) {
                ByteSlots.checkTarget(array, valueSize);
            } else {
                slots.checkTarget(target);
            }
            if (read(p.head, p.tail, p, COPY, 0) == 0) {
                return -1;
            }
            if (array != null) {
                MemorySegment.copy(p.valueScratch(valueSize), java.lang.foreign.ValueLayout.JAVA_BYTE, 0, array, 0,
                        valueSize);
            } else {
                MemorySegment.copy(p.valueScratch(valueSize), 0, target, 0, valueSize);
            }
            return valueSize;
        }
        long result = COPY_UNDER_LOCK;
        if (!sharesMemoryWithKey(p, target, array)) { // a retried window compares the key again
            p.copyTarget = target;
            p.copyArray = array;
            try {
                result = read(p.head, p.tail, p, COPY_OUT, -1);
            } finally {
                p.copyTarget = null;
                p.copyArray = null;
            }
        }
        if (result == COPY_UNDER_LOCK) {
            result = copyLocked(p, target, array);
        }
        if (result < -1) {
            long capacity = target != null ? target.byteSize() : array.length;
            throw new IllegalArgumentException("target of " + capacity + " bytes is shorter than the value, "
                    + (-2 - result) + " bytes");
        }
        return (int) result;
    }

    /** Whether the target (a segment, or else an array) shares memory with the bytes of a key not inline. */
    private static boolean sharesMemoryWithKey(KeyProbe p, MemorySegment target, byte[] array) {
        if (p.inline()) {
            return false; // compared as two words in registers
        }
        if (target != null) {
            return target.asOverlappingSlice(p.segment).isPresent();
        }
        return !p.segment.isNative() && p.segment.heapBase().orElse(null) == array;
    }

    /**
     * {@link #copyOut(KeyProbe, MemorySegment, byte[])} under the key's bucket lock, as a write
     * takes it (doing the growth work a write owes): for values over {@link #WINDOW_COPY_LIMIT} and
     * for targets that share memory with the key. Returns what {@link #COPY_OUT} would.
     */
    private long copyLocked(KeyProbe p, MemorySegment target, byte[] array) {
        long h = slots.hash(p.head, p.tail, p);
        boolean interruptedBefore = Thread.currentThread().isInterrupted();
        try {
            Table t = tables.lockHome(h);
            try {
                long ref = slots.find(t, h, p.head, p.tail, p, t.keyStore);
                if (ref == Table.NONE) {
                    return -1;
                }
                long descriptor = VariableValues.descriptor(t, ref);
                int length = ByteKeys.lengthOf(descriptor);
                if ((target != null ? target.byteSize() : array.length) < length) {
                    return -2L - length;
                }
                if (target != null) {
                    VariableValues.copyOut(t, ref, t.keyStore, descriptor, target);
                } else {
                    VariableValues.copyOut(t, ref, t.keyStore, descriptor, array);
                }
                return length;
            } finally {
                tables.unlockHome(t, h);
            }
        } catch (RuntimeException e) {
            throw tables.closedOr(e, interruptedBefore);
        }
    }

    /**
     * Whether {@code key} is present; lock-free. Any thread.
     *
     * @param key the key: the segment's bytes
     * @return whether the key is present
     * @throws IllegalArgumentException if the key is longer than {@link #maxKeyLength()}
     * @throws IllegalStateException    after {@link #close()}, or from inside a {@link ValueUpdater}
     *                                  (for a key of up to 15 bytes, when the read meets a locked bucket)
     */
    public boolean containsKey(MemorySegment key) {
        return containsKey(key, 0, key.byteSize());
    }

    /**
     * {@link #containsKey(MemorySegment)} for the {@code length} bytes of {@code buffer} at {@code offset}.
     *
     * @param buffer the buffer holding the key
     * @param offset where the key starts in {@code buffer}
     * @param length the key's length in bytes
     * @return whether the key is present
     */
    public boolean containsKey(MemorySegment buffer, long offset, long length) {
        long head = slots.inlineHead(buffer, offset, length);
        if (head == ByteKeys.NOT_INLINE) {
            return contains(slots.probe(buffer, offset, length));
        }
        return read(head, ByteKeys.inlineTail(buffer, offset, (int) length), null, PRESENCE, 0) != 0;
    }

    /**
     * {@link #containsKey(MemorySegment)} for the bytes of {@code key}.
     *
     * @param key the key's bytes
     * @return whether the key is present
     */
    public boolean containsKey(byte[] key) {
        long head = slots.inlineHead(key);
        if (head == ByteKeys.NOT_INLINE) {
            return contains(slots.probe(key));
        }
        return read(head, ByteKeys.inlineTail(key), null, PRESENCE, 0) != 0;
    }

    /**
     * {@link #containsKey(MemorySegment)} for the UTF-8 bytes of {@code key}.
     *
     * @param key the key, hashed and compared as its UTF-8 bytes
     * @return whether the key is present
     */
    public boolean containsKey(CharSequence key) {
        long head = slots.inlineHead(key);
        if (head == ByteKeys.NOT_INLINE) {
            return contains(slots.probe(key));
        }
        return read(head, ByteKeys.asciiTail(key), null, PRESENCE, 0) != 0;
    }

    private boolean contains(KeyProbe p) {
        checkNotUpdating(p);
        return read(p.head, p.tail, p, PRESENCE, 0) != 0;
    }

    // --------------------------------------------------------------------------------- writes

    /**
     * Associates a copy of {@code value} with {@code key}. Linearizable. Any thread.
     *
     * @param key the key: the segment's bytes
     * @param value the value, exactly {@link #valueSize()} bytes
     * @return true if the key was new
     * @throws IllegalArgumentException if the key is longer than {@link #maxKeyLength()}, or the
     *                                  value is not {@link #valueSize()} bytes (map unchanged)
     * @throws IllegalStateException    after {@link #close()}, or from inside a {@link ValueUpdater}
     * @throws OutOfMemoryError         if the map must grow or store the key and the allocator refuses (map unchanged)
     */
    public boolean put(MemorySegment key, MemorySegment value) {
        return write(slots.probe(key), PUT, checked(value), null);
    }

    /**
     * {@link #put(MemorySegment, MemorySegment)} for the {@code length} bytes of {@code buffer} at {@code offset}.
     *
     * @param buffer the buffer holding the key
     * @param offset where the key starts in {@code buffer}
     * @param length the key's length in bytes
     * @param value the value, exactly {@link #valueSize()} bytes
     * @return true if the key was new
     */
    public boolean put(MemorySegment buffer, long offset, long length, MemorySegment value) {
        return write(slots.probe(buffer, offset, length), PUT, checked(value), null);
    }

    /**
     * {@link #put(MemorySegment, MemorySegment)} for the bytes of {@code key}.
     *
     * @param key the key's bytes
     * @param value the value, exactly {@link #valueSize()} bytes
     * @return true if the key was new
     */
    public boolean put(byte[] key, MemorySegment value) {
        return write(slots.probe(key), PUT, checked(value), null);
    }

    /**
     * {@link #put(MemorySegment, MemorySegment)} for the UTF-8 bytes of {@code key}.
     *
     * @param key the key, hashed and compared as its UTF-8 bytes
     * @param value the value, exactly {@link #valueSize()} bytes
     * @return true if the key was new
     */
    public boolean put(CharSequence key, MemorySegment value) {
        return write(slots.probe(key), PUT, checked(value), null);
    }

    /**
     * Inserts a copy of {@code value} only if {@code key} is absent; atomic. Any thread.
     *
     * @param key the key: the segment's bytes
     * @param value the value, exactly {@link #valueSize()} bytes
     * @return true if this call inserted
     * @throws IllegalArgumentException as {@link #put(MemorySegment, MemorySegment)}
     * @throws IllegalStateException    after {@link #close()}, or from inside a {@link ValueUpdater}
     * @throws OutOfMemoryError         if the map must grow or store the key and the allocator refuses (map unchanged)
     */
    public boolean putIfAbsent(MemorySegment key, MemorySegment value) {
        return write(slots.probe(key), PUT_IF_ABSENT, checked(value), null);
    }

    /**
     * {@link #putIfAbsent(MemorySegment, MemorySegment)} for the {@code length} bytes of {@code buffer} at {@code offset}.
     *
     * @param buffer the buffer holding the key
     * @param offset where the key starts in {@code buffer}
     * @param length the key's length in bytes
     * @param value the value, exactly {@link #valueSize()} bytes
     * @return true if this call inserted
     */
    public boolean putIfAbsent(MemorySegment buffer, long offset, long length, MemorySegment value) {
        return write(slots.probe(buffer, offset, length), PUT_IF_ABSENT, checked(value), null);
    }

    /**
     * {@link #putIfAbsent(MemorySegment, MemorySegment)} for the bytes of {@code key}.
     *
     * @param key the key's bytes
     * @param value the value, exactly {@link #valueSize()} bytes
     * @return true if this call inserted
     */
    public boolean putIfAbsent(byte[] key, MemorySegment value) {
        return write(slots.probe(key), PUT_IF_ABSENT, checked(value), null);
    }

    /**
     * {@link #putIfAbsent(MemorySegment, MemorySegment)} for the UTF-8 bytes of {@code key}.
     *
     * @param key the key, hashed and compared as its UTF-8 bytes
     * @param value the value, exactly {@link #valueSize()} bytes
     * @return true if this call inserted
     */
    public boolean putIfAbsent(CharSequence key, MemorySegment value) {
        return write(slots.probe(key), PUT_IF_ABSENT, checked(value), null);
    }

    /**
     * Runs {@code updater} on the value of {@code key} in place (inserted zero-filled if absent),
     * atomically with respect to every other operation on that key: no reader sees a value it is
     * part way through, no other write to the key runs meanwhile. If the updater throws, the map is
     * as before the call (a new key is removed again, an old value restored) and the exception
     * propagates. Any thread; the updater runs on the calling thread (see {@link ValueUpdater} for
     * what it must not do).
     *
     * @param key the key: the segment's bytes
     * @param updater changes the value in place while the key's bucket is locked
     * @throws IllegalArgumentException if the key is longer than {@link #maxKeyLength()}
     * @throws IllegalStateException    after {@link #close()}, or from inside a {@link ValueUpdater}
     * @throws OutOfMemoryError         if the map must grow or store the key and the allocator refuses (map unchanged)
     */
    public void update(MemorySegment key, ValueUpdater updater) {
        write(slots.probe(key), UPDATE, null, Objects.requireNonNull(updater, "updater"));
    }

    /**
     * {@link #update(MemorySegment, ValueUpdater)} for the {@code length} bytes of {@code buffer} at {@code offset}.
     *
     * @param buffer the buffer holding the key
     * @param offset where the key starts in {@code buffer}
     * @param length the key's length in bytes
     * @param updater changes the value in place while the key's bucket is locked
     */
    public void update(MemorySegment buffer, long offset, long length, ValueUpdater updater) {
        write(slots.probe(buffer, offset, length), UPDATE, null, Objects.requireNonNull(updater, "updater"));
    }

    /**
     * {@link #update(MemorySegment, ValueUpdater)} for the bytes of {@code key}.
     *
     * @param key the key's bytes
     * @param updater changes the value in place while the key's bucket is locked
     */
    public void update(byte[] key, ValueUpdater updater) {
        write(slots.probe(key), UPDATE, null, Objects.requireNonNull(updater, "updater"));
    }

    /**
     * {@link #update(MemorySegment, ValueUpdater)} for the UTF-8 bytes of {@code key}.
     *
     * @param key the key, hashed and compared as its UTF-8 bytes
     * @param updater changes the value in place while the key's bucket is locked
     */
    public void update(CharSequence key, ValueUpdater updater) {
        write(slots.probe(key), UPDATE, null, Objects.requireNonNull(updater, "updater"));
    }

    /**
     * Removes {@code key}. Linearizable; never needs memory. Any thread.
     *
     * @param key the key: the segment's bytes
     * @return whether it was present
     * @throws IllegalArgumentException if the key is longer than {@link #maxKeyLength()}
     * @throws IllegalStateException    after {@link #close()}, or from inside a {@link ValueUpdater}
     */
    public boolean remove(MemorySegment key) {
        return write(slots.probe(key), REMOVE, null, null);
    }

    /**
     * {@link #remove(MemorySegment)} for the {@code length} bytes of {@code buffer} at {@code offset}.
     *
     * @param buffer the buffer holding the key
     * @param offset where the key starts in {@code buffer}
     * @param length the key's length in bytes
     * @return whether the key was present
     */
    public boolean remove(MemorySegment buffer, long offset, long length) {
        return write(slots.probe(buffer, offset, length), REMOVE, null, null);
    }

    /**
     * {@link #remove(MemorySegment)} for the bytes of {@code key}.
     *
     * @param key the key's bytes
     * @return whether the key was present
     */
    public boolean remove(byte[] key) {
        return write(slots.probe(key), REMOVE, null, null);
    }

    /**
     * {@link #remove(MemorySegment)} for the UTF-8 bytes of {@code key}.
     *
     * @param key the key, hashed and compared as its UTF-8 bytes
     * @return whether the key was present
     */
    public boolean remove(CharSequence key) {
        return write(slots.probe(key), REMOVE, null, null);
    }

    private MemorySegment checked(MemorySegment value) {
        slots.checkValue(value);
        return value;
    }

    /**
     * Every write, under the key's bucket lock. Returns: put, whether the key was new; putIfAbsent,
     * whether it inserted; remove, whether the key was present; update, whether it inserted.
     */
    private boolean write(KeyProbe p, int operation, MemorySegment value, ValueUpdater updater) {
        checkNotUpdating(p);
        if (operation == UPDATE && variable) {
            throw new UnsupportedOperationException("update needs fixed-size values (valueSize); this map's values "
                    + "have any length up to maxValueSize " + slots.maxValueSize() + ": use put");
        }
        long h = slots.hash(p.head, p.tail, p);
        boolean interruptedBefore = Thread.currentThread().isInterrupted();
        try {
            while (true) {
                Table t = tables.lockHome(h);
                try {
                    long ref = slots.find(t, h, p.head, p.tail, p, t.keyStore);
                    if (ref != Table.NONE) {
                        if (operation == PUT && variable) {
                            if (!replaceLocked(t, ref, value)) {
                                Thread.onSpinWait();
                                continue; // t's store is sealed: the bucket is about to move to the next table
                            }
                            tables.compactIfWanted(t);
                            return false;
                        }
                        switch (operation) {
                            case PUT -> MemorySegment.copy(value, 0, t.segment, t.valueOffset(ref), valueSize);
                            case UPDATE -> runUpdater(t, ref, h, p, updater, false);
                            case REMOVE -> removeLocked(t, h, ref);
                            default -> { } // PUT_IF_ABSENT: present, nothing to do
                        }
                        return operation == REMOVE;
                    }
                    if (operation == REMOVE) {
                        return false;
                    }
                    ref = tables.slotForInsert(t, h);
                    if (ref == SeqlockTables.RETRY || !insertLocked(t, ref, h, p, value)) {
                        Thread.onSpinWait();
                        continue; // the bucket moved to the next table, or is about to
                    }
                    if (operation == UPDATE) {
                        runUpdater(t, ref, h, p, updater, true);
                    }
                    return true;
                } finally {
                    tables.unlockHome(t, h);
                }
            }
        } catch (RuntimeException e) {
            throw tables.closedOr(e, interruptedBefore);
        }
    }

    /**
     * Writes a new entry into free slot {@code ref} of the held bucket of {@code h}: the value
     * first (zeros when null), then the key's block, so a failure at either leaves the slot free.
     * Returns false, with the slot left free, when {@code t}'s key store is sealed: a growth is
     * being installed, and the key belongs in its next table.
     */
    private boolean insertLocked(Table t, long ref, long h, KeyProbe p, MemorySegment value) {
        if (!variable) {
            slots.writeValue(t, ref, value);
        } else if (!writeNewValue(t, ref, value)) {
            return false;
        }
        long second = p.tail;
        if (!p.inline()) {
            KeyStore store = t.keyStore;
            boolean sealed;
            try {
                synchronized (store) {
                    sealed = store.sealed();
                    if (!sealed) {
                        second = store.allocate(p.length);
                    }
                }
            } catch (RuntimeException | Error e) { // no memory for the key's block
                freeValueBlock(t, ref);
                throw e;
            }
            if (sealed) {
                freeValueBlock(t, ref);
                return false;
            }
            try {
                store.write(second, p.segment, p.offset, p.length);
            } catch (RuntimeException e) { // e.g. the caller's key segment was closed meanwhile
                synchronized (store) {
                    store.free(second, p.length);
                }
                freeValueBlock(t, ref);
                throw e;
            }
        }
        ByteSlots.writeKey(t, ref, h, p.head, second);
        tables.occupy(t, ref, h);
        return true;
    }

    /**
     * Writes a value of any length into free slot {@code ref} of a held bucket: inline, or into a
     * new block of {@code t}'s store. Returns false, with nothing allocated, when that store is
     * sealed (as {@link #insertLocked}).
     */
    private boolean writeNewValue(Table t, long ref, MemorySegment value) {
        int length = (int) value.byteSize();
        if (!VariableValues.stored(length)) {
            VariableValues.writeRegion(t, ref, VariableValues.inlineDescriptor(value), VariableValues.inlineSecond(value));
            return true;
        }
        long block = allocateValueBlock(t.keyStore, value);
        if (block == SEALED) {
            return false;
        }
        VariableValues.writeRegion(t, ref, ByteKeys.storedDescriptor(length), block);
        return true;
    }

    /**
     * Values longer than this are copied under the key's bucket lock rather than inside an
     * optimistic read window: a long copy would fail its window again and again under a stream of
     * writes to the chain, and a window open longer than the retired stores' grace period could
     * read a store given back meanwhile.
     */
    static final int WINDOW_COPY_LIMIT = 64 * 1024;
    /** What a window read answers for a value over {@link #WINDOW_COPY_LIMIT}: copy it under the lock. */
    private static final long COPY_UNDER_LOCK = Long.MIN_VALUE;

    /** A locator no block has: the store was sealed. */
    private static final long SEALED = -1;

    /**
     * A new block of {@code store} holding {@code value}, or {@link #SEALED}.
     *
     * @throws OutOfMemoryError if the store needs a chunk and the allocator refuses (nothing allocated)
     */
    private static long allocateValueBlock(KeyStore store, MemorySegment value) {
        int length = (int) value.byteSize();
        long block;
        synchronized (store) {
            if (store.sealed()) {
                return SEALED;
            }
            block = store.allocate(length);
        }
        try {
            store.write(block, value, 0, length);
        } catch (RuntimeException e) { // e.g. the caller's value segment was closed meanwhile
            synchronized (store) {
                store.free(block, length);
            }
            throw e;
        }
        return block;
    }

    /**
     * Replaces the value of the entry in slot {@code ref} of the held bucket with one of any length:
     * the new bytes first (in the old block when both lengths share a size class, else in a new
     * block), then the region, then the old block is freed; readers of the bucket retry meanwhile.
     * Returns false, entry unchanged, when a new block is needed and {@code t}'s store is sealed.
     */
    private boolean replaceLocked(Table t, long ref, MemorySegment value) {
        int length = (int) value.byteSize();
        long old = VariableValues.descriptor(t, ref);
        boolean oldStored = ByteKeys.isStored(old);
        long oldBlock = oldStored ? VariableValues.secondWord(t, ref) : 0;
        KeyStore store = t.keyStore;
        if (!VariableValues.stored(length)) {
            VariableValues.writeRegion(t, ref, VariableValues.inlineDescriptor(value), VariableValues.inlineSecond(value));
        } else if (oldStored && KeyStore.blockLength(ByteKeys.lengthOf(old)) == KeyStore.blockLength(length)) {
            store.write(oldBlock, value, 0, length);
            VariableValues.writeRegion(t, ref, ByteKeys.storedDescriptor(length), oldBlock);
            return true;
        } else {
            long block = allocateValueBlock(store, value);
            if (block == SEALED) {
                return false;
            }
            VariableValues.writeRegion(t, ref, ByteKeys.storedDescriptor(length), block);
        }
        if (oldStored) {
            synchronized (store) {
                store.free(oldBlock, ByteKeys.lengthOf(old));
            }
        }
        return true;
    }

    /** Frees the store block of the value of slot {@code ref}, if it has one (values of any length). */
    private void freeValueBlock(Table t, long ref) {
        if (!variable) {
            return;
        }
        long descriptor = VariableValues.descriptor(t, ref);
        if (ByteKeys.isStored(descriptor)) {
            KeyStore store = t.keyStore;
            synchronized (store) {
                store.free(VariableValues.secondWord(t, ref), ByteKeys.lengthOf(descriptor));
            }
        }
    }

    private void removeLocked(Table t, long h, long ref) {
        freeValueBlock(t, ref);
        long descriptor = RawMemory.getLong(t.segment, t.keyOffset(ref) + BytesBucketLayout.DESCRIPTOR_OFFSET);
        if (ByteKeys.isStored(descriptor)) {
            long locator = ByteSlots.secondWord(t, ref);
            KeyStore store = t.keyStore;
            synchronized (store) {
                store.free(locator, ByteKeys.lengthOf(descriptor));
            }
        }
        tables.removeSlot(t, h, ref);
    }

    /** Runs the updater on slot {@code ref}; if it throws, undoes the insert or restores the value. */
    private void runUpdater(Table t, long ref, long h, KeyProbe p, ValueUpdater updater, boolean inserted) {
        MemorySegment saved = inserted ? null : p.valueScratch(valueSize);
        if (saved != null) {
            MemorySegment.copy(t.segment, t.valueOffset(ref), saved, 0, valueSize);
        }
        p.updating = true;
        try {
            updater.update(slots.valueView(t, ref));
        } catch (Throwable e) { // checked ones too: a Kotlin or sneaky-throwing updater
            if (inserted) {
                removeLocked(t, h, ref);
            } else {
                MemorySegment.copy(saved, 0, t.segment, t.valueOffset(ref), valueSize);
            }
            throw e;
        } finally {
            p.updating = false;
        }
    }

    private static void checkNotUpdating(KeyProbe p) {
        if (p.updating) {
            throw updaterReentry();
        }
    }

    private static IllegalStateException updaterReentry() {
        return new IllegalStateException("ConcurrentBytesMap called from inside a ValueUpdater, which runs holding a "
                + "bucket lock");
    }

    // ------------------------------------------------------------------------------- whole map

    /**
     * The number of entries: exact when no write runs concurrently, else off by the writes in flight
     * (as {@code ConcurrentHashMap.size()}). Any thread.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public long size() {
        return tables.size();
    }

    /**
     * Calls {@code action} for each entry with copies of its key and value (read-only views of
     * on-heap copies, valid during the call). Weakly consistent, as ConcurrentHashMap's iterators:
     * visits every entry present for the whole call exactly once, and may or may not see entries
     * written meanwhile; each bucket's entries are read as one consistent snapshot, and the action
     * runs with no lock held and may itself write to the map. Any thread.
     *
     * @param action called once per entry
     * @throws IllegalStateException after {@link #close()}
     */
    public void forEach(BytesEntryConsumer action) {
        checkNotUpdating(KeyProbe.forThread());
        tables.forEach(new Snapshot(Objects.requireNonNull(action, "action")));
    }

    /**
     * As {@link OffHeapMap#finishGrowth()}: any thread, with reads and writes going on meanwhile.
     *
     * @throws IllegalStateException after {@link #close()}, or from inside a {@link ValueUpdater}
     */
    @Override
    public boolean finishGrowth() {
        checkNotUpdating(KeyProbe.forThread());
        return super.finishGrowth();
    }

    /**
     * One chain's keys and values, copied out inside a validated window. Owned by one forEach call.
     * Values are copied into a {@code long[]}, each at a multiple of 8 bytes, so that the value
     * views the action gets are 8-byte aligned like the map's own and a struct layout of
     * {@code long}s reads them.
     */
    private final class Snapshot extends SeqlockTables.ChainSnapshot {
        private final BytesEntryConsumer action;
        private byte[] keyBytes = new byte[1024];
        private long[] valueWords = new long[Math.max((valueSize + 7) >>> 3, 8)];
        private int[] keyEnds = new int[16];
        /** Where each value starts in valueWords, in bytes (a multiple of 8), and its length. */
        private long[] valueStarts = new long[16];
        private int[] valueLengths = new int[16];
        private int count;

        Snapshot(BytesEntryConsumer action) {
            this.action = action;
        }

        @Override
        protected void read(Table t, long off) {
            count = 0;
            int keyTop = 0;
            for (long ref = Chain.firstLive(t, off); ref != Table.NONE; ref = Chain.nextLive(t, ref)) {
                if (!inWalk(t, ref)) {
                    continue;
                }
                MemorySegment key = slots.keyView(t, ref, t.keyStore);
                int len = (int) key.byteSize();
                MemorySegment value = variable ? VariableValues.view(t, ref, t.keyStore)
                        : t.segment.asSlice(t.valueOffset(ref), valueSize);
                int valueLength = (int) value.byteSize();
                boolean large = valueLength > WINDOW_COPY_LIMIT; // copied under its lock by emit
                if (large) {
                    valueLength = 0;
                }
                long valueStart = count == 0 ? 0
                        : (valueStarts[count - 1] + Math.max(0, valueLengths[count - 1]) + 7) & -8L;
                if (count == keyEnds.length) {
                    keyEnds = Arrays.copyOf(keyEnds, count * 2);
                    valueStarts = Arrays.copyOf(valueStarts, count * 2);
                    valueLengths = Arrays.copyOf(valueLengths, count * 2);
                }
                if (keyTop + len > keyBytes.length) {
                    keyBytes = Arrays.copyOf(keyBytes, Math.max(keyBytes.length * 2, keyTop + len));
                }
                long valueEnd = valueStart + valueLength;
                if (valueEnd > (long) valueWords.length * Long.BYTES) {
                    valueWords = Arrays.copyOf(valueWords,
                            (int) Math.max((long) valueWords.length * 2, (valueEnd + 7) >>> 3));
                }
                MemorySegment.copy(key, 0, MemorySegment.ofArray(keyBytes), keyTop, len);
                MemorySegment.copy(value, 0, MemorySegment.ofArray(valueWords), valueStart, valueLength);
                keyTop += len;
                valueStarts[count] = valueStart;
                valueLengths[count] = large ? -1 : valueLength;
                keyEnds[count++] = keyTop;
            }
        }

        /** The value of {@code key}, copied under its lock (over {@link #WINDOW_COPY_LIMIT}); null when absent. */
        private byte[] largeValue(MemorySegment key) {
            while (true) {
                int length = valueLength(key);
                if (length < 0) {
                    return null;
                }
                byte[] value = new byte[length];
                try {
                    int got = readInto(key, value);
                    return got < 0 ? null : got == length ? value : Arrays.copyOf(value, got);
                } catch (IllegalArgumentException grewMeanwhile) {
                    // replaced by a longer value between the two calls: take its length again
                }
            }
        }

        @Override
        protected void emit() {
            int n = count;
            MemorySegment keys = MemorySegment.ofArray(keyBytes);
            MemorySegment values = MemorySegment.ofArray(valueWords);
            for (int i = 0, start = 0; i < n; start = keyEnds[i], i++) {
                MemorySegment key = keys.asSlice(start, keyEnds[i] - start).asReadOnly();
                if (valueLengths[i] >= 0) {
                    action.accept(key, values.asSlice(valueStarts[i], valueLengths[i]).asReadOnly());
                    continue;
                }
                byte[] large = largeValue(key);
                if (large != null) { // else removed since the snapshot: not present for the whole call
                    action.accept(key, MemorySegment.ofArray(large).asReadOnly());
                }
            }
        }
    }

    /**
     * Removes every entry, keeping the map's capacity; the key store starts afresh. Not atomic, as
     * {@code ConcurrentHashMap.clear()} is not: an entry present when the call starts and not
     * written meanwhile is gone when it returns, entries written meanwhile may or may not be.
     * Readers and writers go on meanwhile (a clearing growth: see {@code docs/how-it-works.md});
     * the call itself visits every bucket. A trim in progress is dropped. Any thread.
     *
     * @throws IllegalStateException after {@link #close()}, or from inside a {@link ValueUpdater}
     * @throws OutOfMemoryError      if the fresh table cannot be reserved (map unchanged)
     */
    public void clear() {
        checkNotUpdating(KeyProbe.forThread());
        tables.clear();
    }

    /**
     * Shrinks the map to what its entries need: the table a map built with
     * {@code expectedSize(size())} would get, and a key store compacted to its live keys. Like a
     * growth, the shrink is carried out by later writes, each moving at most two evacuation units
     * (a unit is the up to 8 old buckets that share a new bucket), or at once by
     * {@link #finishGrowth()}; it runs as several growths when the table is more than 8 times too
     * large, the next starting when one completes. A growth in progress completes first. Readers
     * and writers go on meanwhile. The old tables go back to the allocator after the grace period
     * for readers. Any thread.
     *
     * A table that already fits gets a same-size growth instead when its key store holds much more
     * than its live keys (more than a quarter, and 16 KiB), which compacts the store.
     *
     * @return whether a shrink (or a compaction) is under way; false when nothing would be given back
     * @throws IllegalStateException after {@link #close()}, or from inside a {@link ValueUpdater}
     * @throws OutOfMemoryError      if the first smaller table cannot be reserved (map unchanged)
     */
    public boolean trimToSize() {
        checkNotUpdating(KeyProbe.forThread());
        return tables.trimToSize();
    }

    /**
     * A snapshot of the map's shape and memory, as {@link BytesMap#stats()}; {@code size} is
     * approximate while writers run. Any thread.
     *
     * @return the snapshot
     * @throws IllegalStateException after {@link #close()}
     */
    public MapStats stats() {
        return tables.stats((size, table, growth) -> MapStats.of(size, table, growth, memory));
    }

    /**
     * Bytes reserved for keys too long to sit in their slot: live, freed and not yet used, in the
     * current table's key store and, during a growth, the old table's.
     *
     * @return the key store's off-heap bytes
     * @throws IllegalStateException after {@link #close()}
     */
    public long keyStoreBytes() {
        return tables.stats((size, table, growth) -> reservedBytes(table.keyStore)
                + (growth == null ? 0 : reservedBytes(growth.old.keyStore)));
    }

    private static long reservedBytes(KeyStore store) {
        synchronized (store) {
            return store.reservedBytes();
        }
    }

    /**
     * The current table's store's live, free and reserved bytes: fragmentation, for monitoring and
     * reports. Any thread; a consistent snapshot of the store, taken under its monitor.
     *
     * @return the snapshot
     * @throws IllegalStateException after {@link #close()}
     */
    public StoreStats storeStats() {
        long[] figures = tables.stats((size, table, growth) -> {
            KeyStore store = table.keyStore;
            synchronized (store) {
                return new long[] {store.liveBytes(), store.freeBytes(), store.reservedBytes()};
            }
        });
        return new StoreStats(figures[0], figures[1], figures[2]);
    }

    /** For tests: live, free and reserved bytes of the current table's key store. */
    long[] keyStoreFigures() {
        KeyStore store = tables.table().keyStore;
        synchronized (store) {
            return new long[] {store.liveBytes(), store.freeBytes(), store.reservedBytes()};
        }
    }

    @Override
    MapTables tables() {
        return tables;
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
        return slots.maxKeyLength();
    }

    /**
     * Releases all memory (tables and key store), once, and returns when all of it is back with the
     * allocator. Any thread, at any time: operations running meanwhile in other threads, and every
     * later one, throw {@link IllegalStateException}. Idempotent, except that if the allocator
     * failed to release some memory, its exception is thrown here and calling again retries.
     *
     * @throws IllegalStateException from inside a {@link ValueUpdater} (nothing is released)
     */
    @Override
    public void close() {
        checkNotUpdating(KeyProbe.forThread());
        super.close();
    }

    @Override
    public String toString() {
        return "ConcurrentBytesMap[" + (variable ? "maxValueSize=" + slots.maxValueSize() : "valueSize=" + valueSize)
                + ", " + tables + "]";
    }

    /**
     * Builds a {@link ConcurrentBytesMap}: the options of {@link BytesMap.Builder}, with the same
     * defaults and validation. Not thread-safe; a builder may build several maps.
     */
    public static final class Builder extends BytesMapBuilder<Builder> {

        private Builder() {
        }

        /**
         * Reserves the map's initial table.
         *
         * @return a new, empty map
         * @throws IllegalStateException    if {@link #valueSize} was not set
         * @throws IllegalArgumentException if the allocator's memory is not 8-byte aligned (nothing is leaked)
         * @throws OutOfMemoryError         if the allocator cannot supply the table (nothing is leaked)
         */
        public ConcurrentBytesMap build() {
            return new ConcurrentBytesMap(this);
        }
    }
}
