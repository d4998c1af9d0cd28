package io.tophash;

import org.junit.jupiter.api.Test;

import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared contract plus what only the single-threaded {@link LongLongMap} has: {@code clear},
 * the cursor, and writes from inside {@code forEach} detected as concurrent modification.
 */
public abstract class AbstractSingleThreadedContract extends AbstractLongLongMapContract {

    static LongLongMap single(ContractMap map) {
        return map.single();
    }

    static Map<Long, Long> contents(LongLongMap map) {
        return contents(new ContractMap.Single(map));
    }

    static void assertContentsEqual(Map<Long, Long> expected, LongLongMap map) {
        assertContentsEqual(expected, new ContractMap.Single(map));
    }

    @Test
    void clearEmptiesButKeepsCapacity() {
        LongLongMap map = single(newMap());
        for (long k = 0; k < 5_000; k++) {
            map.put(k, k);
        }
        while (map.growing()) {
            map.put(-1, -1);
            map.remove(-1);
        }
        long buckets = map.stats().bucketCount();
        map.clear();
        assertTrue(map.isEmpty());
        assertEquals(buckets, map.stats().bucketCount());
        assertEquals(0, map.stats().overflowBucketCount());
        for (long k = 0; k < 5_000; k++) {
            assertFalse(map.containsKey(k));
        }
        assertTrue(contents(map).isEmpty());
        map.put(7, 8);
        assertEquals(8, map.get(7));
        assertEquals(1, map.size());
    }

    @Test
    void clearDuringGrowthFinishesIt() {
        LongLongMap map = single(newMap());
        long k = 0;
        while (!map.growing() || map.oldBucketCount() < 16) {
            map.put(k, k++);
        }
        map.clear();
        assertFalse(map.growing());
        assertTrue(map.isEmpty());
        for (long j = 0; j < k; j++) {
            assertFalse(map.containsKey(j));
        }
    }

    @Test
    void forEachRejectsChangesFromTheAction() {
        LongLongMap map = single(newMap());
        map.put(1, 1);
        map.put(2, 2);
        assertThrows(ConcurrentModificationException.class, () -> map.forEach((k, v) -> map.put(k + 100, v)));
        assertThrows(ConcurrentModificationException.class, () -> map.forEach((k, v) -> map.remove(k)));
    }

    @Test
    void cursorVisitsUpdatesAndRemovesAlsoDuringGrowth() {
        LongLongMap map = single(newMap());
        Map<Long, Long> expected = new HashMap<>();
        long k = 0;
        while (!map.growing() || map.oldBucketCount() < 32) {
            map.put(k, k);
            expected.put(k, k);
            k++;
        }
        Map<Long, Long> seen = new HashMap<>();
        LongLongMap.Cursor cursor = map.cursor();
        while (cursor.next()) {
            long key = cursor.key();
            assertEquals(null, seen.put(key, cursor.value()), "visited twice: " + key);
            if (key % 3 == 0) {
                cursor.remove();
                expected.remove(key);
                assertThrows(IllegalStateException.class, cursor::remove, "removing twice");
            } else if (key % 3 == 1) {
                cursor.setValue(-key);
                expected.put(key, -key);
            }
        }
        assertEquals(k, seen.size(), "every entry visited once");
        assertFalse(cursor.next());
        assertContentsEqual(expected, map);
    }

    @Test
    void cursorRejectsOutsideChangesAndMisuse() {
        LongLongMap map = single(newMap());
        map.put(1, 1);
        map.put(2, 2);
        LongLongMap.Cursor cursor = map.cursor();
        assertThrows(IllegalStateException.class, cursor::key, "key() before next()");
        assertTrue(cursor.next());
        map.put(3, 3);
        assertThrows(ConcurrentModificationException.class, cursor::next);
        LongLongMap.Cursor emptied = map.cursor();
        while (emptied.next()) {
            emptied.remove();
        }
        assertTrue(map.isEmpty());
    }

    /**
     * A put of a present key during a growth does the growth work a write owes, moving entries
     * between the tables a cursor walks: the cursor must then throw, not return an entry twice or
     * skip one.
     */
    @Test
    void cursorRejectsGrowthWorkOfAPutOfAPresentKey() {
        LongLongMap map = single(newMap());
        long n = 0;
        while (!map.growing()) {
            map.put(n, n);
            n++;
        }
        LongLongMap.Cursor cursor = map.cursor();
        assertTrue(cursor.next());
        map.put(cursor.key(), cursor.value()); // no new key, but evacuations
        assertThrows(ConcurrentModificationException.class, cursor::next);
    }

    @Test
    void clearAndCursorFailAfterClose() {
        LongLongMap map = single(newMap());
        map.close();
        for (Runnable call : List.<Runnable>of(map::clear, map::cursor)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call::run);
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
    }
}
