package io.tophash.engine;

import io.tophash.layout.GoBucketLayout;
import io.tophash.layout.LineBucketLayout;
import io.tophash.layout.Tophash;
import io.tophash.memory.Allocators;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Removal's empty-rest upkeep, and the audit that checks it (a broken upkeep still answers correctly). */
class ChainTest {

    /** A hash whose home is bucket 0 and whose tophash byte is live. */
    private static final long H = 0xAB00_0000_0000_0000L;

    @Test
    void removalsInAnyOrderKeepEveryChainSound() {
        Random random = new Random(7);
        for (var format : List.of(LineBucketLayout.FORMAT, GoBucketLayout.FORMAT)) {
            for (int round = 0; round < 50; round++) {
                MapMemory memory = new MapMemory(Allocators.cacheLineAligned());
                Table t = Table.reserve(format, memory, 2, 8, false);
                List<Long> refs = fillOneChain(t, 1 + random.nextInt(3 * format.slots()));
                assertNull(Chain.auditEmptyRest(t));
                while (!refs.isEmpty()) {
                    long ref = refs.remove(random.nextInt(refs.size()));
                    Chain.clearSlot(t, 0, ref);
                    assertNull(Chain.auditEmptyRest(t), format.name() + " after clearing " + ref);
                }
                assertEquals(Tophash.EMPTY_REST, RawMemory.getByte(t.segment, t.tophashOffset),
                        "an emptied chain is empty-rest from its first slot");
                memory.close();
            }
        }
    }

    @Test
    void theAuditFindsAChainWhoseUpkeepWasSkipped() {
        MapMemory memory = new MapMemory(Allocators.cacheLineAligned());
        Table t = Table.reserve(LineBucketLayout.FORMAT, memory, 2, 8, false);
        List<Long> refs = fillOneChain(t, 10);
        long last = refs.getLast();
        // what clearSlot does without its upkeep: the last live slot made EMPTY_ONE only
        RawMemory.putByte(t.segment, Table.bucketOf(last) + t.tophashOffset + Table.slotOf(last), Tophash.EMPTY_ONE);
        assertNotNull(Chain.auditEmptyRest(t));
        Chain.clearSlot(t, 0, last);
        assertNull(Chain.auditEmptyRest(t));
        // and EMPTY_REST in front of a live slot would hide that slot from lookups
        long first = refs.getFirst();
        RawMemory.putByte(t.segment, Table.bucketOf(first) + t.tophashOffset + Table.slotOf(first), Tophash.EMPTY_REST);
        assertNotNull(Chain.auditEmptyRest(t));
        memory.close();
    }

    private static List<Long> fillOneChain(Table t, int entries) {
        List<Long> refs = new ArrayList<>();
        for (int k = 0; k < entries; k++) {
            long ref = Chain.freeSlot(t, H);
            assertEquals(0, t.homeOffset(H));
            t.putKeyWord(ref, k);
            t.putLongValue(ref, k);
            Chain.occupy(t, ref, H);
            refs.add(ref);
        }
        return refs;
    }
}
