package io.tophash.engine;

import java.util.ConcurrentModificationException;

/**
 * The single-writer maps' walk over every entry, written once for {@code LongLongMap}'s cursor and
 * {@code forEach} and {@code BytesMap.forEach}: one slot at a time, as a table and a slot reference.
 *
 * <p>Implementation notes. The walk reads the growth in progress when it starts and keeps it: first
 * the old table's buckets not yet evacuated, then the current table's buckets whose old bucket is
 * evacuated (all of them when there was no growth), each bucket's chain in order. Evacuation
 * counts as a change ({@link WriterTables#modCount()}), as do inserts, removals and installing a
 * growth, so every structural write but a removal through {@link #removeCurrent} ends the walk with
 * a {@link ConcurrentModificationException}: an entry can then be neither skipped nor seen twice.
 * Writing a present key's value in place moves nothing and does not end it. Removing never moves
 * other entries (no growth work).
 *
 * <p>Threading: the map's own rules; a walk is a read, and {@link #removeCurrent} is a write.
 */
public final class Walk {

    private final WriterTables tables;
    /** The growth walked, its old table first, or null: fixed, since any other write ends the walk. */
    private final Growth walkedGrowth;
    /** The table walked after the growth's old one (all of it when there was no growth): fixed, as is the growth. */
    private final Table current;
    private final String changedMessage;
    private int expectedModCount;
    /** 0: old buckets not yet evacuated; 1: the current table's buckets whose old bucket is evacuated; 2: done. */
    private int phase;
    /** The next bucket to enter in this phase. */
    private long bucket;
    private Table chainTable;
    private long ref = Table.NONE;

    /**
     * A walk of {@code tables}' entries, before the first one; {@code changedMessage} is the
     * message of the {@link ConcurrentModificationException} a change other than
     * {@link #removeCurrent} causes.
     *
     * @throws IllegalStateException after the map's {@code close()}
     */
    public Walk(WriterTables tables, String changedMessage) {
        tables.readTable();
        this.tables = tables;
        this.changedMessage = changedMessage;
        this.walkedGrowth = tables.growth();
        this.current = tables.table();
        this.phase = walkedGrowth == null ? 1 : 0;
        this.expectedModCount = tables.modCount();
    }

    /**
     * Moves to the next entry.
     *
     * @return false when every entry has been visited
     * @throws ConcurrentModificationException if the map changed other than through this walk
     * @throws IllegalStateException           after the map's {@code close()}
     */
    public boolean next() {
        checkUnchanged();
        if (ref != Table.NONE) {
            ref = Chain.nextLive(chainTable, ref);
        }
        while (ref == Table.NONE && phase < 2) {
            if (enterNextChain()) {
                ref = Chain.firstLive(chainTable, chainTable.offsetOf(bucket));
                bucket++;
            }
        }
        return ref != Table.NONE;
    }

    /** Chooses the chain of {@link #bucket} if it holds entries in this phase, else steps on; true if chosen. */
    private boolean enterNextChain() {
        Table t = phase == 0 ? walkedGrowth.old : current;
        if (bucket >= t.bucketCount) {
            phase++;
            bucket = 0;
            return false;
        }
        boolean skip = phase == 0 ? walkedGrowth.isEvacuated(bucket)
                : walkedGrowth != null && !walkedGrowth.isEvacuated(bucket & walkedGrowth.old.bucketMask);
        if (skip) {
            bucket++;
            return false;
        }
        chainTable = t;
        return true;
    }

    /** The table holding the entry the walk stands on (valid after {@link #next} returned true). */
    public Table table() {
        return chainTable;
    }

    /** The slot of the entry the walk stands on, or {@link Table#NONE} when done. */
    public long ref() {
        return ref;
    }

    /**
     * Removes the entry the walk stands on, as a write of the map, with no growth work; the walk
     * goes on with the entry after it. The caller makes sure it stands on one.
     *
     * @throws ConcurrentModificationException if another write is in progress or the map changed
     * @throws IllegalStateException           after the map's {@code close()}
     */
    public void removeCurrent() {
        checkUnchanged();
        tables.beginWrite();
        try {
            tables.removeInPlace(chainTable, chainTable.offsetOf(bucket - 1), ref);
            expectedModCount = tables.modCount();
        } finally {
            tables.endWrite();
        }
    }

    /**
     * Throws if the map changed since the walk started, other than through {@link #removeCurrent}.
     *
     * @throws ConcurrentModificationException if it changed, or another thread is writing
     * @throws IllegalStateException           after the map's {@code close()}
     */
    public void checkUnchanged() {
        tables.readTable();
        if (tables.modCount() != expectedModCount) {
            throw new ConcurrentModificationException(changedMessage);
        }
    }
}
