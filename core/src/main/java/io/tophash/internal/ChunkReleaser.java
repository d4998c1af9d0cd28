package io.tophash.internal;

import io.tophash.memory.Allocator;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Hands chunks a map no longer uses back to its allocator on a background thread.
 *
 * <p>Implementation notes. Releasing a chunk closes its shared arena, and closing a shared arena
 * is a handshake with every Java thread: measured at 0.1 to 3.6 ms per chunk on a 2-vCPU VM while
 * a map grows from empty to 10M entries (the slowest puts of such a growth were exactly the puts
 * that released a chunk). The caller of {@link #releaseLater} only queues the chunk; one daemon
 * thread, shared by every map and gone after a second of idleness, waits out the handshakes. The
 * chunk is already out of the map's tables, so nothing reads it while it waits; an access that
 * did (a use of a closed or misused map) still meets a closed arena and an exception, never freed
 * memory. {@link #awaitReleased} lets {@code close()} return only once the map's memory is back.
 *
 * <p>Thread-safety: all methods may be called from any thread. Allocators are thread-safe by
 * contract, so releasing from the background thread is within it.
 */
public final class ChunkReleaser {

    private static final ThreadPoolExecutor BACKGROUND = newBackgroundThread();

    private final Allocator allocator;
    private long pendingBytes;
    private int pendingChunks;
    private RuntimeException failure;

    public ChunkReleaser(Allocator allocator) {
        this.allocator = allocator;
    }

    private static ThreadPoolExecutor newBackgroundThread() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "tophash-chunk-release");
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /**
     * Queues {@code chunk} for release. Allocates a task object on the heap (one per chunk of
     * hundreds of kilobytes). If no thread can be started, releases it here and now.
     */
    public void releaseLater(MemorySegment chunk) {
        long bytes = chunk.byteSize();
        synchronized (this) {
            pendingBytes += bytes;
            pendingChunks++;
        }
        try {
            BACKGROUND.execute(() -> release(chunk, bytes));
        } catch (RejectedExecutionException | OutOfMemoryError cannotQueue) {
            release(chunk, bytes);
        }
    }

    private void release(MemorySegment chunk, long bytes) {
        RuntimeException failed = null;
        try {
            allocator.release(chunk);
        } catch (RuntimeException e) {
            failed = e;
        }
        synchronized (this) {
            pendingBytes -= bytes;
            pendingChunks--;
            if (failed != null && failure == null) {
                failure = failed;
            }
            if (pendingChunks == 0) {
                notifyAll();
            }
        }
    }

    /** Bytes queued and not yet released. */
    public synchronized long pendingBytes() {
        return pendingBytes;
    }

    /**
     * Waits until every chunk queued so far is released, then rethrows the first exception the
     * allocator threw while releasing one, if any (once). An interrupt is kept and the wait goes on:
     * returning early would let {@code close()} return with memory still held.
     */
    public void awaitReleased() {
        boolean interrupted = false;
        RuntimeException toThrow;
        synchronized (this) {
            while (pendingChunks > 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            toThrow = failure;
            failure = null;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (toThrow != null) {
            throw toThrow;
        }
    }
}
