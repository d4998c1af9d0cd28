package io.tophash.jmh;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.charset.StandardCharsets;

/**
 * The state the independent-operation device benchmarks share ({@link DeviceGetBenchmark},
 * {@link DeviceUpdateBenchmark}, {@link DeviceChurnBenchmark}): a registry of {@code size}
 * devices filled with their records, and the devices in a shuffled order, each as a {@code String}
 * in hand and as bytes in a request buffer. Each op takes the next device of that order.
 */
@State(Scope.Thread)
public abstract class DeviceRegistry {

    @Param
    public DeviceImpl impl;

    @Param({"DEVICES"})
    public DeviceKeys keys;

    @Param({DeviceKeys.SEED_SCENARIO})
    public int size;

    DeviceMap map;
    String[] order;
    byte[] requests;
    int[] offsets;
    int[] lengths;
    byte[] record;
    private int next;

    @Setup(Level.Trial)
    public void fill() {
        String[] ids = keys.draw(size);
        map = impl.create(size, DeviceKeys.averageLength(ids));
        for (int i = 0; i < ids.length; i++) {
            map.put(ids[i], DeviceKeys.record(i));
        }
        order = DeviceKeys.inHand(DeviceKeys.shuffled(ids));
        offsets = new int[order.length];
        lengths = new int[order.length];
        requests = DeviceKeys.requests(order, offsets);
        for (int i = 0; i < order.length; i++) {
            lengths[i] = order[i].getBytes(StandardCharsets.US_ASCII).length;
        }
        record = DeviceKeys.record(7);
    }

    @TearDown(Level.Trial)
    public void close() {
        map.close();
    }

    /** The index of the next device in the shuffled order, round and round. */
    final int nextIndex() {
        int i = next;
        next = i + 1 == order.length ? 0 : i + 1;
        return i;
    }
}
