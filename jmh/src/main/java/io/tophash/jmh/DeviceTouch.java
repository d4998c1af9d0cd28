package io.tophash.jmh;

import io.tophash.ValueUpdater;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.BiFunction;

/**
 * The shared registry's update, written once for every benchmark thread that sends it: the
 * device's {@code lastSeen} set to {@link #now} and its first counter incremented, as tophash's
 * {@link ValueUpdater} (in place, under the bucket lock) and as {@code ConcurrentHashMap.compute}'s
 * function (on the device object, under the bin's lock). Reused by its thread: the benchmarks
 * allocate nothing of their own.
 */
public abstract class DeviceTouch implements ValueUpdater, BiFunction<String, DeviceMap.Device, DeviceMap.Device> {

    /** The {@code lastSeen} the next update writes. */
    long now;

    @Override
    public void update(MemorySegment value) {
        value.set(ValueLayout.JAVA_LONG, DeviceMap.LAST_SEEN, now);
        value.set(ValueLayout.JAVA_LONG, DeviceMap.COUNTER0, value.get(ValueLayout.JAVA_LONG, DeviceMap.COUNTER0) + 1);
    }

    @Override
    public DeviceMap.Device apply(String id, DeviceMap.Device d) {
        d.lastSeen = now;
        d.counter0++;
        return d;
    }
}
