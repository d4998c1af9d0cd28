package io.tophash.layout;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The byte-keyed bucket's numbers (its Javadoc diagram) against a {@link MemoryLayout} of the same fields. */
class BytesBucketLayoutTest {

    static StructLayout keyRegion() {
        return MemoryLayout.structLayout(
                ValueLayout.JAVA_LONG.withName("hash"),
                ValueLayout.JAVA_LONG.withName("descriptor"),
                ValueLayout.JAVA_LONG.withName("tail"));
    }

    static StructLayout bucket(int slots, int valueSize, long length) {
        long stride = (valueSize + 7L) & -8L;
        MemoryLayout value = MemoryLayout.structLayout(MemoryLayout.sequenceLayout(valueSize, ValueLayout.JAVA_BYTE),
                MemoryLayout.paddingLayout(Math.max(1, stride - valueSize)));
        if (stride == valueSize) {
            value = MemoryLayout.sequenceLayout(valueSize, ValueLayout.JAVA_BYTE);
        }
        MemoryLayout[] fields = {
                MemoryLayout.sequenceLayout(8, ValueLayout.JAVA_BYTE).withName("tophash"),
                ValueLayout.JAVA_LONG.withName("link"),
                MemoryLayout.sequenceLayout(slots, keyRegion()).withName("keys"),
                MemoryLayout.sequenceLayout(slots, value.withByteAlignment(1)).withName("values")};
        long used = 16 + slots * 24L + slots * stride;
        return used == length ? MemoryLayout.structLayout(fields)
                : MemoryLayout.structLayout(fields[0], fields[1], fields[2], fields[3],
                MemoryLayout.paddingLayout(length - used));
    }

    /** The value region of a map whose values have any length, as the diagram draws it. */
    @Test
    void variableValueRegionMatchesItsStructLayout() {
        StructLayout region = MemoryLayout.structLayout(
                ValueLayout.JAVA_BYTE.withName("length"),
                MemoryLayout.sequenceLayout(7, ValueLayout.JAVA_BYTE).withName("bytes0to6"),
                ValueLayout.JAVA_LONG.withName("second"));
        assertEquals(region.byteSize(), BytesBucketLayout.VALUE_REGION_LENGTH);
        assertEquals(region.byteOffset(groupElement("length")), BytesBucketLayout.VALUE_DESCRIPTOR_OFFSET);
        assertEquals(region.byteOffset(groupElement("bytes0to6")), BytesBucketLayout.INLINE_VALUE_BYTES_OFFSET);
        assertEquals(region.byteOffset(groupElement("second")), BytesBucketLayout.VALUE_SECOND_OFFSET);
        assertEquals(region.byteSize() - 1, BytesBucketLayout.INLINE_VALUE_LIMIT, "inline bytes are the region but byte 0");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 13, 16, 64, 100, 4096})
    void formatsMatchTheirStructLayout(int valueSize) {
        for (BucketFormat f : new BucketFormat[] {
                BytesBucketLayout.format(valueSize, false, false),
                BytesBucketLayout.format(valueSize, true, false),
                BytesBucketLayout.format(valueSize, true, true)}) {
            StructLayout layout = bucket(f.slots(), valueSize, f.bucketLength());
            assertEquals(layout.byteOffset(groupElement("tophash")), f.tophashOffset(), f.name());
            assertEquals(layout.byteOffset(groupElement("keys")), f.keysOffset(), f.name());
            assertEquals(layout.byteOffset(groupElement("values")), f.valuesOffset(), f.name());
            assertEquals(layout.byteOffset(groupElement("link")), f.linkOffset(), f.name());
            assertEquals(layout.byteSize(), f.bucketLength(), f.name());
            assertEquals(keyRegion().byteSize(), f.keyStride());
            assertEquals(keyRegion().byteOffset(groupElement("descriptor")), BytesBucketLayout.DESCRIPTOR_OFFSET);
            assertEquals(keyRegion().byteOffset(groupElement("tail")), BytesBucketLayout.INLINE_TAIL_OFFSET);
            assertEquals(0, f.valuesOffset() % 8, "values 8-aligned in the bucket");
            assertEquals(0, f.valueStride() % 8, "every value 8-aligned");
            assertEquals(0, f.bucketLength() % (f.lineAligned() ? 64 : 16), f.name());
            assertTrue(f.linkOffset() + 8 <= 64, "the link word is in the first line, with the tophash word");
        }
    }

    @Test
    void goPaddingsKeepEightSlotsAndLineFittingWastesLeastPerSlot() {
        assertEquals(8, BytesBucketLayout.format(64, false, false).slots());
        assertEquals(8, BytesBucketLayout.format(64, true, false).slots());
        // 64-byte values: 8 slots take 720 bytes, 768 in lines (96 per slot); 7 take 632 -> 640 (91.4 per slot)
        BucketFormat fitted = BytesBucketLayout.format(64, true, true);
        assertEquals(7, fitted.slots());
        assertEquals(640, fitted.bucketLength());
        for (int v : new int[] {1, 8, 13, 64, 100, 200}) {
            BucketFormat f = BytesBucketLayout.format(v, true, true);
            double perSlot = (double) f.bucketLength() / f.slots();
            for (int s = 1; s <= 8; s++) {
                long lines = (BytesBucketLayout.usedLength(s, v) + 63) / 64;
                assertTrue(perSlot <= lines * 64.0 / s, v + " bytes: " + s + " slots would waste less");
            }
        }
    }

    @Test
    void refusesValueSizesOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> BytesBucketLayout.format(0, true, true));
        assertThrows(IllegalArgumentException.class,
                () -> BytesBucketLayout.format(BytesBucketLayout.MAX_VALUE_SIZE + 1, true, true));
    }
}
