package io.tophash.layout;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

import static io.tophash.layout.KeyStoreDirectoryLayout.*;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.MemoryLayout.PathElement.sequenceElement;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The key store directory's constants (the numbers in its Javadoc diagram) agree with a {@link MemoryLayout} of the same fields. */
class KeyStoreDirectoryLayoutTest {

    static final StructLayout DIRECTORY = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("chunks"), ValueLayout.JAVA_LONG.withName("bumpChunk"),
            ValueLayout.JAVA_LONG.withName("bumpTop"), ValueLayout.JAVA_LONG.withName("evacuationChunk"),
            ValueLayout.JAVA_LONG.withName("evacuationTop"), ValueLayout.JAVA_LONG.withName("live"),
            ValueLayout.JAVA_LONG.withName("free"), ValueLayout.JAVA_LONG.withName("reserved"),
            MemoryLayout.sequenceLayout(248, ValueLayout.JAVA_LONG).withName("freeHeads"),
            MemoryLayout.sequenceLayout(3968, MemoryLayout.structLayout(
                    ValueLayout.JAVA_LONG.withName("offset"), ValueLayout.JAVA_LONG.withName("length"))).withName("chunkTable"));

    private static long at(String field) {
        return DIRECTORY.byteOffset(groupElement(field));
    }

    @Test
    void offsetsMatchTheStructLayoutAndTheDiagram() {
        assertEquals(at("chunks"), CHUNK_COUNT_OFFSET);
        assertEquals(at("bumpChunk"), BUMP_CHUNK_OFFSET);
        assertEquals(at("bumpTop"), BUMP_TOP_OFFSET);
        assertEquals(at("evacuationChunk"), EVACUATION_CHUNK_OFFSET);
        assertEquals(at("evacuationTop"), EVACUATION_TOP_OFFSET);
        assertEquals(at("live"), LIVE_BYTES_OFFSET);
        assertEquals(at("free"), FREE_BYTES_OFFSET);
        assertEquals(at("reserved"), RESERVED_BYTES_OFFSET);
        assertEquals(64, FREE_HEADS_OFFSET, "the diagram's second row");
        assertEquals(at("freeHeads"), FREE_HEADS_OFFSET);
        assertEquals(DIRECTORY.byteOffset(groupElement("freeHeads"), sequenceElement(247)), freeHeadOffset(247));
        assertEquals(2048, CHUNKS_OFFSET, "the diagram's last row");
        assertEquals(at("chunkTable"), CHUNKS_OFFSET);
        assertEquals(DIRECTORY.byteOffset(groupElement("chunkTable"), sequenceElement(3967)), chunkOffset(3967));
        assertEquals(3968, MAX_CHUNKS, "the diagram's last chunk");
        assertEquals(DIRECTORY.byteSize(), DIRECTORY_LENGTH);
        assertEquals(65536, CHUNKS_OFFSET + CHUNKS_LENGTH);
    }
}
