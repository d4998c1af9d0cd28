package io.tophash;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ConcurrentModificationException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A view of a {@link BytesMap}'s value or key is valid until the next write, and may be that
 * write's argument: {@code put(k2, get(k1))}, {@code putIfAbsent} and {@code acquire} with a key
 * view from {@code forEach}. The write's own growth work may complete a growth and retire the table
 * the view points into; the table is released only once the write ends, so the copy never meets a
 * closed arena ("Already closed" on an open map). Small maps, so that many such writes complete a
 * growth; {@code WriterTablesReleaseTest} checks the ledger of the same rule deterministically.
 */
class ViewArgumentTest {

    private static final int MAPS = 400;

    @Test
    void copyingOneRecordToAnotherKeyWorksWhenThePutFinishesAGrowth() {
        int growthsFinishedByTheCopy = 0;
        for (int m = 0; m < MAPS; m++) {
            try (BytesMap map = BytesMap.builder().valueSize(64).seed(m).build()) {
                int n = 0;
                while (true) {
                    MemorySegment record = map.acquire("device-" + n);
                    record.set(ValueLayout.JAVA_LONG, 0, n);
                    n++;
                    if (map.growing() && map.oldBucketCount() - map.evacuatedBuckets() <= 2 && n > 20) {
                        break;
                    }
                }
                // copy records until a copy's growth work finishes the growth: the last write of this loop
                for (int i = 0; map.growing(); i++) {
                    String from = "device-" + (i % n);
                    MemorySegment view = map.get(from);
                    assertNotNull(view);
                    String to = "copy-of-device-with-a-long-name-" + i;
                    if (i % 2 == 0) {
                        map.put(to, view);
                    } else {
                        assertTrue(map.putIfAbsent(to, view));
                    }
                    if (!map.growing()) {
                        growthsFinishedByTheCopy++;
                    }
                    assertEquals(i % n, map.get(to).get(ValueLayout.JAVA_LONG, 0));
                }
            }
        }
        assertEquals(MAPS, growthsFinishedByTheCopy, "copies that finished a growth");
    }

    @Test
    void aWriteFromForEachIsRefusedAsAConcurrentModificationNotAClosedMap() {
        for (int m = 0; m < MAPS; m++) {
            boolean acquire = m % 2 == 1;
            try (BytesMap map = BytesMap.builder().valueSize(16).build()) {
                int n = 0;
                // at most two old buckets left: the next write evacuates both (two a write)
                while (!map.growing() || map.oldBucketCount() - map.evacuatedBuckets() > 2 || n < 20) {
                    map.put("key-number-long-enough-" + n++, MemorySegment.ofArray(new long[2]));
                    assertTrue(n < 1_000_000, "no growth was seen with at most two old buckets left");
                }
                // the action's first write does the growth's last step with views of the old
                // table's key and value as its arguments; forEach then sees the change
                ConcurrentModificationException e = assertThrows(ConcurrentModificationException.class,
                        () -> map.forEach((k, v) -> {
                            if (acquire) {
                                map.acquire(k);
                            } else {
                                map.put(k, v);
                            }
                        }));
                assertTrue(e.getMessage().contains("changed during forEach"), e.getMessage());
                assertEquals(n, map.size());
            }
        }
    }
}
