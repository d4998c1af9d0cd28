package io.tophash.jmh;

import io.tophash.BytesMap;
import io.tophash.engine.ByteKeys;
import io.tophash.engine.ByteSlots;
import io.tophash.engine.Chain;
import io.tophash.engine.KeyProbe;
import io.tophash.engine.KeyStore;
import io.tophash.engine.RawMemory;
import io.tophash.engine.Table;
import io.tophash.engine.WriterTables;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;

/**
 * Would a batch form of the byte-keyed get, loading the buckets of many keys before matching any
 * (as {@code LongLongMap.getAll} does), overlap the misses of a {@code BytesMap} lookup with a
 * {@code String} in hand at a million random tokens? A prototype over the map's own table (no
 * public API): {@link Lookup#BATCH} hashes {@value #BATCH} keys and loads each one's bucket
 * tophash and link words, then finds each key and reads its {@code lastSeen};
 * {@link Lookup#BATCH_STAGED} finds all {@value #BATCH} keys before reading any value, so that the
 * misses of one key's find (its key region, its key-store block) need not wait for the previous
 * key's value. With 64-byte values a bucket is 640 bytes: the tophash and link words share its
 * first line, so the touch requests one line of the several a hit reads. Both prototypes
 * normalise each key twice (a real batch would too, or keep 16 keys' bytes). {@link Lookup#LOOP}
 * is the map's {@code get} key after key, {@link Lookup#HASHMAP} {@code HashMap<String, Device>}'s
 * (whose {@code String}s have their hash cached). All read the {@code lastSeen} field of the same
 * devices in the same shuffled order; ns per key.
 *
 * <p>Run: {@code taskset -c 1 java -jar jmh/target/benchmarks.jar ByteKeyBatchLeverBenchmark};
 * docs/results.md keeps the table.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {Workload.PRE_TOUCH, Workload.HEAP_MIN, Workload.HEAP_MAX, Workload.NATIVE_ACCESS})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ByteKeyBatchLeverBenchmark {

    /** Keys whose buckets are loaded before any is matched. */
    static final int BATCH = 16;
    private static final long LAST_SEEN = 8;

    /** How the devices are looked up. */
    public enum Lookup {
        /** {@code BytesMap.get(CharSequence)} key after key. */
        LOOP,
        /** The prototype batch over the map's table: buckets loaded, then find and value key by key. */
        BATCH,
        /** The same, with every key found before any value is read. */
        BATCH_STAGED,
        /** {@code HashMap<String, Device>.get} key after key. */
        HASHMAP
    }

    @Param
    public Lookup lookup;

    @Param({"TOKENS"})
    public DeviceKeys keys;

    @Param({Workload.MEDIUM})
    public int size;

    private BytesMap map;
    private HashMap<String, DeviceMap.Device> hashMap;
    private ByteSlots slots;
    private Table table;
    private KeyStore store;
    private String[] order;
    private final long[] hashes = new long[BATCH];
    private final long[] refs = new long[BATCH];
    private int next;

    @Setup(Level.Trial)
    public void fill() throws ReflectiveOperationException {
        String[] ids = keys.draw(size);
        order = DeviceKeys.inHand(DeviceKeys.shuffled(ids));
        order = Arrays.copyOf(order, order.length / BATCH * BATCH);
        if (lookup == Lookup.HASHMAP) {
            hashMap = HashMap.newHashMap(size);
            for (int i = 0; i < ids.length; i++) {
                hashMap.put(ids[i], DeviceMap.Device.of(DeviceKeys.record(i)));
            }
        } else {
            map = BytesMap.builder().valueSize(DeviceMap.RECORD).expectedSize(size).build();
            for (int i = 0; i < ids.length; i++) {
                map.put(ids[i], MemorySegment.ofArray(DeviceKeys.record(i)));
            }
            map.finishGrowth();
            slots = (ByteSlots) field("slots").get(map);
            table = ((WriterTables) field("tables").get(map)).table();
            store = (KeyStore) field("keys").get(map);
        }
        HashMap<String, Long> lastSeen = HashMap.newHashMap(ids.length);
        for (int i = 0; i < ids.length; i++) {
            lastSeen.put(ids[i], (long) DeviceMap.LONGS.get(DeviceKeys.record(i), (int) LAST_SEEN));
        }
        for (int start = 0; start < order.length; start += BATCH) {
            long expected = 0;
            for (int i = start; i < start + BATCH; i++) {
                expected += lastSeen.get(order[i]);
            }
            next = start;
            long answer = batch();
            if (answer != expected) {
                throw new IllegalStateException(lookup + " answers " + answer + " for the batch at " + start
                        + ", not " + expected);
            }
        }
        next = 0;
    }

    private static Field field(String name) throws NoSuchFieldException {
        Field f = BytesMap.class.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    @TearDown(Level.Trial)
    public void close() {
        if (map != null) {
            map.close();
        }
    }

    /** The sum of {@value #BATCH} devices' {@code lastSeen}. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long batch() {
        int start = next;
        next = start + BATCH == order.length ? 0 : start + BATCH;
        return switch (lookup) {
            case LOOP -> loop(start);
            case BATCH -> prefetched(start, false);
            case BATCH_STAGED -> prefetched(start, true);
            case HASHMAP -> hashMapLoop(start);
        };
    }

    private long loop(int start) {
        long sum = 0;
        for (int i = start; i < start + BATCH; i++) {
            sum += map.get(order[i]).get(ValueLayout.JAVA_LONG, LAST_SEEN);
        }
        return sum;
    }

    private long hashMapLoop(int start) {
        long sum = 0;
        for (int i = start; i < start + BATCH; i++) {
            sum += hashMap.get(order[i]).lastSeen;
        }
        return sum;
    }

    private long prefetched(int start, boolean staged) {
        long touched = 0;
        for (int i = 0; i < BATCH; i++) {
            String key = order[start + i];
            long head = slots.inlineHead(key);
            long h;
            if (head != ByteKeys.NOT_INLINE) {
                h = slots.hash(head, ByteKeys.asciiTail(key), null);
            } else {
                KeyProbe p = slots.probe(key);
                h = slots.hash(p.head, p.tail, p);
            }
            hashes[i] = h;
            touched ^= Chain.touch(table, h);
        }
        long sum = touched == 0x7A5E_0000_0000_0001L ? 1 : 0; // a branch on the touched words keeps their loads
        for (int i = 0; i < BATCH; i++) {
            String key = order[start + i];
            long head = slots.inlineHead(key);
            long ref;
            if (head != ByteKeys.NOT_INLINE) {
                ref = slots.find(table, hashes[i], head, ByteKeys.asciiTail(key), null, store);
            } else {
                KeyProbe p = slots.probe(key);
                ref = slots.find(table, hashes[i], p.head, p.tail, p, store);
            }
            if (staged) {
                refs[i] = ref;
            } else {
                sum += RawMemory.getLongNativeOrder(table.segment, table.valueOffset(ref) + LAST_SEEN);
            }
        }
        if (staged) {
            for (int i = 0; i < BATCH; i++) {
                sum += RawMemory.getLongNativeOrder(table.segment, table.valueOffset(refs[i]) + LAST_SEEN);
            }
        }
        return sum;
    }
}
