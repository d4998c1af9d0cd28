package io.tophash.layout;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.tophash.layout.MapFileHeaderLayout.*;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The map file header's constants (the numbers in its Javadoc diagram) agree with a {@link MemoryLayout} of the same fields. */
class MapFileHeaderLayoutTest {

    static final StructLayout SLOT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("region"), ValueLayout.JAVA_LONG.withName("log2"),
            ValueLayout.JAVA_LONG.withName("capacity"), ValueLayout.JAVA_LONG.withName("taken"),
            ValueLayout.JAVA_LONG.withName("store"), MemoryLayout.paddingLayout(8));

    static final StructLayout HEADER = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("magic"), ValueLayout.JAVA_LONG.withName("version"),
            ValueLayout.JAVA_LONG.withName("kind"), ValueLayout.JAVA_LONG.withName("padding"),
            ValueLayout.JAVA_LONG.withName("keyLength"), ValueLayout.JAVA_LONG.withName("valueLength"),
            ValueLayout.JAVA_LONG.withName("seed"), ValueLayout.JAVA_LONG.withName("bucketLength"),
            ValueLayout.JAVA_LONG.withName("state"), ValueLayout.JAVA_LONG.withName("size"),
            ValueLayout.JAVA_LONG.withName("done"), ValueLayout.JAVA_LONG.withName("shrinkNeed"),
            ValueLayout.JAVA_LONG.withName("op"), ValueLayout.JAVA_LONG.withName("opKey"),
            ValueLayout.JAVA_LONG.withName("opSize"), ValueLayout.JAVA_LONG.withName("opState"),
            ValueLayout.JAVA_LONG.withName("evacuating"), ValueLayout.JAVA_LONG.withName("evacuatingDone"),
            ValueLayout.JAVA_LONG.withName("regionCount"),
            ValueLayout.JAVA_LONG.withName("opRef"), ValueLayout.JAVA_LONG.withName("opTable"),
            ValueLayout.JAVA_LONG.withName("undo0"), ValueLayout.JAVA_LONG.withName("undo1"),
            ValueLayout.JAVA_LONG.withName("evacuatingTop"),
            MemoryLayout.sequenceLayout(4, SLOT).withName("slots"),
            ValueLayout.JAVA_LONG.withName("undoRegion"), ValueLayout.JAVA_LONG.withName("undoLength"),
            ValueLayout.JAVA_LONG.withName("evacuatingOverflow"),
            MemoryLayout.paddingLayout(40),
            MemoryLayout.sequenceLayout(4068, MemoryLayout.structLayout(
                    ValueLayout.JAVA_LONG.withName("offset"), ValueLayout.JAVA_LONG.withName("length"))).withName("regions"));

    private static long at(String field) {
        return HEADER.byteOffset(groupElement(field));
    }

    @Test
    void offsetsMatchTheStructLayoutAndTheDiagram() {
        assertEquals(at("magic"), MAGIC_OFFSET);
        assertEquals(at("version"), VERSION_OFFSET);
        assertEquals(at("kind"), KIND_OFFSET);
        assertEquals(at("padding"), PADDING_OFFSET);
        assertEquals(at("keyLength"), KEY_LENGTH_OFFSET);
        assertEquals(at("valueLength"), VALUE_LENGTH_OFFSET);
        assertEquals(at("seed"), SEED_OFFSET);
        assertEquals(at("bucketLength"), BUCKET_LENGTH_OFFSET);
        assertEquals(64, STATE_OFFSET, "the diagram's second row");
        assertEquals(at("state"), STATE_OFFSET);
        assertEquals(at("size"), SIZE_OFFSET);
        assertEquals(at("done"), DONE_OFFSET);
        assertEquals(at("shrinkNeed"), SHRINK_NEED_OFFSET);
        assertEquals(at("op"), OP_OFFSET);
        assertEquals(at("opKey"), OP_KEY_OFFSET);
        assertEquals(at("opSize"), OP_SIZE_OFFSET);
        assertEquals(at("opState"), OP_STATE_OFFSET);
        assertEquals(128, EVACUATING_OFFSET, "the diagram's third row");
        assertEquals(at("evacuating"), EVACUATING_OFFSET);
        assertEquals(at("evacuatingDone"), EVACUATING_DONE_OFFSET);
        assertEquals(at("regionCount"), REGION_COUNT_OFFSET);
        assertEquals(at("opRef"), OP_REF_OFFSET);
        assertEquals(at("opTable"), OP_TABLE_OFFSET);
        assertEquals(at("undo0"), UNDO_0_OFFSET);
        assertEquals(at("undo1"), UNDO_1_OFFSET);
        assertEquals(at("evacuatingTop"), EVACUATING_TOP_OFFSET);
        assertEquals(192, TABLE_SLOTS_OFFSET);
        assertEquals(at("slots"), TABLE_SLOTS_OFFSET);
        assertEquals(SLOT.byteSize(), SLOT_LENGTH);
        assertEquals(SLOT.byteOffset(groupElement("region")), SLOT_REGION_OFFSET);
        assertEquals(SLOT.byteOffset(groupElement("log2")), SLOT_LOG2_OFFSET);
        assertEquals(SLOT.byteOffset(groupElement("capacity")), SLOT_CAPACITY_OFFSET);
        assertEquals(SLOT.byteOffset(groupElement("taken")), SLOT_TAKEN_OFFSET);
        assertEquals(SLOT.byteOffset(groupElement("store")), SLOT_STORE_OFFSET);
        assertEquals(48, SLOT_LENGTH, "the diagram's slot width");
        assertEquals(384, UNDO_REGION_OFFSET, "the diagram's undo row");
        assertEquals(at("undoRegion"), UNDO_REGION_OFFSET);
        assertEquals(at("undoLength"), UNDO_LENGTH_OFFSET);
        assertEquals(400, EVACUATING_OVERFLOW_OFFSET, "the diagram's undo row");
        assertEquals(at("evacuatingOverflow"), EVACUATING_OVERFLOW_OFFSET);
        assertEquals(4068, MAX_REGIONS, "the diagram's last region");
        assertEquals(HEADER.byteOffset(groupElement("slots"), MemoryLayout.PathElement.sequenceElement(2)), slotOffset(2));
        assertEquals(448, REGIONS_OFFSET, "the diagram's last row");
        assertEquals(at("regions"), REGIONS_OFFSET);
        assertEquals(HEADER.byteOffset(groupElement("regions"), MemoryLayout.PathElement.sequenceElement(4067)),
                regionOffset(4067));
        assertEquals(65536, REGIONS_OFFSET + REGIONS_LENGTH);
        assertEquals(HEADER.byteSize(), HEADER_LENGTH);
    }

    @Test
    void everyFieldIsAnAlignedWord() {
        for (MemoryLayout member : HEADER.memberLayouts()) {
            if (member.name().isPresent()) {
                assertEquals(0, at(member.name().get()) % Long.BYTES, member.name().get());
            }
        }
    }

    @Test
    void magicReadsTophashInLittleEndian() {
        byte[] bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(MAGIC).array();
        assertEquals("tophash\0", new String(bytes, StandardCharsets.US_ASCII));
    }

    @Test
    void stateWordPacksItsThreeFields() {
        for (int current = 0; current < TABLE_SLOTS; current++) {
            for (int old = 0; old < TABLE_SLOTS; old++) {
                for (int kind = 0; kind <= 4; kind++) {
                    long s = state(current, old, kind);
                    assertEquals(current, currentSlot(s));
                    assertEquals(old, oldSlot(s));
                    assertEquals(kind, growthKind(s));
                }
            }
        }
    }
}
