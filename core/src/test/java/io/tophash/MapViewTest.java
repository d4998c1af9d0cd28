package io.tophash;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code asMap()} views beyond Guava's suites ({@link MapViewGuavaSuitesTest}): writes seen
 * both ways, nulls refused, a stored missing value told from an absent key, and the concurrent
 * view's single-key writes atomic under a race of two threads.
 */
class MapViewTest {

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable map : opened) {
            map.close();
        }
    }

    private LongLongMap map(long missing) {
        LongLongMap map = LongLongMap.builder().missingValue(missing).build();
        opened.add(map);
        return map;
    }

    private ConcurrentLongLongMap concurrentMap(long missing) {
        ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().missingValue(missing).build();
        opened.add(map);
        return map;
    }

    @Test
    void singleThreadedViewWritesThroughBothWays() {
        LongLongMap map = map(0);
        Map<Long, Long> view = map.asMap();
        assertSame(view, map.asMap());

        map.put(1, 10);
        assertEquals(10L, view.get(1L));
        assertEquals(1, view.size());
        assertNull(view.put(2L, 20L));
        assertEquals(20, map.get(2));
        assertEquals(20L, view.put(2L, 21L));
        assertEquals(21, map.get(2));
        assertEquals(21L, view.remove(2L));
        assertFalse(map.containsKey(2));

        map.put(3, 30);
        for (Map.Entry<Long, Long> e : view.entrySet()) {
            e.setValue(e.getValue() + 1);
        }
        assertEquals(11, map.get(1));
        assertEquals(31, map.get(3));
        Iterator<Long> keys = view.keySet().iterator();
        while (keys.hasNext()) {
            if (keys.next() == 1L) {
                keys.remove();
            }
        }
        assertFalse(map.containsKey(1));
        assertEquals(Map.of(3L, 31L), view);
        assertEquals(Map.of(3L, 31L).hashCode(), view.hashCode());
        assertEquals("{3=31}", view.toString());
        view.clear();
        assertEquals(0, map.size());
    }

    @Test
    void concurrentViewWritesThroughBothWays() {
        ConcurrentLongLongMap map = concurrentMap(0);
        ConcurrentMap<Long, Long> view = map.asMap();
        assertSame(view, map.asMap());

        map.put(1, 10);
        assertEquals(10L, view.get(1L));
        assertNull(view.put(2L, 20L));
        assertEquals(20, map.get(2));
        assertNull(view.replace(4L, 40L));
        assertFalse(map.containsKey(4));
        assertEquals(20L, view.replace(2L, 22L));
        assertTrue(view.replace(2L, 22L, 23L));
        assertFalse(view.replace(2L, 22L, 24L));
        assertEquals(23, map.get(2));
        assertFalse(view.remove(2L, 22L));
        assertTrue(view.remove(2L, 23L));
        assertFalse(map.containsKey(2));

        map.put(3, 30);
        for (Map.Entry<Long, Long> e : view.entrySet()) {
            e.setValue(e.getValue() + 1);
        }
        assertEquals(11, map.get(1));
        assertEquals(31, map.get(3));
        view.keySet().removeIf(k -> k == 1L);
        assertFalse(map.containsKey(1));
        assertEquals(Map.of(3L, 31L), view);
        assertEquals(Map.of(3L, 31L).hashCode(), view.hashCode());
        assertEquals(32L, view.merge(3L, 1L, Long::sum));
        assertEquals(32, map.get(3));
        view.clear();
        assertEquals(0, map.size());
    }

    /** The sentinel must not pass for "absent" where the Map contract says null. */
    @ParameterizedTest
    @ValueSource(longs = {0, Long.MIN_VALUE, -1})
    void storedMissingValueIsNotAbsent(long missing) {
        for (Map<Long, Long> view : List.of(map(missing).asMap(), concurrentMap(missing).asMap())) {
            assertNull(view.get(5L));
            assertNull(view.put(5L, missing), "inserted");
            assertEquals(missing, view.get(5L));
            assertTrue(view.containsKey(5L));
            assertTrue(view.containsValue(missing));
            assertTrue(view.entrySet().contains(Map.entry(5L, missing)));
            assertEquals(missing, view.putIfAbsent(5L, 9L), "present with the missing value");
            assertEquals(missing, view.put(5L, missing));
            assertEquals(missing, view.replace(5L, missing));
            assertEquals(missing, view.remove(5L), "removed the missing value");
            assertNull(view.remove(5L));
            assertNull(view.putIfAbsent(6L, missing));
            assertEquals(missing, view.get(6L));
            assertEquals(Map.of(6L, missing), view);
            assertEquals(Map.of(6L, missing), new HashMap<>(view));
        }
    }

    @Test
    void nullsAreRefusedAndOtherTypesAbsent() {
        for (Map<Long, Long> view : List.of(map(0).asMap(), concurrentMap(0).asMap())) {
            view.put(1L, 1L);
            assertThrows(NullPointerException.class, () -> view.put(null, 1L));
            assertThrows(NullPointerException.class, () -> view.put(1L, null));
            assertThrows(NullPointerException.class, () -> view.putIfAbsent(null, 1L));
            assertThrows(NullPointerException.class, () -> view.putIfAbsent(2L, null));
            assertThrows(NullPointerException.class, () -> view.replace(1L, null));
            assertThrows(NullPointerException.class, () -> view.replace(1L, 1L, null));
            assertThrows(NullPointerException.class, () -> view.get(null));
            assertThrows(NullPointerException.class, () -> view.containsKey(null));
            assertThrows(NullPointerException.class, () -> view.containsValue(null));
            assertThrows(NullPointerException.class, () -> view.remove(null));
            assertThrows(NullPointerException.class, () -> view.putAll(java.util.Collections.singletonMap(3L, null)));
            assertThrows(NullPointerException.class, () -> view.entrySet().iterator().next().setValue(null));
            assertEquals(Map.of(1L, 1L), view, "no refused write changed the map");

            assertNull(view.get("1"));
            assertNull(view.get(1));
            assertFalse(view.containsKey(1));
            assertFalse(view.containsValue(1));
            assertNull(view.remove(1));
            assertFalse(view.remove(1L, 1));
            assertFalse(view.entrySet().contains(Map.entry(1, 1)));
            assertEquals(1L, view.get(1L));
        }
    }

    @Test
    void singleThreadedViewIteratorsFailFast() {
        LongLongMap map = map(0);
        Map<Long, Long> view = map.asMap();
        for (long k = 0; k < 10; k++) {
            view.put(k, k);
        }
        Iterator<Long> keys = view.keySet().iterator();
        keys.next();
        map.put(100, 100);
        assertThrows(ConcurrentModificationException.class, keys::next);
        Iterator<Long> values = view.values().iterator();
        values.next();
        map.clear();
        assertThrows(ConcurrentModificationException.class, values::next);
    }

    /**
     * A put of a present key is no structural change for {@code java.util.Map}, and its
     * iterators outlive it. During a growth the map's own put does the growth work a write owes
     * (moving entries, which ends a cursor's walk); the view's put sets the value in place, so
     * the iteration goes on and returns every key once.
     */
    @Test
    void putOfPresentKeysWhileIteratingDuringGrowthKeepsTheIteration() {
        LongLongMap map = map(0);
        Map<Long, Long> view = map.asMap();
        long n = 0;
        while (!map.growing()) {
            map.put(n, n);
            n++;
        }
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (Long key : view.keySet()) {
            assertTrue(seen.add(key), () -> "key " + key + " returned twice");
            assertEquals(key, view.put(key, key + 1));
        }
        assertEquals(n, seen.size(), "every key returned once");
        assertTrue(map.growing(), "the iteration ran during the growth");
        for (long k = 0; k < n; k++) {
            assertEquals(k + 1, map.get(k));
        }
    }

    /**
     * Two threads {@code putIfAbsent} the same keys, one the missing value, one another value:
     * each key must be won by exactly one (the one that got null), the other must get the
     * winner's value, and the map must hold it. A view that took the missing value for "absent",
     * or did a non-atomic check-then-put, lets both win.
     */
    @Test
    void concurrentPutIfAbsentAndRemoveRacesAreAtomic() throws Exception {
        int keys = 50_000; // from an unsized map: the race runs across several growths
        long missing = 0;
        for (int round = 0; round < 3; round++) {
            ConcurrentLongLongMap map = concurrentMap(missing);
            ConcurrentMap<Long, Long> view = map.asMap();
            CyclicBarrier start = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Long[]> a = pool.submit(() -> race(view, start, keys, missing));
                Future<Long[]> b = pool.submit(() -> race(view, start, keys, 1L));
                Long[] gotA = a.get(60, TimeUnit.SECONDS);
                Long[] gotB = b.get(60, TimeUnit.SECONDS);
                for (int k = 0; k < keys; k++) {
                    int key = k;
                    boolean aWon = gotA[k] == null;
                    boolean bWon = gotB[k] == null;
                    assertTrue(aWon ^ bWon, () -> "key " + key + ": exactly one insert must win, got " + gotA[key]
                            + " and " + gotB[key]);
                    long winner = aWon ? missing : 1L;
                    assertEquals(winner, aWon ? gotB[k] : gotA[k], "the loser sees the winner's value");
                    assertEquals(winner, map.get(key));
                }
                assertEquals(keys, map.size());

                Future<Long[]> removedA = pool.submit(() -> removeAll(view, start, keys));
                Future<Long[]> removedB = pool.submit(() -> removeAll(view, start, keys));
                Long[] remA = removedA.get(60, TimeUnit.SECONDS);
                Long[] remB = removedB.get(60, TimeUnit.SECONDS);
                for (int k = 0; k < keys; k++) {
                    int key = k;
                    assertTrue(remA[k] == null ^ remB[k] == null, () -> "key " + key + ": exactly one remove wins");
                    long expected = gotA[k] == null ? missing : 1L;
                    assertEquals(expected, remA[k] != null ? remA[k] : remB[k]);
                }
                assertTrue(view.isEmpty());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static Long[] race(ConcurrentMap<Long, Long> view, CyclicBarrier start, int keys, long value)
            throws Exception {
        Long[] got = new Long[keys];
        start.await();
        for (int k = 0; k < keys; k++) {
            got[k] = view.putIfAbsent((long) k, value);
        }
        return got;
    }

    private static Long[] removeAll(ConcurrentMap<Long, Long> view, CyclicBarrier start, int keys) throws Exception {
        Long[] got = new Long[keys];
        start.await();
        for (int k = 0; k < keys; k++) {
            got[k] = view.remove((long) k);
        }
        return got;
    }

    /**
     * The concurrent view's iterators are weakly consistent: while another thread inserts and
     * removes (growing the map meanwhile), no iterator throws, and every key present for the whole
     * iteration is returned exactly once.
     */
    @Test
    void concurrentViewIteratorsAreWeaklyConsistent() throws Exception {
        ConcurrentLongLongMap map = concurrentMap(0);
        ConcurrentMap<Long, Long> view = map.asMap();
        int stable = 2_000;
        for (long k = 0; k < stable; k++) {
            map.put(k, -k);
        }
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> writer = pool.submit(() -> {
                // churns 20,000 other keys: grows the map while the first walks run, then keeps changing it
                for (long i = 0; !stop.get(); i++) {
                    long k = stable + i % 20_000;
                    if (map.remove(k) == 0) {
                        map.put(k, k);
                    }
                }
            });
            for (int walk = 0; walk < 50; walk++) {
                int[] seen = new int[stable];
                for (Map.Entry<Long, Long> e : view.entrySet()) {
                    long k = e.getKey();
                    if (k < stable) {
                        assertEquals(-k, e.getValue());
                        seen[(int) k]++;
                    }
                }
                for (int k = 0; k < stable; k++) {
                    assertEquals(1, seen[k], "key " + k + " seen " + seen[k] + " times in walk " + walk);
                }
            }
            stop.set(true);
            writer.get(60, TimeUnit.SECONDS);
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }
}
