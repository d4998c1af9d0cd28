package io.tophash.engine;

import io.tophash.layout.KeyStoreDirectoryLayout;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

import static io.tophash.layout.KeyStoreDirectoryLayout.*;

/**
 * Off-heap storage for the keys, and the values of a map with values of any length, too long to
 * sit in their slot, one store per table generation.
 *
 * <p>Implementation notes. Each key or value lives in a block of its size class: its length
 * rounded up to 8 bytes up to 256, then to one of 8 classes per power of two (a block at most
 * 12.5% longer than what it holds). Blocks are cut from chunks taken from the map's
 * {@link MapMemory} (16 KiB or more for a map sized for many entries, or a sixteenth of the store
 * so far, up to 4 MiB and past 2 MiB in whole huge pages, so that the part not yet cut stays a
 * small share of the store); a
 * block of {@value #OWN_CHUNK} bytes or more gets a chunk of its own, so that a large value does
 * not leave the rest of a shared chunk unused. A removed block goes on a free
 * list of its size class and is reused by the next block of that class; the list is threaded through
 * the free blocks' first words, so it costs no memory of its own. Space that only another size
 * class could use is given back by compaction: a growth (the map starts a same-size one when
 * fragmentation is high) gives the next table a fresh store and evacuation copies each stored key
 * into one region of that store reserved, exactly as large as the live keys, when the growth
 * starts ({@link #reserveForEvacuation}), so evacuation still allocates nothing. The old store is
 * given back with the old table.
 *
 * <p>A locator names a block: chunk index in the high 24 bits, byte offset in the chunk in the
 * low 40.
 *
 * <p>In a map file the chunks are regions of the file and the store writes its state through to
 * a directory region ({@link KeyStoreDirectoryLayout}) on every change, so that a reopen
 * ({@link #adopt}) goes on with it. Each change writes the block before the state that hands it
 * out is published, so a crash can leak a block (taken and never published; the next compaction
 * gives it back) but never hand out one that is in use.
 *
 * <p>Threading: the owner's; the single-writer map's writer, or the concurrent map's lock holder
 * for the allocation calls. Reads ({@link #matches}, {@link #view}) only read.
 */
public final class KeyStore {

    static final long FIRST_CHUNK = 16 * 1024;
    static final long MAX_CHUNK = 4 * 1024 * 1024;
    /**
     * Chunks past this size are cut to a multiple of it: the common huge page, so that a chunk from
     * an allocator that asks for huge pages is made of whole ones.
     */
    static final long HUGE_PAGE_MULTIPLE = 2 * 1024 * 1024;
    /** Blocks at least this long get a chunk of their own. */
    static final long OWN_CHUNK = 128 * 1024;
    /** Blocks up to this long come in 8-byte steps; longer ones in 8 classes per power of two. */
    private static final long FINE_LIMIT = 256;
    private static final int FINE_CLASSES = (int) (FINE_LIMIT >>> 3) + 1;
    private static final int OFFSET_BITS = 40;
    private static final long OFFSET_MASK = (1L << OFFSET_BITS) - 1;
    private static final long NO_BLOCK = -1;

    private final MapMemory memory;
    /** The smallest chunk blocks are cut from. */
    private final long firstChunk;
    /** Blocks at least this long get a chunk of their own. */
    private final long ownChunk;
    /** In a map file: the directory the store's state is written through to; else null. */
    private final MemorySegment directory;
    private MemorySegment[] chunks = new MemorySegment[4];
    private int chunkCount;
    /** The chunk blocks are cut from, and where its free space starts; -1 when none yet. */
    private int bumpChunk = -1;
    private long bumpTop;
    /** The chunk evacuation copies into, and where its free space starts; -1 when none. */
    private int evacuationChunk = -1;
    private long evacuationTop;
    /** Free list heads by size class ({@link #sizeClass}). */
    private long[] freeHeads;
    private long liveBytes;
    private long freeBytes;
    private long reservedBytes;
    /** Set while a concurrent map's growth moves this store's keys out: no new key may come in. */
    private boolean sealed;

    /** A store for keys and values of up to {@code maxLength} bytes. Allocates nothing until the first one. */
    public KeyStore(MapMemory memory, int maxLength) {
        this(memory, maxLength, 0);
    }

    /**
     * A store for keys and values of up to {@code maxLength} bytes beside a table sized for
     * {@code expectedEntries}: its chunks start at a sixteenth of 32 bytes an entry (within
     * {@value #FIRST_CHUNK} and {@value #MAX_CHUNK} bytes), so that a map sized for many entries
     * does not fill its first megabytes in small chunks. Allocates nothing until the first one.
     */
    public KeyStore(MapMemory memory, int maxLength, long expectedEntries) {
        this(memory, maxLength, Math.min(MAX_CHUNK, Math.max(FIRST_CHUNK, expectedEntries * 2)) & -FIRST_CHUNK, OWN_CHUNK,
                null);
    }

    private KeyStore(MapMemory memory, int maxLength, long firstChunk, long ownChunk, MemorySegment directory) {
        this.firstChunk = firstChunk;
        this.ownChunk = ownChunk;
        this.memory = memory;
        this.directory = directory;
        this.freeHeads = new long[sizeClass(blockLength(maxLength)) + 1];
        Arrays.fill(freeHeads, NO_BLOCK);
    }

    /**
     * A store in a map file, for keys and values of up to {@code maxLength} bytes: its directory is
     * a region of the file allocated now (from {@code memory}, whose allocator is the file), its
     * chunks regions allocated as needed, whole regions of the file (64 KiB or more), and blocks of
     * up to the largest chunk are cut from shared chunks, so that a store takes few regions.
     *
     * @throws OutOfMemoryError if the directory cannot be allocated (nothing changed)
     */
    public static KeyStore inFile(MapMemory memory, int maxLength) {
        MemorySegment directory = memory.allocate(DIRECTORY_LENGTH, Long.BYTES);
        KeyStore store = new KeyStore(memory, maxLength, MapFile.REGION_ALIGNMENT, MAX_CHUNK, directory);
        initDirectory(directory);
        return store;
    }

    /** Writes an empty store's directory into {@code directory}, a zeroed region. */
    static void initDirectory(MemorySegment directory) {
        RawMemory.putLong(directory, BUMP_CHUNK_OFFSET, -1);
        RawMemory.putLong(directory, EVACUATION_CHUNK_OFFSET, -1);
        for (int c = 0; c < MAX_SIZE_CLASSES; c++) {
            RawMemory.putLong(directory, freeHeadOffset(c), NO_BLOCK);
        }
    }

    /**
     * The store of a reopened map file whose directory is the region at {@code directoryOffset}:
     * maps the directory and every chunk it names, as the file holds them.
     *
     * @throws IllegalArgumentException if the directory names a chunk that is not a region of the file
     */
    public static KeyStore adopt(MapMemory memory, int maxLength, MapFile file, long directoryOffset) {
        MemorySegment directory = file.mapRegion(directoryOffset, DIRECTORY_LENGTH);
        memory.adopt(directory);
        KeyStore store = new KeyStore(memory, maxLength, MapFile.REGION_ALIGNMENT, MAX_CHUNK, directory);
        long count = RawMemory.getLong(directory, CHUNK_COUNT_OFFSET);
        if (count < 0 || count > MAX_CHUNKS) {
            throw new IllegalArgumentException(file.path() + " is damaged: a key store of " + count + " chunks");
        }
        store.chunks = new MemorySegment[Math.max(4, (int) count)];
        for (int i = 0; i < count; i++) {
            MemorySegment chunk = file.mapRegion(RawMemory.getLong(directory, chunkOffset(i)),
                    RawMemory.getLong(directory, chunkOffset(i) + Long.BYTES));
            memory.adopt(chunk);
            store.chunks[i] = chunk;
            store.chunkCount++;
        }
        store.bumpChunk = (int) RawMemory.getLong(directory, BUMP_CHUNK_OFFSET);
        store.bumpTop = RawMemory.getLong(directory, BUMP_TOP_OFFSET);
        store.evacuationChunk = (int) RawMemory.getLong(directory, EVACUATION_CHUNK_OFFSET);
        store.evacuationTop = RawMemory.getLong(directory, EVACUATION_TOP_OFFSET);
        store.liveBytes = RawMemory.getLong(directory, LIVE_BYTES_OFFSET);
        store.freeBytes = RawMemory.getLong(directory, FREE_BYTES_OFFSET);
        store.reservedBytes = RawMemory.getLong(directory, RESERVED_BYTES_OFFSET);
        if (store.bumpChunk >= count || store.evacuationChunk >= count) {
            throw new IllegalArgumentException(file.path() + " is damaged: a key store's fill marks name no chunk");
        }
        for (int c = 0; c < store.freeHeads.length; c++) {
            store.freeHeads[c] = RawMemory.getLong(directory, freeHeadOffset(c));
        }
        return store;
    }

    /** In a map file: the directory region, else null. */
    public MemorySegment directory() {
        return directory;
    }

    /** Bytes a key or value of {@code length} bytes occupies: its size class's block length. */
    public static long blockLength(int length) {
        long block = (length + 7L) & -8L;
        if (block <= FINE_LIMIT) {
            return block;
        }
        long step = Long.highestOneBit(block - 1) >>> 3;
        return (block + step - 1) & -step;
    }

    /** The size class of a block length {@link #blockLength} returned. */
    static int sizeClass(long block) {
        if (block <= FINE_LIMIT) {
            return (int) (block >>> 3);
        }
        int log2 = 63 - Long.numberOfLeadingZeros(block - 1); // 2^log2 < block <= 2^(log2 + 1)
        int step = (int) ((block - (1L << log2)) >>> (log2 - 3)); // 1..8
        return FINE_CLASSES + (log2 - 8) * 8 + step - 1;
    }

    /**
     * A block for a key or value of {@code length} bytes (at least 16: shorter ones are inline);
     * returns its locator. The caller writes the bytes with {@link #write}.
     *
     * @throws OutOfMemoryError if a new chunk is needed and the allocator refuses (nothing changed)
     */
    public long allocate(int length) {
        long block = blockLength(length);
        int sizeClass = sizeClass(block);
        long head = freeHeads[sizeClass];
        if (head != NO_BLOCK) {
            freeHeads[sizeClass] = RawMemory.getLong(chunkOf(head), offsetOf(head));
            freeBytes -= block;
            liveBytes += block;
            if (directory != null) {
                RawMemory.putLong(directory, freeHeadOffset(sizeClass), freeHeads[sizeClass]);
                writeCounts();
                VarHandle.releaseFence(); // the head moves on before the caller's bytes overwrite the block's link
            }
            return head;
        }
        if (block >= ownChunk) {
            long locator = locator(addChunk(block), 0);
            liveBytes += block;
            if (directory != null) {
                writeCounts();
            }
            return locator;
        }
        boolean newBumpChunk = bumpChunk < 0 || bumpTop + block > chunks[bumpChunk].byteSize();
        if (newBumpChunk) {
            long size = Math.min(MAX_CHUNK, Math.max(firstChunk, reservedBytes / 16));
            if (size >= HUGE_PAGE_MULTIPLE) {
                size &= -HUGE_PAGE_MULTIPLE;
            }
            size = Math.max(block, size);
            bumpChunk = addChunk(size);
            bumpTop = 0;
        }
        long locator = locator(bumpChunk, bumpTop);
        bumpTop += block;
        liveBytes += block;
        if (directory != null) {
            if (newBumpChunk) {
                // the chunk count before the bump chunk that names it, and the chunk before its
                // top: a top paired with the chunk before would hand out that chunk's live blocks
                VarHandle.releaseFence();
            }
            RawMemory.putLong(directory, BUMP_CHUNK_OFFSET, bumpChunk);
            if (newBumpChunk) {
                VarHandle.releaseFence();
            }
            RawMemory.putLong(directory, BUMP_TOP_OFFSET, bumpTop);
            writeCounts();
        }
        return locator;
    }

    /** Writes the byte counts through to the directory. */
    private void writeCounts() {
        RawMemory.putLong(directory, LIVE_BYTES_OFFSET, liveBytes);
        RawMemory.putLong(directory, FREE_BYTES_OFFSET, freeBytes);
        RawMemory.putLong(directory, RESERVED_BYTES_OFFSET, reservedBytes);
    }

    /** Reserves a chunk and records it; returns its index. @throws OutOfMemoryError (nothing changed) */
    private int addChunk(long size) {
        if (directory != null && chunkCount == MAX_CHUNKS) {
            throw new OutOfMemoryError("a key store in a map file holds at most " + MAX_CHUNKS + " chunks");
        }
        if (chunkCount == chunks.length) {
            chunks = Arrays.copyOf(chunks, chunkCount * 2);
        }
        MemorySegment chunk = memory.allocate(size, Long.BYTES);
        chunks[chunkCount] = chunk;
        reservedBytes += chunk.byteSize();
        if (directory != null) {
            RawMemory.putLong(directory, chunkOffset(chunkCount), memory.fileOffsetOf(chunk));
            RawMemory.putLong(directory, chunkOffset(chunkCount) + Long.BYTES, chunk.byteSize());
            // after the chunk's entry and its region's publication: a reopen never finds a chunk the
            // region table does not hold
            RawMemory.setLongRelease(directory, CHUNK_COUNT_OFFSET, chunkCount + 1);
            writeCounts();
        }
        return chunkCount++;
    }

    /**
     * Closes the store to new keys: a concurrent map's growth is about to size the next store's
     * evacuation region from {@link #liveBytes()}, which from now on can only fall. The owner's
     * allocation lock (this store's monitor, in a concurrent map) is held.
     */
    public void seal() {
        sealed = true;
    }

    /** Opens a {@link #seal sealed} store again: the growth that sealed it could not start. */
    public void unseal() {
        sealed = false;
    }

    /** Whether {@link #seal} closed the store to new keys. */
    public boolean sealed() {
        return sealed;
    }

    /** Puts the block of a removed key or value of {@code length} bytes on its size class's free list. */
    public void free(long locator, int length) {
        long block = blockLength(length);
        int sizeClass = sizeClass(block);
        RawMemory.putLong(chunkOf(locator), offsetOf(locator), freeHeads[sizeClass]);
        freeHeads[sizeClass] = locator;
        liveBytes -= block;
        freeBytes += block;
        if (directory != null) {
            VarHandle.releaseFence(); // the block's link before the head that names it
            RawMemory.putLong(directory, freeHeadOffset(sizeClass), locator);
            writeCounts();
        }
    }

    /** Copies {@code length} bytes of {@code key} (or a value) at {@code offset} into the block at {@code locator}. */
    public void write(long locator, MemorySegment key, long offset, int length) {
        MemorySegment.copy(key, offset, chunkOf(locator), offsetOf(locator), length);
    }

    /** Whether the block at {@code locator} holds the {@code length} bytes of {@code key} at {@code offset}. */
    public boolean matches(long locator, MemorySegment key, long offset, int length) {
        long at = offsetOf(locator);
        return MemorySegment.mismatch(chunkOf(locator), at, at + length, key, offset, offset + length) < 0;
    }

    /** A view of the {@code length} key bytes at {@code locator}, valid while the block is. */
    public MemorySegment view(long locator, int length) {
        return chunkOf(locator).asSlice(offsetOf(locator), length);
    }

    /** The chunk holding the block at {@code locator}. */
    public MemorySegment chunk(long locator) {
        return chunkOf(locator);
    }

    /** Where the block at {@code locator} starts in its {@link #chunk}. */
    public static long offset(long locator) {
        return offsetOf(locator);
    }

    /** Copies the {@code length} bytes at {@code locator} to {@code target} at {@code at}. */
    public void copyOut(long locator, MemorySegment target, long at, int length) {
        MemorySegment.copy(chunkOf(locator), offsetOf(locator), target, at, length);
    }

    /** Copies the {@code length} bytes at {@code locator} to {@code target} from index 0. */
    public void copyOut(long locator, byte[] target, int length) {
        MemorySegment.copy(chunkOf(locator), java.lang.foreign.ValueLayout.JAVA_BYTE, offsetOf(locator), target, 0, length);
    }

    /** The 8 bytes at {@code at} in the block at {@code locator}, in the platform's byte order. */
    public long getLongNativeOrder(long locator, long at) {
        return RawMemory.getLongNativeOrder(chunkOf(locator), offsetOf(locator) + at);
    }

    /**
     * Reserves the region evacuation copies the keys of the previous store into: {@code bytes}, the
     * previous store's {@link #liveBytes()} when its growth starts. Call on a fresh store.
     *
     * @throws OutOfMemoryError if the allocator refuses (nothing changed)
     */
    public void reserveForEvacuation(long bytes) {
        if (bytes > 0) {
            evacuationChunk = addChunk(bytes);
            evacuationTop = 0;
            if (directory != null) {
                RawMemory.putLong(directory, EVACUATION_CHUNK_OFFSET, evacuationChunk);
                RawMemory.putLong(directory, EVACUATION_TOP_OFFSET, 0);
            }
        }
    }

    /** Where the evacuation region's free space starts: the mark a map file's evacuation record keeps. */
    public long evacuationMark() {
        return evacuationTop;
    }

    /**
     * Moves the evacuation region's free space back to {@code mark}: an evacuation a crash
     * interrupted is redone, and what it copied is copied again. The live count keeps the copies
     * (an overcount, which only sizes a later compaction's region generously).
     */
    public void rewindEvacuation(long mark) {
        if (mark < 0 || mark > evacuationTop) {
            throw new IllegalArgumentException("evacuation mark " + mark + " past the region's fill " + evacuationTop);
        }
        evacuationTop = mark;
        if (directory != null) {
            RawMemory.putLong(directory, EVACUATION_TOP_OFFSET, mark);
        }
    }

    /**
     * Copies the {@code length}-byte key at {@code locator} of {@code from} into this store's
     * evacuation region; returns its new locator. Never allocates.
     *
     * @throws IllegalStateException if the region is used up (the growth's sizing is wrong: a bug)
     */
    public long moveFrom(KeyStore from, long locator, int length) {
        long block = blockLength(length);
        if (evacuationChunk < 0 || evacuationTop + block > chunks[evacuationChunk].byteSize()) {
            throw new IllegalStateException("key store evacuation region used up");
        }
        long moved = locator(evacuationChunk, evacuationTop);
        MemorySegment.copy(from.chunkOf(locator), offsetOf(locator), chunks[evacuationChunk], evacuationTop, length);
        evacuationTop += block;
        liveBytes += block;
        if (directory != null) {
            RawMemory.putLong(directory, EVACUATION_TOP_OFFSET, evacuationTop);
            RawMemory.putLong(directory, LIVE_BYTES_OFFSET, liveBytes);
        }
        return moved;
    }

    /** Hands every chunk to the background thread for release: the store is dropped with its table. */
    public void releaseLater() {
        for (int i = 0; i < chunkCount; i++) {
            memory.releaseLater(chunks[i]);
            chunks[i] = null;
        }
        if (directory != null) {
            memory.releaseLater(directory);
        }
        forget();
    }

    /** {@link #releaseLater()} once the single writer's write ends ({@link MapMemory#releaseAfterWrite}). */
    public void releaseAfterWrite() {
        for (int i = 0; i < chunkCount; i++) {
            memory.releaseAfterWrite(chunks[i]);
        }
        if (directory != null) {
            memory.releaseAfterWrite(directory);
        }
        forget();
    }

    /**
     * Hands every chunk to the ledger's grace period ({@link MapMemory#retire}): lock-free readers
     * may still compare keys in it.
     */
    public void retire() {
        for (int i = 0; i < chunkCount; i++) {
            memory.retire(chunks[i]); // the array keeps them: readers with a stale view meet FFM's closed arena, not a null
        }
    }

    private void forget() {
        Arrays.fill(chunks, 0, chunkCount, null);
        chunkCount = 0;
        bumpChunk = -1;
        evacuationChunk = -1;
    }

    /**
     * Whether the store holds much more than its live keys (freed blocks, chunks not yet cut): more
     * than a quarter more, and more than a first chunk. What a trim compacts even when the table
     * already fits. Racy reads are fine: a hint.
     */
    public boolean wasteful() {
        long live = liveBytes;
        return reservedBytes > live + Math.max(FIRST_CHUNK, live / 4);
    }

    /** Bytes of the blocks holding keys. */
    public long liveBytes() {
        return liveBytes;
    }

    /** Bytes of freed blocks waiting for a key of their size. */
    public long freeBytes() {
        return freeBytes;
    }

    /** Bytes of the store's chunks: live, free, and not yet cut. */
    public long reservedBytes() {
        return reservedBytes;
    }

    private static long locator(int chunk, long offset) {
        return ((long) chunk << OFFSET_BITS) | offset;
    }

    private MemorySegment chunkOf(long locator) {
        return chunks[(int) (locator >>> OFFSET_BITS)];
    }

    private static long offsetOf(long locator) {
        return locator & OFFSET_MASK;
    }
}
