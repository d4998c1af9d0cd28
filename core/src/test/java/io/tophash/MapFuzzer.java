package io.tophash;

import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Model-based fuzzing of {@link LongLongMap} and {@link ConcurrentLongLongMap}: a seeded random
 * sequence of phases (growth through several doublings, mixed operations, bucket-ordered rewrites
 * of a {@code forEach} snapshot, removals of absent keys in bucket order, delete-heavy phases,
 * clears, cursor sweeps, forced growth ends, trims) checked against a {@link HashMap} model and against
 * the map's health:
 * <ul>
 *   <li>after every operation: its result and the size equal the model's; a growth in progress
 *   has lasted at most as many writes as its old table has buckets (Go's bound);</li>
 *   <li>after every phase: {@code forEach} (and for {@link LongLongMap} a cursor) visits every
 *   model entry exactly once with its value and nothing else; the bytes reserved stay within
 *   {@link #RESERVED_BYTES_PER_PEAK_ENTRY} per entry of the largest size the map has had (plus
 *   {@link #floorBytes a few chunks}); once a growth is finished and the background releases have
 *   settled, nothing but the current table is held;</li>
 *   <li>after a trim that no fault stopped: the map has exactly the buckets of a map pre-sized for
 *   its entries, and from then on the bounds above are taken per entry of its size then, not of the
 *   largest it ever had;</li>
 *   <li>at the end: {@code close()} returns (within {@link #CLOSE_TIMEOUT_SECONDS}), and every byte
 *   is back with the allocator.</li>
 * </ul>
 * The single-writer maps in a file ({@code FILE_*} kinds) run the same phases and, after a third
 * of them, are closed and opened again (often mid-growth): the size, the table and a growth in
 * progress with its evacuation mark are as they were, then the contents and chains are checked;
 * their file stays within a bound of the largest size the map had
 * ({@link #checkFileBound}), and after the final {@code close()} the file opens again holding the
 * model's entries.
 * With faults on, the allocator ({@link FaultInjectingAllocator}) refuses random allocations and
 * fails random releases with an {@link Error}: an operation that fails must have changed nothing
 * (its key reads as before, the size is unchanged), the Go bound is not asserted for a growth
 * that met a fault, and a {@code close()} that reports a failed release is called again once the
 * allocator is healed, after which every byte must be back.
 */
final class MapFuzzer {

    /**
     * The stated bound on the memory the entries occupy: bytes of buckets in use
     * ({@link MapStats#bucketBytes()}) per entry of the map's largest size (16 bytes are the entry
     * itself), plus a few chunks, for slots of 16 bytes; it scales with the slot's bytes as the
     * address-space bound does ({@link #bucketBytesPerPeakEntry}: a byte-keyed map's padded slot is
     * several times that, and the seed BYTES,naive(8),CACHE_LINE_PADDED,true,-216 used 234 bytes a
     * peak entry with both tables of a growth in use).
     */
    static final double RESERVED_BYTES_PER_PEAK_ENTRY = 128;
    /**
     * The stated bound on address space reserved ({@link MapStats#bytesReserved()}: tables and their
     * lazily mapped overflow areas, mostly untouched) per entry of the largest size, plus a few
     * chunks, for slots of 16 bytes (a {@code long} key and value); it scales with the slot's
     * bytes ({@link #addressSpacePerPeakEntry}): a byte-keyed map's slot holds a 24-byte key region
     * and its value, and the concurrent maps keep a retired table for a grace period.
     */
    static final double ADDRESS_SPACE_PER_PEAK_ENTRY = 384;
    static final long CLOSE_TIMEOUT_SECONDS = 30;
    /** The model's size above which growth phases stop adding keys, to bound a run's time and memory. */
    static final int MAX_ENTRIES = 120_000;

    enum MapKind {
        SINGLE, CONCURRENT, BYTES, CONCURRENT_BYTES, VARIABLE_BYTES, CONCURRENT_VARIABLE_BYTES,
        /** The single-writer maps in a file ({@code file(Path)}): their tables are the file's regions. */
        FILE_SINGLE, FILE_BYTES, FILE_VARIABLE_BYTES;

        boolean inFile() {
            return name().startsWith("FILE_");
        }
    }

    enum Phase {
        GROW, MIXED, SNAPSHOT_REWRITE, REWRITE_ACROSS_GROWTH, ABSENT_REMOVES, DELETE_HEAVY, CLEAR, CURSOR,
        FINISH_GROWTH, READS, TRIM
    }

    /** One combination under test. */
    record Config(MapKind kind, String allocator, BucketPadding padding, boolean faults) {
        static List<Config> all() {
            List<Config> all = new ArrayList<>();
            for (MapKind kind : MapKind.values()) {
                if (kind.inFile()) {
                    // the file's regions are the memory: no allocator to vary, none to inject faults into
                    for (BucketPadding padding : BucketPadding.values()) {
                        all.add(new Config(kind, "file", padding, false));
                    }
                    continue;
                }
                for (String allocator : List.of("cacheLineAligned", "pageAligned", "naive(8)", "naive(3)", "hugePages")) {
                    if ((kind == MapKind.CONCURRENT || kind == MapKind.CONCURRENT_BYTES
                            || kind == MapKind.CONCURRENT_VARIABLE_BYTES) && allocator.equals("naive(3)")) {
                        continue; // refused at build: atomics need 8-byte alignment
                    }
                    for (BucketPadding padding : BucketPadding.values()) {
                        for (boolean faults : new boolean[] {false, true}) {
                            all.add(new Config(kind, allocator, padding, faults));
                        }
                    }
                }
            }
            return all;
        }

        Allocator newAllocator() {
            return switch (allocator) {
                case "cacheLineAligned" -> Allocators.cacheLineAligned();
                case "pageAligned" -> Allocators.pageAligned();
                case "naive(8)" -> Allocators.naive(8);
                case "naive(3)" -> Allocators.naive(3);
                case "hugePages" -> Allocators.hugePages();
                case "file" -> Allocators.cacheLineAligned(); // for the floor of the bounds only: the map takes none
                default -> throw new IllegalArgumentException(allocator);
            };
        }
    }

    /** What a run did. */
    record Outcome(long operations, long phases, long growths, long faults, double maxReservedPerPeakEntry,
                   double maxShareOfBound, double minStoreShare, double maxFileShareOfBound, long reopens) {
    }

    private final Config config;
    private final long seed;
    private final SplittableRandom random;
    private final Allocator base;
    private final FaultInjectingAllocator faulty;
    private ContractMap map;
    /** A map in a file: its directory (deleted at the end) and file; null in memory. */
    private final Path directory;
    private final Path file;
    /** The largest size ever: the file's bound (a file keeps its regions when a trim or clear shrinks the map). */
    private long filePeakSize;
    private final Map<Long, Long> model = new HashMap<>();
    private final List<Long> pool = new ArrayList<>();
    private long nextSequential;
    private long peakSize;
    private long operations;
    private long phases;
    private long growths;
    private double maxReservedPerPeakEntry;
    /** Units the growth being watched had evacuated at the last write. */
    private long evacuatedInGrowth;
    /** The largest the stores of a variable-value map have been, for the address-space bound. */
    private long peakStoreBytes;
    /** The lowest live / reserved share of a variable-value map's store after a churn (over 1 MiB). */
    private double minStoreShare = 1;
    private double maxShareOfBound;
    private double maxFileShareOfBound;
    private long reopens;
    private String where = "build";
    private boolean leftToTheCleaner;

    // Go's bound: writes since the current growth started, and whether a fault touched it.
    private long growthOldBuckets;
    private long writesInGrowth;
    private boolean faultInGrowth;
    /** Allocations refused before the current growth's first write, and before the latest write. */
    private long refusedAtGrowthStart;
    private long refusedBeforeWrite;

    MapFuzzer(Config config, long seed) {
        this.config = config;
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.base = config.newAllocator();
        this.faulty = config.faults() ? new FaultInjectingAllocator(base, seed ^ 0xFA17L, 0.02, 0.05) : null;
        Allocator allocator = faulty != null ? faulty : base;
        if (config.kind().inFile()) {
            try {
                directory = Files.createTempDirectory("tophash-fuzz");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            file = directory.resolve("map");
        } else {
            directory = null;
            file = null;
        }
        ContractMap built = null;
        while (built == null) {
            long failedReleases = faulty == null ? 0 : faulty.failedReleases();
            try {
                built = build(allocator);
            } catch (OutOfMemoryError | FaultInjectingAllocator.InjectedAllocationFailure e) {
                requireInjected(e); // building may meet a fault too; nothing may leak
                if (faulty.failedReleases() == failedReleases && !leftToTheCleaner) {
                    assertEquals(0, base.bytesInUse(), "a failed build leaked memory");
                } else {
                    // The half-built map's Cleaner retries the release after some GC; a release the
                    // Cleaner's retry fails too is lost (a documented limit), so faults stop here.
                    leftToTheCleaner = true;
                    faulty.heal();
                }
            }
        }
        this.map = built;
    }

    private ContractMap build(Allocator allocator) {
        long expected = random.nextInt(4) == 0 ? random.nextInt(20_000) : 0;
        long chunkBytes = random.nextBoolean() ? 4096 : 256 * 1024;
        peakSize = expected; // a pre-sized map holds that much memory from the start
        filePeakSize = expected;
        if (config.kind().inFile()) {
            return openFile(expected, random.nextLong());
        }
        if (config.kind() == MapKind.BYTES) {
            return new ContractMap.Bytes(BytesMap.builder().allocator(allocator).padding(config.padding())
                    .expectedSize(expected).valueSize(ContractMap.Bytes.VALUE_SIZE).seed(random.nextLong()).build());
        }
        if (config.kind() == MapKind.CONCURRENT_BYTES) {
            return new ContractMap.ConcurrentBytes(ConcurrentBytesMap.builder().allocator(allocator)
                    .padding(config.padding()).expectedSize(expected).valueSize(ContractMap.Bytes.VALUE_SIZE)
                    .seed(random.nextLong()).build());
        }
        if (config.kind() == MapKind.VARIABLE_BYTES) {
            return new ContractMap.VariableBytes(BytesMap.builder().allocator(allocator).padding(config.padding())
                    .expectedSize(expected).maxValueSize(ContractMap.VariableBytes.MAX_VALUE).seed(random.nextLong())
                    .build(), null);
        }
        if (config.kind() == MapKind.CONCURRENT_VARIABLE_BYTES) {
            return new ContractMap.VariableBytes(null, ConcurrentBytesMap.builder().allocator(allocator)
                    .padding(config.padding()).expectedSize(expected).maxValueSize(ContractMap.VariableBytes.MAX_VALUE)
                    .seed(random.nextLong()).build());
        }
        if (config.kind() == MapKind.SINGLE) {
            return new ContractMap.Single(LongLongMap.builder().allocator(allocator).padding(config.padding())
                    .expectedSize(expected).chunkBytes(chunkBytes).missingValue(-1).seed(random.nextLong()).build());
        }
        return new ContractMap.Concurrent(ConcurrentLongLongMap.builder().allocator(allocator)
                .padding(config.padding()).expectedSize(expected).chunkBytes(chunkBytes).missingValue(-1)
                .seed(random.nextLong()).build());
    }

    /**
     * Creates the map in {@link #file} ({@code expected} entries, {@code seed}) or, with a null
     * seed, opens it: of this run's kind and padding.
     */
    private ContractMap openFile(long expected, Long seed) {
        return switch (config.kind()) {
            case FILE_SINGLE -> {
                LongLongMap.Builder builder = LongLongMap.builder().file(file).padding(config.padding())
                        .expectedSize(expected).missingValue(-1);
                yield new ContractMap.Single((seed == null ? builder : builder.seed(seed)).build());
            }
            case FILE_BYTES, FILE_VARIABLE_BYTES -> {
                BytesMap.Builder builder = BytesMap.builder().file(file).padding(config.padding()).expectedSize(expected);
                builder = config.kind() == MapKind.FILE_BYTES ? builder.valueSize(ContractMap.Bytes.VALUE_SIZE)
                        : builder.maxValueSize(ContractMap.VariableBytes.MAX_VALUE);
                BytesMap built = (seed == null ? builder : builder.seed(seed)).build();
                yield config.kind() == MapKind.FILE_BYTES ? new ContractMap.Bytes(built)
                        : new ContractMap.VariableBytes(built, null);
            }
            default -> throw new IllegalStateException(config.kind() + " is not in a file");
        };
    }

    /** Runs {@code phaseCount} phases, closes the map and checks that everything came back. */
    Outcome run(int phaseCount) {
        try {
            for (int p = 0; p < phaseCount; p++) {
                Phase phase = Phase.values()[random.nextInt(Phase.values().length)];
                where = "phase " + p + " " + phase;
                runPhase(phase);
                phases++;
                checkContents();
                checkMemory();
                assertNull(map.auditChains(), "empty-rest upkeep");
                if (map instanceof ContractMap.VariableBytes values) {
                    churnAndCheckFragmentation(values);
                }
                if (file != null && random.nextInt(3) == 0) {
                    where = "reopen after phase " + p;
                    reopen(); // often mid-growth: phases leave growths in progress
                    checkContents();
                    assertNull(map.auditChains(), "after reopening");
                }
            }
        } catch (AssertionError e) {
            AssertionError described = new AssertionError(describe() + ": " + e.getMessage(), e);
            try {
                if (faulty != null) {
                    faulty.heal();
                }
                map.close();
            } catch (Throwable t) {
                described.addSuppressed(t);
            }
            throw described;
        }
        closeAndCheckEverythingReturned();
        return new Outcome(operations, phases, growths, faulty == null ? 0 : faulty.faults(), maxReservedPerPeakEntry,
                maxShareOfBound, minStoreShare, maxFileShareOfBound, reopens);
    }

    String describe() {
        return config + " seed " + seed + " at " + where + " (op " + operations + ", size " + model.size() + ")";
    }

    // ------------------------------------------------------------------------------ phases

    private void runPhase(Phase phase) {
        switch (phase) {
            case GROW -> {
                int n = 1 + random.nextInt(random.nextBoolean() ? 2_000 : 40_000);
                for (int i = 0; i < n && model.size() < MAX_ENTRIES; i++) {
                    put(newKey(), random.nextLong());
                    if (random.nextInt(10) == 0) {
                        get(anyKey());
                    }
                }
            }
            case MIXED -> {
                int n = 1 + random.nextInt(5_000);
                for (int i = 0; i < n; i++) {
                    mixedOperation();
                }
            }
            case SNAPSHOT_REWRITE -> {
                long[] snapshot = snapshot();
                for (int i = 0; i < snapshot.length; i++) {
                    put(snapshot[i], i);
                    if (i % 50 == 0 && model.size() < MAX_ENTRIES) {
                        put(newKey(), i);
                    }
                }
            }
            case REWRITE_ACROSS_GROWTH -> rewriteAcrossGrowth();
            case ABSENT_REMOVES -> {
                for (long key : snapshot()) {
                    remove(key ^ 0x5555_0000_0000_0001L);
                }
            }
            case DELETE_HEAVY -> {
                long[] snapshot = snapshot();
                double fraction = 0.5 + 0.45 * random.nextDouble();
                for (long key : snapshot) {
                    if (random.nextDouble() < fraction) {
                        remove(key);
                    }
                }
            }
            case CLEAR -> clear();
            case TRIM -> trim();
            case CURSOR -> cursorSweep();
            case FINISH_GROWTH -> finishGrowth();
            case READS -> {
                int n = 1 + random.nextInt(5_000);
                for (int i = 0; i < n; i++) {
                    get(anyKey());
                }
            }
        }
    }

    /**
     * The write pattern that stalled growth (issue #11): fills the map to just under its growth
     * threshold, then rewrites a forEach snapshot in bucket order with one new key per 50 writes,
     * so that a growth starts halfway and the rest of the rewrite evacuates long runs of old
     * buckets ahead of the evacuation mark.
     */
    private void rewriteAcrossGrowth() {
        if (map.growing()) {
            finishGrowth();
        }
        MapStats stats = map.stats();
        long threshold = stats.bucketCount() * stats.slotsPerBucket() * 13 / 16;
        if (threshold > MAX_ENTRIES) {
            return;
        }
        long target = threshold - threshold / 100; // the rewrite's new keys cross it after about half the keys
        while (model.size() < target) {
            put(newKey(), random.nextLong());
        }
        long[] snapshot = snapshot();
        for (int i = 0; i < snapshot.length; i++) {
            put(snapshot[i], i);
            if (i % 50 == 0) {
                put(newKey(), i);
            }
        }
    }

    private void mixedOperation() {
        long key = anyKey();
        switch (random.nextInt(config.kind() == MapKind.CONCURRENT ? 9 : 7)) {
            case 0, 1 -> put(key, random.nextLong());
            case 2 -> putIfAbsent(key, random.nextLong());
            case 3 -> addAndGet(key, random.nextInt(100) - 50);
            case 4 -> remove(key);
            case 5 -> get(key);
            case 6 -> containsKey(key);
            case 7 -> conditionalRemove(key);
            case 8 -> conditionalReplace(key);
            default -> throw new AssertionError();
        }
    }

    /** Keys in the map's own order: rewriting them walks its buckets in order. */
    private long[] snapshot() {
        long[] keys = new long[model.size()];
        int[] n = {0};
        map.forEach((k, v) -> {
            if (n[0] < keys.length) {
                keys[n[0]] = k;
            }
            n[0]++;
        });
        assertEquals(keys.length, n[0], "forEach count");
        return keys;
    }

    // ------------------------------------------------------------------------------ keys

    private long newKey() {
        long key = switch (random.nextInt(4)) {
            case 0 -> nextSequential++;
            case 1 -> (nextSequential++) << 44; // differ in high bits only
            case 2 -> ((nextSequential++) << 20) | 5;
            default -> random.nextLong();
        };
        if (pool.size() < 200_000) {
            pool.add(key);
        } else {
            pool.set(random.nextInt(pool.size()), key);
        }
        return key;
    }

    private long anyKey() {
        if (pool.isEmpty() || random.nextInt(4) == 0) {
            return random.nextInt(3) == 0 ? newKey() : random.nextLong();
        }
        return pool.get(random.nextInt(pool.size()));
    }

    // ------------------------------------------------------------------------------ operations

    private long missing() {
        return map.missingValue();
    }

    private void put(long key, long value) {
        Long before = model.get(key);
        long result;
        try {
            result = map.put(key, value);
        } catch (Throwable t) {
            failedWrite(t, key);
            return;
        }
        afterWrite();
        assertEquals(before == null ? missing() : before, result, "put(" + key + ")");
        model.put(key, value);
        sizeMatches();
    }

    private void putIfAbsent(long key, long value) {
        Long before = model.get(key);
        long result;
        try {
            result = map.putIfAbsent(key, value);
        } catch (Throwable t) {
            failedWrite(t, key);
            return;
        }
        afterWrite();
        assertEquals(before == null ? missing() : before, result, "putIfAbsent(" + key + ")");
        model.putIfAbsent(key, value);
        sizeMatches();
    }

    private void addAndGet(long key, long delta) {
        Long before = model.get(key);
        long result;
        try {
            result = map.addAndGet(key, delta);
        } catch (Throwable t) {
            failedWrite(t, key);
            return;
        }
        afterWrite();
        long expected = (before == null ? 0 : before) + delta;
        assertEquals(expected, result, "addAndGet(" + key + ")");
        model.put(key, expected);
        sizeMatches();
    }

    /** Removals need no memory: they must not fail, faults or not. */
    private void remove(long key) {
        Long before = model.remove(key);
        long result = map.remove(key);
        afterWrite();
        assertEquals(before == null ? missing() : before, result, "remove(" + key + ")");
        sizeMatches();
    }

    private void conditionalRemove(long key) {
        ConcurrentLongLongMap concurrent = ((ContractMap.Concurrent) map).map();
        Long current = model.get(key);
        long expected = current != null && random.nextBoolean() ? current : random.nextLong();
        boolean removed = concurrent.remove(key, expected);
        afterWrite();
        boolean shouldRemove = current != null && current == expected;
        assertEquals(shouldRemove, removed, "remove(" + key + ", v)");
        if (shouldRemove) {
            model.remove(key);
        }
        sizeMatches();
    }

    private void conditionalReplace(long key) {
        ConcurrentLongLongMap concurrent = ((ContractMap.Concurrent) map).map();
        Long current = model.get(key);
        long expected = current != null && random.nextBoolean() ? current : random.nextLong();
        long replacement = random.nextLong();
        boolean replaced = concurrent.replace(key, expected, replacement);
        afterWrite();
        boolean shouldReplace = current != null && current == expected;
        assertEquals(shouldReplace, replaced, "replace(" + key + ", e, n)");
        if (shouldReplace) {
            model.put(key, replacement);
        }
    }

    private void get(long key) {
        operations++;
        Long expected = model.get(key);
        assertEquals(expected == null ? missing() : expected, map.get(key), "get(" + key + ")");
        if (random.nextInt(16) == 0) {
            getAll();
        }
    }

    /** A batched lookup of up to 40 keys, present and absent mixed, checked key by key. */
    private void getAll() {
        operations++;
        long[] keys = new long[random.nextInt(1, 41)];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = anyKey();
        }
        long[] values = new long[keys.length];
        map.getAll(keys, values);
        for (int i = 0; i < keys.length; i++) {
            Long expected = model.get(keys[i]);
            assertEquals(expected == null ? missing() : expected, values[i], "getAll: key " + keys[i] + " at " + i);
        }
    }

    private void containsKey(long key) {
        operations++;
        assertEquals(model.containsKey(key), map.containsKey(key), "containsKey(" + key + ")");
    }

    /**
     * Closes a map in a file and opens it again: the entries (checked after the phase), the size,
     * the table and a growth in progress, with its evacuation mark, are the file's, as they were.
     */
    private void reopen() {
        long size = map.size();
        boolean growing = map.growing();
        long evacuated = map.evacuatedBuckets();
        long buckets = map.stats().bucketCount();
        map.close();
        map = openFile(0, null);
        operations++;
        reopens++;
        assertEquals(size, map.size(), "size after reopening");
        assertEquals(growing, map.growing(), "a growth in progress after reopening");
        assertEquals(evacuated, map.evacuatedBuckets(), "evacuated buckets after reopening");
        assertEquals(buckets, map.stats().bucketCount(), "buckets after reopening");
    }

    private void clear() {
        try {
            map.clear();
        } catch (Throwable t) {
            requireInjected(t);
            sizeMatches();
            return;
        }
        operations++;
        model.clear();
        assertFalse(map.growing(), "clear() completes a growth");
        resetGrowthWatch();
        sizeMatches();
    }

    /**
     * {@code trimToSize()}, carried out by some writes (rewrites of present keys, removals of absent
     * ones) and then {@code finishGrowth()}. Unless a fault stopped it, the map then has exactly the
     * buckets a map pre-sized for its entries has, and from then on the memory bounds are checked
     * against its size now, not the largest it ever had: the memory a trim gives back is the point.
     */
    private void trim() {
        long refusedBefore = faulty == null ? 0 : faulty.refusedAllocations();
        if (map.growing()) {
            finishGrowth(); // so that the buckets before the trim are a settled table's
        }
        long bucketsBefore = map.stats().bucketCount();
        try {
            map.trimToSize();
        } catch (Throwable t) {
            requireInjected(t);
            faultInGrowth = true;
            return;
        }
        operations++;
        long[] keys = snapshot();
        int writes = random.nextInt(1 + keys.length);
        for (int i = 0; i < writes && map.growing(); i++) {
            if (random.nextBoolean()) {
                put(keys[i], random.nextLong());
            } else {
                remove(keys[i] ^ 0x5555_0000_0000_0001L);
            }
        }
        finishGrowth();
        if (map.growing() || faulty != null && faulty.refusedAllocations() != refusedBefore) {
            return; // a refused reservation ended the trim early: the map keeps its size, as documented
        }
        MapStats stats = map.stats();
        // a table smaller than its entries need (a doubling a fault refused) is left as it is
        long expected = Math.min(bucketsBefore, bucketsFor(model.size(), stats.slotsPerBucket()));
        assertEquals(expected, stats.bucketCount(), "buckets after trimToSize() for " + model.size() + " entries");
        map.awaitRetiredReleased(); // the tables the trim retired are given back now, not after their grace period
        if (faulty == null || faulty.failedReleases() == 0) {
            peakSize = model.size(); // a release that failed keeps its table in the ledger until close()
        }
    }

    /** The primary buckets a map pre-sized for {@code entries} gets: the 13/16 rule of {@code BucketFormat}. */
    static long bucketsFor(long entries, int slots) {
        long buckets = 1;
        while (entries > slots && entries > buckets * slots * 13 / 16) {
            buckets *= 2;
        }
        return buckets;
    }

    /** Walks the map with a cursor, updating and removing some entries as it goes (no growth work). */
    private void cursorSweep() {
        LongLongMap single = map.single();
        if (single == null) {
            return;
        }
        Map<Long, Integer> visits = new HashMap<>();
        LongLongMap.Cursor cursor = single.cursor();
        while (cursor.next()) {
            long key = cursor.key();
            visits.merge(key, 1, Integer::sum);
            assertEquals(model.get(key), cursor.value(), "cursor value of " + key);
            int choice = random.nextInt(5);
            if (choice == 0) {
                long value = random.nextLong();
                cursor.setValue(value);
                model.put(key, value);
            } else if (choice == 1) {
                cursor.remove();
                model.remove(key);
            }
            operations++;
        }
        for (Map.Entry<Long, Integer> visit : visits.entrySet()) {
            assertEquals(1, visit.getValue(), "the cursor visited key " + visit.getKey() + " more than once");
        }
        sizeMatches();
    }

    private void finishGrowth() {
        try {
            map.finishGrowth();
        } catch (Throwable t) {
            requireInjected(t);
            faultInGrowth = true;
            return;
        }
        operations++;
        assertFalse(map.growing(), "finishGrowth() returned with the growth still running");
        resetGrowthWatch();
    }

    // ------------------------------------------------------------------------------ checks

    /** A write failed: only an injected allocation fault may do that, and it must have changed nothing. */
    private void failedWrite(Throwable t, long key) {
        requireInjected(t);
        operations++;
        faultInGrowth = true;
        Long expected = model.get(key);
        assertEquals(expected != null, map.containsKey(key), "a failed write changed whether " + key + " is present");
        if (expected != null) {
            assertEquals((long) expected, map.get(key), "a failed write changed the value of " + key);
        }
        afterWrite();
        sizeMatches();
    }

    private void requireInjected(Throwable t) {
        boolean injected = t instanceof FaultInjectingAllocator.InjectedAllocationFailure
                || t instanceof OutOfMemoryError && String.valueOf(t.getMessage()).startsWith("injected");
        if (!injected || faulty == null) {
            fail("unexpected " + t, t);
        }
    }

    private void sizeMatches() {
        assertEquals(model.size(), map.size(), "size");
        peakSize = Math.max(peakSize, model.size());
        filePeakSize = Math.max(filePeakSize, model.size());
    }

    private void resetGrowthWatch() {
        growthOldBuckets = 0;
        writesInGrowth = 0;
        faultInGrowth = false;
    }

    /** Go's bound: a growth ends within as many writes as its old table has buckets. */
    private void afterWrite() {
        operations++;
        if (map instanceof ContractMap.VariableBytes values && (operations & 63) == 0) {
            peakStoreBytes = Math.max(peakStoreBytes, values.storeBytes());
        }
        if (!map.growing()) {
            resetGrowthWatch();
            refusedBeforeWrite = faulty == null ? 0 : faulty.refusedAllocations();
            return;
        }
        long refusedNow = faulty == null ? 0 : faulty.refusedAllocations();
        long oldBuckets = map.oldBucketCount();
        long evacuated = map.evacuatedBuckets();
        // a new growth: another old table, or the same size started again (a compaction right after
        // one ended), which starts its evacuation count over
        boolean another = oldBuckets != growthOldBuckets || evacuated < evacuatedInGrowth;
        evacuatedInGrowth = evacuated;
        if (another) {
            growthOldBuckets = oldBuckets;
            writesInGrowth = 0;
            refusedAtGrowthStart = refusedBeforeWrite;
            growths++;
        }
        refusedBeforeWrite = refusedNow;
        // A refused allocation, even one a write swallowed (growth work it did for the map), costs
        // the growth progress that a later write must redo.
        faultInGrowth |= refusedNow > refusedAtGrowthStart;
        writesInGrowth++;
        if (!faultInGrowth && writesInGrowth > oldBuckets) {
            fail("a growth of " + oldBuckets + " old buckets still runs after " + writesInGrowth + " writes");
        }
    }

    private void checkContents() {
        Map<Long, Long> seen = new HashMap<>();
        map.forEach((k, v) -> {
            if (seen.put(k, v) != null) {
                fail("forEach visited key " + k + " twice");
            }
        });
        assertEquals(model.size(), seen.size(), "forEach entry count");
        assertEquals(model, seen, "forEach contents");
        for (Map.Entry<Long, Long> e : model.entrySet()) {
            if (random.nextInt(8) == 0) {
                assertEquals((long) e.getValue(), map.get(e.getKey()), "get after phase");
            }
        }
        sizeMatches();
    }

    /** Bytes the stated bound always allows: a few chunks of the allocator's preferred size or the default. */
    private long floorBytes() {
        return 8 * Math.max(base.preferredChunkBytes(), LongLongMap.DEFAULT_CHUNK_BYTES);
    }

    /** {@link #RESERVED_BYTES_PER_PEAK_ENTRY} scaled to the slot's bytes; never below it. */
    static double bucketBytesPerPeakEntry(MapStats stats) {
        double slotBytes = (double) stats.bucketStride() / stats.slotsPerBucket();
        return RESERVED_BYTES_PER_PEAK_ENTRY * Math.max(1, slotBytes / 16);
    }

    /** {@link #ADDRESS_SPACE_PER_PEAK_ENTRY} scaled to the slot's bytes; never below it. */
    static double addressSpacePerPeakEntry(MapStats stats) {
        double slotBytes = (double) stats.bucketStride() / stats.slotsPerBucket();
        return ADDRESS_SPACE_PER_PEAK_ENTRY * Math.max(1, slotBytes / 16);
    }

    private void checkMemory() {
        MapStats stats = map.stats();
        long reserved = stats.bucketBytes();
        double bound = bucketBytesPerPeakEntry(stats) * Math.max(peakSize, 1) + floorBytes();
        assertTrue(reserved <= bound, stats.bucketBytes() + " bytes of buckets for a peak of " + peakSize
                + " entries: more than the bound of " + (long) bound);
        if (map instanceof ContractMap.VariableBytes values) {
            peakStoreBytes = Math.max(peakStoreBytes, values.storeBytes());
        }
        // values of any length: their store, and earlier generations' until they are released (a
        // concurrent map's retired stores wait for the readers' grace period, and the compactions of
        // a churn may follow each other before the previous store is back: how many wait depends
        // on the readers' timing, so the bound before their release is looser than after it)
        double addressSpace = addressSpacePerPeakEntry(stats) * Math.max(peakSize, 1) + floorBytes();
        double waitingBound = addressSpace + 8 * peakStoreBytes;
        assertTrue(stats.bytesReserved() <= waitingBound, stats.bytesReserved() + " bytes reserved for a peak of "
                + peakSize + " entries, retired generations waiting: more than the bound of " + (long) waitingBound);
        maxShareOfBound = Math.max(maxShareOfBound, reserved / bound);
        if (peakSize >= 10_000) {
            maxReservedPerPeakEntry = Math.max(maxReservedPerPeakEntry, (double) reserved / peakSize);
        }
        map.awaitRetiredReleased();
        double releasedBound = addressSpace + 4 * peakStoreBytes;
        long releasedReserved = map.stats().bytesReserved();
        assertTrue(releasedReserved <= releasedBound, releasedReserved + " bytes reserved for a peak of "
                + peakSize + " entries, retired generations released: more than the bound of " + (long) releasedBound);
        if (file != null) {
            checkFileBound(stats);
        } else if (!leftToTheCleaner) {
            assertEquals(base.bytesInUse(), map.stats().bytesReserved(), "the map's ledger and its allocator disagree");
        }
        if (!map.growing()) {
            if (faulty == null || faulty.failedReleases() == 0) {
                // Only the current table is left: its primaries and an overflow area of at most
                // twice as many buckets (Growth sizes it) plus slack.
                MapStats settled = map.stats();
                long table = (3 * settled.bucketCount() + 512) * settled.bucketStride();
                long keys = map.auxiliaryBytes();
                assertTrue(settled.bytesReserved() <= table + keys + floorBytes(), "after the growth: "
                        + settled.bytesReserved() + " bytes held for one table of at most " + table
                        + " and a key store of " + keys);
                // stored keys are 24 bytes: freed blocks are reused or compacted, so the store stays
                // within a small multiple of what the largest map needed
                if (!(map instanceof ContractMap.VariableBytes)) { // whose bound churnAndCheckFragmentation checks
                    assertTrue(keys <= 64 * Math.max(peakSize, 1) + 4 * 1024 * 1024, keys
                            + " bytes of key store for a peak of " + peakSize + " entries");
                }
            }
        }
    }

    /**
     * A map in a file keeps the regions a shrink left and reuses them (README, "Maps in a file"):
     * its file stays within the header and twice the address-space bound of the largest size it
     * ever had (a run of doublings leaves about one table's worth of smaller dead regions beside the
     * live ones), plus its key stores' bound.
     */
    private void checkFileBound(MapStats stats) {
        long length;
        try {
            length = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        double bound = io.tophash.layout.MapFileHeaderLayout.HEADER_LENGTH
                + 2 * (addressSpacePerPeakEntry(stats) * Math.max(filePeakSize, 1) + floorBytes()) + 8 * peakStoreBytes;
        maxFileShareOfBound = Math.max(maxFileShareOfBound, length / bound);
        assertTrue(length <= bound, "a map file of " + length + " bytes for a largest size of " + filePeakSize
                + " entries: more than the bound of " + (long) bound);
    }

    /**
     * Values of any length: replaces the values of existing keys (the lengths drift as the adapter
     * writes), then checks the store's bound: once the compaction a churn starts has finished (and a
     * write after the churn's growths has let the policy see what their own writes freed), its
     * live bytes are at least 3/4 of what it reserves (above 1 MiB, where a fixed slack does not
     * dominate; not after an injected fault, which may have refused a compaction's memory; and not
     * while its freed bytes are under an eighth of the table's primary buckets, which the
     * compaction policy lets wait).
     */
    private void churnAndCheckFragmentation(ContractMap.VariableBytes values) {
        if (pool.isEmpty()) {
            return;
        }
        int n = Math.min(3 * model.size(), 6_000);
        for (int i = 0; i < n; i++) {
            long key = pool.get(random.nextInt(pool.size()));
            if (model.containsKey(key)) {
                put(key, random.nextLong());
            }
        }
        if (faulty != null && faulty.faults() > 0) {
            return;
        }
        map.finishGrowth();
        if (!model.isEmpty()) {
            // the policy is checked on writes with no growth in progress: what a growth's writes
            // freed (one the churn's last writes may have finished) is seen by the next write
            long key = model.keySet().iterator().next();
            put(key, random.nextLong());
            map.finishGrowth();
        }
        long[] figures = values.storeFigures(); // live, freed, reserved
        MapStats stats = map.stats();
        long primaries = stats.bucketCount() * stats.bucketStride();
        if (figures[1] <= primaries / 8) {
            // the policy's third condition: compacting rewrites the whole table, so a store whose
            // freed bytes are under an eighth of it (a table sized for many more entries) waits
            return;
        }
        double share = figures[2] == 0 ? 1 : (double) figures[0] / figures[2];
        minStoreShare = Math.min(minStoreShare, figures[2] > 1 << 20 ? share : 1);
        if (figures[2] > 1 << 20) {
            assertTrue(share >= 0.75, "after a churn, the store's live bytes are " + share + " of its reserved: "
                    + java.util.Arrays.toString(figures) + " beside " + primaries + " bytes of primary buckets");
        }
    }

    private void closeAndCheckEverythingReturned() {
        where = "close";
        ExecutorService closer = Executors.newSingleThreadExecutor();
        try {
            Future<?> closed = closer.submit(map::close);
            try {
                closed.get(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                fail(describe() + ": close() did not return within " + CLOSE_TIMEOUT_SECONDS + " s");
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof FaultInjectingAllocator.InjectedReleaseError) || faulty == null) {
                    throw new AssertionError(describe() + ": close() threw " + e.getCause(), e.getCause());
                }
                faulty.heal(); // close() reported a failed release: the next close() retries it
                map.close();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        } finally {
            closer.shutdownNow();
        }
        if (leftToTheCleaner) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_TIMEOUT_SECONDS);
            while (base.bytesInUse() != 0 && System.nanoTime() < deadline) {
                System.gc();
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        }
        assertEquals(0, base.bytesInUse(), describe() + ": bytes still allocated after close()"
                + (leftToTheCleaner ? " and GC" : ""));
        if (file != null) {
            where = "reopened after close";
            map = openFile(0, null); // close() left the file consistent: the model's entries, healthy chains
            try {
                checkContents();
                assertNull(map.auditChains(), describe());
            } finally {
                map.close();
                MapFileProperties.deleteTree(directory);
            }
        }
    }
}
