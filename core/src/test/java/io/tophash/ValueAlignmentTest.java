package io.tophash;

import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static io.tophash.ReadmeExampleTest.DEVICE;
import static io.tophash.ReadmeExampleTest.LAST_SEEN;
import static io.tophash.ReadmeExampleTest.RECONNECTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Every value a map hands out can be read and written through the README's {@code DEVICE} struct
 * layout (8-byte aligned {@code long}s): views from {@code get}, {@code acquire} and {@code forEach}
 * of {@link BytesMap}, and the copies {@link ConcurrentBytesMap#forEach} and the in-place views
 * {@link ConcurrentBytesMap#update} gives, over every allocator that aligns and every padding, with
 * keys short and long, before and during a growth. An unaligned value would make the layout's
 * {@code VarHandle} throw {@code IllegalArgumentException} ("incompatible with alignment
 * constraint 8"). The long maps hand out {@code long}s, never segments. {@code Allocators.naive}
 * with an offset that is not a multiple of 8 misaligns every value on purpose and is left out.
 */
class ValueAlignmentTest {

    private static final int DEVICES = 3_000;

    static List<Supplier<Allocator>> aligningAllocators() {
        return List.of(Allocators::cacheLineAligned, Allocators::pageAligned, () -> Allocators.naive(8),
                Allocators::hugePages);
    }

    private static String id(int i) {
        return i % 2 == 0 ? "dev-" + i : "device-with-a-long-serial-number-" + i;
    }

    @TestFactory
    List<DynamicTest> everyValueReadsThroughTheReadmeLayout() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Supplier<Allocator> allocator : aligningAllocators()) {
            for (BucketPadding padding : BucketPadding.values()) {
                String name = allocator.get().name() + ", " + padding;
                tests.add(DynamicTest.dynamicTest("BytesMap, " + name, () -> bytesMap(allocator.get(), padding)));
                tests.add(DynamicTest.dynamicTest("ConcurrentBytesMap, " + name,
                        () -> concurrentBytesMap(allocator.get(), padding)));
            }
        }
        return tests;
    }

    private static void bytesMap(Allocator allocator, BucketPadding padding) {
        try (BytesMap devices = BytesMap.builder().valueSize((int) DEVICE.byteSize()).allocator(allocator)
                .padding(padding).build()) {
            for (int i = 0; i < DEVICES; i++) {
                MemorySegment device = devices.acquire(id(i));
                LAST_SEEN.set(device, 0L, (long) i);
                RECONNECTS.set(device, 0L, i % 7);
                if (i % 97 == 0) { // also while growing
                    MemorySegment found = devices.get(id(i / 2));
                    assertNotNull(found, id(i / 2));
                    assertEquals((long) (i / 2), (long) LAST_SEEN.get(found, 0L));
                }
            }
            long[] sum = {0};
            devices.forEach((key, value) -> {
                sum[0] += (long) LAST_SEEN.get(value, 0L);
                LAST_SEEN.set(value, 0L, (long) LAST_SEEN.get(value, 0L) + 1);
            });
            assertEquals((long) DEVICES * (DEVICES - 1) / 2, sum[0]);
            assertEquals(1L, (long) LAST_SEEN.get(devices.get(id(0)), 0L), "forEach wrote through its view");
        }
    }

    private static void concurrentBytesMap(Allocator allocator, BucketPadding padding) {
        try (ConcurrentBytesMap devices = ConcurrentBytesMap.builder().valueSize((int) DEVICE.byteSize())
                .allocator(allocator).padding(padding).build()) {
            for (int i = 0; i < DEVICES; i++) {
                long seen = i;
                devices.update(id(i), device -> {
                    LAST_SEEN.set(device, 0L, seen);
                    RECONNECTS.set(device, 0L, (int) RECONNECTS.get(device, 0L) + 1);
                });
                if (i == DEVICES / 2) { // during a growth, too: forEach reads both tables
                    checkForEach(devices, i + 1);
                }
            }
            checkForEach(devices, DEVICES);
            MemorySegment record = MemorySegment.ofArray(new long[8]);
            assertEquals(true, devices.getInto(id(5), record));
            assertEquals(5L, (long) LAST_SEEN.get(record, 0L));
        }
    }

    private static void checkForEach(ConcurrentBytesMap devices, int count) {
        long[] sum = {0};
        int[] seen = {0};
        devices.forEach((key, value) -> {
            sum[0] += (long) LAST_SEEN.get(value, 0L);
            assertEquals(1, (int) RECONNECTS.get(value, 0L));
            seen[0]++;
        });
        assertEquals(count, seen[0]);
        assertEquals((long) count * (count - 1) / 2, sum[0]);
    }
}
