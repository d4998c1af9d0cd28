package io.tophash.jmh;

import io.tophash.LongLongMap;

import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The writer {@link FileOpenBenchmark} kills: opens a {@code LongLongMap} file holding
 * {@link Workload#presentKeys} (at least {@value #KEYS} of them), prints {@code ready}, then
 * removes and puts back random ones of its first {@value #KEYS} keys until it is killed, so that
 * the kill lands mid-write with a write record in the header most of the time.
 *
 * <p>Run by the benchmark: {@code java -cp benchmarks.jar io.tophash.jmh.FileWriterChild <file>}.
 */
public final class FileWriterChild {

    static final int KEYS = 4096;

    private FileWriterChild() {
    }

    public static void main(String[] args) {
        long[] keys = Workload.presentKeys(KEYS);
        SplittableRandom random = new SplittableRandom();
        LongLongMap map = LongLongMap.builder().file(Path.of(args[0])).build();
        System.out.println("ready");
        System.out.flush();
        for (long n = 0; ; n++) {
            long key = keys[random.nextInt(KEYS)];
            map.remove(key);
            map.put(key, key);
        }
    }
}
