package io.tophash.jmh;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * Page faults per operation of the benchmark JVM, from the kernel's own counts
 * ({@code /proc/self/stat}: minor and major faults), read before and after each iteration: the
 * counter this machine has where hardware counters are missing. A minor fault is one the kernel
 * served without I/O (a first touch, or a write to a page of a shared file mapping that was
 * written back and so write-protected again); a major fault read from the disk.
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar FileMapBenchmark -prof io.tophash.jmh.PageFaultProfiler}.
 * Linux only; elsewhere it reports nothing.
 */
public final class PageFaultProfiler implements InternalProfiler {

    private static final Path STAT = Path.of("/proc/self/stat");

    private long[] before;

    @Override
    public String getDescription() {
        return "minor and major page faults per operation, from /proc/self/stat (Linux)";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        before = faults();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        long[] after = faults();
        long ops = result.getMetadata().getMeasuredOps();
        if (before == null || after == null || ops <= 0) {
            return List.of();
        }
        return List.of(
                new ScalarResult("faults.minor", (double) (after[0] - before[0]) / ops, "#/op", AggregationPolicy.AVG),
                new ScalarResult("faults.major", (double) (after[1] - before[1]) / ops, "#/op", AggregationPolicy.AVG));
    }

    /** {minor, major} faults of this process so far, or null where {@code /proc} has none. */
    static long[] faults() {
        try {
            String stat = Files.readString(STAT);
            // fields after the command name, which may hold spaces: state is field 3, minflt 10, majflt 12
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(fields[10 - 3]), Long.parseLong(fields[12 - 3])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
