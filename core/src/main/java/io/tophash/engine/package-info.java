/**
 * The bucket engine every map runs on, written once: a table of buckets in one segment
 * ({@link io.tophash.engine.Table}), the operations on a bucket chain
 * ({@link io.tophash.engine.Chain}: find, free slot, clear slot with empty-rest upkeep, walk),
 * Go's evacuation ({@link io.tophash.engine.Evacuation}) and growth bookkeeping
 * ({@link io.tophash.engine.Growth}), the per-map memory ledger ({@link io.tophash.engine.MapMemory}),
 * seeded hashing and the alignment audit, and the two policies the maps in {@code io.tophash} run
 * under: a writer flag ({@link io.tophash.engine.WriterTables}, with its counters and the
 * growth-aware {@link io.tophash.engine.Walk}: {@code LongLongMap}, {@code BytesMap}) or a
 * per-bucket seqlock ({@link io.tophash.engine.SeqlockTables}:
 * {@code ConcurrentLongLongMap}, {@code ConcurrentBytesMap}), both seen by the maps through
 * {@link io.tophash.engine.MapTables}. The engine compares 64-bit key words and copies slot
 * regions; it never knows what a key is, except in {@link io.tophash.engine.ByteSlots} (with
 * {@code KeyProbe}, {@code KeyStore} and {@code ByteKeys}), which both byte-keyed maps share.
 * Depends on {@code io.tophash.layout} and {@code io.tophash.memory}; not exported.
 *
 * <h2>Memory access and memory order</h2>
 * All raw reads and writes of map memory go through {@link io.tophash.engine.RawMemory}; no
 * other class calls {@code MemorySegment.get/set}. The rules, written once:
 * <ul>
 *   <li><b>plain</b> ({@code getLong/putLong/getByte/putByte/copy}): everything the single-threaded
 *   map does, and everything the concurrent map does inside a bucket it holds or inside a reader's
 *   validated window. Plain accesses go through the {@code *_UNALIGNED} value layouts in
 *   little-endian order. For a plain access "unaligned" only removes the JDK's alignment check: on
 *   x86-64 and on ARM64 Linux the CPU executes the same load or store either way, and ordinary
 *   unaligned loads do not fault (they may cost an extra cache line or TLB lookup, which is what
 *   the alignment audit counts). This is what lets {@code Allocators.naive(3)} work at all.</li>
 *   <li><b>opaque, acquire/release, CAS</b> ({@code getLongAcquire}, {@code getLongOpaque},
 *   {@code setLongRelease}, {@code setLongOpaque}, {@code compareAndSetLong}): only the concurrent
 *   map's link words. The link word of a primary bucket is its seqlock (next bucket id in the low
 *   32 bits, a version in the high 32 bits, odd while a writer holds the bucket): the map's
 *   accessors name the order ({@code lvLink} acquire load, {@code lock} CAS, {@code unlock}
 *   release store, {@code validate} fence and opaque load). A writer that links an overflow bucket
 *   into a chain it holds writes the link with an opaque store ({@code Chain.link} in a table with
 *   atomic links), so that other writers spinning on the primary word read a whole word. These go
 *   through the aligned {@code JAVA_LONG} layout: a misaligned atomic faults on ARM64 (exclusives,
 *   LDAR/STLR and LSE atomics need natural alignment) and is a split lock on x86, and FFM refuses
 *   it with {@code IllegalArgumentException}. The concurrent map therefore checks the word
 *   alignment of every table it reserves (and refuses {@code naive(3)} at build time), never at
 *   access time.</li>
 *   <li><b>Seqlock protocol</b> (concurrent map): a writer takes a bucket by CAS of its link word
 *   from an even version to the next (odd), changes the chain with plain writes, and releases it
 *   with a release store of the next even version. A reader loads the word with acquire, waits if
 *   it is odd, reads the chain with plain reads, issues {@code loadFence()}, and reloads the word
 *   opaquely: equal means the plain reads saw one consistent state; otherwise it retries. A reader
 *   writes nothing. Torn reads may meet a link that does not go forward ({@code Chain} stops
 *   there) or an out-of-range offset ({@code IndexOutOfBoundsException}): both mean "retry", like
 *   a version mismatch. Evacuation marks an old bucket of a concurrent table evacuated with a
 *   release store of its tophash word, and a writer checks the mark with an acquire load before it
 *   goes on to the next table without the old bucket's lock: the entries evacuation copied there
 *   are then visible to it. A table a completed growth leaves behind is released only after a grace
 *   period ({@code MapMemory.retire}), so readers holding a stale view have long left it; one still
 *   inside it gets {@code IllegalStateException} from FFM's closed arena and retries with the
 *   current tables, and the interrupt HotSpot sets on a thread it stops that way is cleared
 *   unless the thread was interrupted before the operation.</li>
 *   <li>Little-endian order is fixed, not native, so that byte {@code i} of a tophash word is
 *   slot {@code i} on every platform; on little-endian CPUs (x86-64, ARM64 Linux) it costs
 *   nothing.</li>
 * </ul>
 * <h2>Map files: the order of stores</h2>
 * A map in a file ({@link io.tophash.engine.MapFile}) must be found whole after a process is
 * killed between any two instructions. The page cache keeps every store the process made, so
 * what matters is the order in which the compiled code makes them: the JIT may reorder plain
 * stores, so every order below is forced by a release store or {@code VarHandle.releaseFence()},
 * which costs x86-64 nothing at run time and an ARM64 barrier. Every header field is one aligned
 * word, written by one store.
 * <ul>
 *   <li><b>Insert</b>: the write record (key, size before, state word; then the record's kind,
 *   release; then a fence), then whatever the insert needs (an overflow bucket: its count in the
 *   table's header slot, fence, then the link; a growth: below), then key and value, fence, then
 *   the tophash byte that makes the slot live, then the size, then the record cleared (release).
 *   A reopen that finds the record counts the key if it finds it.</li>
 *   <li><b>Replace</b>: one aligned 8-byte store of the value, old or new after a kill; no record.</li>
 *   <li><b>Remove</b>: the record, then the slot's tophash byte and the chain's empty-rest upkeep,
 *   then the size, then the record cleared. A reopen repairs the key's chain's marking, then
 *   recounts from the record.</li>
 *   <li><b>Growth start, clear</b>: the next table is a region of the file that no slot names
 *   (zeroed if reused); its slot is written (for a growth, and only then, the growth's done
 *   count and reserve too: a clear during a growth must not touch what that growth resumes from),
 *   then one release store of the state word installs it. A clear is recorded like a write, once
 *   its table is reserved (a clear refused its table leaves no record): a reopen sees from the
 *   state word whether it happened.</li>
 *   <li><b>Evacuation of a unit</b>: the evacuation record (unit, units done before, the next
 *   table's overflow buckets taken; release, fence), the copies, a fence, the old bucket's
 *   evacuated mark, the done count, the growth's end in the state word if it was the last unit,
 *   then the record cleared. A reopen that finds the record with the mark made counts the unit;
 *   without it, empties the unit's destination buckets (no insert reaches them before the mark)
 *   and gives back, zeroed, the overflow buckets taken since the record (only the unit takes any
 *   while it runs), for the evacuation to be redone: however many kills interrupt units, the
 *   next table's overflow area holds what the growth needs. A growth's install clears any
 *   evacuation record left from before it.</li>
 *   <li><b>Regions</b>: a region is owned by the table slot whose generation it serves (its table,
 *   a byte map's key store directory and chunks; the owner in the low bits of its offset word). A
 *   reused region is zeroed, then a fence, then owned; before a growth or a clear reserves for a
 *   slot the state word does not name, the regions that slot's dead generation left are
 *   disowned. A region is live while its owner's slot is named by the state word.</li>
 *   <li><b>Between records</b>: a record is cleared by a release store followed by a fence, so
 *   the next operation's stores (its record's fields, an undo copy) cannot move before the
 *   previous record's end. A write that fails after its record began (no room, no memory, a
 *   caller's value that cannot be read) clears its record before it throws, a fixed-size value's
 *   old bytes put back first: a record is only ever left by a kill, and settled against the
 *   tables it was written for, because operations that record nothing (a trim, a growth's end)
 *   never follow an open one.</li>
 * </ul>
 * A byte-keyed map ({@code BytesMap}) keeps a key store per table generation and has a key word
 * (the key's hash) two keys may share, so its writes differ:
 * <ul>
 *   <li><b>Key store</b>: its state (bump pointer, free-list heads, chunk table, counts) is written
 *   through to its directory region with plain stores, before the fence that precedes the tophash
 *   byte of the entry that uses a block: a kill can leak a block taken and never published (the
 *   next compaction gives it back), never hand out a block in use. A block taken from a free list:
 *   the head moved on, a fence, then the caller's bytes over the block's link; a block freed: its
 *   link, a fence, then the head naming it. A new chunk: its region published, its directory
 *   entry, then the chunk count (release).</li>
 *   <li><b>Insert</b>: as above, and once the free slot is chosen, the slot (table slot, ref;
 *   release, fence) is added to the record. A reopen counts the insert if that slot is live.</li>
 *   <li><b>Replace</b>: a fixed-size value's old bytes go to the undo region, or a value of any
 *   length's new block is written, first; then the record (the slot, and the value region's two
 *   words as they were; release, fence), the value copied or the region rewritten, the record
 *   cleared, a fence, and only then the old block freed. A reopen that finds the record puts the
 *   old value back.</li>
 *   <li><b>Remove</b>: the record with the slot, the tophash byte and upkeep, the size, the record
 *   cleared, a fence, then the key's and value's blocks freed (a free block's first word becomes a
 *   free-list link). A reopen counts the removal if the slot is empty.</li>
 *   <li><b>Evacuation</b>: the record also keeps the next store's evacuation fill mark; a redone
 *   unit rewinds it, so the keys are copied again into the same place.</li>
 * </ul>
 * So a reopen settles at most one write and one evacuation: O(1), no scan of the entries (a byte
 * map maps its key store's chunks, as many as its directory names). What a kill can leave behind
 * is bounded garbage: an overflow bucket counted but not linked, a region appended but not
 * installed, a key store block taken but not published.
 *
 * Publication between threads of a single-threaded map is the caller's business (a volatile
 * field, a lock, a concurrent queue): segments come from shared arenas, so any thread may read
 * them once the map is safely published.
 */
package io.tophash.engine;
