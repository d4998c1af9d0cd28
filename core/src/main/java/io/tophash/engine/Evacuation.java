package io.tophash.engine;

import io.tophash.layout.Tophash;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * Go's {@code evacuate}, written once: moves every entry of one evacuation unit into the next
 * table and marks the unit's old buckets evacuated. A unit is one old bucket, whose entries go to
 * bucket X (same index) or, in a doubling, bucket Y (index + old bucket count) by one bit of their
 * hash; in a shrink it is the old buckets {@code u, u + n, ...} that all go to new bucket {@code u}
 * of {@code n}; a clearing growth drops the entries and only marks the bucket.
 *
 * <p>Implementation notes. A destination is a slot reference: the next free slot of its chain.
 * Both destinations are empty buckets nobody else writes: a new bucket receives entries only from
 * its one unit, and no insert reaches it before that unit's old buckets are marked evacuated,
 * which happens after every entry is copied. Entries
 * keep their tophash byte; key and value regions are copied as bytes, so the engine never needs to
 * know what they hold, except to rehash the key word ({@link KeyWords}). Overflow buckets come from
 * the next table's overflow area, sized when the growth started so that this never runs out
 * and kept from inserts while evacuation may need them ({@link Growth}); evacuation allocates nothing and cannot fail for want of memory.
 *
 * <p>Threading: the caller has the unit's old chains to itself (the single writer, or the locks
 * of all of the unit's old primary buckets) and has seen it not evacuated.
 */
public final class Evacuation {

    private Evacuation() {
    }

    /** What a key word hashes to: the map's seeded hash of a {@code long} key, or the word itself when it is the hash. */
    public record KeyWords(long seed, boolean wordIsHash) {
        long hash(long word) {
            return wordIsHash ? word : Hashing.hash(word, seed);
        }
    }

    /**
     * What a map does once an entry has been copied into the next table, for the parts of an entry
     * that live outside its slot: a byte-keyed map moves a stored key into the next table's key
     * store and points the copied slot at it. Must not allocate or fail.
     */
    public interface Relocation {
        /** Slot {@code fromRef} of {@code from} has been copied to slot {@code toRef} of {@code to}. */
        void moved(Table from, long fromRef, Table to, long toRef);
    }

    /** Evacuates unit {@code unit} of {@code g} (see the class comment); returns the entries it held. */
    public static long evacuate(Growth g, long unit, KeyWords keys) {
        return evacuate(g, unit, keys, null);
    }

    /**
     * Evacuates unit {@code unit} of {@code g}, telling {@code relocation} (if not null) of every
     * entry moved, and marks its old buckets evacuated. Returns the entries the unit held: moved,
     * or in a clearing growth dropped.
     */
    public static long evacuate(Growth g, long unit, KeyWords keys, Relocation relocation) {
        Table old = g.old;
        Table next = g.next;
        long entries = 0;
        if (g.dropping) {
            entries = liveEntries(old, old.offsetOf(unit));
        } else if (g.unitBuckets > 1) {
            // a shrink: every old bucket of the unit appends to the one new bucket
            long x = Table.ref(next.offsetOf(unit), 0);
            for (long ob = unit; ob < old.bucketCount; ob += next.bucketCount) {
                for (long ref = Chain.firstLive(old, old.offsetOf(ob)); ref != Table.NONE; ref = Chain.nextLive(old, ref)) {
                    x = append(g, ref, x);
                    if (relocation != null) {
                        relocation.moved(old, ref, next, x - 1);
                    }
                    entries++;
                }
            }
        } else {
            long oldCount = old.bucketCount;
            long x = Table.ref(next.offsetOf(unit), 0);
            long y = g.doubling ? Table.ref(next.offsetOf(unit + oldCount), 0) : x;
            for (long ref = Chain.firstLive(old, old.offsetOf(unit)); ref != Table.NONE; ref = Chain.nextLive(old, ref)) {
                long h = keys.hash(old.keyWordAt(ref));
                long dest;
                if (g.doubling && (h & oldCount) != 0) {
                    dest = y = append(g, ref, y);
                } else {
                    dest = x = append(g, ref, x);
                }
                if (relocation != null) {
                    relocation.moved(old, ref, next, dest - 1);
                }
                entries++;
            }
        }
        for (long ob = unit; ob < old.bucketCount; ob += g.units) {
            markEvacuated(old, old.offsetOf(ob));
        }
        return entries;
    }

    private static void markEvacuated(Table old, long head) {
        if (old.atomicLinks) {
            // a concurrent writer that sees the mark goes on to the next table without this bucket's lock
            RawMemory.setLongRelease(old.segment, head + old.tophashOffset, Tophash.EVACUATED_WORD);
        } else {
            // the copies before the mark (a mark a map file's reopen finds means they were made);
            // a fence, not a release store, since a naive allocator's word may be misaligned
            VarHandle.releaseFence();
            RawMemory.putLong(old.segment, head + old.tophashOffset, Tophash.EVACUATED_WORD);
        }
    }

    /** The live entries of the chain at {@code head}. */
    private static long liveEntries(Table t, long head) {
        long n = 0;
        for (long ref = Chain.firstLive(t, head); ref != Table.NONE; ref = Chain.nextLive(t, ref)) {
            n++;
        }
        return n;
    }

    /** Copies the entry at {@code from}'s slot {@code ref} into destination {@code dest}; returns the next destination. */
    private static long append(Growth g, long ref, long dest) {
        Table from = g.old;
        Table to = g.next;
        if (Table.slotOf(dest) == to.slots) {
            long id = g.takeOverflowForEvacuation();
            if (id == Table.NONE) {
                throw new IllegalStateException("overflow area of the next table used up during evacuation");
            }
            Chain.link(to, Table.bucketOf(dest), id);
            dest = Table.ref(to.offsetOf(id), 0);
        }
        MemorySegment src = from.segment;
        MemorySegment dst = to.segment;
        RawMemory.copy(src, from.keyOffset(ref), dst, to.keyOffset(dest), to.format.keyLength());
        RawMemory.copy(src, from.valueOffset(ref), dst, to.valueOffset(dest), to.format.valueLength());
        long fromTags = Table.bucketOf(ref) + from.tophashOffset;
        int tag = RawMemory.getByte(src, fromTags + Table.slotOf(ref));
        RawMemory.putByte(dst, Table.bucketOf(dest) + to.tophashOffset + Table.slotOf(dest), tag);
        return dest + 1;
    }
}
