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
 *   <li><b>opaque, acquire/release, CAS</b>: not used here yet. They need naturally aligned words
 *   (ARM64 exclusives, LDAR/STLR and LSE atomics fault when misaligned; x86 split locks cost
 *   over a thousand cycles), and FFM refuses them through unaligned layouts. Any map that uses
 *   them must check word alignment of its memory at build time, never at access time.</li>
 *   <li>Little-endian order is fixed, not native, so that byte {@code i} of a tophash word is
 *   slot {@code i} on every platform; on little-endian CPUs (x86-64, ARM64 Linux) it costs
 *   nothing.</li>
 * </ul>
 * Publication between threads of a single-threaded map is the caller's business (a volatile
 * field, a lock, a concurrent queue): segments come from shared arenas, so any thread may read
 * them once the map is safely published.
 */
package io.tophash.internal;
