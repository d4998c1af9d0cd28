package io.tophash.jmh;

import io.tophash.BucketPadding;

/** The device registries compared: tophash's byte-keyed map in two layouts and the maps a Java service would use instead. */
public enum DeviceImpl {
    /** {@code BytesMap}, default builder: slots fitted to whole cache lines. */
    TOPHASH_BYTES_LINE,
    /** {@code BytesMap} with Go's packed 8-slot bucket. */
    TOPHASH_BYTES_GO,
    /** {@code HashMap<String, byte[]>}. */
    HASHMAP_BYTES,
    /** {@code HashMap<String, Device>}, the record as an object. */
    HASHMAP_DEVICE,
    /** Chronicle Map, {@code CharSequence} keys, 64-byte values. */
    CHRONICLE_MAP;

    DeviceMap create(int expectedSize, double averageKeyLength) {
        return switch (this) {
            case TOPHASH_BYTES_LINE -> new DeviceMap.Tophash(expectedSize, BucketPadding.CACHE_LINE);
            case TOPHASH_BYTES_GO -> new DeviceMap.Tophash(expectedSize, BucketPadding.NONE);
            case HASHMAP_BYTES -> new DeviceMap.HashMapOfBytes(expectedSize);
            case HASHMAP_DEVICE -> new DeviceMap.HashMapOfObjects(expectedSize);
            case CHRONICLE_MAP -> new DeviceMap.Chronicle(expectedSize, averageKeyLength);
        };
    }
}
