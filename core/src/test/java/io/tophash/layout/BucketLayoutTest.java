package io.tophash.layout;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each bucket layout's constants (the numbers in its Javadoc diagram) agree with a
 * {@link MemoryLayout} built from the same fields, and with the {@link BucketFormat} the map uses.
 */
class BucketLayoutTest {

    static StructLayout bucket(int slots, long paddingBytes) {
        MemoryLayout[] fields = {
                MemoryLayout.sequenceLayout(8, ValueLayout.JAVA_BYTE).withName("tophash"),
                MemoryLayout.sequenceLayout(slots, ValueLayout.JAVA_LONG).withName("keys"),
                MemoryLayout.sequenceLayout(slots, ValueLayout.JAVA_LONG).withName("values"),
                ValueLayout.JAVA_LONG.withName("link"),
                MemoryLayout.paddingLayout(Math.max(paddingBytes, 1))};
        return paddingBytes == 0
                ? MemoryLayout.structLayout(fields[0], fields[1], fields[2], fields[3])
                : MemoryLayout.structLayout(fields);
    }

    static void assertMatches(StructLayout layout, BucketFormat format) {
        assertEquals(layout.byteOffset(groupElement("tophash")), format.tophashOffset(), "tophash");
        assertEquals(layout.byteOffset(groupElement("keys")), format.keysOffset(), "keys");
        assertEquals(layout.byteOffset(groupElement("values")), format.valuesOffset(), "values");
        assertEquals(layout.byteOffset(groupElement("link")), format.linkOffset(), "link");
        assertEquals(Long.BYTES, format.keyStride(), "key i is 8 bytes after key i - 1");
        assertEquals(Long.BYTES, format.valueStride(), "value i is 8 bytes after value i - 1");
        assertEquals(Long.BYTES, format.keyLength());
        assertEquals(Long.BYTES, format.valueLength());
        assertEquals(layout.byteSize(), format.bucketLength(), "bucket length");
        assertEquals(0, format.keysOffset() % Long.BYTES, "keys naturally aligned within the bucket");
        assertEquals(0, format.valuesOffset() % Long.BYTES, "values naturally aligned within the bucket");
        assertEquals(0, format.linkOffset() % Long.BYTES, "link word naturally aligned");
    }

    @Test
    void goBucketIsPacked144Bytes() {
        assertMatches(bucket(GoBucketLayout.SLOTS, 0), GoBucketLayout.FORMAT);
        assertEquals(0, GoBucketLayout.TOPHASH_OFFSET);
        assertEquals(8, GoBucketLayout.KEYS_OFFSET);
        assertEquals(72, GoBucketLayout.VALUES_OFFSET);
        assertEquals(136, GoBucketLayout.LINK_OFFSET);
        assertEquals(144, GoBucketLayout.BUCKET_LENGTH);
        assertEquals(8, GoBucketLayout.FORMAT.slots());
    }

    @Test
    void lineBucketIsExactlyTwoLinesWithKeysInTheFirst() {
        assertMatches(bucket(LineBucketLayout.SLOTS, 0), LineBucketLayout.FORMAT);
        assertEquals(0, LineBucketLayout.TOPHASH_OFFSET);
        assertEquals(8, LineBucketLayout.KEYS_OFFSET);
        assertEquals(64, LineBucketLayout.VALUES_OFFSET, "values start the second line");
        assertEquals(120, LineBucketLayout.LINK_OFFSET);
        assertEquals(128, LineBucketLayout.BUCKET_LENGTH);
        assertEquals(64, LineBucketLayout.KEYS_OFFSET + LineBucketLayout.KEYS_LENGTH, "tophash + keys fill line 0");
        assertTrue(LineBucketLayout.FORMAT.lineAligned());
    }

    @Test
    void paddedGoBucketIsThreeWholeLines() {
        assertMatches(bucket(PaddedGoBucketLayout.SLOTS, PaddedGoBucketLayout.PADDING_LENGTH),
                PaddedGoBucketLayout.FORMAT);
        assertEquals(144, PaddedGoBucketLayout.PADDING_OFFSET);
        assertEquals(48, PaddedGoBucketLayout.PADDING_LENGTH);
        assertEquals(192, PaddedGoBucketLayout.BUCKET_LENGTH);
        assertEquals(0, PaddedGoBucketLayout.BUCKET_LENGTH % 64);
    }

    @Test
    void slotMasksCoverExactlyTheSlots() {
        assertEquals(0x8080808080808080L, GoBucketLayout.FORMAT.slotMask());
        assertEquals(0x0080808080808080L, LineBucketLayout.FORMAT.slotMask());
    }

    @Test
    void loadFactorIsGos13Sixteenths() {
        assertEquals(6 * 1024 + 512, GoBucketLayout.FORMAT.maxEntries(1024), "6.5 per 8-slot bucket");
        assertEquals(1024 * 7 * 13 / 16, LineBucketLayout.FORMAT.maxEntries(1024));
    }
}
