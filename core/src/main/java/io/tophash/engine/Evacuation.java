package io.tophash.engine;

import io.tophash.layout.Tophash;

import java.lang.foreign.MemorySegment;

/**
 * Go's {@code evacuate}, written once: moves every entry of one old bucket's chain into the next
 * table, each to bucket X (same index) or, in a doubling, bucket Y (index + old bucket count) by
 * one bit of its hash, and marks the old bucket evacuated.
 *
 * <p>Implementation notes. A destination is a slot reference: the next free slot of its chain.
 * Both destinations are empty buckets nobody else writes: a new bucket receives entries only from
 * its one old bucket, and no insert reaches it before that old bucket is marked evacuated. Entries
 * keep their tophash byte; key and value regions are copied as bytes, so the engine never needs to
 * know what they hold, except to rehash the key word ({@link KeyWords}). Overflow buckets come from
 * the next table's overflow area, sized when the growth started so that this never runs out
 * and kept from inserts while evacuation may need them ({@link Growth}); evacuation allocates nothing and cannot fail for want of memory.
 *
 * <p>Threading: the caller has the old chain to itself (the single writer, or the old primary
 * bucket's lock) and has seen it not evacuated.
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

    /** Evacuates old bucket {@code ob} of {@code g} (see the class comment). */
    public static void evacuate(Growth g, long ob, KeyWords keys) {
        evacuate(g, ob, keys, null);
    }

    /** Evacuates old bucket {@code ob} of {@code g}, telling {@code relocation} (if not null) of every entry moved. */
    public static void evacuate(Growth g, long ob, KeyWords keys, Relocation relocation) {
        Table old = g.old;
        Table next = g.next;
        long oldCount = old.bucketCount;
        long x = Table.ref(next.offsetOf(ob), 0);
        long y = g.doubling ? Table.ref(next.offsetOf(ob + oldCount), 0) : x;
        long head = old.offsetOf(ob);
        for (long ref = Chain.firstLive(old, head); ref != Table.NONE; ref = Chain.nextLive(old, ref)) {
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
        }
        if (old.atomicLinks) {
            // a concurrent writer that sees the mark goes on to the next table without this bucket's lock
            RawMemory.setLongRelease(old.segment, head + old.tophashOffset, Tophash.EVACUATED_WORD);
        } else {
            RawMemory.putLong(old.segment, head + old.tophashOffset, Tophash.EVACUATED_WORD);
        }
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
