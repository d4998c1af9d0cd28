package io.tophash.engine;

import io.tophash.layout.GoBucketLayout;
import io.tophash.layout.LineBucketLayout;
import io.tophash.memory.Allocators;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inserts into a growth's next table cannot take the overflow buckets its evacuation still needs:
 * what a concurrent map's writes after the last claim would otherwise do while a stalled claimer
 * has yet to evacuate its bucket (the evacuation then failed part-way and the growth could not finish).
 */
class EvacuationReserveTest {

    /** Hashes are the key words themselves; the top byte makes a live tophash. */
    private static final Evacuation.KeyWords WORD_IS_HASH = new Evacuation.KeyWords(0, true);
    private static final long TOP = 0xAB00_0000_0000_0000L;

    @Test
    void insertsIntoTheNextTableLeaveEvacuationItsOverflowBuckets() {
        for (var format : List.of(LineBucketLayout.FORMAT, GoBucketLayout.FORMAT)) {
            MapMemory memory = new MapMemory(Allocators.cacheLineAligned());
            Table old = Table.reserve(format, memory, 2, 64, true); // 4 buckets
            int chained = 6 * format.slots(); // old bucket 0: a chain of 6 buckets
            for (long k = 0; k < chained; k++) {
                insert(old, TOP | (k << 2)); // h & 3 == 0: bucket 0; bit 2 splits X and Y
            }
            long oldOverflow = old.overflowInUse();
            assertEquals(5, oldOverflow);

            Growth g = Growth.start(old, true, memory);
            Table next = g.next;
            // old bucket 1 evacuated by "another writer", then inserts into its bucket until refused
            Evacuation.evacuate(g, 1, WORD_IS_HASH);
            g.evacuatedOne();
            long inserted = 0;
            long h1 = TOP | 1;
            while (true) {
                long ref = Chain.freeSlot(next, h1);
                if (ref == Table.NONE) {
                    break;
                }
                next.putKeyWord(ref, h1);
                Chain.occupy(next, ref, h1);
                inserted++;
            }
            assertTrue(inserted > format.slots(), "inserts took overflow buckets: " + inserted);
            assertEquals(next.overflowCapacity - oldOverflow, next.overflowInUse(),
                    format.name() + ": inserts stop where evacuation's reserve starts");

            // the stalled claimer's bucket, evacuated last, still finds its overflow buckets
            for (long ob : new long[] {0, 2, 3}) {
                Evacuation.evacuate(g, ob, WORD_IS_HASH);
                g.evacuatedOne();
            }
            assertTrue(g.complete());
            long found = 0;
            for (long k = 0; k < chained; k++) {
                long h = TOP | (k << 2);
                if (Chain.find(next, h, h) != Table.NONE) {
                    found++;
                }
            }
            assertEquals(chained, found, format.name() + ": every evacuated entry is in the next table");
            assertNotEquals(Table.NONE, next.takeOverflowForInsert(), "the growth done, inserts may take what is left");
            memory.close();
        }
    }

    /**
     * Inserts refused at the reserve's edge while evacuation takes buckets from the same area: no
     * bucket may be handed out twice (a refusal that undoes its count below capacity would let the
     * next taker get a bucket another already has), and evacuation gets every bucket it reserved.
     */
    @Test
    void insertsRacingEvacuationNeverShareAnOverflowBucket() throws Exception {
        for (int round = 0; round < 20; round++) {
            MapMemory memory = new MapMemory(Allocators.cacheLineAligned());
            Table old = Table.reserve(LineBucketLayout.FORMAT, memory, 2, 4096, true);
            for (int i = 0; i < 4000; i++) {
                old.takeOverflow(); // counted as in use: what evacuation may need
            }
            Growth g = Growth.start(old, true, memory);
            java.util.Set<Long> byInserts = java.util.concurrent.ConcurrentHashMap.newKeySet();
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicLong duplicates = new java.util.concurrent.atomic.AtomicLong();
            Thread inserter = new Thread(() -> {
                while (!done.get()) {
                    long id = g.next.takeOverflowForInsert();
                    if (id != Table.NONE && !byInserts.add(id)) {
                        duplicates.incrementAndGet();
                    }
                }
            });
            inserter.start();
            java.util.Set<Long> byEvacuation = new java.util.HashSet<>();
            for (int i = 0; i < 4000; i++) {
                long id = g.takeOverflowForEvacuation();
                assertNotEquals(Table.NONE, id, "evacuation refused its reserved bucket " + i);
                byEvacuation.add(id);
            }
            done.set(true);
            inserter.join();
            assertEquals(0, duplicates.get());
            assertEquals(4000, byEvacuation.size(), "evacuation got 4000 distinct buckets");
            byEvacuation.retainAll(byInserts);
            assertTrue(byEvacuation.isEmpty(), "buckets handed to both an insert and evacuation: " + byEvacuation);
            memory.close();
        }
    }

    private static void insert(Table t, long h) {
        long ref = Chain.freeSlot(t, h);
        t.putKeyWord(ref, h);
        Chain.occupy(t, ref, h);
    }
}
