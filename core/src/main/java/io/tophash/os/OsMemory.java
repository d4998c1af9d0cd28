package io.tophash.os;

/**
 * The operating-system memory calls the huge-page allocator makes: {@link NativeMemory} in
 * production, a recording or failing stand-in in tests. Addresses are raw; every implementation
 * throws rather than return a failure code.
 */
public interface OsMemory {

    /** The base page size. */
    long pageSize();

    /**
     * A private anonymous read-write mapping of {@code length} bytes, zero-filled, page-aligned.
     *
     * @throws OutOfMemoryError if the system refuses
     */
    long mapAnonymous(long length);

    /**
     * Unmaps {@code [address, address + length)}; does nothing for a length of 0.
     *
     * @throws IllegalStateException naming the error if the system refuses
     */
    void unmap(long address, long length);

    /** Advises the range onto transparent huge pages; null on success, else the error's name. */
    String adviseHugePages(long address, long length);

    /** Bytes one {@link #unmapGradually} step gives back: a huge page on x86-64, tens of pages anywhere. */
    long UNMAP_STEP = 2L << 20;

    /**
     * Unmaps {@code [address, address + length)} in steps of {@link #UNMAP_STEP}, yielding the CPU
     * between them. Freeing a large resident mapping is milliseconds of kernel work per hundred
     * megabytes, done in one uninterruptible stretch by a single {@code munmap}: on a machine with
     * one CPU for the map's process, a background release then took the CPU from the writing
     * thread for as long (a 20 ms put, measured). In steps, the writer waits for one step at most.
     */
    default void unmapGradually(long address, long length) {
        for (long done = 0; done < length; done += UNMAP_STEP) {
            unmap(address + done, Math.min(UNMAP_STEP, length - done));
            if (done + UNMAP_STEP < length) {
                Thread.yield();
            }
        }
    }
}
