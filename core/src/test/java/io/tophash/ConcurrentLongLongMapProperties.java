package io.tophash;

import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Several threads run random operation sequences on one {@link ConcurrentLongLongMap}, starting
 * empty so that it grows while they run. Each thread owns a disjoint key range, where every
 * operation's result must match that thread's own {@link HashMap} model as it happens (what
 * linearizability means for keys nobody else touches); all threads also add to a small pool of
 * shared keys, whose final values must be the sums of every thread's deltas (no lost update).
 * At the end the map's contents must equal the union of the models.
 */
class ConcurrentLongLongMapProperties {

    static final int THREADS = 3;
    static final int OWN_KEYS = 200;
    static final int SHARED_KEYS = 8;
    static final long SHARED_BASE = Long.MIN_VALUE;

    enum Kind { PUT, PUT_IF_ABSENT, GET, REMOVE, REMOVE_IF, REPLACE_IF, ADD_AND_GET, CONTAINS, SHARED_ADD }

    record Op(Kind kind, int key, long value) {
    }

    @Property(edgeCases = EdgeCasesMode.NONE)
    void threadsTogetherEndAsTheirModelsSay(@ForAll("allocators") String allocatorName,
                                            @ForAll BucketPadding padding,
                                            @ForAll("plans") List<List<Op>> plans) throws Exception {
        Allocator allocator = switch (allocatorName) {
            case "naive(8)" -> Allocators.naive(8);
            case "hugePages" -> Allocators.hugePages();
            default -> Allocators.cacheLineAligned();
        };
        List<Map<Long, Long>> models = new ArrayList<>();
        long[] sharedSums = new long[SHARED_KEYS];
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().allocator(allocator).padding(padding)
                .missingValue(-1).build()) {
            CyclicBarrier start = new CyclicBarrier(THREADS);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Map<Long, Long> model = new HashMap<>();
                models.add(model);
                List<Op> plan = plans.get(t);
                for (Op op : plan) {
                    if (op.kind() == Kind.SHARED_ADD) {
                        sharedSums[op.key() % SHARED_KEYS] += op.value();
                    }
                }
                long base = (t + 1) * 1_000_003L;
                Thread thread = new Thread(() -> {
                    try {
                        start.await();
                        run(map, plan, model, base);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertNull(failure.get(), () -> "a thread failed: " + failure.get());

            Map<Long, Long> expected = new HashMap<>();
            models.forEach(expected::putAll);
            for (int s = 0; s < SHARED_KEYS; s++) {
                if (sharedSums[s] != 0 || plansTouch(plans, s)) {
                    expected.put(SHARED_BASE + s, sharedSums[s]);
                }
            }
            Map<Long, Long> actual = new HashMap<>();
            map.forEach((k, v) -> assertNull(actual.put(k, v), "forEach visited " + k + " twice"));
            assertEquals(expected, actual);
            assertEquals(expected.size(), map.size());
            Statistics.label("buckets at the end").collect(map.stats().bucketCount() >= 64 ? ">= 64" : "< 64");
        }
        assertEquals(0, allocator.bytesInUse(), "memory left allocated after close");
    }

    private static boolean plansTouch(List<List<Op>> plans, int shared) {
        return plans.stream().flatMap(List::stream)
                .anyMatch(op -> op.kind() == Kind.SHARED_ADD && op.key() % SHARED_KEYS == shared);
    }

    /** One thread's sequence: own keys checked step by step against its model, shared keys only added to. */
    private static void run(ConcurrentLongLongMap map, List<Op> plan, Map<Long, Long> model, long base) {
        int step = 0;
        for (Op op : plan) {
            long key = base + op.key();
            long v = op.value();
            String where = "step " + step++ + " " + op;
            switch (op.kind()) {
                case PUT -> assertEquals(orMissing(model.put(key, v)), map.put(key, v), where);
                case PUT_IF_ABSENT -> assertEquals(orMissing(model.putIfAbsent(key, v)), map.putIfAbsent(key, v), where);
                case GET -> assertEquals(orMissing(model.get(key)), map.get(key), where);
                case REMOVE -> assertEquals(orMissing(model.remove(key)), map.remove(key), where);
                case REMOVE_IF -> {
                    boolean modelRemoves = model.containsKey(key) && model.get(key) == (v & 3);
                    if (modelRemoves) {
                        model.remove(key);
                    }
                    assertEquals(modelRemoves, map.remove(key, v & 3), where);
                }
                case REPLACE_IF -> {
                    boolean modelReplaces = model.containsKey(key) && model.get(key) == (v & 3);
                    if (modelReplaces) {
                        model.put(key, v);
                    }
                    assertEquals(modelReplaces, map.replace(key, v & 3, v), where);
                }
                case ADD_AND_GET -> assertEquals((long) model.merge(key, v, Long::sum), map.addAndGet(key, v), where);
                case CONTAINS -> assertEquals(model.containsKey(key), map.containsKey(key), where);
                case SHARED_ADD -> map.addAndGet(SHARED_BASE + op.key() % SHARED_KEYS, v);
            }
        }
    }

    private static long orMissing(Long value) {
        return value == null ? -1 : value;
    }

    @Provide
    Arbitrary<String> allocators() {
        return Arbitraries.of("cacheLineAligned", "naive(8)", "hugePages");
    }

    @Provide
    Arbitrary<List<List<Op>>> plans() {
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.of(Kind.class),
                Arbitraries.integers().between(0, OWN_KEYS - 1),
                Arbitraries.longs().between(0, 7)).as(Op::new);
        return op.list().ofMinSize(200).ofMaxSize(3000).list().ofSize(THREADS);
    }
}
