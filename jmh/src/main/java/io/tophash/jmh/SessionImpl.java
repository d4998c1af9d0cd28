package io.tophash.jmh;

/** The session caches compared: tophash's byte maps with values of any length and the maps a Java service would use instead. */
public enum SessionImpl {
    /** {@code BytesMap}, {@code maxValueSize(64 KiB)}, default padding. */
    TOPHASH,
    /** {@code ConcurrentBytesMap}, {@code maxValueSize(64 KiB)}, default padding. */
    TOPHASH_SHARED,
    /** {@code HashMap<String, byte[]>}. */
    HASHMAP,
    /** {@code ConcurrentHashMap<String, byte[]>}, the shared map's peer. */
    CONCURRENT_HASHMAP,
    /** Chronicle Map, {@code CharSequence} keys and {@code byte[]} values, {@code averageValueSize} the mean length. */
    CHRONICLE_MAP;

    SessionMap create(int expectedSize, double averageKeyLength, double averageValueLength) {
        return switch (this) {
            case TOPHASH -> new SessionMap.Tophash(expectedSize);
            case TOPHASH_SHARED -> new SessionMap.TophashShared(expectedSize);
            case HASHMAP -> new SessionMap.OnHeap(new java.util.HashMap<>(expectedSize * 4 / 3 + 1));
            case CONCURRENT_HASHMAP -> new SessionMap.OnHeap(new java.util.concurrent.ConcurrentHashMap<>(expectedSize));
            case CHRONICLE_MAP -> new SessionMap.Chronicle(expectedSize, averageKeyLength, averageValueLength);
        };
    }
}
