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
}
