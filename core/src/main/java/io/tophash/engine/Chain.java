package io.tophash.engine;

import io.tophash.layout.GoBucketLayout;
import io.tophash.layout.LineBucketLayout;
import io.tophash.layout.PaddedGoBucketLayout;
import io.tophash.layout.Tophash;

import java.lang.foreign.MemorySegment;

/**
 * The operations on one bucket chain (a primary bucket and the overflow buckets linked from it),
 * written once for every map: find a key word, find a free slot, empty a slot, walk the live
 * slots.
 *
 * <p>Implementation notes. {@link #find} is Go's {@code mapaccess}: load the tophash word, find
 * the slots whose byte matches with one SWAR expression, compare only their key words, stop at the
 * first bucket holding an {@code EMPTY_REST} byte, else follow the link. The primary bucket is
 * searched inline and the overflow buckets out of line, which keeps {@code find} small enough to be
 * inlined into every caller. Reads write nothing, so any number of threads may read a chain no
 * thread writes. Links are trusted only when they go forward to an overflow bucket of the same
 * table ({@code Table#isOverflowId} and a larger id): a reader racing a writer (the concurrent
 * map's optimistic reads) stops at a torn link instead of following it, and its result is then
 * thrown away by its validation.
 *
 * <p>{@link #clearSlot} keeps Go's {@code EMPTY_REST} marking: when the emptied slot ends the
 * chain's live entries, it and the empty slots before it become {@code EMPTY_REST}, so misses
 * stop early. Both maps remove this way.
 *
 * <p>Threading: {@link #find}, {@link #findValue}, {@link #touch}, {@link #firstLive} and {@link #nextLive} only read; the others
 * write and need the chain to themselves (the single writer, or the primary bucket's lock).
 */
public final class Chain {

    private Chain() {
    }

    /**
     * The slot holding {@code keyWord} in the chain of hash {@code h}, or {@link Table#NONE}.
     *
     * <p>The built-in layouts' numbers are passed as constants (one case each, all alike, so that
     * comparing layouts stays fair), so the compiled probe loads no offset from the table and
     * shifts or multiplies by immediates; other formats take theirs from the table.
     */
    public static long find(Table t, long h, long keyWord) {
        return switch (t.shape) {
            case Table.LINE_128 -> find(t, h, keyWord, LineBucketLayout.LINK_OFFSET, LineBucketLayout.KEYS_OFFSET,
                    LineBucketLayout.FORMAT.slotMask(), LineBucketLayout.BUCKET_LENGTH);
            case Table.GO_144 -> find(t, h, keyWord, GoBucketLayout.LINK_OFFSET, GoBucketLayout.KEYS_OFFSET,
                    GoBucketLayout.FORMAT.slotMask(), GoBucketLayout.BUCKET_LENGTH);
            case Table.GO_192 -> find(t, h, keyWord, PaddedGoBucketLayout.LINK_OFFSET, PaddedGoBucketLayout.KEYS_OFFSET,
                    PaddedGoBucketLayout.FORMAT.slotMask(), PaddedGoBucketLayout.BUCKET_LENGTH);
            default -> findInChain(t, t.homeOffset(h), Tophash.tophash(h), keyWord);
        };
    }

    /**
     * {@link #find} in a layout with 8-byte key words 8 bytes apart and the tophash word first:
     * the built-in {@code long} layouts.
     */
    private static long find(Table t, long h, long keyWord, long linkOffset, long keysOffset, long slotMask,
                             long stride) {
        MemorySegment seg = t.segment;
        long off = (h & t.bucketMask) * stride;
        int top = Tophash.tophash(h);
        // The link word is loaded first, though only a miss in a full bucket needs it: it sits in the
        // bucket's last line, so a hit whose value is there (all of them, in the split 128-byte layout)
        // finds the line already on its way instead of requesting it after the tophash word arrives.
        long link = RawMemory.getLong(seg, off + linkOffset);
        long tags = RawMemory.getLong(seg, off);
        long m = Tophash.match(tags, top) & slotMask;
        if (m != 0) {
            // The first candidate is tested outside any loop: a loop's back edge is a safepoint, after
            // which FFM must check the segment's liveness again before the value is read.
            long keyAt = off + keysOffset + (Long.numberOfTrailingZeros(m) & ~7);
            if (RawMemory.getLong(seg, keyAt) == keyWord) {
                return Table.ref(off, Tophash.firstSlot(m));
            }
            if ((m & (m - 1)) != 0 || (Tophash.matchEmptyRest(tags) & slotMask) == 0) {
                return findInChain(t, off, top, keyWord);
            }
            return Table.NONE;
        }
        if ((Tophash.matchEmptyRest(tags) & slotMask) != 0 || (link & Table.LINK_MASK) == 0) {
            return Table.NONE;
        }
        return findInChain(t, off, top, keyWord);
    }

    /**
     * The 8-byte value of {@code keyWord} in the chain of hash {@code h}, or {@code absent} when the
     * key is not there: {@link #find} and the value read in one step, for maps whose value is one
     * {@code long} ({@code LongLongMap.get}).
     *
     * <p>A hit in the primary bucket whose first candidate matches, almost every hit, computes the
     * value's address from the match mask with the layout's constants, with no slot reference built
     * and taken apart again and no second {@code switch} on the shape: the value load issues as soon
     * as the key compare resolves, and the link word loaded first has already requested its line.
     */
    public static long findValue(Table t, long h, long keyWord, long absent) {
        return switch (t.shape) {
            case Table.LINE_128 -> findValue(t, h, keyWord, absent, LineBucketLayout.LINK_OFFSET,
                    LineBucketLayout.KEYS_OFFSET, LineBucketLayout.VALUES_OFFSET,
                    LineBucketLayout.FORMAT.slotMask(), LineBucketLayout.BUCKET_LENGTH);
            case Table.GO_144 -> findValue(t, h, keyWord, absent, GoBucketLayout.LINK_OFFSET, GoBucketLayout.KEYS_OFFSET,
                    GoBucketLayout.VALUES_OFFSET, GoBucketLayout.FORMAT.slotMask(), GoBucketLayout.BUCKET_LENGTH);
            case Table.GO_192 -> findValue(t, h, keyWord, absent, PaddedGoBucketLayout.LINK_OFFSET,
                    PaddedGoBucketLayout.KEYS_OFFSET, PaddedGoBucketLayout.VALUES_OFFSET,
                    PaddedGoBucketLayout.FORMAT.slotMask(), PaddedGoBucketLayout.BUCKET_LENGTH);
            default -> {
                long ref = findInChain(t, t.homeOffset(h), Tophash.tophash(h), keyWord);
                yield ref == Table.NONE ? absent : t.longValueAt(ref);
            }
        };
    }

    /** {@link #findValue} in a built-in {@code long} layout: 8-byte keys and values, 8 bytes apart. */
    private static long findValue(Table t, long h, long keyWord, long absent, long linkOffset, long keysOffset,
                                  long valuesOffset, long slotMask, long stride) {
        MemorySegment seg = t.segment;
        long off = (h & t.bucketMask) * stride;
        int top = Tophash.tophash(h);
        long link = RawMemory.getLong(seg, off + linkOffset);
        long tags = RawMemory.getLong(seg, off);
        long m = Tophash.match(tags, top) & slotMask;
        if (m != 0) {
            long slotBytes = Long.numberOfTrailingZeros(m) & ~7;
            if (RawMemory.getLong(seg, off + keysOffset + slotBytes) == keyWord) {
                return RawMemory.getLong(seg, off + valuesOffset + slotBytes);
            }
            if ((m & (m - 1)) == 0 && (Tophash.matchEmptyRest(tags) & slotMask) != 0) {
                return absent;
            }
        } else if ((Tophash.matchEmptyRest(tags) & slotMask) != 0 || (link & Table.LINK_MASK) == 0) {
            return absent;
        }
        long ref = findInChain(t, off, top, keyWord);
        return ref == Table.NONE ? absent : t.longValueAt(ref);
    }

    /**
     * Loads the words of the primary bucket of hash {@code h} that a lookup reads first, the tophash
     * word and the link word, and returns them combined so that the loads cannot be dropped: a batch
     * of lookups touches all its buckets first, and their cache misses overlap instead of waiting one
     * after the other. Reads only.
     */
    public static long touch(Table t, long h) {
        long off = t.homeOffset(h);
        return RawMemory.getLong(t.segment, off + t.tophashOffset) ^ RawMemory.getLong(t.segment, off + t.linkOffset);
    }

    /**
     * The next slot after {@code ref} in the chain of hash {@code h} whose tophash byte and key word
     * match, or {@link Table#NONE}: for maps whose key word is a hash, which compare the key itself
     * after {@link #find} and go on here when two keys share a 64-bit hash.
     */
    public static long findAfter(Table t, long ref, long h, long keyWord) {
        long off = Table.bucketOf(ref);
        int top = Tophash.tophash(h);
        long tags = RawMemory.getLong(t.segment, off + t.tophashOffset);
        int next = Table.slotOf(ref) + 1;
        long later = next >= Long.BYTES ? 0 : -1L << (8 * next);
        for (long m = Tophash.match(tags, top) & t.slotMask & later; m != 0; m &= m - 1) {
            int i = Tophash.firstSlot(m);
            if (RawMemory.getLong(t.segment, t.keyOffset(off, i)) == keyWord) {
                return Table.ref(off, i);
            }
        }
        if ((Tophash.matchEmptyRest(tags) & t.slotMask) != 0 || (off = nextBucket(t, off)) < 0) {
            return Table.NONE;
        }
        return findInChain(t, off, top, keyWord);
    }

    /** The general probe: the chain from the bucket at {@code off} on, the format's numbers from the table. */
    private static long findInChain(Table t, long off, int top, long keyWord) {
        do {
            long tags = RawMemory.getLong(t.segment, off + t.tophashOffset);
            long ref = matchIn(t, off, tags, top, keyWord);
            if (ref != Table.NONE || (Tophash.matchEmptyRest(tags) & t.slotMask) != 0) {
                return ref;
            }
        } while ((off = nextBucket(t, off)) >= 0);
        return Table.NONE;
    }

    /** The slot of the bucket at {@code off} (tophash word {@code tags}) holding {@code keyWord}, or {@link Table#NONE}. */
    private static long matchIn(Table t, long off, long tags, int top, long keyWord) {
        for (long m = Tophash.match(tags, top) & t.slotMask; m != 0; m &= m - 1) {
            int i = Tophash.firstSlot(m);
            if (RawMemory.getLong(t.segment, t.keyOffset(off, i)) == keyWord) {
                return Table.ref(off, i);
            }
        }
        return Table.NONE;
    }

    /**
     * The offset of the bucket after the one at {@code off} in its chain, or -1 at the end of the
     * chain or at a link that does not go forward to an overflow bucket of {@code t} (torn).
     */
    static long nextBucket(Table t, long off) {
        long id = RawMemory.getLong(t.segment, off + t.linkOffset) & Table.LINK_MASK;
        long next = id * t.stride;
        return t.isOverflowId(id) && next > off ? next : -1;
    }

    /**
     * A slot for a new entry in the chain of hash {@code h}, whose key the caller has found absent:
     * the first empty slot, else slot 0 of an overflow bucket taken from the table's overflow area
     * and linked at the chain's end. {@link Table#NONE} when the chain is full and the area used up
     * (nothing changed). The caller writes the key word and the value, then {@link #occupy}.
     */
    public static long freeSlot(Table t, long h) {
        MemorySegment seg = t.segment;
        long off = t.homeOffset(h);
        while (true) {
            long empty = Tophash.matchEmpty(RawMemory.getLong(seg, off + t.tophashOffset)) & t.slotMask;
            if (empty != 0) {
                return Table.ref(off, Tophash.firstSlot(empty));
            }
            long next = nextBucket(t, off);
            if (next < 0) {
                long id = t.takeOverflowForInsert();
                if (id == Table.NONE) {
                    return Table.NONE;
                }
                link(t, off, id);
                return Table.ref(t.offsetOf(id), 0);
            }
            off = next;
        }
    }

    /**
     * Points the link of the bucket at {@code off} to bucket {@code id}, keeping the word's high half
     * (a concurrent primary bucket's version). Single-copy atomic in a concurrent map's tables: other
     * writers spin on the primary bucket's word while this one holds it.
     */
    static void link(Table t, long off, long id) {
        long word = RawMemory.getLong(t.segment, off + t.linkOffset);
        long linked = (word & ~Table.LINK_MASK) | id;
        if (t.atomicLinks) {
            RawMemory.setLongOpaque(t.segment, off + t.linkOffset, linked);
        } else {
            RawMemory.putLong(t.segment, off + t.linkOffset, linked);
        }
    }

    /** Marks slot {@code ref} live with the tophash byte of {@code h}: the last write of an insert. */
    public static void occupy(Table t, long ref, long h) {
        RawMemory.putByte(t.segment, Table.bucketOf(ref) + t.tophashOffset + Table.slotOf(ref), Tophash.tophash(h));
    }

    /**
     * Empties slot {@code ref} of the chain whose primary bucket is at {@code primaryOffset}; then,
     * as Go's {@code mapdelete} does, turns the run of empty slots that now ends the chain into
     * {@code EMPTY_REST}, so that lookups stop early.
     */
    public static void clearSlot(Table t, long primaryOffset, long ref) {
        MemorySegment seg = t.segment;
        long off = Table.bucketOf(ref);
        int i = Table.slotOf(ref);
        long tags = t.tophashOffset;
        RawMemory.putByte(seg, off + tags + i, Tophash.EMPTY_ONE);
        boolean lastInChain;
        if (i == t.slots - 1) {
            long next = nextBucket(t, off);
            lastInChain = next < 0 || RawMemory.getByte(seg, next + tags) == Tophash.EMPTY_REST;
        } else {
            lastInChain = RawMemory.getByte(seg, off + tags + i + 1) == Tophash.EMPTY_REST;
        }
        if (!lastInChain) {
            return;
        }
        while (true) {
            RawMemory.putByte(seg, off + tags + i, Tophash.EMPTY_REST);
            if (i == 0) {
                if (off == primaryOffset) {
                    return;
                }
                off = previousBucket(t, primaryOffset, off);
                i = t.slots - 1;
            } else {
                i--;
            }
            if (RawMemory.getByte(seg, off + tags + i) != Tophash.EMPTY_ONE) {
                return;
            }
        }
    }

    /**
     * Restores the empty-rest marking of the chain at {@code primaryOffset} (what {@link #auditEmptyRest}
     * checks): every empty slot after the last live one {@code EMPTY_REST}, none before it. A
     * map file's reopen runs it on the chain of a removal a crash interrupted; O(chain).
     */
    public static void repairEmptyRest(Table t, long primaryOffset) {
        MemorySegment seg = t.segment;
        long lastLive = lastLivePosition(t, primaryOffset);
        long position = 0;
        for (long off = primaryOffset; off >= 0; off = nextBucket(t, off)) {
            for (int i = 0; i < t.slots; i++, position++) {
                long at = off + t.tophashOffset + i;
                int top = RawMemory.getByte(seg, at);
                if (position > lastLive && top != Tophash.EMPTY_REST) {
                    RawMemory.putByte(seg, at, Tophash.EMPTY_REST);
                } else if (position < lastLive && top == Tophash.EMPTY_REST) {
                    RawMemory.putByte(seg, at, Tophash.EMPTY_ONE);
                }
            }
        }
    }

    /** The probe-order position of the last live slot of the chain at {@code primaryOffset} (primary bucket first), or -1. */
    private static long lastLivePosition(Table t, long primaryOffset) {
        long lastLive = -1;
        long position = 0;
        for (long off = primaryOffset; off >= 0; off = nextBucket(t, off)) {
            for (int i = 0; i < t.slots; i++, position++) {
                if (RawMemory.getByte(t.segment, off + t.tophashOffset + i) >= Tophash.MIN_TOPHASH) {
                    lastLive = position;
                }
            }
        }
        return lastLive;
    }

    /** The bucket before the one at {@code off} in the chain starting at {@code primaryOffset}. */
    private static long previousBucket(Table t, long primaryOffset, long off) {
        long previous = primaryOffset;
        while (true) {
            long next = nextBucket(t, previous);
            if (next == off || next < 0) {
                return previous;
            }
            previous = next;
        }
    }

    /** The first live slot of the chain starting at the bucket at {@code bucketOffset}, or {@link Table#NONE}. */
    public static long firstLive(Table t, long bucketOffset) {
        return liveFrom(t, bucketOffset, 0);
    }

    /** The live slot after slot {@code ref} in its chain, or {@link Table#NONE}. */
    public static long nextLive(Table t, long ref) {
        return liveFrom(t, Table.bucketOf(ref), Table.slotOf(ref) + 1);
    }

    private static long liveFrom(Table t, long off, int slot) {
        MemorySegment seg = t.segment;
        while (true) {
            long tags = RawMemory.getLong(seg, off + t.tophashOffset);
            for (int i = slot; i < t.slots; i++) {
                if (Tophash.isLive(tags, i)) {
                    return Table.ref(off, i);
                }
            }
            off = nextBucket(t, off);
            if (off < 0) {
                return Table.NONE;
            }
            slot = 0;
        }
    }

    /**
     * Checks the chains of {@code t} against what removal promises lookups: in each chain (slots in
     * probe order, primary bucket first), a slot before the last live one is never
     * {@code EMPTY_REST}, and every slot after it is. Chains of an old table already evacuated are
     * skipped. A health check for tests (a map whose empty-rest upkeep is broken still answers
     * correctly, only more slowly); O(table), call it on a quiescent map.
     *
     * @return null when every chain is sound, else the first fault found, described
     */
    public static String auditEmptyRest(Table t) {
        MemorySegment seg = t.segment;
        for (long b = 0; b < t.bucketCount; b++) {
            long primary = b * t.stride;
            if (RawMemory.getLong(seg, primary + t.tophashOffset) == Tophash.EVACUATED_WORD) {
                continue;
            }
            long lastLive = lastLivePosition(t, primary);
            long position = 0;
            for (long off = primary; off >= 0; off = nextBucket(t, off)) {
                for (int i = 0; i < t.slots; i++, position++) {
                    int top = RawMemory.getByte(seg, off + t.tophashOffset + i);
                    boolean rest = top == Tophash.EMPTY_REST;
                    if (position < lastLive ? rest : position > lastLive && !rest) {
                        return "bucket " + b + ", slot " + position + " of its chain: tophash " + top
                                + (rest ? " (EMPTY_REST) before the live slot " + lastLive
                                : " after the last live slot " + lastLive + ", where only EMPTY_REST belongs");
                    }
                }
            }
        }
        return null;
    }
}
