package io.tophash.jmh;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * The state the session-cache benchmarks share ({@link SessionGetBenchmark},
 * {@link SessionReplaceBenchmark}, {@link SessionChurnBenchmark}): a cache of {@code size} sessions
 * whose values have lengths drawn from {@code values}, the ids in a shuffled order (each as a
 * {@code String} in hand and as bytes in a request buffer), and a pool of values of drawn lengths
 * that writes take in turn. Each op takes the next session of that order.
 */
@State(Scope.Thread)
public abstract class SessionCache {

    /** Values a write picks from, in turn: enough that their lengths vary from one write to the next. */
    static final int POOL = 4096;

    @Param
    public SessionImpl impl;

    @Param
    public SessionValues values;

    @Param({"131072"})
    public int size;

    SessionMap map;
    String[] order;
    byte[] requests;
    MemorySegment requestSegment;
    int[] offsets;
    int[] lengths;
    byte[][] pool;
    MemorySegment[] poolSegments;
    private int next;
    private int nextValue;

    @Setup(Level.Trial)
    public void fill() {
        String[] ids = SessionValues.ids(size, 21);
        map = impl.create(size, DeviceKeys.averageLength(ids), values.mean());
        byte[][] initial = values.values(size, 42);
        for (int i = 0; i < ids.length; i++) {
            map.put(ids[i], initial[i], MemorySegment.ofArray(initial[i]));
        }
        order = DeviceKeys.inHand(DeviceKeys.shuffled(ids));
        offsets = new int[order.length];
        lengths = new int[order.length];
        requests = DeviceKeys.requests(order, offsets);
        requestSegment = MemorySegment.ofArray(requests);
        for (int i = 0; i < order.length; i++) {
            lengths[i] = order[i].getBytes(StandardCharsets.US_ASCII).length;
        }
        pool = values.values(POOL, 7);
        poolSegments = new MemorySegment[POOL];
        for (int i = 0; i < POOL; i++) {
            poolSegments[i] = MemorySegment.ofArray(pool[i]);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        map.close();
    }

    /** The index of the next session in the shuffled order, round and round. */
    final int nextIndex() {
        int i = next;
        next = i + 1 == order.length ? 0 : i + 1;
        return i;
    }

    /** Puts the next value of the pool, round and round, for {@code id}. */
    final void putNextValue(String id) {
        int i = nextValue;
        nextValue = (i + 1) & (POOL - 1);
        map.put(id, pool[i], poolSegments[i]);
    }
}
