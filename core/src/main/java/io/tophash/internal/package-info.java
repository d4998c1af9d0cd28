/**
 * Internals of the tophash maps: bucket formats, hashing, tophash bytes and the chunked bucket
 * table. Not exported from the module; nothing here is API.
 *
 * <h2>Memory access and memory order</h2>
 * All raw reads and writes of map memory go through {@link io.tophash.internal.RawMemory}; no
 * other class calls {@code MemorySegment.get/set}. The rules, written once:
 * <ul>
 *   <li><b>plain</b> ({@code getLong/putLong/getByte/putByte}): the only mode the single-threaded
 *   maps use. Plain accesses go through the {@code *_UNALIGNED} value layouts in little-endian
 *   order. For a plain access "unaligned" only removes the JDK's alignment check: on x86-64 and
 *   on ARM64 Linux the CPU executes the same load or store either way, and ordinary unaligned
 *   loads do not fault (they may cost an extra cache line or TLB lookup, which is what the
 *   alignment audit counts). This is what lets {@code Allocators.naive(3)} work at all.</li>
 *   <li><b>opaque, acquire/release, CAS</b> ({@code getLongAcquire}, {@code getLongOpaque},
 *   {@code setLongRelease}, {@code setLongOpaque}, {@code compareAndSetLong}): used by
 *   {@code ConcurrentLongLongMap} for one word per bucket only, the link word (overflow link in
 *   the low 32 bits, a seqlock version in the high 32 bits, odd while a writer holds the bucket).
 *   They go through the aligned {@code JAVA_LONG} layout: a misaligned atomic faults on ARM64
 *   (exclusives, LDAR/STLR and LSE atomics need natural alignment) and is a split lock on x86,
 *   and FFM refuses it with {@code IllegalArgumentException}. The concurrent map therefore checks
 *   the word alignment of every chunk it gets from its allocator (and refuses {@code naive(3)} at
 *   build time), never at access time.</li>
 *   <li><b>Seqlock protocol</b> (concurrent map): a writer takes a bucket by CAS of its link word
 *   from an even version to the next (odd), changes the chain with plain writes, and releases it
 *   with a release store of the next even version. A reader loads the word with acquire, waits if
 *   it is odd, reads the chain with plain reads, issues {@code loadFence()}, and reloads the word
 *   opaquely: equal means the plain reads saw one consistent state; otherwise it retries. A
 *   reader writes nothing. Torn reads may follow a stale overflow link into a chunk not yet
 *   visible (a null or out-of-range index): those exceptions mean "retry", like a version
 *   mismatch.</li>
 *   <li>Little-endian order is fixed, not native, so that byte {@code i} of a tophash word is
 *   slot {@code i} on every platform; on little-endian CPUs (x86-64, ARM64 Linux) it costs
 *   nothing.</li>
 * </ul>
 * Publication between threads of a single-threaded map is the caller's business (a volatile
 * field, a lock, a concurrent queue): segments come from shared arenas, so any thread may read
 * them once the map is safely published.
 */
package io.tophash.internal;
