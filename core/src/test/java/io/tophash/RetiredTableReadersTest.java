package io.tophash;

import io.tophash.engine.MapMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Readers of a {@link ConcurrentLongLongMap} racing the release of its tables: by a growth that
 * completed (the grace period is set to zero here) or by {@code close()}. HotSpot stops a reader
 * inside a table whose arena closes with an asynchronous exception and also interrupts it; the
 * map must hide the interrupt (the read retries, or fails with the documented
 * {@link IllegalStateException} after close), and keep an interrupt the caller had before.
 */
class RetiredTableReadersTest {

    private long previousGrace;

    @BeforeEach
    void releaseRetiredTablesAtOnce() {
        previousGrace = MapMemory.retireGraceMillis(0);
    }

    @AfterEach
    void restoreGrace() {
        MapMemory.retireGraceMillis(previousGrace);
    }

    @Test
    void readersRacingReleasedTablesAreNotLeftInterrupted() throws Exception {
        race(false);
    }

    @Test
    void aReaderInterruptedBeforehandStaysInterrupted() throws Exception {
        race(true);
    }

    /**
     * One writer grows maps from empty again and again; a reader reads keys the writer has put,
     * checking every answer and its own interrupt flag after each read.
     */
    private static void race(boolean readerInterruptsItself) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<ConcurrentLongLongMap> current = new AtomicReference<>();
        AtomicLong written = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch firstMap = new CountDownLatch(1);

        Thread writer = new Thread(() -> {
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (System.nanoTime() < deadline && failure.get() == null) {
                    try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().build()) {
                        written.set(0);
                        current.set(map);
                        firstMap.countDown();
                        for (long k = 1; k <= 200; k++) {
                            map.put(k, -k);
                            written.set(k);
                        }
                    } // closed while the reader may be inside it

                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                stop.set(true);
            }
        }, "writer");

        Thread reader = new Thread(() -> {
            try {
                firstMap.await();
                if (readerInterruptsItself) {
                    Thread.currentThread().interrupt();
                }
                long k = 1;
                while (!stop.get()) {
                    ConcurrentLongLongMap map = current.get();
                    long upTo = written.get();
                    if (map == null || upTo == 0) {
                        continue;
                    }
                    long key = 1 + (k++ % upTo);
                    try {
                        long value = map.get(key);
                        if (value != -key) {
                            throw new AssertionError("get(" + key + ") = " + value + " after put of " + -key);
                        }
                    } catch (IllegalStateException closedMeanwhile) {
                        // the writer closed the map: a documented outcome, but no interrupt with it
                    }
                    if (Thread.currentThread().isInterrupted() != readerInterruptsItself) {
                        throw new AssertionError("interrupt flag " + Thread.currentThread().isInterrupted()
                                + " after get(" + key + "), expected " + readerInterruptsItself);
                    }
                    reads.incrementAndGet();
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, "reader");

        writer.start();
        reader.start();
        writer.join();
        reader.join();
        assertNull(failure.get(), () -> "failed: " + failure.get());
        assertTrue(reads.get() > 0, "the reader never read");
    }
}
