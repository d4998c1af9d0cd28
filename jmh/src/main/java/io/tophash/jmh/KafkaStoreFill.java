package io.tophash.jmh;

import java.io.File;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.Locale;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * How much heap does a Kafka Streams store hold once filled with {@code size} keys, and how long
 * do collector pauses stop the filling thread? Fills one store ({@link KafkaStoreImpl}) with
 * {@link KafkaStoreBenchmark}'s keys and 100-byte values, and prints one line: the fill's wall
 * time, the heap in use after full collections before and after (their difference is what the
 * store keeps on the heap), and the pause time and count of G1's pause collectors during the fill
 * (the "G1 Concurrent GC" bean, concurrent work, is left out), and the process's minor page
 * faults during the fill (first touches of memory). Run each store in its own JVM:
 *
 * <pre>{@code java -Xms6g -Xmx6g -XX:+AlwaysPreTouch --enable-native-access=ALL-UNNAMED \
 *     -cp jmh/target/benchmarks.jar io.tophash.jmh.KafkaStoreFill TOPHASH 10000000}</pre>
 */
public final class KafkaStoreFill {

    private KafkaStoreFill() {
    }

    public static void main(String[] args) throws IOException {
        KafkaStoreImpl impl = KafkaStoreImpl.valueOf(args[0]);
        int size = Integer.parseInt(args[1]);
        File stateDir = Files.createTempDirectory("kafka-store-fill").toFile();
        try {
            byte[][] values = new byte[16][KafkaStoreBenchmark.VALUE_LENGTH];
            for (int v = 0; v < values.length; v++) {
                java.util.Arrays.fill(values[v], (byte) v);
            }
            KeyValueStore<Bytes, byte[]> store = impl.open(stateDir, size);
            long heapBefore = heapAfterFullCollections();
            long[] pausesBefore = pauses();
            long faultsBefore = minorFaults();
            long started = System.nanoTime();
            for (int i = 0; i < size; i++) {
                store.put(KafkaStoreBenchmark.key(i), values[i & 15].clone());
            }
            store.flush();
            long fillNanos = System.nanoTime() - started;
            long faults = minorFaults() - faultsBefore;
            long[] pausesAfter = pauses();
            long heapAfter = heapAfterFullCollections();
            if (store.approximateNumEntries() < size * 9L / 10) {
                throw new IllegalStateException("the store holds " + store.approximateNumEntries() + " of " + size);
            }
            System.out.printf(Locale.ROOT,
                    "impl=%s size=%d fillSeconds=%.2f heapHeldBytes=%d heapHeldBytesPerEntry=%.1f pauseMillis=%d pauses=%d"
                            + " minorFaults=%d%n",
                    impl, size, fillNanos / 1e9, heapAfter - heapBefore, (double) (heapAfter - heapBefore) / size,
                    pausesAfter[0] - pausesBefore[0], pausesAfter[1] - pausesBefore[1], faults);
            store.close();
        } finally {
            KafkaStoreImpl.deleteStateDir(stateDir);
        }
    }

    /** The process's minor page faults so far (Linux {@code /proc/self/stat}, field 10), or -1 elsewhere. */
    static long minorFaults() {
        try {
            String stat = Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[7]);
        } catch (IOException | RuntimeException notLinux) {
            return -1;
        }
    }

    private static long heapAfterFullCollections() {
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Milliseconds and count of the pause collectors so far. */
    private static long[] pauses() {
        long millis = 0;
        long count = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc.getName().contains("Concurrent")) {
                continue;
            }
            millis += gc.getCollectionTime();
            count += gc.getCollectionCount();
        }
        return new long[] {millis, count};
    }
}
