package io.tophash.engine;

import io.tophash.events.ChunkAllocated;
import io.tophash.events.ChunkReleased;
import io.tophash.memory.Allocator;
import jdk.jfr.FlightRecorder;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every chunk of native memory one map holds, and the only way that map gets or gives back memory.
 *
 * <p>Implementation notes. The ledger ({@link #held}) is the truth about what a map owns,
 * independent of the shape of its tables: {@link #bytesHeld()} is exact, {@link #releaseAll()}
 * gives back everything whatever state a failed growth left the tables in, and the {@link Cleaner}
 * safety net can free a map nobody closed without knowing anything about the map.
 *
 * <p>Releasing a chunk closes its shared arena, a handshake with every Java thread (measured at
 * 0.1 to 3.6 ms per chunk on a 2-vCPU VM while a map grows to 10M entries). Chunks a growth no
 * longer needs therefore go through {@link #releaseLater}: one daemon thread, shared by every map
 * and gone after a second of idleness, waits out the handshakes. A release that throws anything,
 * an {@link Error} included, leaves its chunk in the ledger: it is retried by {@link #releaseAll()}
 * (so by the map's {@code close()}), and the failure is reported there, never lost and never able
 * to stop the pending count from reaching zero. This relies on the {@link Allocator} contract
 * that a release which throws has released nothing.
 *
 * <p>A table that lock-free readers may still be reading is {@link #retire retired} instead: it
 * is released only after a grace period ({@value #DEFAULT_RETIRE_GRACE_MILLIS} ms unless the
 * system property {@value #RETIRE_GRACE_PROPERTY} says otherwise), so that in practice no reader
 * is inside it when its arena closes. Closing an arena under a reader is safe by the FFM contract
 * (the reader gets {@link IllegalStateException} and retries), but HotSpot delivers that as an
 * asynchronous exception which also interrupts the reader, and JDK-8364167 (fixed in 2026) was a
 * use-after-free on that very path: the grace period keeps maps off it. The map's
 * {@code close()} does not wait for it: it releases retired tables at once.
 *
 * <p>The ledger also names its map for the JFR events ({@code io.tophash.events}): {@link #mapId},
 * unique in the JVM, and {@link #mapKind()}. Every chunk a map gets or gives back passes through
 * {@link #allocate} and {@link #releaseClaimed}, which emit {@code ChunkAllocated} and
 * {@code ChunkReleased} when a recording wants them.
 *
 * <p>Thread-safety: every method may be called from any thread; the ledger is guarded by this
 * object's monitor, taken once per chunk, never per entry.
 */
public final class MapMemory {

    /** Where leak warnings go; a test swaps it to listen. */
    public static volatile System.Logger log = System.getLogger("io.tophash");

    /** System property: milliseconds a retired table is kept before release. */
    public static final String RETIRE_GRACE_PROPERTY = "io.tophash.retireGraceMillis";
    public static final long DEFAULT_RETIRE_GRACE_MILLIS = 100;
    private static volatile long retireGraceMillis =
            Math.max(0, Long.getLong(RETIRE_GRACE_PROPERTY, DEFAULT_RETIRE_GRACE_MILLIS));

    private static final ScheduledThreadPoolExecutor BACKGROUND = newBackgroundThread();
    private static final Cleaner CLEANER = Cleaner.create(task -> {
        Thread thread = new Thread(task, "tophash-cleaner");
        thread.setDaemon(true);
        return thread;
    });
    /** Map classes whose leak has been reported: one warning per class, not one per map. */
    private static final Set<String> LEAKS_REPORTED = ConcurrentHashMap.newKeySet();
    /** The last map id given; ids start at 1. */
    private static final AtomicLong LAST_MAP_ID = new AtomicLong();

    /** The map's id in JFR events: unique in this JVM, in the order ledgers were made. */
    public final long mapId = LAST_MAP_ID.incrementAndGet();
    /** The owner's class name ({@link #freeWhenUnreachable}), for JFR events; null before. */
    private volatile String mapKind;

    private final Allocator allocator;
    /** Chunks held and not being released; a releaser claims a chunk by taking it out of here. */
    private final Map<MemorySegment, Boolean> held = new IdentityHashMap<>();
    /** Held chunks {@link #retire retired} and waiting out their grace period. */
    private final Map<MemorySegment, Boolean> retiring = new IdentityHashMap<>();
    /** Bytes of every chunk not yet given back: held, claimed by a release in progress, or whose release failed. */
    private long bytesHeld;
    private int pendingReleases;
    /** The first failure of a background release not yet reported by {@link #releaseAll()}. */
    private Throwable backgroundFailure;
    private volatile boolean closeRequested;
    private Cleaner.Cleanable cleanable;
    /** Chunks a single writer retired during its write ({@link #releaseAfterWrite}); the writer's only. */
    private List<MemorySegment> afterWrite;

    public MapMemory(Allocator allocator) {
        this.allocator = allocator;
    }

    private static ScheduledThreadPoolExecutor newBackgroundThread() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "tophash-chunk-release");
            thread.setDaemon(true);
            return thread;
        });
        // The thread outlives an idle second only while a retired chunk waits (ThreadPoolExecutor
        // keeps its last worker while the queue is not empty).
        executor.setKeepAliveTime(1, TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true);
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /**
     * Frees this memory once {@code owner} is unreachable, if the owner never {@link #close closed}
     * it, and then logs one warning per owner class naming the leak. The action holds this ledger,
     * never the owner.
     */
    public void freeWhenUnreachable(Object owner) {
        String ownerName = owner.getClass().getSimpleName();
        mapKind = ownerName;
        cleanable = CLEANER.register(owner, () -> freeAbandoned(ownerName));
    }

    /**
     * The safety net's action, on the Cleaner's thread. What it cannot release (the allocator
     * throws) stays with the allocator for good: there is nobody left to retry or report to.
     */
    private void freeAbandoned(String ownerName) {
        long bytes = bytesHeld();
        if (bytes == 0) {
            return;
        }
        try {
            releaseAll(); // after a close() whose releases failed, too: one more try
            if (allocator instanceof MapFile file) {
                file.close(); // its lock too, so that the file can be opened again
            }
        } catch (RuntimeException | Error ignored) {
            // nobody to report to: what could not be released stays with the allocator
        }
        if (!closeRequested && LEAKS_REPORTED.add(ownerName)) {
            // Everything but the release runs on a thread of its own (once per map class), and this
            // method links no lambda or string concatenation: on a cold JVM those cost seconds (a
            // thread dump of the emulated aarch64 lane caught this thread 7 s inside the linkage of
            // one lambda) and the first log call more (java.util.logging starting up: 20 s there),
            // and every other dropped map's memory would wait behind them.
            Thread warner = new Thread(new LeakWarning(ownerName, bytes), "tophash-leak-warning");
            warner.setDaemon(true);
            warner.start();
        }
    }

    /** Logs the one warning of a map class whose maps are dropped without {@code close()}. */
    private static final class LeakWarning implements Runnable {
        private final String ownerName;
        private final long bytes;

        LeakWarning(String ownerName, long bytes) {
            this.ownerName = ownerName;
            this.bytes = bytes;
        }

        @Override
        public void run() {
            log.log(System.Logger.Level.WARNING, "tophash: a " + ownerName + " holding " + bytes
                    + " bytes of native memory became unreachable without close(); the Cleaner freed it after GC."
                    + " Close maps (try-with-resources) to free memory when you choose; this is reported once per"
                    + " map class");
        }
    }

    /** The owner's simple class name ({@code LongLongMap}, ...), or null for a ledger without an owner. */
    public String mapKind() {
        return mapKind;
    }

    /** The allocator behind this ledger. */
    public Allocator allocator() {
        return allocator;
    }

    /**
     * Allocates a chunk and records it. If the allocator throws, nothing is recorded.
     */
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        MemorySegment chunk = allocator.allocate(byteSize, byteAlignment);
        synchronized (this) {
            held.put(chunk, Boolean.TRUE);
            bytesHeld += chunk.byteSize();
        }
        if (FlightRecorder.isInitialized() && ChunkAllocated.enabled()) {
            ChunkAllocated.emit(mapId, mapKind, chunk.byteSize(), byteAlignment, chunk.address(), allocator.name());
        }
        return chunk;
    }

    /** The file offset of {@code chunk}, a region this ledger's map file allocated. @throws IllegalStateException if the allocator is no map file */
    public long fileOffsetOf(MemorySegment chunk) {
        if (!(allocator instanceof MapFile file)) {
            throw new IllegalStateException("a map in memory has no file offsets");
        }
        return file.fileOffsetOf(chunk);
    }

    /**
     * Records a chunk this ledger's allocator handed out other than through {@link #allocate}: a
     * reopened map file's table, mapped as it is in the file.
     */
    public void adopt(MemorySegment chunk) {
        synchronized (this) {
            held.put(chunk, Boolean.TRUE);
            bytesHeld += chunk.byteSize();
        }
    }

    /**
     * Releases a chunk now, on the calling thread. If the allocator throws, the chunk stays
     * recorded (to be retried by {@link #releaseAll()}) and the exception propagates.
     *
     * @throws IllegalStateException if the chunk is not held (released twice: a bug)
     */
    public void release(MemorySegment chunk) {
        claim(chunk);
        releaseClaimed(chunk);
    }

    /** Takes a held chunk out of {@link #held}, so that no other releaser can release it too. */
    private synchronized void claim(MemorySegment chunk) {
        if (held.remove(chunk) == null) {
            throw new IllegalStateException("chunk at 0x" + Long.toHexString(chunk.address())
                    + " released twice, or not from this map");
        }
    }

    /** Releases a claimed chunk; if the allocator throws, the chunk is held again and the exception propagates. */
    private void releaseClaimed(MemorySegment chunk) {
        ChunkReleased event = FlightRecorder.isInitialized() ? ChunkReleased.releasing() : null;
        try {
            allocator.release(chunk);
        } catch (Throwable t) {
            synchronized (this) {
                held.put(chunk, Boolean.TRUE);
            }
            throw t;
        }
        synchronized (this) {
            bytesHeld -= chunk.byteSize();
        }
        if (event != null) {
            ChunkReleased.released(event, mapId, mapKind, chunk.byteSize(), chunk.address(), allocator.name());
        }
    }

    /**
     * Queues a chunk for release on the background thread; returns at once. If no thread can take
     * it, releases it here, and a failure then waits for {@link #releaseAll()} like a background one.
     *
     * @throws IllegalStateException if the chunk is not held (released twice: a bug)
     */
    public void releaseLater(MemorySegment chunk) {
        synchronized (this) {
            claimForBackground(chunk);
        }
        queueClaimed(chunk);
    }

    /** Claims a held chunk for a release on the background thread, which {@link #awaitReleased} waits for. Holding this monitor. */
    private void claimForBackground(MemorySegment chunk) {
        claim(chunk);
        pendingReleases++;
    }

    /** Runs the release of a claimed chunk, counted in {@link #pendingReleases}, on the background thread. */
    private void queueClaimed(MemorySegment chunk) {
        try {
            BACKGROUND.execute(() -> releaseInBackground(chunk));
        } catch (RejectedExecutionException | OutOfMemoryError cannotQueue) {
            releaseInBackground(chunk);
        }
    }

    /**
     * Marks a held chunk for release once the single writer's current write ends
     * ({@link #releaseWritten}): a write's arguments may be views into a table that the write's own
     * growth work retires. Until then the chunk stays held, so {@link #releaseAll()} still covers
     * it. Called by the writer only, as is {@link #releaseWritten}.
     */
    public void releaseAfterWrite(MemorySegment chunk) {
        if (afterWrite == null) {
            afterWrite = new ArrayList<>(4);
        }
        afterWrite.add(chunk);
    }

    /** Whether chunks wait for the end of the write ({@link #releaseAfterWrite}). Cheap: one field. */
    public boolean releasesAfterWrite() {
        return afterWrite != null && !afterWrite.isEmpty();
    }

    /** The write ended: hands every chunk {@link #releaseAfterWrite} marked, and still held, to the background releaser. */
    public void releaseWritten() {
        List<MemorySegment> chunks = afterWrite;
        for (int i = 0; i < chunks.size(); i++) {
            MemorySegment chunk = chunks.get(i);
            boolean claimed;
            synchronized (this) {
                claimed = held.containsKey(chunk);
                if (claimed) {
                    claimForBackground(chunk);
                }
            }
            if (claimed) {
                queueClaimed(chunk);
            }
        }
        chunks.clear();
    }

    /**
     * Releases a held chunk on the background thread after the grace period (see the class notes),
     * unless {@link #releaseAll()} releases it first; returns at once.
     *
     * @throws IllegalStateException if the chunk is not held (released twice: a bug)
     */
    public void retire(MemorySegment chunk) {
        synchronized (this) {
            if (!held.containsKey(chunk) || retiring.put(chunk, Boolean.TRUE) != null) {
                throw new IllegalStateException("chunk at 0x" + Long.toHexString(chunk.address())
                        + " retired twice, or not from this map");
            }
        }
        try {
            BACKGROUND.schedule(() -> releaseRetired(chunk), retireGraceMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException | OutOfMemoryError cannotQueue) {
            // stays retiring and held: releaseRetiredNow() or releaseAll() gives it back
        }
    }

    private void releaseRetired(MemorySegment chunk) {
        synchronized (this) {
            if (retiring.remove(chunk) == null) {
                return; // released already, by releaseAll() or releaseRetiredNow()
            }
            claimForBackground(chunk);
        }
        releaseInBackground(chunk);
    }

    /**
     * Sets the grace period of chunks retired from now on; returns the previous one. For tests,
     * which shorten it to drive readers into released tables (this package is not exported).
     */
    public static long retireGraceMillis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("grace period must not be negative: " + millis);
        }
        long previous = retireGraceMillis;
        retireGraceMillis = millis;
        return previous;
    }

    /**
     * Cuts the grace period of every retired chunk short: queues each for release on the
     * background thread now, so that {@link #awaitReleased()} then waits for them. For tests.
     */
    public void releaseRetiredNow() {
        List<MemorySegment> chunks;
        synchronized (this) {
            chunks = new ArrayList<>(retiring.keySet());
            retiring.clear();
            for (MemorySegment chunk : chunks) {
                claimForBackground(chunk);
            }
        }
        for (MemorySegment chunk : chunks) {
            queueClaimed(chunk);
        }
    }

    private void releaseInBackground(MemorySegment chunk) {
        Throwable failed = null;
        try {
            releaseClaimed(chunk);
        } catch (Throwable t) {
            failed = t;
        }
        synchronized (this) {
            if (failed != null && backgroundFailure == null) {
                backgroundFailure = failed;
            }
            if (--pendingReleases == 0) {
                notifyAll();
            }
        }
    }

    /** Bytes allocated and not yet given back, chunks queued for release and failed releases included. */
    public synchronized long bytesHeld() {
        return bytesHeld;
    }

    /** Chunks held, for tests and audits. */
    public synchronized int chunksHeld() {
        return held.size();
    }

    /**
     * Waits until every chunk queued so far has been handed to the allocator. An interrupt is kept
     * and the wait goes on: returning early would let {@code close()} return with memory still out.
     */
    public void awaitReleased() {
        boolean interrupted = false;
        synchronized (this) {
            while (pendingReleases > 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Gives back every chunk still held, after the queued releases. Chunks whose release throws stay
     * held for the next call; the first failure (this call's, or an earlier background one) is
     * thrown once everything else is released, the others added as suppressed. Safe to call from
     * two threads at once (the owner's close and the Cleaner): each chunk is claimed by one.
     */
    public void releaseAll() {
        awaitReleased();
        List<MemorySegment> chunks;
        Throwable failure;
        synchronized (this) {
            chunks = new ArrayList<>(held.keySet());
            held.clear(); // claimed, all of them
            retiring.clear(); // their grace is over: the owner is closing
            failure = backgroundFailure;
            backgroundFailure = null;
        }
        for (MemorySegment chunk : chunks) {
            try {
                releaseClaimed(chunk);
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                } else if (failure != t) {
                    failure.addSuppressed(t);
                }
            }
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException("releasing a chunk failed", failure);
        }
    }

    /**
     * For an owner whose construction failed with {@code cause}: releases everything now (the
     * failure of a release is added to {@code cause} as suppressed), and leaves what could not be
     * released to the safety net, which retries it once the half-built owner is unreachable.
     */
    public void abandon(Throwable cause) {
        closeRequested = true; // not the user's leak: no warning
        try {
            releaseAll();
        } catch (RuntimeException | Error e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * The owner's {@code close()}: {@link #releaseAll()}, then, once nothing is held, the safety net
     * is withdrawn. If a release fails, calling this again retries it.
     */
    public void close() {
        closeRequested = true;
        releaseAll();
        Cleaner.Cleanable c = cleanable;
        if (c != null) {
            c.clean(); // runs freeAbandoned once, which does nothing now, and unregisters
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean closeRequested() {
        return closeRequested;
    }
}
