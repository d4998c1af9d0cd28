package io.tophash.jmh;

import io.tophash.LongLongMap;
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

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * How long does opening a map file take? A {@code LongLongMap} file of {@code size} entries
 * (issue #23's target: 10M in <= 10 ms) is opened, one key looked up and the map closed, per
 * invocation; the file was written and closed in the trial's setup, so it is in the page cache.
 * {@code midGrowth} leaves the file with a growth in progress (filled on past {@code size}
 * until its pre-sized table starts a growth: then it holds between {@code size} and twice as many
 * entries), so the open maps both tables and resumes the growth. {@code killed} opens it after a
 * writer JVM ({@link FileWriterChild}, removing and putting back keys) was killed with SIGKILL
 * 20-220 ms after it opened the file, before each invocation: the open settles the write the kill
 * interrupted. Not combined with {@code midGrowth}: the killed writer's writes would carry the growth
 * on to its end ({@code MapFileKillTest} reports its reopens mid-growth).
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar FileOpenBenchmark}
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {Workload.HEAP_MIN, Workload.HEAP_MAX, Workload.NATIVE_ACCESS})
@Warmup(iterations = 10)
@Measurement(iterations = 20)
public class FileOpenBenchmark {

    @Param({"1000000", Workload.LARGE})
    public int size;

    @Param({"false", "true"})
    public boolean midGrowth;

    @Param({"false", "true"})
    public boolean killed;

    private Path file;
    private long probe;
    /** Entries in the file: {@code size}, or past it up to the point a growth started. */
    public long entries;

    @Setup(Level.Trial)
    public void write() {
        if (killed && midGrowth) {
            throw new IllegalStateException("killed and midGrowth are not combined (see the class comment)");
        }
        file = FileMapImpl.newFile("map");
        long[] keys = Workload.presentKeys(size);
        try (LongLongMap map = LongLongMap.builder().expectedSize(size).file(file).build()) {
            for (long key : keys) {
                map.put(key, key);
            }
            if (midGrowth) {
                long[] more = Workload.absentKeys(size, size);
                for (int i = 0; i < more.length && !map.toString().contains("growing"); i++) {
                    map.put(more[i], i);
                }
            }
            if (midGrowth != map.toString().contains("growing")) {
                throw new IllegalStateException("midGrowth=" + midGrowth + " but the map is " + map);
            }
            entries = map.size();
        }
        probe = keys[keys.length / 2];
    }

    /** For {@code killed}: a writer JVM opens the file and is killed mid-write. */
    @Setup(Level.Iteration)
    public void killWriter() throws IOException, InterruptedException {
        if (!killed) {
            return;
        }
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", Workload.NATIVE_ACCESS, "-cp", System.getProperty("java.class.path"),
                FileWriterChild.class.getName(), file.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            if (!"ready".equals(line)) {
                writer.destroyForcibly().waitFor();
                throw new IllegalStateException("the writer did not start: " + line);
            }
            Thread.sleep(20 + ThreadLocalRandom.current().nextInt(200));
            if (!writer.isAlive()) {
                throw new IllegalStateException("the writer ended on its own (exit " + writer.exitValue() + ")");
            }
            writer.destroyForcibly(); // SIGKILL
            writer.waitFor();
        }
    }

    @TearDown(Level.Trial)
    public void delete() {
        FileMapImpl.delete(file);
    }

    @Benchmark
    public long openGetClose() {
        try (LongLongMap map = LongLongMap.builder().file(file).build()) {
            return map.get(probe);
        }
    }
}
