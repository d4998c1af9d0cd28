package io.tophash.agrona;

import io.tophash.ConcurrentBytesMap;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import static io.tophash.agrona.KeyBuffers.KEY_OFFSET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgronaConcurrentBytesMapTest {

    static final int VALUE_SIZE = 64;

    private static ConcurrentBytesMap newMap() {
        return ConcurrentBytesMap.builder().valueSize(VALUE_SIZE).seed(7).build();
    }

    private static MemorySegment valueOf(long first) {
        MemorySegment v = MemorySegment.ofArray(new long[VALUE_SIZE / 8]);
        v.set(ValueLayout.JAVA_LONG, 0, first);
        return v;
    }

    private static long firstLongOf(ConcurrentBytesMap map, String key) {
        MemorySegment target = MemorySegment.ofArray(new long[VALUE_SIZE / 8]);
        return map.getInto(key, target) ? target.get(ValueLayout.JAVA_LONG, 0) : -1;
    }

    @ParameterizedTest
    @EnumSource(KeyBuffers.class)
    void aKeyInADirectBufferIsTheKeyOfTheStringOverloads(KeyBuffers kind) {
        for (String key : new String[] {AgronaBytesMapTest.SHORT_KEY, AgronaBytesMapTest.LONG_KEY}) {
            try (Arena arena = Arena.ofConfined(); ConcurrentBytesMap map = newMap()) {
                AgronaConcurrentBytesMap agrona = new AgronaConcurrentBytesMap(map);
                DirectBuffer buffer = kind.holding(arena, key);
                int len = key.getBytes(StandardCharsets.UTF_8).length;

                assertTrue(agrona.putIfAbsent(buffer, KEY_OFFSET, len, valueOf(5)));
                assertFalse(agrona.putIfAbsent(buffer, KEY_OFFSET, len, valueOf(6)));
                assertEquals(5, firstLongOf(map, key));
                assertFalse(agrona.put(buffer, KEY_OFFSET, len, valueOf(7)));
                assertEquals(7, firstLongOf(map, key));

                map.put(key, valueOf(8));
                MemorySegment target = MemorySegment.ofArray(new long[VALUE_SIZE / 8]);
                assertTrue(agrona.getInto(buffer, KEY_OFFSET, len, target));
                assertEquals(8, target.get(ValueLayout.JAVA_LONG, 0));
                assertTrue(agrona.containsKey(buffer, KEY_OFFSET, len));
                assertFalse(agrona.containsKey(buffer, KEY_OFFSET, len - 1));

                agrona.updateSegment(buffer, KEY_OFFSET, len, value -> value.set(ValueLayout.JAVA_LONG, 8, 99));
                assertTrue(map.getInto(key, target));
                assertEquals(99, target.get(ValueLayout.JAVA_LONG, 8));

                assertTrue(agrona.remove(buffer, KEY_OFFSET, len));
                assertFalse(map.containsKey(key));
                assertFalse(agrona.remove(buffer, KEY_OFFSET, len));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KeyBuffers.class)
    void updateHandsTheValueAsAFlyweightOverTheValueItself(KeyBuffers kind) {
        try (Arena arena = Arena.ofConfined(); ConcurrentBytesMap map = newMap()) {
            AgronaConcurrentBytesMap agrona = new AgronaConcurrentBytesMap(map);
            String key = AgronaBytesMapTest.LONG_KEY;
            DirectBuffer buffer = kind.holding(arena, key);
            int len = key.getBytes(StandardCharsets.UTF_8).length;

            for (int i = 0; i < 3; i++) {
                agrona.update(buffer, KEY_OFFSET, len, value -> {
                    assertEquals(VALUE_SIZE, value.capacity());
                    value.putLong(0, value.getLong(0) + 1);     // zero-filled for the new key
                    value.putInt(60, 0xCAFE);
                });
            }
            assertEquals(3, firstLongOf(map, key));
            MemorySegment target = MemorySegment.ofArray(new long[VALUE_SIZE / 8]);
            map.getInto(key, target);
            assertEquals(0xCAFE, target.get(ValueLayout.JAVA_INT_UNALIGNED, 60));
        }
    }

    @Test
    void anUpdaterThatThrowsLeavesTheValueAsItWasAndTheInstanceUsable() {
        try (ConcurrentBytesMap map = newMap()) {
            AgronaConcurrentBytesMap agrona = new AgronaConcurrentBytesMap(map);
            UnsafeBuffer key = new UnsafeBuffer("k-1".getBytes(StandardCharsets.UTF_8));
            agrona.put(key, 0, 3, valueOf(1));
            assertThrows(IllegalArgumentException.class, () -> agrona.update(key, 0, 3, value -> {
                value.putLong(0, 2);
                throw new IllegalArgumentException("refused");
            }));
            assertEquals(1, firstLongOf(map, "k-1"), "rolled back by the map");
            agrona.update(key, 0, 3, value -> value.putLong(0, 3));
            assertEquals(3, firstLongOf(map, "k-1"));
        }
    }

    @Test
    void anUpdaterCannotReenterTheInstance() {
        try (ConcurrentBytesMap map = newMap()) {
            AgronaConcurrentBytesMap agrona = new AgronaConcurrentBytesMap(map);
            UnsafeBuffer key = new UnsafeBuffer("k-1".getBytes(StandardCharsets.UTF_8));
            AtomicReference<RuntimeException> inner = new AtomicReference<>();
            agrona.update(key, 0, 3, (MutableDirectBuffer value) -> {
                try {
                    agrona.update(key, 0, 3, (MutableDirectBuffer v) -> { });
                } catch (RuntimeException e) {
                    inner.set(e);
                }
            });
            assertTrue(inner.get() instanceof IllegalStateException, String.valueOf(inner.get()));
        }
    }
}
