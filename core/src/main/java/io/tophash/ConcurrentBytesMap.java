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
import io.tophash.layout.BucketFormat;
import io.tophash.layout.BytesBucketLayout;
import io.tophash.memory.Allocator;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.Objects;

/**
 * An off-heap hash map from byte keys to fixed-size values for any number of threads: the buckets,
 * keys and values of {@link BytesMap} under the per-bucket locks and optimistic reads of
 * {@link ConcurrentLongLongMap}.
 *
 * <p>Keys come as a {@link MemorySegment} (its whole {@code byteSize()}), a range of one, a
 * {@code byte[]}, or a {@link CharSequence} (its UTF-8 bytes, encoded without allocating); every
 * value is exactly {@link #valueSize()} bytes. There are no views: values are copied out
 * ({@link #getInto}) or changed in place under the key's lock ({@link #update}).
 *
 * <p><b>Threading.</b> Every public method may be called from any thread at any time. Single-key
 * operations are linearizable; {@link #getInto} and {@link #containsKey} are lock-free (they write
 * nothing to the map and wait only while a writer holds the key's bucket); writers of different
 * buckets never wait for each other. {@link #size()} and {@link #forEach} are not linearizable
 * (see each).
 *
 * <p><b>Memory.</b> The allocator must give 8-byte aligned memory ({@code naive(3)} cannot).
 * Keys longer than 15 bytes live in an off-heap key store, one per table generation, as in
 * {@link BytesMap}: a removed key's space is reused by the next key of its 8-byte size class, and
 * every growth copies the live keys into the next table's store, which compacts it; when freed
 * blocks no key has reused outweigh the live keys (and 1 MiB), an insert starts a same-size growth
 * for that alone. {@link #trimToSize()} gives back what a map that has shrunk no longer needs, and
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
     * (readSlot) and copies the value into the thread's scratch there; only a validated copy reaches
     * the caller's target, so a read that raced a writer never leaves a torn value behind. getLong
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

    /** Freed key-store bytes above which (and above the live ones) an insert compacts the store. */
    private static final long COMPACTION_THRESHOLD = 1 << 20;

    private final ByteSlots slots;
    private final int valueSize;
    private final Tables tables;

    /** The engine's concurrent tables, told what a read of a byte key takes and how key stores follow growths. */
    private final class Tables extends SeqlockTables {
        /** The next table's key store between prepareNext and installing; guarded by the allocation lock. */
        private KeyStore preparedStore;

        Tables(BucketFormat format, int log2Buckets, long seed) {
            super(format, memory, log2Buckets, new Evacuation.KeyWords(seed, true), ConcurrentBytesMap.this::relocate,
                    "ConcurrentBytesMap");
            table().keyStore = new KeyStore(memory, slots.maxKeyLength());
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
                return ref == Table.NONE ? absent : RawMemory.getLongNativeOrder(t.segment, t.valueOffset(ref) + part);
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
            KeyStore next = new KeyStore(memory, slots.maxKeyLength());
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
            return free > COMPACTION_THRESHOLD && free > store.liveBytes();
        }
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
    }

    private ConcurrentBytesMap(Builder b) {
        super(b.options);
        MapOptions o = b.options;
        long seed = o.seedForNewMap();
        this.slots = b.slots(seed); // throws before anything is reserved when valueSize is missing
        this.valueSize = slots.valueSize();
        BucketFormat format = BytesMap.formatFor(padding, valueSize);
        this.tables = new Tables(format, o.initialLog2Buckets(format), seed);
        built();
    }

    /**
     * A builder with the options of {@link BytesMap#builder()}; {@link Builder#valueSize} is required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------------------------- reads

    /**
     * Copies the value of {@code key} into the first {@link #valueSize()} bytes of {@code target};
     * lock-free, allocates nothing. Any thread.
     *
     * @param key the key: the segment's bytes
     * @param target receives the value in its first {@link #valueSize()} bytes
     * @return whether the key is present (when false, {@code target} is unchanged)
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
     * different writes; {@link #getInto} reads a whole value at once. A key of up to 15 bytes (in a
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
        if (offset < 0 || offset > valueSize - Long.BYTES) {
            throw new IllegalArgumentException("an 8-byte field at offset " + offset + " does not lie inside a value of "
                    + valueSize + " bytes");
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
        long h = slots.hash(p.head, p.tail, p);
        boolean interruptedBefore = Thread.currentThread().isInterrupted();
        try {
            while (true) {
                Table t = tables.lockHome(h);
                try {
                    long ref = slots.find(t, h, p.head, p.tail, p, t.keyStore);
                    if (ref != Table.NONE) {
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
        slots.writeValue(t, ref, value);
        long second = p.tail;
        if (!p.inline()) {
            KeyStore store = t.keyStore;
            synchronized (store) {
                if (store.sealed()) {
                    return false;
                }
                second = store.allocate(p.length);
            }
            try {
                store.write(second, p.segment, p.offset, p.length);
            } catch (RuntimeException e) { // e.g. the caller's key segment was closed meanwhile
                synchronized (store) {
                    store.free(second, p.length);
                }
                throw e;
            }
        }
        ByteSlots.writeKey(t, ref, h, p.head, second);
        tables.occupy(t, ref, h);
        return true;
    }

    private void removeLocked(Table t, long h, long ref) {
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
        /** Bytes between two values' starts: the value size rounded up to 8. */
        private final int valueStride = (valueSize + 7) & -8;
        private byte[] keyBytes = new byte[1024];
        private long[] valueWords = new long[Math.max(valueStride, 8)];
        private int[] keyEnds = new int[16];
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
                if (count == keyEnds.length) {
                    keyEnds = Arrays.copyOf(keyEnds, count * 2);
                }
                if (keyTop + len > keyBytes.length) {
                    keyBytes = Arrays.copyOf(keyBytes, Math.max(keyBytes.length * 2, keyTop + len));
                }
                if ((long) (count + 1) * valueStride > (long) valueWords.length * Long.BYTES) {
                    valueWords = Arrays.copyOf(valueWords, (count + 1) * valueStride / Long.BYTES * 2);
                }
                MemorySegment.copy(key, 0, MemorySegment.ofArray(keyBytes), keyTop, len);
                MemorySegment.copy(t.segment, t.valueOffset(ref), MemorySegment.ofArray(valueWords),
                        (long) count * valueStride, valueSize);
                keyTop += len;
                keyEnds[count++] = keyTop;
            }
        }

        @Override
        protected void emit() {
            int n = count;
            MemorySegment keys = MemorySegment.ofArray(keyBytes);
            MemorySegment values = MemorySegment.ofArray(valueWords);
            for (int i = 0, start = 0; i < n; start = keyEnds[i], i++) {
                action.accept(keys.asSlice(start, keyEnds[i] - start).asReadOnly(),
                        values.asSlice((long) i * valueStride, valueSize).asReadOnly());
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
     * Bytes of every value.
     *
     * @return the value size in bytes
     */
    public int valueSize() {
        return valueSize;
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
        return "ConcurrentBytesMap[valueSize=" + valueSize + ", " + tables + "]";
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
