package io.tophash.agrona;

import io.tophash.BytesMap;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import static io.tophash.agrona.KeyBuffers.KEY_OFFSET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgronaBytesMapTest {

    /** A key kept inline in its slot (up to 15 bytes) and one kept in the key store. */
    static final String SHORT_KEY = "dev-42";
    static final String LONG_KEY = "tenant-7/site-19/device-000000042";
    static final int VALUE_SIZE = 32;

    private static BytesMap newMap() {
        return BytesMap.builder().valueSize(VALUE_SIZE).seed(7).build();
    }

    private static MemorySegment valueOf(long first) {
        MemorySegment v = MemorySegment.ofArray(new long[VALUE_SIZE / 8]);
        v.set(ValueLayout.JAVA_LONG, 0, first);
        return v;
    }

    private static int length(String key) {
        return key.getBytes(StandardCharsets.UTF_8).length;
    }

    @ParameterizedTest
    @EnumSource(KeyBuffers.class)
    void aKeyInADirectBufferIsTheKeyOfTheStringAndByteOverloads(KeyBuffers kind) {
        for (String key : new String[] {SHORT_KEY, LONG_KEY}) {
            try (Arena arena = Arena.ofConfined(); BytesMap map = newMap()) {
                AgronaBytesMap agrona = new AgronaBytesMap(map);
                DirectBuffer buffer = kind.holding(arena, key);
                int len = length(key);

                assertTrue(agrona.put(buffer, KEY_OFFSET, len, valueOf(11)));
                assertEquals(11L, map.get(key).get(ValueLayout.JAVA_LONG, 0), "put through the buffer, read by String");
                assertEquals(11L, map.get(key.getBytes(StandardCharsets.UTF_8)).get(ValueLayout.JAVA_LONG, 0));
                assertFalse(agrona.put(buffer, KEY_OFFSET, len, valueOf(12)), "the same key again");
                assertEquals(1, map.size());

                map.put(key, valueOf(13));
                assertEquals(13L, agrona.get(buffer, KEY_OFFSET, len).get(ValueLayout.JAVA_LONG, 0), "put by String, read through the buffer");
                assertTrue(agrona.containsKey(buffer, KEY_OFFSET, len));
                MemorySegment target = MemorySegment.ofArray(new long[VALUE_SIZE / 8]);
                assertTrue(agrona.getInto(buffer, KEY_OFFSET, len, target));
                assertEquals(13L, target.get(ValueLayout.JAVA_LONG, 0));

                // a neighbouring range is another key
                assertNull(agrona.get(buffer, KEY_OFFSET + 1, len - 1));
                assertFalse(agrona.containsKey(buffer, KEY_OFFSET, len - 1));

                assertTrue(agrona.remove(buffer, KEY_OFFSET, len));
                assertNull(map.get(key));
                assertFalse(agrona.remove(buffer, KEY_OFFSET, len));
                assertFalse(agrona.getInto(buffer, KEY_OFFSET, len, target));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KeyBuffers.class)
    void valuesAreReadAndWrittenInPlaceThroughTheFlyweight(KeyBuffers kind) {
        try (Arena arena = Arena.ofConfined(); BytesMap map = newMap()) {
            AgronaBytesMap agrona = new AgronaBytesMap(map);
            DirectBuffer buffer = kind.holding(arena, LONG_KEY);
            int len = length(LONG_KEY);
            UnsafeBuffer flyweight = new UnsafeBuffer();

            assertSame(flyweight, agrona.acquire(buffer, KEY_OFFSET, len, flyweight));
            assertEquals(VALUE_SIZE, flyweight.capacity());
            assertEquals(0L, flyweight.getLong(0), "a new key's value is zero-filled");
            flyweight.putLong(0, 1_700_000_000_000L);
            flyweight.putInt(8, 3);
            MemorySegment view = map.get(LONG_KEY);
            assertEquals(1_700_000_000_000L, view.get(ValueLayout.JAVA_LONG, 0), "written in place, seen by the map");
            assertEquals(3, view.get(ValueLayout.JAVA_INT, 8));

            UnsafeBuffer reader = new UnsafeBuffer();
            assertTrue(agrona.wrapValue(buffer, KEY_OFFSET, len, reader));
            assertEquals(view.address(), reader.addressOffset(), "the flyweight stands on the value itself");
            assertEquals(1_700_000_000_000L, reader.getLong(0));

            // an in-place write through a writable view shows through the reader flyweight
            map.acquire(LONG_KEY).set(ValueLayout.JAVA_INT, 8, 4);
            assertEquals(4, reader.getInt(8));

            UnsafeBuffer untouched = new UnsafeBuffer(new byte[1]);
            assertFalse(agrona.wrapValue(buffer, KEY_OFFSET, len - 1, untouched));
            assertEquals(1, untouched.capacity(), "absent key: flyweight untouched");
        }
    }

    @ParameterizedTest
    @EnumSource(KeyBuffers.class)
    void aRangeOutsideTheBufferIsRefused(KeyBuffers kind) {
        try (Arena arena = Arena.ofConfined(); BytesMap map = newMap()) {
            AgronaBytesMap agrona = new AgronaBytesMap(map);
            DirectBuffer buffer = kind.holding(arena, SHORT_KEY);
            assertThrows(IndexOutOfBoundsException.class, () -> agrona.get(buffer, buffer.capacity() - 2, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> agrona.put(buffer, -1, 3, valueOf(1)));
            assertEquals(0, map.size());
        }
    }

    @Test
    void keysFromManyBuffersOfOneKindAreEachReadFromTheirOwnMemory() {
        try (Arena arena = Arena.ofConfined(); BytesMap map = newMap()) {
            AgronaBytesMap agrona = new AgronaBytesMap(map);
            for (KeyBuffers kind : KeyBuffers.values()) {
                for (int i = 0; i < 50; i++) {
                    String key = "device-" + i + (i % 2 == 0 ? "" : "-with-a-long-enough-name");
                    agrona.acquire(kind.holding(arena, key), KEY_OFFSET, length(key), new UnsafeBuffer()).putLong(0, i + 1);
                }
            }
            assertEquals(50, map.size());
            for (int i = 0; i < 50; i++) {
                String key = "device-" + i + (i % 2 == 0 ? "" : "-with-a-long-enough-name");
                MemorySegment v = map.get(key);
                assertNotNull(v, key);
                assertEquals(i + 1, v.get(ValueLayout.JAVA_LONG, 0));
            }
        }
    }
}
