package io.tophash;

/**
 * A snapshot of a byte map's off-heap store, which holds the keys longer than 15 bytes and, in a
 * map with values of any length, the values longer than 15 bytes: what its blocks hold, what
 * freed blocks wait for reuse, and what its chunks reserve. The current table's store only; during
 * a growth the old table's store is held too, until the growth completes.
 *
 * @param liveBytes     bytes of the blocks holding keys and values (each rounded up to its size class)
 * @param freeBytes     bytes of freed blocks waiting for a key or value of their size class
 * @param reservedBytes bytes of the store's chunks: live, free, and not yet cut into blocks
 */
public record StoreStats(long liveBytes, long freeBytes, long reservedBytes) {

    /**
     * Live bytes over reserved bytes.
     *
     * @return {@code liveBytes / reservedBytes}, or 1 for a store that reserves nothing
     */
    public double liveShare() {
        return reservedBytes == 0 ? 1 : (double) liveBytes / reservedBytes;
    }
}
