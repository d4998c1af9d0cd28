package io.tophash;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A concurrent map's {@code close()} racing other threads' operations must leave none of them
 * interrupted: when a shared arena closes while a thread is inside an access to it, HotSpot stops
 * that thread with an asynchronous exception and also sets its interrupt flag, an interrupt nobody
 * asked for that would make the worker's next {@code sleep} or queue poll fail. Every operation
 * kind races the close in many short trials; a worker checks its interrupt flag after every
 * operation, the one stopped by the close included, and a worker interrupted on purpose before
 * each operation must keep its interrupt.
 */
class CloseInterruptStressTest {

    private static final int TRIALS = Integer.getInteger("tophash.closeInterruptTrials", 800);
    private static final int WORKERS = 3;

    @Test
    void concurrentLongLongMapLeavesNoWorkerInterrupted() throws Exception {
        race(() -> {
            ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().build();
            for (long k = 0; k < 20_000; k++) {
                map.put(k, k);
            }
            return new Target(map, random -> {
                long k = random.nextLong(60_000);
                switch (random.nextInt(8)) {
                    case 0 -> map.put(k, k);
                    case 1 -> map.get(k);
                    case 2 -> map.remove(k);
                    case 3 -> map.putIfAbsent(k, 1);
                    case 4 -> map.addAndGet(k, 1);
                    case 5 -> map.replace(k, k, k + 1);
                    case 6 -> map.forEach((a, b) -> { });
                    default -> map.asMap().put(k, k);
                }
            });
        });
    }

    @Test
    void concurrentBytesMapLeavesNoWorkerInterrupted() throws Exception {
        race(() -> {
            ConcurrentBytesMap map = ConcurrentBytesMap.builder().valueSize(16).build();
            MemorySegment value = MemorySegment.ofArray(new long[2]);
            for (int k = 0; k < 10_000; k++) {
                map.put(key(k), value);
            }
            return new Target(map, random -> {
                String k = key(random.nextInt(30_000));
                MemorySegment target = MemorySegment.ofArray(new long[2]);
                switch (random.nextInt(7)) {
                    case 0 -> map.put(k, value);
                    case 1 -> map.getInto(k, target);
                    case 2 -> map.remove(k);
                    case 3 -> map.putIfAbsent(k, value);
                    case 4 -> map.update(k, v -> {
                        for (int i = 0; i < 2_000; i++) { // long inside an access to the map's memory
                            v.set(ValueLayout.JAVA_LONG, 8, v.get(ValueLayout.JAVA_LONG, 8) + i);
                        }
                    });
                    case 5 -> map.containsKey(k);
                    default -> map.forEach((a, b) -> { });
                }
            });
        });
    }

    private static String key(int k) {
        return k % 2 == 0 ? "d-" + k : "a-device-id-long-enough-to-be-stored-" + k;
    }

    private record Target(AutoCloseable map, Consumer<SplittableRandom> operation) {
    }

    private interface TargetFactory {
        Target make();
    }

    private static void race(TargetFactory factory) throws Exception {
        AtomicInteger stoppedByClose = new AtomicInteger();
        AtomicReference<String> leaked = new AtomicReference<>();
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        for (int trial = 0; trial < TRIALS && leaked.get() == null && unexpected.get() == null; trial++) {
            Target target = factory.make();
            CountDownLatch started = new CountDownLatch(WORKERS);
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                int worker = w;
                long seed = trial * 31L + w;
                Thread thread = new Thread(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    boolean interruptOnPurpose = worker == 0 && seed % 3 == 0;
                    started.countDown();
                    while (true) {
                        if (interruptOnPurpose) {
                            Thread.currentThread().interrupt();
                        }
                        try {
                            target.operation().accept(random);
                            if (Thread.interrupted() != interruptOnPurpose) {
                                leaked.compareAndSet(null, "an operation that returned changed the interrupt flag");
                                return;
                            }
                        } catch (IllegalStateException closed) {
                            stoppedByClose.incrementAndGet();
                            boolean interrupted = Thread.currentThread().isInterrupted();
                            if (interrupted != interruptOnPurpose) {
                                leaked.compareAndSet(null, (interrupted ? "left interrupted: " : "lost its own interrupt: ")
                                        + closed);
                            }
                            return;
                        } catch (Throwable t) {
                            unexpected.compareAndSet(null, t);
                            return;
                        }
                    }
                }, "close-interrupt-worker-" + w);
                workers.add(thread);
                thread.start();
            }
            started.await();
            Thread.sleep(0, 200_000 + (trial % 7) * 100_000);
            target.map().close();
            for (Thread thread : workers) {
                thread.join(30_000);
            }
        }
        assertNull(unexpected.get(), () -> "an operation racing close() threw " + unexpected.get());
        assertNull(leaked.get(), () -> "a worker's interrupt flag after close(): " + leaked.get());
        assertEquals(true, stoppedByClose.get() > 0, "no operation met the close");
    }
}
