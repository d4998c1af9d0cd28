package io.tophash.engine;

import io.tophash.layout.LineBucketLayout;
import io.tophash.memory.Allocators;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A table retired by a write's own growth work goes to the background releaser only when that write
 * ends: until then the write's arguments may be views into it (a {@code put(k2, get(k1))} whose
 * growth work completes the growth). Checked on the ledger, which a release claims at once.
 */
class WriterTablesReleaseTest {

    @Test
    void theTableAWriteRetiresStaysHeldUntilTheWriteEnds() {
        MapMemory memory = new MapMemory(Allocators.cacheLineAligned());
        Evacuation.KeyWords keyWords = new Evacuation.KeyWords(42, false);
        WriterTables tables = new WriterTables(LineBucketLayout.FORMAT, memory, 0, keyWords, null, null, "test");
        int completions = 0;
        for (long key = 0; key < 5_000; key++) {
            tables.beginWrite();
            boolean growing = tables.growth() != null;
            MemorySegment old = growing ? tables.growth().old.segment : null;
            long h = Hashing.hash(key, 42);
            Table t = tables.writeTable(h);
            if (growing && tables.growth() == null) {
                completions++;
                assertEquals(2, memory.chunksHeld(), "the retired table is held while the write runs");
                assertTrue(old.scope().isAlive());
            }
            if (Chain.find(t, h, key) == Table.NONE) {
                long ref = tables.slotForInsert(h, tables.size(), false);
                Table into = tables.table();
                into.putKeyWord(ref, key);
                Chain.occupy(into, ref, h);
                tables.countInsert();
            }
            tables.endWrite();
            if (old != null && tables.growth() == null) {
                memory.awaitReleased();
                assertEquals(false, old.scope().isAlive(), "released once the write ended");
            }
        }
        assertTrue(completions >= 5, "growths completed inside writes: " + completions);
        tables.close();
        assertEquals(0, memory.bytesHeld());
    }
}
