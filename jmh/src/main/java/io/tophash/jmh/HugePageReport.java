package io.tophash.jmh;

import io.tophash.LongLongMap;
import io.tophash.MapStats;
import io.tophash.memory.Allocators;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What do huge pages buy? Runs get-hit, get-miss and put at 1M and 10M entries for tophash on
 * base pages ({@code cacheLineAligned}) and on {@link Allocators#hugePages()}, next to fastutil and
 * HPPC on the default heap, then the same two peers again with {@code -XX:+UseTransparentHugePages}
 * (rows marked {@code +THP}), so the page-size effect is separated from the layout effect; then the
 * growth from empty with its worst puts ({@link GrowthBenchmark}). Writes JMH JSON for every run,
 * the growth latency lines, and a Markdown summary that states the targets next to the
 * measured ratios.
 *
 * <p>Usage: {@code java --enable-native-access=ALL-UNNAMED -cp jmh/target/benchmarks.jar
 * io.tophash.jmh.HugePageReport [-sizes 1000000,10000000] [-out dir]}. 100M entries: add
 * {@code 100000000} to {@code -sizes} on a machine with more than 16 GB (the forks' heaps are fixed
 * at 2 GB, enough for fastutil and HPPC only up to about 50M).
 */
public final class HugePageReport {

    static final List<Impl> OFF_HEAP = List.of(Impl.TOPHASH_LINE_ALIGNED, Impl.TOPHASH_LINE_HUGE,
            Impl.TOPHASH_GO_ALIGNED, Impl.TOPHASH_GO_HUGE);
    static final List<Impl> ON_HEAP = List.of(Impl.FASTUTIL, Impl.HPPC);
    static final List<Impl> GROWTH = List.of(Impl.TOPHASH_LINE_ALIGNED, Impl.TOPHASH_LINE_HUGE, Impl.FASTUTIL,
            Impl.HPPC);
    static final String THP_SUFFIX = "+THP";
    private static final String GC_ALLOC_PER_OP = "gc.alloc.rate.norm";

    private HugePageReport() {
    }

    public static void main(String[] args) throws RunnerException, IOException {
        String[] sizes = {Workload.MEDIUM, Workload.LARGE};
        ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
        Path out = Path.of("jmh/target/results/hugepages-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(started));
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "-sizes" -> sizes = args[i + 1].split(",");
                case "-out" -> out = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Files.createDirectories(out);
        Path growthDir = out.toAbsolutePath();
        Files.deleteIfExists(growthDir.resolve("growth-latency.jsonl"));

        System.out.println("[hugepages] 1/3: get/put, tophash and on-heap peers, default heap");
        List<RunResult> baseHeap = run(lookups(sizes, out.resolve("default-heap.json"),
                concat(OFF_HEAP, ON_HEAP)).jvmArgsAppend(forkFlags(false)));
        System.out.println("[hugepages] 2/3: get/put, on-heap peers with " + Workload.THP_HEAP);
        List<RunResult> thpHeap = run(lookups(sizes, out.resolve("thp-heap.json"), ON_HEAP)
                .jvmArgsAppend(forkFlags(true)));
        System.out.println("[hugepages] 3/3: growth from empty, single-put latency");
        List<RunResult> growth = run(new OptionsBuilder()
                .include(GrowthBenchmark.class.getName())
                .param("impl", names(GROWTH))
                .param("size", sizes)
                .jvmArgsAppend(Workload.PRE_TOUCH, Workload.GROWTH_HEAP_MIN, Workload.GROWTH_HEAP_MAX,
                        Workload.NATIVE_ACCESS, "-D" + GrowthBenchmark.OUTPUT_DIRECTORY + "=" + growthDir)
                .resultFormat(ResultFormatType.JSON)
                .result(out.resolve("growth.json").toString()));

        System.out.println("[hugepages] reading back huge pages of each tophash map (MapStats)");
        List<ReportTable.Measurement> measurements = new ArrayList<>();
        baseHeap.forEach(r -> measurements.add(measurement(r, "")));
        thpHeap.forEach(r -> measurements.add(measurement(r, THP_SUFFIX)));
        measurements.sort(Comparator.comparing(ReportTable.Measurement::benchmark)
                .thenComparingLong(ReportTable.Measurement::size));
        long largest = Arrays.stream(sizes).mapToLong(Long::parseLong).max().orElseThrow();
        Map<String, Double> bytesPerEntry = new LinkedHashMap<>();
        StringBuilder placement = new StringBuilder();
        placement.append("| impl | entries | bucket B/entry | hugePageBytes / bucketBytes | buckets crossing a huge page |\n")
                .append("|---|---:|---:|---:|---:|\n");
        for (Impl impl : OFF_HEAP) {
            MapStats stats = filledStats(impl, Math.toIntExact(largest));
            bytesPerEntry.put(impl.name(), stats.bucketBytesPerEntry());
            placement.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %d / %d (%.0f%%) | %d |%n", impl.name(),
                    stats.size(), stats.bucketBytesPerEntry(), stats.hugePageBytes(), stats.bucketBytes(),
                    100.0 * Math.max(0, stats.hugePageBytes()) / stats.bucketBytes(),
                    stats.bucketsCrossingHugePage()));
        }
        List<GrowthLatency> latencies = Files.readAllLines(growthDir.resolve("growth-latency.jsonl")).stream()
                .filter(line -> !line.isBlank()).map(GrowthLatency::parse).toList();
        Duration took = Duration.between(started, ZonedDateTime.now(ZoneOffset.UTC));

        BenchmarkParams params = baseHeap.getFirst().getParams();
        String summary = "# tophash huge-page report\n\n"
                + MachineFacts.markdown()
                + "- JMH " + params.getJmhVersion() + ": " + params.getForks() + " fork, warmup "
                + params.getWarmup().getCount() + " x " + params.getWarmup().getTime() + ", measurement "
                + params.getMeasurement().getCount() + " x " + params.getMeasurement().getTime() + ", -prof gc\n"
                + "- Fork flags, default heap: `" + String.join(" ", params.getJvmArgs()) + "`\n"
                + "- Fork flags, +THP rows: `" + String.join(" ", thpHeap.getFirst().getParams().getJvmArgs()) + "`\n"
                + "- Date: " + started.truncatedTo(ChronoUnit.MINUTES) + ", run took " + took.toMinutes() + " min\n"
                + "- Raw results: default-heap.json, thp-heap.json, growth.json, growth-latency.jsonl\n\n"
                + "## Lookups and puts (ns/op, ratio to FASTUTIL on the default heap)\n\n"
                + "Rows ending in " + THP_SUFFIX + " ran with " + Workload.THP_HEAP + "; tophash rows ignore the "
                + "heap (their maps are off-heap): TOPHASH_*_HUGE use Allocators.hugePages(), *_ALIGNED base pages.\n\n"
                + ReportTable.markdown(measurements, Impl.FASTUTIL.name(), bytesPerEntry, largest)
                + "\n## Targets\n\n" + targets(measurements, largest)
                + "\n## Placement of the tophash maps at " + ReportTable.compactSize(largest)
                + " (read back from /proc/self/smaps by MapStats)\n\n" + placement
                + "\n## Growth from empty (GrowthBenchmark, every put timed)\n\n" + growthTable(latencies)
                + "\nJMH single-shot times of the whole growth (ms, mean of 3):\n\n" + growthTimes(growth);
        System.out.println(summary);
        Files.writeString(out.resolve("README.md"), summary);
        System.out.println("[hugepages] wrote " + out.toAbsolutePath());
    }

    static ChainedOptionsBuilder lookups(String[] sizes, Path json, List<Impl> impls) {
        return new OptionsBuilder()
                .include(GetHitBenchmark.class.getName())
                .include(GetMissBenchmark.class.getName())
                .include(PutBenchmark.class.getName())
                .param("impl", names(impls))
                .param("size", sizes)
                .forks(1)
                .warmupIterations(2)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(3)
                .measurementTime(TimeValue.seconds(1))
                .addProfiler(GCProfiler.class)
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString());
    }

    /** The annotations' flags, which an explicit jvmArgsAppend replaces, plus THP for the +THP rows. */
    static String[] forkFlags(boolean thp) {
        List<String> flags = new ArrayList<>(List.of(Workload.PRE_TOUCH, Workload.HEAP_MIN, Workload.HEAP_MAX,
                Workload.NATIVE_ACCESS));
        if (thp) {
            flags.add(Workload.THP_HEAP);
        }
        return flags.toArray(String[]::new);
    }

    static List<RunResult> run(ChainedOptionsBuilder options) throws RunnerException {
        return List.copyOf(new Runner(options.shouldFailOnError(true).build()).run());
    }

    static String[] names(List<Impl> impls) {
        return impls.stream().map(Impl::name).toArray(String[]::new);
    }

    static List<Impl> concat(List<Impl> a, List<Impl> b) {
        List<Impl> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    static ReportTable.Measurement measurement(RunResult run, String suffix) {
        BenchmarkParams params = run.getParams();
        String benchmark = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        Result<?> alloc = run.getSecondaryResults().get(GC_ALLOC_PER_OP);
        return new ReportTable.Measurement(params.getParam("impl") + suffix, benchmark,
                Long.parseLong(params.getParam("size")), run.getPrimaryResult().getScore(),
                alloc == null ? Double.NaN : alloc.getScore());
    }

    static MapStats filledStats(Impl impl, int size) {
        BenchMap map = impl.create(size);
        try {
            Workload.fill(map, Workload.presentKeys(size));
            LongLongMap tophash = ((BenchMap.Tophash) map).map();
            return tophash.stats();
        } finally {
            map.close();
        }
    }

    /**
     * The targets: with huge pages, tophash getHit at the largest size at most 0.8x the
     * best on-heap peer on the default heap, and at most 1.0x the best peer on a THP heap.
     */
    static String targets(List<ReportTable.Measurement> measurements, long size) {
        OptionalDouble tophashHuge = best(measurements, size, m -> m.impl().startsWith("TOPHASH_") && m.impl().endsWith("_HUGE"));
        OptionalDouble tophashBase = best(measurements, size, m -> m.impl().startsWith("TOPHASH_") && m.impl().endsWith("_ALIGNED"));
        OptionalDouble peer = best(measurements, size, m -> !m.impl().startsWith("TOPHASH_") && !m.impl().endsWith(THP_SUFFIX));
        OptionalDouble peerThp = best(measurements, size, m -> m.impl().endsWith(THP_SUFFIX));
        if (tophashHuge.isEmpty() || peer.isEmpty() || peerThp.isEmpty() || tophashBase.isEmpty()) {
            return "(not all rows measured)\n";
        }
        double vsDefault = tophashHuge.getAsDouble() / peer.getAsDouble();
        double vsThp = tophashHuge.getAsDouble() / peerThp.getAsDouble();
        return String.format(Locale.ROOT, """
                        getHit at %s, best of each group:
                        - tophash on huge pages %.1f ns, on base pages %.1f ns (huge/base %.2fx)
                        - best on-heap peer, default heap %.1f ns; with %s %.1f ns
                        - target 1: tophash huge <= 0.8x best peer on the default heap: %.2fx, %s
                        - target 2: tophash huge <= 1.0x best peer on a THP heap: %.2fx, %s
                        """, ReportTable.compactSize(size), tophashHuge.getAsDouble(), tophashBase.getAsDouble(),
                tophashHuge.getAsDouble() / tophashBase.getAsDouble(), peer.getAsDouble(), Workload.THP_HEAP,
                peerThp.getAsDouble(), vsDefault, ResultsReport.verdict(vsDefault, 0.8), vsThp,
                ResultsReport.verdict(vsThp, 1.0));
    }

    private static OptionalDouble best(List<ReportTable.Measurement> measurements, long size,
                                       java.util.function.Predicate<ReportTable.Measurement> which) {
        return measurements.stream()
                .filter(m -> m.benchmark().equals("getHit") && m.size() == size)
                .filter(which)
                .mapToDouble(ReportTable.Measurement::nsPerOp).min();
    }

    /** One row per impl and size: the worst iteration's tail, the mean of the 100-worst sums. */
    static String growthTable(List<GrowthLatency> lines) {
        Map<String, List<GrowthLatency>> byRow = new LinkedHashMap<>();
        for (GrowthLatency line : lines) {
            byRow.computeIfAbsent(line.impl() + " " + ReportTable.compactSize(line.size()), k -> new ArrayList<>())
                    .add(line);
        }
        StringBuilder table = new StringBuilder(
                "| impl, size | growths | p50 ns | p99 ns | p99.9 ns | p99.99 ns | max ms (worst growth) | 100 worst puts, ms (mean) |\n"
                        + "|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<String, List<GrowthLatency>> row : byRow.entrySet()) {
            List<GrowthLatency> runs = row.getValue();
            table.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %.3f | %.3f |%n", row.getKey(),
                    runs.size(), GrowthLatency.median(runs, GrowthLatency::p50Ns), GrowthLatency.median(runs, GrowthLatency::p99Ns),
                    GrowthLatency.median(runs, GrowthLatency::p999Ns), GrowthLatency.median(runs, GrowthLatency::p9999Ns),
                    runs.stream().mapToLong(GrowthLatency::maxNs).max().orElseThrow() / 1e6,
                    runs.stream().mapToLong(GrowthLatency::worst100Ns).average().orElseThrow() / 1e6));
        }
        return table + "\np50..p99.99: median over the measured growths; max: the worst put of any of them.\n";
    }

    static String growthTimes(List<RunResult> growth) {
        StringBuilder out = new StringBuilder("| impl | size | ms |\n|---|---:|---:|\n");
        for (RunResult run : growth) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %.1f |%n", run.getParams().getParam("impl"),
                    run.getParams().getParam("size"), run.getPrimaryResult().getScore()));
        }
        return out.toString();
    }
}
