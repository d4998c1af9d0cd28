package io.tophash.engine;

import io.tophash.layout.BucketFormat;
import io.tophash.layout.MapFileHeaderLayout;
import io.tophash.layout.Tophash;

import java.lang.invoke.VarHandle;

import java.util.ConcurrentModificationException;

/**
 * The single-writer policy, written once for every map that takes one writer at a time
 * ({@code LongLongMap}, {@code BytesMap}): the current table and the growth in progress, the
 * growth work each write owes, the insertion point with the growth it may start, and the writer
 * flag that detects a second thread.
 *
 * <p>Implementation notes. Growth is Go's ({@code hashGrow}/{@code growWork}): when an insert would
 * take the table past {@link BucketFormat#maxEntries} (or its overflow buckets in use reach its
 * primaries, or the map asks for compaction) the next table is reserved ({@link Growth#start},
 * lazily mapped, nothing copied) and writes go to it; every later write first evacuates the old
 * bucket its key maps to, if needed, and then claimed buckets, two in all ({@link #writeTable}), so
 * a growth ends within as many writes as the old table has buckets, and with keys spread by the
 * hash within about half as many. The old table goes to the background releaser. A
 * growth that cannot get memory is skipped while the current table has room; only an insert with
 * no room that cannot grow fails, before anything changed. What a map keeps per table generation
 * besides the table (a byte-keyed map's key store) follows the growth through {@link Generations}.
 *
 * <p>The writer flag is Go's {@code hashWriting}: a write sets it, a second writer or a reader
 * that sees it gets {@link ConcurrentModificationException}; best effort, no atomic instruction.
 *
 * <p>Threading: the owning map's single writer; readers only call {@link #readTable},
 * {@link #homeTable} and the accessors, never while a writer runs (which the flag detects on a
 * best-effort basis).
 */
public final class WriterTables implements MapTables {

    /** What a map keeps per table generation besides the table; called by the single writer. */
    public interface Generations {
        /** Reserves what the next table's entries will need besides their slots. May throw: nothing changed. */
        void prepareNext();

        /** The next table could not be reserved after {@link #prepareNext}: give back what it reserved. */
        void abandonNext();

        /** Writes now go to the next table. */
        void switched();

        /** The growth completed; the old table has been handed to the releaser. */
        void completed();

        /**
         * In a map file: opens what the tables of the current slot {@code current} and, when
         * {@code old} is not -1, of the old slot of a growth in progress keep besides their slots
         * (a reopen, before anything is settled).
         */
        default void adopt(MapFile file, int current, int old) {
        }

        /** A clear is about to install a fresh table: reserve what an empty one needs besides its slots. May throw: nothing changed. */
        default void prepareFresh() {
        }

        /** The clear installed the fresh table: what {@link #prepareFresh} reserved replaces what the old tables kept. */
        default void cleared() {
        }

        /** In a map file: names what {@link #prepareNext} or {@link #prepareFresh} reserved in table slot {@code slot}, before the state word names it. */
        default void publishNext(MapFile file, int slot) {
        }

        /** In a map file: the next table's evacuation fill mark (the evacuation record keeps it). */
        default long evacuationMark() {
            return 0;
        }

        /** In a map file: an evacuation is redone from {@code mark}, the fill mark it began at. */
        default void rewindEvacuation(long mark) {
        }

        /**
         * In a map file: puts back the value of slot {@code ref} of {@code t} as the replacement
         * record keeps it ({@link MapFile#undo0()}, {@link MapFile#undo1()}, the undo region).
         */
        default void undoReplace(MapFile file, Table t, long ref) {
            throw new IllegalStateException(file.path() + " records a replacement this map does not make");
        }
    }

    private static final int WRITING = 1;
    private static final int CLOSED = 2;

    private final BucketFormat format;
    private final MapMemory memory;
    private final Evacuation.KeyWords keyWords;
    private final Evacuation.Relocation relocation;
    private final Generations generations;
    private final String mapName;
    /** {@link #evacuateIfNeeded}, made once for {@link Growth#evacuateOwed}. */
    private final Growth.UnitEvacuator evacuator = this::evacuateIfNeeded;

    /** The table writes go to: while a growth is in progress, the table it evacuates into. */
    private Table table;
    /** The growth in progress, or null. */
    private Growth growth;
    /** 0, or the {@code WRITING} and {@code CLOSED} bits. Read on every operation. */
    public int state;
    /** Changes on every structural write (evacuations and installing a growth included) and on close: what walks check. */
    private int modCount;
    /** The map's entries: counted by {@link #countInsert}, the removals and {@link #clear}. */
    private long size;
    /** Whether a trim is under way: each growth that completes starts the next shrink step while the table is too large. */
    private boolean trimming;
    /** The map's file, or null for a map in memory. */
    private final MapFile file;
    /** A map file's sync policy ({@link #forceEvery}), and the writes since the last force. */
    private long forceEvery;
    private long writesSinceForce;
    /** In a map file: the header slots of {@link #table} and of the growth's old table. */
    private int currentSlot;
    private int oldSlot;

    /**
     * Reserves the first table ({@link Table#reserveFirst}: if that fails, the ledger is given back
     * and the failure rethrown).
     *
     * @param relocation  called for every entry evacuation moves, or null
     * @param generations told of every growth, or null
     */
    public WriterTables(BucketFormat format, MapMemory memory, int log2Buckets, Evacuation.KeyWords keyWords,
                        Evacuation.Relocation relocation, Generations generations, String mapName) {
        this.format = format;
        this.memory = memory;
        this.keyWords = keyWords;
        this.relocation = relocation;
        this.generations = generations;
        this.mapName = mapName;
        this.file = null;
        this.table = Table.reserveFirst(format, memory, log2Buckets, false);
    }

    /**
     * Opens the tables {@code file} holds, as its header's state word names them, and settles the
     * write and the evacuation a crash may have interrupted (see {@link #settle}): O(1), no scan.
     * If that fails, the ledger is given back and the failure rethrown (the file is not closed).
     */
    public WriterTables(BucketFormat format, MapMemory memory, MapFile file, Evacuation.KeyWords keyWords,
                        String mapName) {
        this(format, memory, file, keyWords, null, null, mapName);
    }

    /**
     * {@link #WriterTables(BucketFormat, MapMemory, MapFile, Evacuation.KeyWords, String)} for a map
     * that keeps more per table generation ({@code generations}: a byte map's key store, adopted
     * before anything is settled) and moves it with its entries ({@code relocation}). Its writes
     * record the slot they change, which the settle reads instead of looking a key word up.
     */
    public WriterTables(BucketFormat format, MapMemory memory, MapFile file, Evacuation.KeyWords keyWords,
                        Evacuation.Relocation relocation, Generations generations, String mapName) {
        this.format = format;
        this.memory = memory;
        this.keyWords = keyWords;
        this.relocation = relocation;
        this.generations = generations;
        this.mapName = mapName;
        this.file = file;
        try {
            long st = file.state();
            currentSlot = MapFileHeaderLayout.currentSlot(st);
            table = file.mapSlot(currentSlot, format, memory, false);
            int kind = MapFileHeaderLayout.growthKind(st);
            if (generations != null) {
                generations.adopt(file, currentSlot, kind != 0 ? MapFileHeaderLayout.oldSlot(st) : -1);
            }
            if (kind != 0) {
                oldSlot = MapFileHeaderLayout.oldSlot(st);
                Table old = file.mapSlot(oldSlot, format, memory, false);
                Growth.Kind k = Growth.Kind.values()[kind - 1];
                growth = Growth.resume(k, old, table, settledDone(old, table, k), file.shrinkNeed(), memory);
            }
            file.endEvacuation();
            size = file.size();
            settleOp();
            if (growth != null && growth.complete()) {
                completeFileGrowth(growth);
            }
        } catch (RuntimeException | Error e) {
            memory.abandon(e);
            throw e;
        }
    }

    /**
     * The units a reopened growth has evacuated: the header's count, settled for the evacuation a
     * crash interrupted. A unit whose first old bucket is marked was copied whole (the mark follows
     * the copies), so its other buckets' marks are finished; otherwise its destination buckets,
     * which nothing but that unit's evacuation writes to, are emptied to be filled again.
     */
    private long settledDone(Table old, Table next, Growth.Kind k) {
        long unit = file.evacuating();
        if (unit < 0) {
            return file.done();
        }
        long units = k == Growth.Kind.SHRINK ? next.bucketCount : old.bucketCount;
        long before = file.evacuatingDoneBefore();
        long done;
        if (old.tophashWord(old.offsetOf(unit)) == Tophash.EVACUATED_WORD) {
            for (long ob = unit; ob < old.bucketCount; ob += units) {
                RawMemory.putLong(old.segment, old.offsetOf(ob) + old.tophashOffset, Tophash.EVACUATED_WORD);
            }
            done = before + 1;
        } else {
            RawMemory.zero(next.segment, next.offsetOf(unit), next.stride);
            if (k == Growth.Kind.DOUBLING) {
                RawMemory.zero(next.segment, next.offsetOf(unit + old.bucketCount), next.stride);
            }
            // the overflow buckets the interrupted run took (nothing else takes any during a unit)
            // are given back, or each kill mid-unit would shrink what the growth has left
            next.rewindOverflow(file.evacuatingOverflow());
            if (generations != null) {
                generations.rewindEvacuation(file.evacuatingStoreTop());
            }
            done = before;
        }
        file.done(done);
        return done;
    }

    /** Settles the write a crash interrupted, from its record: the count, and a removal's chain upkeep. */
    private void settleOp() {
        long op = file.op();
        if (op == 0) {
            return;
        }
        if (generations != null) {
            settleRecordedSlot(op);
            return;
        }
        long key = file.opKey();
        long h = keyWords.hash(key);
        if (op == MapFileHeaderLayout.OP_INSERT) {
            size = file.opSize() + (Chain.find(homeTable(h), h, key) != Table.NONE ? 1 : 0);
        } else if (op == MapFileHeaderLayout.OP_REMOVE) {
            Table t = homeTable(h);
            Chain.repairEmptyRest(t, t.homeOffset(h)); // first: a lookup stops at a stray EMPTY_REST
            boolean present = Chain.find(t, h, key) != Table.NONE;
            size = file.opSize() - (present ? 0 : 1);
        } else if (op == MapFileHeaderLayout.OP_CLEAR) {
            size = file.state() != file.opState() ? 0 : file.opSize();
        }
        file.size(size);
        file.endOp();
    }

    /**
     * {@link #settleOp} for a map whose writes record the slot they change (a key word, a byte
     * map's hash, may be shared by two keys): an insert counts if its slot is live, a removal if
     * its slot is empty (after the chain's upkeep is finished), a replacement is undone.
     */
    private void settleRecordedSlot(long op) {
        long ref = file.opRef();
        Table t = ref < 0 ? null : tableOfSlot(file.opTable());
        if (op == MapFileHeaderLayout.OP_INSERT) {
            size = file.opSize() + (t != null && liveAt(t, ref) ? 1 : 0);
        } else if (op == MapFileHeaderLayout.OP_REMOVE) {
            if (t != null) {
                Chain.repairEmptyRest(t, t.homeOffset(keyWords.hash(file.opKey())));
            }
            size = file.opSize() - (t != null && !liveAt(t, ref) ? 1 : 0);
        } else if (op == MapFileHeaderLayout.OP_REPLACE) {
            generations.undoReplace(file, t, ref);
            size = file.opSize();
        } else if (op == MapFileHeaderLayout.OP_CLEAR) {
            size = file.state() != file.opState() ? 0 : file.opSize();
        }
        file.size(size);
        file.endOp();
    }

    /** Whether slot {@code ref} of {@code t}, a slot a write record names, holds an entry. */
    private boolean liveAt(Table t, long ref) {
        if (Table.bucketOf(ref) + t.stride > t.segment.byteSize()) {
            throw new IllegalArgumentException(file.path() + " is damaged: its write record names slot " + ref
                    + " outside its table");
        }
        return Tophash.isLive(t.tophashWord(Table.bucketOf(ref)), Table.slotOf(ref));
    }

    /** The table of table slot {@code slot}: the current one or the growth's old one. */
    private Table tableOfSlot(int slot) {
        if (slot == currentSlot) {
            return table;
        }
        if (growth != null && slot == oldSlot) {
            return growth.old;
        }
        throw new IllegalArgumentException(file.path() + " is damaged: its write record names table slot " + slot
                + ", which holds no table of the map");
    }

    /** A map file's growth has every unit evacuated: the state word drops it, then its old region goes. */
    private void completeFileGrowth(Growth g) {
        file.publishState(MapFileHeaderLayout.state(currentSlot, 0, 0));
        growth = null;
        memory.releaseAfterWrite(g.old.segment);
        if (generations != null) {
            generations.completed();
        }
    }

    /** The map's file, or null. */
    public MapFile file() {
        return file;
    }

    /** The table writes go to. */
    @Override
    public Table table() {
        return table;
    }

    /** The growth in progress, or null. */
    @Override
    public Growth growth() {
        return growth;
    }

    /** The table that holds {@code h}'s bucket now: where a read looks. */
    public Table homeTable(long h) {
        Growth g = growth;
        return g == null ? table : g.homeTable(h);
    }

    /** The current table, once the flag allows a read. */
    public Table readTable() {
        if (state != 0) {
            checkReadable();
        }
        return table;
    }

    // ------------------------------------------------------------------------------- growth

    /**
     * Does the growth work a write owes (Go's {@code growWork}): evacuates the unit of {@code h} if
     * needed, then claimed units, {@link Growth#UNITS_PER_WRITE} in all. Returns the table holding
     * {@code h}'s bucket now, which is always {@link #table()}. If that work completes a step of a
     * trim and the next step starts, the write owes the next step its share too.
     */
    public Table writeTable(long h) {
        Growth g = growth;
        while (g != null) {
            g.workingWrite();
            g.evacuateOwed(h, evacuator);
            g = growth != g ? growth : null;
        }
        return table;
    }

    /** Evacuates {@code unit} of {@code g} unless it is evacuated already; returns whether it did. */
    private boolean evacuateIfNeeded(Growth g, long unit) {
        if (!g.isEvacuated(unit)) {
            if (file != null) {
                file.beginEvacuation(unit, g.evacuatedBuckets(), generations != null ? generations.evacuationMark() : 0,
                        g.next.overflowInUse());
            }
            Evacuation.evacuate(g, unit, keyWords, relocation);
            modCount++; // entries moved: a walking cursor could see them twice or miss them
            boolean last = g.evacuatedOne();
            if (file != null) {
                file.done(g.evacuatedBuckets());
                if (last) {
                    file.publishState(MapFileHeaderLayout.state(currentSlot, 0, 0));
                }
                file.endEvacuation();
            }
            if (last) {
                growth = null;
                // not before the write ends: its arguments may be views into the old table
                memory.releaseAfterWrite(g.old.segment);
                if (generations != null) {
                    generations.completed();
                }
                g.completed();
                if (trimming) {
                    continueTrim();
                }
            }
            return true;
        }
        return false;
    }

    /** {@link #finishGrowth()} between {@link #beginWrite()} and {@link #endWrite()}. */
    @Override
    public boolean finishGrowthAsWrite() {
        beginWrite();
        try {
            return finishGrowth();
        } finally {
            endWrite();
        }
    }

    /**
     * Evacuates every unit not yet evacuated, of the growth in progress and of every step of a trim
     * that follows it; returns whether a growth was in progress.
     */
    public boolean finishGrowth() {
        Growth g = growth;
        if (g == null) {
            return false;
        }
        while (g != null) {
            for (long unit = 0; unit < g.units && growth == g; unit++) {
                evacuateIfNeeded(g, unit);
            }
            g = growth;
        }
        return true;
    }

    // ------------------------------------------------------------------------------- trim

    /**
     * Starts shrinking the table to what {@code size} entries need (the table a map pre-sized for
     * them gets), as a growth toward fewer buckets that later writes (or {@link #finishGrowth})
     * carry out: at most {@link Growth#MAX_SHRINK_LOG2} halvings per growth, the next step started
     * when one completes. A growth in progress finishes first, the same way. The key store of a
     * byte-keyed map is compacted by the same evacuation; when the table already fits but
     * {@code storeWasteful} (the map's other per-table memory holds more than its entries need), a
     * same-size growth compacts that alone. Returns whether a shrink or compaction is under way.
     *
     * @throws OutOfMemoryError if the first step's table cannot be reserved (nothing changed)
     */
    public boolean trimToSize(boolean storeWasteful) {
        if (growth != null) {
            trimming = true; // the step starts when the growth in progress completes
            return true;
        }
        if (table.log2Buckets <= format.log2BucketsFor(size)) {
            if (!storeWasteful) {
                return false;
            }
            startGrowth(false);
            return true;
        }
        trimming = true;
        try {
            startShrinkStep();
        } catch (RuntimeException | Error e) {
            trimming = false;
            throw e;
        }
        return true;
    }

    /** A growth completed during a trim: starts its next step while the table is larger than the entries need. */
    private void continueTrim() {
        if (table.log2Buckets <= format.log2BucketsFor(size)) {
            trimming = false;
            return;
        }
        try {
            startShrinkStep();
        } catch (RuntimeException | OutOfMemoryError noMemory) {
            trimming = false; // the map stays as it is, larger than it needs; a later trimToSize() may retry
        }
    }

    private void startShrinkStep() {
        int target = format.log2BucketsFor(size);
        install(() -> Growth.startShrink(table, target, size, memory));
    }

    /** Whether a trim is under way (its steps still to run). */
    public boolean trimming() {
        return trimming;
    }

    /**
     * A free slot for a key found absent, after {@link #writeTable} did the growth work for
     * {@code h}, in {@link #table()}. Starts a growth first when one more entry than {@code size}
     * overloads the table, its overflow buckets in use reach its primaries, or {@code compact}; if
     * that cannot get memory the insert goes on in the current table while it has room.
     *
     * @throws OutOfMemoryError (or the allocator's exception) if there is no room and no growth
     *                          can start: nothing changed
     */
    public long slotForInsert(long h, long size, boolean compact) {
        if (growth == null) {
            Table t = table;
            boolean overloaded = t.overloadedByOneMore(size) && t.log2Buckets < Table.MAX_LOG2_BUCKETS;
            if (overloaded || compact || t.overflowInUse() >= Math.max(16, t.bucketCount)) {
                try {
                    startGrowth(overloaded);
                    writeTable(h);
                } catch (RuntimeException | OutOfMemoryError noMemory) {
                    // keep going in the current table while it has room
                }
            }
        }
        long ref = Chain.freeSlot(homeTable(h), h);
        if (ref == Table.NONE) {
            ref = growForRoom(h, size);
        }
        if (file != null && generations != null) {
            file.recordSlot(currentSlot, ref);
        }
        return ref;
    }

    /**
     * The chain of {@code h} is full and its table's overflow area used up (which the sizing of
     * overflow areas makes rare): completes the growth in progress, starts another (failing with
     * nothing changed if it cannot) and returns a free slot for {@code h} in the new table.
     */
    private long growForRoom(long h, long size) {
        finishGrowth();
        Table t = table;
        startGrowth(t.overloadedByOneMore(size) && t.log2Buckets < Table.MAX_LOG2_BUCKETS);
        long ref = Chain.freeSlot(writeTable(h), h);
        if (ref == Table.NONE) {
            throw new IllegalStateException("no free slot in a fresh table's overflow area");
        }
        return ref;
    }

    /**
     * Starts a same-size growth, which compacts what the map keeps per table (a byte map's store),
     * unless a growth is under way; a growth that cannot get memory is not started, and the map
     * goes on as it is. Returns whether one started.
     */
    public boolean startCompaction() {
        if (growth != null) {
            return false;
        }
        try {
            startGrowth(false);
            return true;
        } catch (RuntimeException | OutOfMemoryError noMemory) {
            return false;
        }
    }

    /** Reserves the next table (and the map's generation companions) and switches writes to it; nothing changed if it throws. */
    private void startGrowth(boolean doubling) {
        install(() -> Growth.start(table, doubling, memory));
    }

    private void install(java.util.function.Supplier<Growth> start) {
        if (file != null) {
            file.reserveFor(nextSlot());
        }
        Growth g = reserveNext(generations == null ? null : generations::prepareNext, start);
        if (file != null) {
            publishInFile(g);
        }
        growth = g;
        table = g.next;
        modCount++; // a walk in progress walks the tables it started with: it must end
        if (generations != null) {
            generations.switched();
        }
        g.announce();
    }

    /**
     * Reserves what the next tables keep besides their slots ({@code prepare}, the generations'
     * share, or null) and then the next table ({@code reserve}), with a map file's allocations
     * going to the slot {@link MapFile#reserveFor} named; on failure gives back what
     * {@code prepare} reserved. Either way the file's allocations go to the current slot again
     * (the installed slot, once its state word is published).
     */
    private <T> T reserveNext(Runnable prepare, java.util.function.Supplier<T> reserve) {
        try {
            if (prepare != null) {
                prepare.run();
            }
            try {
                return reserve.get();
            } catch (RuntimeException | Error e) {
                if (prepare != null) {
                    generations.abandonNext();
                }
                throw e;
            }
        } finally {
            if (file != null) {
                file.reserveFor(currentSlot);
            }
        }
    }

    /** A growth's next table (a region of the map's file) goes into a free slot, then one store of the state word installs it. */
    private void publishInFile(Growth g) {
        int slot = nextSlot();
        file.installSlot(slot, g.next);
        if (generations != null) {
            generations.publishNext(file, slot);
        }
        file.resetGrowthFields(g.shrinkOverflowNeed());
        file.publishState(MapFileHeaderLayout.state(slot, currentSlot, g.kind.ordinal() + 1));
        oldSlot = currentSlot;
        currentSlot = slot;
        file.reserveFor(slot);
    }

    /** The table slot a growth's next table goes to: one no table of the map is in (no growth is in progress). */
    private int nextSlot() {
        return (currentSlot + 1) % MapFileHeaderLayout.TABLE_SLOTS;
    }

    /**
     * Replaces the tables by one fresh, empty table of the current size; the old ones (and a
     * growth in progress with them) go to the releaser.
     *
     * @return whether a growth was dropped
     * @throws OutOfMemoryError if the fresh table cannot be reserved (nothing changed)
     */
    public boolean clear() {
        Table current = table;
        Growth g = growth;
        int slot = 0;
        while (slot == currentSlot || g != null && slot == oldSlot) {
            slot++;
        }
        if (file != null) {
            file.reserveFor(slot);
        }
        Table fresh = reserveNext(generations == null ? null : generations::prepareFresh,
                () -> Table.reserve(format, memory, current.log2Buckets,
                        Table.initialOverflowCapacity(current.log2Buckets), false));
        if (file != null) {
            // recorded only now: a clear that could not reserve its table changed nothing, and a
            // record left behind would zero the size at a reopen after later unrecorded writes
            file.beginOp(MapFileHeaderLayout.OP_CLEAR, 0, size);
            // the slot only: the growth fields belong to the growth the state word still names
            file.installSlot(slot, fresh);
            if (generations != null) {
                generations.publishNext(file, slot);
            }
            file.publishState(MapFileHeaderLayout.state(slot, 0, 0));
            currentSlot = slot;
            file.reserveFor(slot);
            file.size(0);
            file.endOp();
        }
        table = fresh;
        growth = null;
        trimming = false;
        memory.releaseAfterWrite(current.segment);
        if (g != null) {
            memory.releaseAfterWrite(g.old.segment);
        }
        if (generations != null) {
            generations.cleared();
        }
        size = 0;
        modCount++;
        return g != null;
    }

    /**
     * Empties slot {@code ref} of the chain of {@code h} in {@code t} (the table {@link #writeTable}
     * returned), with Go's empty-rest upkeep, and counts the change.
     */
    public void removeSlot(Table t, long h, long ref) {
        removeInPlace(t, t.homeOffset(h), ref);
    }

    /**
     * Empties slot {@code ref} of the chain whose primary bucket is at {@code primaryOffset} in
     * {@code t}, a table of the map's, with no growth work (a {@link Walk}'s removal), and counts
     * the change.
     */
    void removeInPlace(Table t, long primaryOffset, long ref) {
        if (file != null) {
            file.beginOp(MapFileHeaderLayout.OP_REMOVE, t.keyWordAt(ref), size);
            if (generations != null) {
                file.recordSlot(t == table ? currentSlot : oldSlot, ref);
            }
        }
        Chain.clearSlot(t, primaryOffset, ref);
        size--;
        modCount++;
        if (file != null) {
            file.size(size);
            file.endOp();
        }
    }

    /**
     * A replacement of the value in slot {@code ref} of {@link #table()} begins; a map file records
     * it with the value region's words as they are ({@code undo0}, {@code undo1}), to be put back
     * if a crash interrupts it. A fixed-size value's old bytes go to the file's undo region first.
     */
    public void replaceBegins(long ref, long undo0, long undo1) {
        if (file != null) {
            file.beginReplace(currentSlot, ref, undo0, undo1, size);
        }
    }

    /** The replacement {@link #replaceBegins} recorded is done. */
    public void replaceEnds() {
        if (file != null) {
            file.endOp();
        }
    }

    /** Whether the tables are regions of a map file. */
    public boolean inFile() {
        return file != null;
    }

    /**
     * An insert of {@code keyWord}, found absent, begins: a map file records it before
     * {@link #slotForInsert} (which may take an overflow bucket or start a growth) changes anything.
     */
    public void insertBegins(long keyWord) {
        if (file != null) {
            file.beginOp(MapFileHeaderLayout.OP_INSERT, keyWord, size);
        }
    }

    /**
     * The insert {@link #insertBegins} recorded failed before its slot was made live (no room, no
     * memory, a value that cannot be read): a map file's record ends with nothing published, so
     * that no later reopen settles it against a table or slot that has changed since.
     */
    public void insertAbandoned() {
        if (file != null) {
            file.endOp();
        }
    }

    /**
     * Makes slot {@code ref}, whose key and value are written, live ({@link Chain#occupy}); in a map
     * file the key and value stores come first, so a reopen never finds a live slot without them.
     */
    public void occupy(Table t, long ref, long h) {
        if (file != null) {
            VarHandle.releaseFence();
        }
        Chain.occupy(t, ref, h);
    }

    /** An entry was written into the free slot {@link #slotForInsert} returned: counts it and the change. */
    public void countInsert() {
        size++;
        modCount++;
        if (file != null) {
            file.size(size);
            file.endOp();
        }
    }

    /** The map's entries. */
    public long size() {
        return size;
    }

    /** The change count that walks check: it moves on every structural write (evacuations and installing a growth included) and on close. */
    public int modCount() {
        return modCount;
    }

    /**
     * The map's {@code close()}: marks it closed and gives back everything its ledger holds; once
     * everything is back, later calls return at once; a release that failed is retried.
     */
    @Override
    public void close() {
        if (!markClosed() && memory.bytesHeld() == 0) {
            return;
        }
        try {
            memory.close(); // the tables keep their (now closed) segments: racing readers get ISE from FFM
        } finally {
            if (file != null && memory.bytesHeld() == 0) {
                file.close();
            }
        }
    }

    /** For tests: {@link Chain#auditEmptyRest} over both tables; null when sound. */
    @Override
    public String auditChains() {
        String fault = Chain.auditEmptyRest(table);
        return fault != null || growth == null ? fault : Chain.auditEmptyRest(growth.old);
    }

    // ------------------------------------------------------------------------- writer flag

    /** Marks a write in progress. @throws IllegalStateException if closed; ConcurrentModificationException if another write is */
    public void beginWrite() {
        if (state != 0) {
            checkOpen();
            throw new ConcurrentModificationException("concurrent map writes: another thread is writing this " + mapName);
        }
        state = WRITING;
    }

    /**
     * Ends a write; what it retired (a table a growth completed, a key store) goes to the background
     * releaser only now, since the write's arguments may have been views into it.
     */
    public void endWrite() {
        state &= ~WRITING;
        if (memory.releasesAfterWrite()) {
            memory.releaseWritten();
        }
        if (forceEvery != 0 && ++writesSinceForce >= forceEvery) {
            writesSinceForce = 0;
            file.force();
        }
    }

    /** A map file's sync policy: {@link MapFile#force} after every {@code writes}-th write (0: never). */
    public void forceEvery(long writes) {
        if (writes != 0 && file == null) {
            throw new IllegalStateException("a map in memory has nothing to force");
        }
        this.forceEvery = writes;
    }

    /** @throws IllegalStateException if closed; ConcurrentModificationException if a write is in progress */
    public void checkReadable() {
        int s = state;
        checkOpen();
        if ((s & WRITING) != 0) {
            throw new ConcurrentModificationException("concurrent map read and map write on a " + mapName);
        }
    }

    /** @throws IllegalStateException if closed */
    public void checkOpen() {
        if ((state & CLOSED) != 0) {
            throw new IllegalStateException(mapName + " is closed");
        }
    }

    @Override
    public boolean closed() {
        return (state & CLOSED) != 0;
    }

    /** {@link #size()}, a plain read: from another thread it may lag a write in progress (a sample, not an answer). */
    @Override
    public long sampledSize() {
        return size;
    }

    /** Marks the map closed; returns false if it already was. */
    public boolean markClosed() {
        if ((state & CLOSED) != 0) {
            return false;
        }
        state = CLOSED;
        modCount++;
        return true;
    }
}
