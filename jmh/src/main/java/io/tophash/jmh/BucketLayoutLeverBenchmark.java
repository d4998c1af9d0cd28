package io.tophash.jmh;

import io.tophash.LongLongMap;
import io.tophash.engine.Hashing;
import io.tophash.engine.RawMemory;
import io.tophash.engine.Table;
import io.tophash.engine.WriterTables;
import io.tophash.layout.LineBucketLayout;
import io.tophash.layout.Tophash;
import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Would another bucket layout make a {@code long} get hit at 10M entries cheaper than the default
 * line-pair layout? Three layouts built by hand in off-heap segments over the same keys and the
 * same seeded hash, each probed by hand the same way (one tophash word, the SWAR match, the first
 * candidate's key compare, its value), beside the map's own {@code get} and fastutil's:
 * <ul>
 *   <li>{@link Layout#LINE_PAIR}, the default builder's 128-byte bucket: line 0 the tophash word
 *       and 7 keys, line 1 the 7 values and the overflow link. Both line addresses come from the
 *       hash, so a hit's two lines are requested together.</li>
 *   <li>{@link Layout#ONE_LINE}: a 64-byte bucket, the tophash word, 3 key-value pairs side by side
 *       and the link: a hit needs one line, at the price of 3 slots a bucket.</li>
 *   <li>{@link Layout#TAGS_APART}, as Swiss tables keep their control bytes: a dense array of
 *       tophash words (one byte a slot, 8 slots a group: a sixteenth of the slots' bytes, so more
 *       of them fit any cache) and the slots as 16-byte key-value pairs elsewhere. The
 *       slot's line address depends on the tag match.</li>
 * </ul>
 * Every table is sized to the power of two that keeps its load at most {@value #MAX_LOAD} (about
 * 256 MiB each at 10M; setup prints the load and bytes a key). Only hits in the primary bucket
 * are measured: each variant looks up the keys whose first tophash candidate in their primary
 * bucket is the key itself, and setup prints the share of keys left out (for the hand-built
 * layouts, the keys a real map would have put in an overflow bucket, one more line). {@link
 * Layout#MAP} and {@link Layout#FASTUTIL} take the keys so placed in the map's own table; the
 * map's get also runs its checks (table state, growth, the empty-rest stop) that the hand probes
 * leave out.
 * {@link #independent}: the next key does not wait for this answer (throughput); {@link #dependent}:
 * the next key's index waits for it (latency).
 *
 * <p>Run: {@code taskset -c 1 java -jar jmh/target/benchmarks.jar BucketLayoutLeverBenchmark};
 * docs/results.md keeps the table.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {Workload.PRE_TOUCH, Workload.HEAP_MIN, Workload.HEAP_MAX, Workload.NATIVE_ACCESS})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BucketLayoutLeverBenchmark {

    /** What answers the get. */
    public enum Layout {
        /** The default builder's layout, built and probed by hand. */
        LINE_PAIR,
        /** Tophash word, 3 key-value pairs and the link in one 64-byte line. */
        ONE_LINE,
        /** Tophash words in their own dense array, 16-byte key-value slots elsewhere. */
        TAGS_APART,
        /** {@code LongLongMap.get}, default builder. */
        MAP,
        /** fastutil's {@code Long2LongOpenHashMap.get}. */
        FASTUTIL
    }

    private static final long PAIR_BUCKET = LineBucketLayout.BUCKET_LENGTH;
    private static final long PAIR_KEYS = LineBucketLayout.KEYS_OFFSET;
    private static final long PAIR_VALUES = LineBucketLayout.VALUES_OFFSET;
    private static final long PAIR_LINK = LineBucketLayout.LINK_OFFSET;
    private static final int PAIR_SLOTS = LineBucketLayout.SLOTS;
    private static final long LINE_BUCKET = 64;
    private static final long LINE_PAIRS = 8;
    private static final long LINE_LINK = 56;
    private static final int LINE_SLOTS = 3;
    private static final long GROUP_TAGS = 8;
    private static final int GROUP_SLOTS = 8;
    private static final long SLOT = 16;
    /** A bucket or group is sized to hold at most this share of its slots on average. */
    private static final double MAX_LOAD = 0.8;

    @Param
    public Layout layout;

    @Param({Workload.LARGE})
    public int size;

    private Arena arena;
    private MemorySegment buckets;
    private MemorySegment tags;
    private long mask;
    private long seed;
    private LongLongMap map;
    private Long2LongOpenHashMap fastutil;
    private long[] keys;
    private int next;
    /** Always 0, but unknown to the compiler: {@code answer & zero} makes the next index wait for the answer. */
    private long zero;

    @Setup(Level.Trial)
    public void fill() throws ReflectiveOperationException {
        long[] all = Workload.shuffled(Workload.presentKeys(size));
        arena = Arena.ofShared();
        long[] kept = new long[all.length];
        int n = 0;
        if (layout == Layout.MAP || layout == Layout.FASTUTIL) {
            LongLongMap placed = LongLongMap.builder().expectedSize(size).build();
            for (long k : all) {
                placed.put(k, ~k);
            }
            placed.finishGrowth();
            Table t = ((WriterTables) field("tables").get(placed)).table();
            if (t.stride != PAIR_BUCKET) {
                throw new IllegalStateException("the default builder no longer lays buckets out in lines: " + t.format);
            }
            mask = t.bucketMask;
            seed = field("seed").getLong(placed);
            for (long k : all) {
                if (firstCandidate(t.segment, (Hashing.hash(k, seed) & mask) * PAIR_BUCKET, k, PAIR_SLOTS)) {
                    kept[n++] = k;
                }
            }
            report(n, all.length, t.segment.byteSize(), t.bucketMask + 1, PAIR_SLOTS);
            if (layout == Layout.MAP) {
                map = placed;
            } else {
                placed.close();
                fastutil = new Long2LongOpenHashMap(size);
                for (long k : all) {
                    fastutil.put(k, ~k);
                }
            }
        } else {
            seed = Hashing.randomSeed();
            int slots = layout == Layout.LINE_PAIR ? PAIR_SLOTS : layout == Layout.ONE_LINE ? LINE_SLOTS : GROUP_SLOTS;
            long count = Long.highestOneBit((long) Math.ceil(size / (slots * MAX_LOAD)) - 1) << 1;
            mask = count - 1;
            if (layout == Layout.TAGS_APART) {
                tags = arena.allocate(count * GROUP_TAGS, 4096);
                buckets = arena.allocate(count * GROUP_SLOTS * SLOT, 4096);
            } else {
                buckets = arena.allocate(count * (layout == Layout.LINE_PAIR ? PAIR_BUCKET : LINE_BUCKET), 4096);
            }
            for (long k : all) {
                if (insert(k, ~k, slots)) {
                    kept[n++] = k;
                }
            }
            report(n, all.length, buckets.byteSize() + (tags == null ? 0 : tags.byteSize()), count, slots);
        }
        keys = Arrays.copyOf(kept, n);
        for (long k : keys) {
            if (answer(k) != ~k) {
                throw new IllegalStateException(layout + " answers " + answer(k) + " for key " + k);
            }
        }
    }

    private static Field field(String name) throws NoSuchFieldException {
        Field f = LongLongMap.class.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    /** Whether the first tophash candidate of the key in the bucket at {@code off} of a line-pair table is the key. */
    private boolean firstCandidate(MemorySegment segment, long off, long k, int slots) {
        long m = Tophash.match(RawMemory.getLong(segment, off), Tophash.tophash(Hashing.hash(k, seed)))
                & Tophash.slotMask(slots);
        return m != 0 && RawMemory.getLong(segment, off + PAIR_KEYS + (Long.numberOfTrailingZeros(m) & ~7)) == k;
    }

    private void report(int kept, int all, long bytes, long buckets, int slots) {
        System.out.printf("%n%s: %d buckets of %d slots, load %.3f, %.1f bytes a key, %.2f%% of the keys measured"
                        + " (first candidate in the primary bucket)%n",
                layout, buckets, slots, (double) all / (buckets * slots), (double) bytes / all, 100.0 * kept / all);
    }

    /**
     * Puts the key in the first free slot of its primary bucket; false when that bucket is full or
     * an earlier slot has the same tophash byte (a real map would probe past it, or overflow).
     */
    private boolean insert(long k, long v, int slots) {
        long h = Hashing.hash(k, seed);
        long b = h & mask;
        MemorySegment tagSegment = layout == Layout.TAGS_APART ? tags : buckets;
        long tagOffset = layout == Layout.TAGS_APART ? b * GROUP_TAGS
                : b * (layout == Layout.LINE_PAIR ? PAIR_BUCKET : LINE_BUCKET);
        long word = RawMemory.getLong(tagSegment, tagOffset);
        long free = Tophash.matchEmpty(word) & Tophash.slotMask(slots);
        if (free == 0 || (Tophash.match(word, Tophash.tophash(h)) & Tophash.slotMask(slots)) != 0) {
            return false;
        }
        int slot = Tophash.firstSlot(free);
        RawMemory.putByte(tagSegment, tagOffset + slot, Tophash.tophash(h));
        switch (layout) {
            case LINE_PAIR -> {
                RawMemory.putLong(buckets, tagOffset + PAIR_KEYS + 8L * slot, k);
                RawMemory.putLong(buckets, tagOffset + PAIR_VALUES + 8L * slot, v);
            }
            case ONE_LINE -> {
                RawMemory.putLong(buckets, tagOffset + LINE_PAIRS + SLOT * slot, k);
                RawMemory.putLong(buckets, tagOffset + LINE_PAIRS + SLOT * slot + 8, v);
            }
            default -> {
                long at = (b * GROUP_SLOTS + slot) * SLOT;
                RawMemory.putLong(buckets, at, k);
                RawMemory.putLong(buckets, at + 8, v);
            }
        }
        return true;
    }

    @TearDown(Level.Trial)
    public void close() {
        if (map != null) {
            map.close();
        }
        arena.close();
    }

    @Benchmark
    public long independent() {
        int i = next;
        next = i + 1 == keys.length ? 0 : i + 1;
        return answer(keys[i]);
    }

    @Benchmark
    public long dependent() {
        int i = next;
        long answer = answer(keys[i]);
        int j = i + 1 + (int) (answer & zero);
        next = j >= keys.length ? 0 : j;
        return answer;
    }

    private long answer(long k) {
        return switch (layout) {
            case LINE_PAIR -> linePair(k);
            case ONE_LINE -> oneLine(k);
            case TAGS_APART -> tagsApart(k);
            case MAP -> map.get(k);
            case FASTUTIL -> fastutil.get(k);
        };
    }

    private long linePair(long k) {
        long h = Hashing.hash(k, seed);
        long off = (h & mask) * PAIR_BUCKET;
        long link = RawMemory.getLong(buckets, off + PAIR_LINK);
        long m = Tophash.match(RawMemory.getLong(buckets, off), Tophash.tophash(h)) & Tophash.slotMask(PAIR_SLOTS);
        long slotBytes = Long.numberOfTrailingZeros(m) & ~7;
        boolean hit = RawMemory.getLong(buckets, off + PAIR_KEYS + slotBytes) == k;
        return hit ? RawMemory.getLong(buckets, off + PAIR_VALUES + slotBytes) : link;
    }

    private long oneLine(long k) {
        long h = Hashing.hash(k, seed);
        long off = (h & mask) * LINE_BUCKET;
        long m = Tophash.match(RawMemory.getLong(buckets, off), Tophash.tophash(h)) & Tophash.slotMask(LINE_SLOTS);
        long pair = off + LINE_PAIRS + ((Long.numberOfTrailingZeros(m) & 0x18) << 1);
        boolean hit = RawMemory.getLong(buckets, pair) == k;
        return hit ? RawMemory.getLong(buckets, pair + 8) : RawMemory.getLong(buckets, off + LINE_LINK);
    }

    private long tagsApart(long k) {
        long h = Hashing.hash(k, seed);
        long group = h & mask;
        long m = Tophash.match(RawMemory.getLong(tags, group * GROUP_TAGS), Tophash.tophash(h));
        long pair = (group * GROUP_SLOTS + (Long.numberOfTrailingZeros(m) >>> 3 & 7)) * SLOT;
        boolean hit = RawMemory.getLong(buckets, pair) == k;
        return hit ? RawMemory.getLong(buckets, pair + 8) : 0;
    }
}
