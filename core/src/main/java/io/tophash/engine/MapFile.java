package io.tophash.engine;

import io.tophash.layout.BucketFormat;
import io.tophash.layout.KeyStoreDirectoryLayout;
import io.tophash.memory.Allocator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static io.tophash.layout.MapFileHeaderLayout.*;

/**
 * A map's file: its header ({@link io.tophash.layout.MapFileHeaderLayout}) and its regions, each a
 * table mapped from the file. It is the map's {@link Allocator}: a table a growth reserves is a
 * region of the file, a dead region reused when one is large enough, else one appended.
 *
 * <p>Implementation notes. The file is only ever extended (a region appended past its end, which
 * the mapping zero-fills) or written inside a region no table slot refers to; a region is
 * published by one store of the header's state word, after its slot is written. A new file is
 * written under a temporary name and linked to its name complete, so a crash while creating one
 * leaves either nothing or a whole file. Each region is mapped in a shared arena of its own, so a
 * table a growth leaves behind is unmapped like any other allocator's chunk. The file is locked
 * ({@link FileChannel#tryLock}) while a map has it open: the kernel drops the lock with the
 * process, so a crashed owner never blocks a reopen.
 *
 * <p>The write-ahead words ({@code OP_*}, {@code EVACUATING*}) name the one write and the one
 * evacuation in progress, with the counts from before them, so that a reopen after a crash settles
 * them in O(1) (see {@code WriterTables}); the order of the stores around them is in the package
 * documentation.
 *
 * <p>Threading: the map's writer; {@link #close} once, after the map's memory is released.
 */
public final class MapFile implements Allocator {

    /** Regions start on this boundary (a page on every supported system). */
    static final long REGION_ALIGNMENT = 64 * 1024;

    private final Path path;
    private final FileChannel channel;
    /** Held while the map is open; the channel's close releases it. */
    @SuppressWarnings("unused")
    private final FileLock lock;
    private final Arena headerArena;
    /** The header page; all access through {@link RawMemory}. */
    private final MemorySegment header;
    /** Regions mapped now, by base address: their file offset, length and arena. */
    private final Map<Long, Mapped> mapped = new HashMap<>();
    private final boolean created;
    /** This file's entry in {@link #OPEN_IN_THIS_JVM}. */
    private final Object openKey;
    /** The undo region, once mapped. */
    private MemorySegment undo;
    private long bytesInUse;
    /** The table slot whose generation the regions allocated now belong to ({@link #reserveFor}). */
    private int allocationSlot;
    private boolean closed;
    /** {@link #force} calls so far. */
    private long forces;

    /** The files (device and inode) a map of this JVM has open. */
    private static final Set<Object> OPEN_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    private record Mapped(long fileOffset, long length, Arena arena, MemorySegment segment) {
    }

    /** What the caller's builder says the map is; a file must match it. */
    public record Identity(long kind, String kindName, long padding, String paddingName, BucketFormat format,
                           long keyLength, long valueLength, long undoLength) {
    }

    private MapFile(Path path, FileChannel channel, FileLock lock, Arena headerArena, MemorySegment header,
                    boolean created, Object openKey) {
        this.openKey = openKey;
        this.path = path;
        this.channel = channel;
        this.lock = lock;
        this.headerArena = headerArena;
        this.header = header;
        this.created = created;
        this.allocationSlot = currentSlot(RawMemory.getLong(header, STATE_OFFSET));
    }

    /**
     * Opens the map file at {@code path}, creating it (an empty map of {@code 2^log2Buckets}
     * buckets and hash seed {@code seed}) if there is none.
     *
     * @param seed the seed for a new file, or, if {@code seedRequired}, the seed an existing one must have
     * @throws IllegalArgumentException if the file is not a map file of {@code identity} (the file untouched)
     * @throws IllegalStateException    if another map (in this or another process) has it open
     * @throws UncheckedIOException     if the file cannot be read, written or locked
     */
    public static MapFile openOrCreate(Path path, Identity identity, int log2Buckets, long seed, boolean seedRequired) {
        try {
            boolean created = false;
            if (!Files.exists(path)) {
                created = create(path, identity, log2Buckets, seed);
            }
            MapFile file = open(path, identity, created);
            if (seedRequired && file.seed() != seed) {
                file.close();
                throw new IllegalArgumentException(path + " holds a map with another hash seed than the builder's seed("
                        + seed + ")");
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the map file " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The map {@code make} builds over this file, or, if it throws, the file closed (its lock
     * dropped) and the failure rethrown.
     */
    public <M> M buildMap(java.util.function.Function<MapFile, M> make) {
        try {
            return make.apply(this);
        } catch (RuntimeException | Error e) {
            try {
                close();
            } catch (RuntimeException closeFailed) {
                e.addSuppressed(closeFailed);
            }
            throw e;
        }
    }

    /** Whether this call created the file. */
    public boolean created() {
        return created;
    }

    public Path path() {
        return path;
    }

    /** Writes a whole new file under a temporary name, then links it to {@code path}; false if someone else created it meanwhile. */
    private static boolean create(Path path, Identity id, int log2Buckets, long seed) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".creating");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE);
                 Arena arena = Arena.ofConfined()) {
                long overflow = Table.initialOverflowCapacity(log2Buckets);
                long tableBytes = ((1L << log2Buckets) + overflow) * id.format().bucketLength();
                long region = HEADER_LENGTH;
                MemorySegment h = ch.map(FileChannel.MapMode.READ_WRITE, 0, HEADER_LENGTH, arena);
                ch.map(FileChannel.MapMode.READ_WRITE, region, tableBytes, arena); // extends the file, zero-filled
                long regions = 1;
                long end = region + tableBytes;
                long store = 0;
                if (id.kind() == KIND_BYTES || id.kind() == KIND_CONCURRENT_BYTES) {
                    store = (end + REGION_ALIGNMENT - 1) & -REGION_ALIGNMENT;
                    MemorySegment directory = ch.map(FileChannel.MapMode.READ_WRITE, store,
                            KeyStoreDirectoryLayout.DIRECTORY_LENGTH, arena);
                    KeyStore.initDirectory(directory);
                    RawMemory.putLong(h, regionOffset(1), store | owner(0));
                    RawMemory.putLong(h, regionOffset(1) + Long.BYTES, KeyStoreDirectoryLayout.DIRECTORY_LENGTH);
                    regions = 2;
                    end = store + KeyStoreDirectoryLayout.DIRECTORY_LENGTH;
                }
                if (id.undoLength() > 0) {
                    long undo = (end + REGION_ALIGNMENT - 1) & -REGION_ALIGNMENT;
                    ch.map(FileChannel.MapMode.READ_WRITE, undo, id.undoLength(), arena);
                    RawMemory.putLong(h, regionOffset((int) regions), undo | OWNER_PERMANENT);
                    RawMemory.putLong(h, regionOffset((int) regions) + Long.BYTES, id.undoLength());
                    RawMemory.putLong(h, UNDO_REGION_OFFSET, undo);
                    RawMemory.putLong(h, UNDO_LENGTH_OFFSET, id.undoLength());
                    regions++;
                }
                RawMemory.putLong(h, VERSION_OFFSET, FORMAT_VERSION);
                RawMemory.putLong(h, KIND_OFFSET, id.kind());
                RawMemory.putLong(h, PADDING_OFFSET, id.padding());
                RawMemory.putLong(h, KEY_LENGTH_OFFSET, id.keyLength());
                RawMemory.putLong(h, VALUE_LENGTH_OFFSET, id.valueLength());
                RawMemory.putLong(h, SEED_OFFSET, seed);
                RawMemory.putLong(h, BUCKET_LENGTH_OFFSET, id.format().bucketLength());
                RawMemory.putLong(h, regionOffset(0), region | owner(0));
                RawMemory.putLong(h, regionOffset(0) + Long.BYTES, tableBytes);
                RawMemory.putLong(h, REGION_COUNT_OFFSET, regions);
                writeSlot(h, 0, region, log2Buckets, overflow);
                RawMemory.putLong(h, slotOffset(0) + SLOT_STORE_OFFSET, store);
                RawMemory.putLong(h, STATE_OFFSET, io.tophash.layout.MapFileHeaderLayout.state(0, 0, 0));
                RawMemory.putLong(h, MAGIC_OFFSET, MAGIC);
                ch.force(true);
            }
            try {
                Files.createLink(path, temp);
                return true;
            } catch (FileAlreadyExistsException lostTheRace) {
                return false;
            } catch (UnsupportedOperationException noHardLinks) {
                Files.move(temp, path);
                return true;
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static MapFile open(Path path, Identity id, boolean created) throws IOException {
        // Checked before a channel is opened: closing any channel of a file drops the process's
        // fcntl lock on it, even one another channel (another map) holds.
        Object fileKey = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        Object openKey = fileKey != null ? fileKey : path.toRealPath();
        if (!OPEN_IN_THIS_JVM.add(openKey)) {
            throw new IllegalStateException(path + " is open in another map (this or another process)");
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException | RuntimeException e) {
            OPEN_IN_THIS_JVM.remove(openKey);
            throw e;
        }
        Arena arena = null;
        try {
            long size = ch.size();
            if (size < HEADER_LENGTH) {
                throw new IllegalArgumentException(path + " is not a tophash map file (" + size + " bytes, shorter than a header)");
            }
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException sameJvm) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException(path + " is open in another map (this or another process)");
            }
            arena = Arena.ofShared();
            MemorySegment h = ch.map(FileChannel.MapMode.READ_WRITE, 0, HEADER_LENGTH, arena);
            check(path, h, id, size);
            return new MapFile(path, ch, lock, arena, h, created, openKey);
        } catch (RuntimeException | IOException | Error e) {
            if (arena != null) {
                arena.close();
            }
            ch.close(); // drops the lock too
            OPEN_IN_THIS_JVM.remove(openKey);
            throw e;
        }
    }

    /** Refuses, before anything is written, a file that is not a map file of {@code id}. */
    private static void check(Path path, MemorySegment h, Identity id, long fileSize) {
        if (RawMemory.getLong(h, MAGIC_OFFSET) != MAGIC) {
            throw new IllegalArgumentException(path + " is not a tophash map file (no magic number)");
        }
        long version = RawMemory.getLong(h, VERSION_OFFSET);
        if (version > FORMAT_VERSION || version < 1) {
            throw new IllegalArgumentException(path + " has map file format " + version + "; this library reads format "
                    + FORMAT_VERSION + (version > FORMAT_VERSION ? " (the file was written by a newer tophash)" : ""));
        }
        long kind = RawMemory.getLong(h, KIND_OFFSET);
        if (kind != id.kind()) {
            throw new IllegalArgumentException(path + " holds a " + kindName(kind) + ", not a " + id.kindName());
        }
        long keyLength = RawMemory.getLong(h, KEY_LENGTH_OFFSET);
        long valueLength = RawMemory.getLong(h, VALUE_LENGTH_OFFSET);
        if (keyLength != id.keyLength() || valueLength != id.valueLength()) {
            throw new IllegalArgumentException(path + " holds " + entries(keyLength, valueLength) + ", not "
                    + entries(id.keyLength(), id.valueLength()));
        }
        long padding = RawMemory.getLong(h, PADDING_OFFSET);
        long bucket = RawMemory.getLong(h, BUCKET_LENGTH_OFFSET);
        if (padding != id.padding() || bucket != id.format().bucketLength()) {
            throw new IllegalArgumentException(path + " holds a map of another bucket layout (padding code " + padding
                    + ", " + bucket + "-byte buckets) than the builder's " + id.paddingName() + " ("
                    + id.format().bucketLength() + "-byte buckets)");
        }
        long undo = RawMemory.getLong(h, UNDO_LENGTH_OFFSET);
        if (undo != id.undoLength()) {
            throw new IllegalArgumentException(path + " is damaged: an undo region of " + undo + " bytes, not "
                    + id.undoLength());
        }
        long regions = RawMemory.getLong(h, REGION_COUNT_OFFSET);
        if (regions < 1 || regions > MAX_REGIONS) {
            throw new IllegalArgumentException(path + " is damaged: " + regions + " regions");
        }
        for (int i = 0; i < regions; i++) {
            long offset = RawMemory.getLong(h, regionOffset(i)) & ~OWNER_MASK;
            long length = RawMemory.getLong(h, regionOffset(i) + Long.BYTES);
            if (offset < HEADER_LENGTH || length <= 0 || offset + length > fileSize) {
                throw new IllegalArgumentException(path + " is damaged: region " + i + " [" + offset + ", +" + length
                        + ") is outside its " + fileSize + " bytes");
            }
        }
    }

    /** Keys and values as a header's lengths say: 0 for any length. */
    private static String entries(long keyLength, long valueLength) {
        return (keyLength == 0 ? "keys of any length" : "keys of " + keyLength + " bytes") + " and "
                + (valueLength == 0 ? "values of any length" : "values of " + valueLength + " bytes");
    }

    static String kindName(long kind) {
        return kind == KIND_LONG_LONG ? "LongLongMap" : kind == KIND_CONCURRENT_LONG_LONG ? "ConcurrentLongLongMap"
                : kind == KIND_BYTES ? "BytesMap" : kind == KIND_CONCURRENT_BYTES ? "ConcurrentBytesMap"
                : "map of unknown kind " + kind;
    }

    private static void writeSlot(MemorySegment h, int slot, long region, int log2Buckets, long overflowCapacity) {
        long s = slotOffset(slot);
        RawMemory.putLong(h, s + SLOT_REGION_OFFSET, region);
        RawMemory.putLong(h, s + SLOT_LOG2_OFFSET, log2Buckets);
        RawMemory.putLong(h, s + SLOT_CAPACITY_OFFSET, overflowCapacity);
        RawMemory.putLong(h, s + SLOT_TAKEN_OFFSET, 0);
        RawMemory.putLong(h, s + SLOT_STORE_OFFSET, 0);
    }

    // ------------------------------------------------------------------------------ header

    public long seed() {
        return RawMemory.getLong(header, SEED_OFFSET);
    }

    public long state() {
        return RawMemory.getLong(header, STATE_OFFSET);
    }

    /** Publishes a new state word: earlier stores (the slot it names, the table's contents) cannot move after it. */
    void publishState(long state) {
        RawMemory.setLongRelease(header, STATE_OFFSET, state);
    }

    public long size() {
        return RawMemory.getLong(header, SIZE_OFFSET);
    }

    void size(long size) {
        RawMemory.putLong(header, SIZE_OFFSET, size);
    }

    long done() {
        return RawMemory.getLong(header, DONE_OFFSET);
    }

    void done(long done) {
        RawMemory.putLong(header, DONE_OFFSET, done);
    }

    long shrinkNeed() {
        return RawMemory.getLong(header, SHRINK_NEED_OFFSET);
    }

    long slotRegion(int slot) {
        return RawMemory.getLong(header, slotOffset(slot) + SLOT_REGION_OFFSET);
    }

    int slotLog2(int slot) {
        return (int) RawMemory.getLong(header, slotOffset(slot) + SLOT_LOG2_OFFSET);
    }

    long slotCapacity(int slot) {
        return RawMemory.getLong(header, slotOffset(slot) + SLOT_CAPACITY_OFFSET);
    }

    long slotTaken(int slot) {
        return RawMemory.getLong(header, slotOffset(slot) + SLOT_TAKEN_OFFSET);
    }

    /** The file offset of slot {@code slot}'s key store directory, 0 if none. */
    public long slotStore(int slot) {
        return RawMemory.getLong(header, slotOffset(slot) + SLOT_STORE_OFFSET);
    }

    /**
     * Names {@code directory} (a region of this file) as the key store directory of slot
     * {@code slot}, a slot the state word does not name, for a state word published after it.
     */
    public void installStore(int slot, MemorySegment directory) {
        Mapped m = mapped.get(directory.address());
        if (m == null) {
            throw new IllegalStateException("the store directory is not a region of " + path);
        }
        RawMemory.putLong(header, slotOffset(slot) + SLOT_STORE_OFFSET, m.fileOffset);
    }

    /**
     * Regions allocated from now on belong to table slot {@code slot}'s generation. For a slot the
     * state word does not name (a growth's or a clear's next table), the regions a dead generation
     * of that slot left are disowned first, so that only what this reservation allocates becomes
     * live with the slot.
     */
    synchronized void reserveFor(int slot) {
        long st = state();
        boolean live = slot == currentSlot(st) || growthKind(st) != 0 && slot == oldSlot(st);
        if (!live) {
            long regions = RawMemory.getLong(header, REGION_COUNT_OFFSET);
            for (int i = 0; i < regions; i++) {
                long word = RawMemory.getLong(header, regionOffset(i));
                if ((word & OWNER_MASK) == owner(slot)) {
                    RawMemory.putLong(header, regionOffset(i), word & ~OWNER_MASK);
                }
            }
        }
        allocationSlot = slot;
    }

    /** The file offset of region {@code segment}, a region of this file mapped now. */
    synchronized long fileOffsetOf(MemorySegment segment) {
        Mapped m = mapped.get(segment.address());
        if (m == null) {
            throw new IllegalStateException("not a region mapped from " + path);
        }
        return m.fileOffset;
    }

    /**
     * Maps the region at {@code offset}, at least {@code bytes} long, as the file holds it (a key
     * store's directory or chunk, for a reopen).
     *
     * @throws IllegalArgumentException if no region of the region table starts there and holds that many bytes
     */
    MemorySegment mapRegion(long offset, long bytes) {
        if (bytes <= 0 || !inRegionTable(offset, bytes)) {
            throw new IllegalArgumentException(path + " is damaged: no region of " + bytes + " bytes at " + offset);
        }
        return map(offset, bytes);
    }

    /** The undo region (a replaced fixed-size value's old bytes), mapped on first use; null when the file has none. */
    public MemorySegment undoRegion() {
        if (undo == null) {
            long length = RawMemory.getLong(header, UNDO_LENGTH_OFFSET);
            if (length > 0) {
                undo = mapRegion(RawMemory.getLong(header, UNDO_REGION_OFFSET), length);
            }
        }
        return undo;
    }

    /** Where table slot {@code slot} keeps its overflow count, for {@link Table#persistOverflowCount}. */
    long slotTakenOffset(int slot) {
        return slotOffset(slot) + SLOT_TAKEN_OFFSET;
    }


    /**
     * Writes table {@code t} (a region of this file) into slot {@code slot}, a slot the state word
     * does not name, for a state word published after it, and keeps the table's overflow count
     * there from now on. Writes nothing a growth named by the current state word reads.
     */
    void installSlot(int slot, Table t) {
        Mapped m = mapped.get(t.segment.address());
        if (m == null) {
            throw new IllegalStateException("the table is not a region of " + path);
        }
        writeSlot(header, slot, m.fileOffset, t.log2Buckets, t.overflowCapacity);
        t.persistOverflowCount(header, slotTakenOffset(slot));
    }

    /**
     * The fields a growth resumes from, for a growth a state word published after them will
     * start; only while the current state word names no growth (they are that growth's).
     */
    void resetGrowthFields(long shrinkNeed) {
        RawMemory.putLong(header, EVACUATING_OFFSET, 0); // a record of an earlier growth is never read against this one
        RawMemory.putLong(header, DONE_OFFSET, 0);
        RawMemory.putLong(header, SHRINK_NEED_OFFSET, shrinkNeed);
    }

    /** Records the write in progress; the stores of the write that follow cannot move before it. */
    void beginOp(long op, long key, long sizeBefore) {
        RawMemory.putLong(header, OP_REF_OFFSET, 0);
        RawMemory.putLong(header, OP_KEY_OFFSET, key);
        RawMemory.putLong(header, OP_SIZE_OFFSET, sizeBefore);
        RawMemory.putLong(header, OP_STATE_OFFSET, state());
        RawMemory.setLongRelease(header, OP_OFFSET, op);
        VarHandle.releaseFence();
    }

    /**
     * Records the slot the write in progress changes: slot ref {@code ref} of the table in table
     * slot {@code tableSlot}; the stores into that slot that follow cannot move before it.
     */
    void recordSlot(int tableSlot, long ref) {
        RawMemory.putLong(header, OP_TABLE_OFFSET, tableSlot);
        RawMemory.setLongRelease(header, OP_REF_OFFSET, ref + 1);
        VarHandle.releaseFence();
    }

    /**
     * Records a replacement of the value in slot {@code ref} of the table in table slot
     * {@code tableSlot}, with the value region's two words as they are ({@code undo0},
     * {@code undo1}); a fixed-size value's old bytes go to the undo region first. The stores of
     * the replacement that follow cannot move before it.
     */
    void beginReplace(int tableSlot, long ref, long undo0, long undo1, long sizeBefore) {
        RawMemory.putLong(header, UNDO_0_OFFSET, undo0);
        RawMemory.putLong(header, UNDO_1_OFFSET, undo1);
        RawMemory.putLong(header, OP_SIZE_OFFSET, sizeBefore);
        RawMemory.putLong(header, OP_TABLE_OFFSET, tableSlot);
        RawMemory.putLong(header, OP_REF_OFFSET, ref + 1);
        RawMemory.setLongRelease(header, OP_OFFSET, OP_REPLACE);
        VarHandle.releaseFence();
    }

    /** The slot ref the write in progress recorded, or -1 if none yet. */
    long opRef() {
        return RawMemory.getLong(header, OP_REF_OFFSET) - 1;
    }

    /** The table slot of {@link #opRef()}'s table. */
    int opTable() {
        return (int) RawMemory.getLong(header, OP_TABLE_OFFSET);
    }

    public long undo0() {
        return RawMemory.getLong(header, UNDO_0_OFFSET);
    }

    public long undo1() {
        return RawMemory.getLong(header, UNDO_1_OFFSET);
    }

    /**
     * The write in progress is done (its stores, the size included, come first; the next write's
     * stores, an undo copy or the next record's fields, come after).
     */
    void endOp() {
        RawMemory.setLongRelease(header, OP_OFFSET, 0);
        VarHandle.releaseFence();
    }

    long op() {
        return RawMemory.getLong(header, OP_OFFSET);
    }

    long opKey() {
        return RawMemory.getLong(header, OP_KEY_OFFSET);
    }

    long opSize() {
        return RawMemory.getLong(header, OP_SIZE_OFFSET);
    }

    long opState() {
        return RawMemory.getLong(header, OP_STATE_OFFSET);
    }

    /** Records that unit {@code unit} is being evacuated, {@code doneBefore} units before it; its copies cannot move before this. */
    void beginEvacuation(long unit, long doneBefore, long storeTopBefore, long overflowTakenBefore) {
        RawMemory.putLong(header, EVACUATING_DONE_OFFSET, doneBefore);
        RawMemory.putLong(header, EVACUATING_TOP_OFFSET, storeTopBefore);
        RawMemory.putLong(header, EVACUATING_OVERFLOW_OFFSET, overflowTakenBefore + 1);
        RawMemory.setLongRelease(header, EVACUATING_OFFSET, unit + 1);
        VarHandle.releaseFence();
    }

    /** The evacuation recorded is done: its mark and the done count come first, the next record's fields after. */
    void endEvacuation() {
        RawMemory.setLongRelease(header, EVACUATING_OFFSET, 0);
        VarHandle.releaseFence();
    }

    /** The unit being evacuated when the file was last written, or -1. */
    long evacuating() {
        return RawMemory.getLong(header, EVACUATING_OFFSET) - 1;
    }

    long evacuatingDoneBefore() {
        return RawMemory.getLong(header, EVACUATING_DONE_OFFSET);
    }

    /** The next table's overflow buckets taken when the evacuation in progress began, or -1 if not recorded. */
    long evacuatingOverflow() {
        return RawMemory.getLong(header, EVACUATING_OVERFLOW_OFFSET) - 1;
    }

    /** The next key store's evacuation fill mark when the recorded evacuation began. */
    long evacuatingStoreTop() {
        return RawMemory.getLong(header, EVACUATING_TOP_OFFSET);
    }

    /**
     * Maps the table of slot {@code slot} as it is in the file, for a reopen; its overflow count is
     * kept in the slot from now on.
     */
    Table mapSlot(int slot, BucketFormat format, MapMemory memory, boolean atomicLinks) {
        long region = slotRegion(slot);
        int log2 = slotLog2(slot);
        long capacity = slotCapacity(slot);
        long bytes = log2 < 0 || log2 > Table.MAX_LOG2_BUCKETS || capacity < 0 || capacity > 1L << 32 ? -1
                : ((1L << log2) + capacity) * format.bucketLength();
        if (bytes <= 0 || !inRegionTable(region, bytes)) {
            // checked before mapping: a read-write mapping past the end would extend the file
            throw new IllegalArgumentException(path + " is damaged: table slot " + slot + " (2^" + log2 + " buckets, "
                    + capacity + " overflow) at " + region + " is not inside one of its regions");
        }
        MemorySegment segment = map(region, bytes);
        memory.adopt(segment);
        Table t = Table.adopt(format, segment, log2, capacity, slotTaken(slot), atomicLinks);
        t.persistOverflowCount(header, slotTakenOffset(slot));
        return t;
    }

    /** Whether {@code [offset, offset + bytes)} starts a region of the region table and fits in it. */
    private boolean inRegionTable(long offset, long bytes) {
        long regions = RawMemory.getLong(header, REGION_COUNT_OFFSET);
        for (int i = 0; i < regions; i++) {
            if ((RawMemory.getLong(header, regionOffset(i)) & ~OWNER_MASK) == offset
                    && RawMemory.getLong(header, regionOffset(i) + Long.BYTES) >= bytes) {
                return true;
            }
        }
        return false;
    }

    // --------------------------------------------------------------------------- allocator

    /**
     * A zero-filled region of the file: a dead region (named by no table slot of {@code state()}
     * and not mapped now) of at least {@code byteSize} bytes, zeroed, else a new one past the end.
     */
    @Override
    public synchronized MemorySegment allocate(long byteSize, long byteAlignment) {
        if (byteSize <= 0 || Long.bitCount(byteAlignment) != 1 || byteAlignment > REGION_ALIGNMENT) {
            throw new IllegalArgumentException("region of " + byteSize + " bytes aligned to " + byteAlignment);
        }
        long st = state();
        long regions = RawMemory.getLong(header, REGION_COUNT_OFFSET);
        int best = -1;
        long bestLength = Long.MAX_VALUE;
        for (int i = 0; i < regions; i++) {
            long word = RawMemory.getLong(header, regionOffset(i));
            long length = RawMemory.getLong(header, regionOffset(i) + Long.BYTES);
            if (length >= byteSize && length < bestLength && !live(st, word) && !isMapped(word & ~OWNER_MASK)) {
                best = i;
                bestLength = length;
            }
        }
        long owner = owner(allocationSlot);
        try {
            if (best >= 0) {
                long offset = RawMemory.getLong(header, regionOffset(best)) & ~OWNER_MASK;
                MemorySegment s = map(offset, byteSize);
                s.fill((byte) 0);
                // owned only once zeroed: a crash before leaves it dead, not a live region of old bytes
                VarHandle.releaseFence();
                RawMemory.putLong(header, regionOffset(best), offset | owner);
                return s;
            }
            if (regions == MAX_REGIONS) {
                throw new OutOfMemoryError(path + " has no dead region of " + byteSize + " bytes and its region table is full ("
                        + MAX_REGIONS + ")");
            }
            long offset = (channel.size() + REGION_ALIGNMENT - 1) & -REGION_ALIGNMENT;
            MemorySegment s = map(offset, byteSize); // extends the file; the new bytes read as zero
            RawMemory.putLong(header, regionOffset((int) regions), offset | owner);
            RawMemory.putLong(header, regionOffset((int) regions) + Long.BYTES, byteSize);
            RawMemory.setLongRelease(header, REGION_COUNT_OFFSET, regions + 1);
            return s;
        } catch (IOException | UncheckedIOException e) {
            OutOfMemoryError error = new OutOfMemoryError("cannot extend " + path + ": " + e.getMessage());
            error.initCause(e);
            throw error;
        }
    }

    /** Whether the region whose offset word is {@code word} belongs to a generation state word {@code st} names. */
    private static boolean live(long st, long word) {
        long owner = word & OWNER_MASK;
        return owner == OWNER_PERMANENT || owner == owner(currentSlot(st))
                || growthKind(st) != 0 && owner == owner(oldSlot(st));
    }

    private boolean isMapped(long offset) {
        for (Mapped m : mapped.values()) {
            if (m.fileOffset == offset) {
                return true;
            }
        }
        return false;
    }

    private MemorySegment map(long offset, long bytes) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment s = channel.map(FileChannel.MapMode.READ_WRITE, offset, bytes, arena);
            synchronized (this) {
                mapped.put(s.address(), new Mapped(offset, bytes, arena, s));
                bytesInUse += bytes;
            }
            return s;
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    @Override
    public synchronized void release(MemorySegment segment) {
        Mapped m = mapped.get(segment.address());
        if (m == null) {
            throw new IllegalArgumentException("not a region mapped from " + path);
        }
        m.arena.close();
        mapped.remove(segment.address());
        bytesInUse -= m.length;
    }

    @Override
    public synchronized long bytesInUse() {
        return bytesInUse;
    }

    @Override
    public String name() {
        return "file";
    }

    /** Flushes every mapped region and the header to the storage device ({@code msync}). */
    public synchronized void force() {
        forces++;
        for (Mapped m : mapped.values()) {
            m.segment.force();
        }
        header.force();
    }

    /** {@link #force} calls so far, for tests of a sync policy. */
    public synchronized long forces() {
        return forces;
    }

    /** Unmaps the header and whatever else is still mapped (the undo region), and closes the file, dropping its lock. Call after the map's memory is released. */
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (Mapped m : mapped.values()) {
                m.arena.close(); // what the map's ledger does not hold: the undo region
            }
            mapped.clear();
            undo = null;
            headerArena.close();
        } finally {
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                OPEN_IN_THIS_JVM.remove(openKey);
            }
        }
    }
}
