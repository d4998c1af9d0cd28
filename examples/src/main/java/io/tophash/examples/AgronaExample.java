package io.tophash.examples;

import io.tophash.BytesMap;
import io.tophash.ConcurrentBytesMap;
import io.tophash.agrona.AgronaBytesMap;
import io.tophash.agrona.AgronaConcurrentBytesMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The README's Agrona paragraph: keys read out of a request buffer where they lie, records read
 * and written through a flyweight. Run with {@code --add-exports=java.base/jdk.internal.misc=org.agrona
 * --enable-native-access=io.tophash,io.tophash.agrona} (the last for the address-backed key).
 */
public final class AgronaExample {

    private AgronaExample() {
    }

    static final int LAST_SEEN_OFFSET = 0;
    static final int RECONNECTS_OFFSET = 12;

    // README-AGRONA-EXAMPLE-BEGIN
    static long agronaRegistry(UnsafeBuffer request, int keyOffset, int keyLength) {
        try (BytesMap map = BytesMap.builder().valueSize(64).build()) {
            AgronaBytesMap devices = new AgronaBytesMap(map);
            UnsafeBuffer record = new UnsafeBuffer();         // one flyweight, reused

            devices.acquire(request, keyOffset, keyLength, record) // the key is not copied
                    .putLong(LAST_SEEN_OFFSET, 1_700_000_000_000L); // written in place
            record.putInt(RECONNECTS_OFFSET, record.getInt(RECONNECTS_OFFSET) + 1);

            // valid until the next write to the map, like the MemorySegment view under it
            return devices.wrapValue(request, keyOffset, keyLength, record)
                    ? record.getLong(LAST_SEEN_OFFSET) : -1;
        }
    }
    // README-AGRONA-EXAMPLE-END

    static int sharedReconnects(UnsafeBuffer request, int keyOffset, int keyLength) {
        try (ConcurrentBytesMap map = ConcurrentBytesMap.builder().valueSize(64).build()) {
            AgronaConcurrentBytesMap devices = new AgronaConcurrentBytesMap(map); // one per thread
            for (int i = 0; i < 3; i++) {
                devices.update(request, keyOffset, keyLength,
                        record -> record.putInt(RECONNECTS_OFFSET, record.getInt(RECONNECTS_OFFSET) + 1));
            }
            MemorySegment copy = MemorySegment.ofArray(new long[8]);
            return devices.getInto(request, keyOffset, keyLength, copy)
                    ? copy.get(java.lang.foreign.ValueLayout.JAVA_INT, RECONNECTS_OFFSET) : -1;
        }
    }

    /**
     * Runs the Agrona example with keys in a heap array, a direct buffer and at a bare address.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        Check.onModulePath(AgronaExample.class);
        byte[] id = "GET /devices/dev-42".getBytes(StandardCharsets.US_ASCII);
        int keyOffset = "GET /devices/".length();
        int keyLength = id.length - keyOffset;

        UnsafeBuffer onHeap = new UnsafeBuffer(id);
        Check.equal(1_700_000_000_000L, agronaRegistry(onHeap, keyOffset, keyLength), "heap key");
        Check.equal(3, sharedReconnects(onHeap, keyOffset, keyLength), "heap key, concurrent");

        UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(id.length));
        direct.putBytes(0, id);
        Check.equal(1_700_000_000_000L, agronaRegistry(direct, keyOffset, keyLength), "direct key");

        try (Arena arena = Arena.ofConfined()) {           // a key at a bare address, as Aeron hands them
            MemorySegment native_ = arena.allocate(id.length).copyFrom(MemorySegment.ofArray(id));
            UnsafeBuffer atAddress = new UnsafeBuffer(native_.address(), id.length);
            Check.equal(1_700_000_000_000L, agronaRegistry(atAddress, keyOffset, keyLength), "address key");
            Check.equal(3, sharedReconnects(atAddress, keyOffset, keyLength), "address key, concurrent");
        }
        System.out.println("agrona example: ok");
    }
}
