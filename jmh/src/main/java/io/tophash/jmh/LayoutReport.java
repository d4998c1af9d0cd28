package io.tophash.jmh;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs {@link GetHitBenchmark}, {@link GetMissBenchmark} and {@link PutBenchmark} with a profile's
 * settings, writes JMH's JSON, and prints a {@link ReportTable} under a header naming the machine.
 *
 * <p>Usage: {@code java -cp jmh/target/benchmarks.jar io.tophash.jmh.LayoutReport quick|full
 * [-o result.json] [-md summary.md]}, or from the repository root
 * {@code mvn -B -DskipTests -Pbenchmark package [-Dbench.profile=full]}. The JSON goes to
 * {@code jmh/target/results/<profile>-<timestamp>.json} unless {@code -o} says otherwise;
 * {@code -md} also writes the printed summary to a Markdown file.
 */
public final class LayoutReport {

    /** Every cell is divided by this implementation's time in the same column. */
    static final Impl BASELINE = Impl.FASTUTIL;

    /** How much to run: the quick profile fits in ten minutes on two cores, both sizes included. */
    enum Profile {
        QUICK(List.of(Impl.TOPHASH_LINE_ALIGNED, Impl.TOPHASH_LINE_NAIVE8, Impl.TOPHASH_GO_ALIGNED,
                Impl.TOPHASH_GO_PADDED_ALIGNED,
                Impl.TOPHASH_GO_NAIVE8, Impl.TOPHASH_GO_NAIVE3, Impl.FASTUTIL, Impl.HASHMAP), 1, 1, 3),
        FULL(List.of(Impl.values()), 2, 3, 5);

        final List<Impl> impls;
        final int forks;
        final int warmupIterations;
        final int measurementIterations;

        Profile(List<Impl> impls, int forks, int warmupIterations, int measurementIterations) {
            this.impls = impls;
            this.forks = forks;
            this.warmupIterations = warmupIterations;
            this.measurementIterations = measurementIterations;
        }
    }

    private static final TimeValue ITERATION_TIME = TimeValue.seconds(1);
    private static final String GC_ALLOC_PER_OP = "gc.alloc.rate.norm";
    private static final String USAGE =
            "usage: LayoutReport quick|full [-o result.json] [-md summary.md]";

    private LayoutReport() {
    }

    public static void main(String[] args) throws RunnerException, IOException, URISyntaxException {
        if (args.length == 0 || args.length % 2 == 0) {
            usage();
        }
        Profile profile = profile(args[0]);
        ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
        Path json = null;
        Path markdown = null;
        for (int i = 1; i < args.length; i += 2) {
            switch (args[i]) {
                case "-o" -> json = Path.of(args[i + 1]);
                case "-md" -> markdown = Path.of(args[i + 1]);
                default -> usage();
            }
        }
        if (json == null) {
            json = defaultResultsDirectory().resolve(profile.name().toLowerCase(Locale.ROOT) + "-"
                    + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(started) + ".json");
        }
        createParent(json);

        List<RunResult> results = List.copyOf(new Runner(options(profile, json)).run());
        List<ReportTable.Measurement> measurements = results.stream()
                .map(LayoutReport::measurement)
                .sorted(Comparator.comparing(ReportTable.Measurement::benchmark)
                        .thenComparingLong(ReportTable.Measurement::size)
                        .thenComparing(m -> Impl.valueOf(m.impl())))
                .toList();
        long footprintSize = measurements.stream().mapToLong(ReportTable.Measurement::size).max().orElseThrow();
        Map<String, Double> bytesPerEntry = new LinkedHashMap<>();
        for (Impl impl : profile.impls) {
            impl.bytesPerEntry(Math.toIntExact(footprintSize))
                    .ifPresent(bytes -> bytesPerEntry.put(impl.name(), bytes));
        }
        Duration took = Duration.between(started, ZonedDateTime.now(ZoneOffset.UTC));

        Path jsonReference = markdown == null ? json.toAbsolutePath()
                : markdown.toAbsolutePath().getParent().relativize(json.toAbsolutePath());
        String summary = header(profile, results.getFirst().getParams(), started, took, jsonReference, footprintSize)
                + ReportTable.markdown(measurements, BASELINE.name(), bytesPerEntry, footprintSize)
                + "\nCache lines a lookup touches in its first bucket, computed from each layout (CacheLineModel),"
                + " to read next to the timings above:\n\n" + CacheLineModel.markdown();
        System.out.println(summary);
        if (markdown != null) {
            createParent(markdown);
            Files.writeString(markdown, summary);
        }
    }

    private static Options options(Profile profile, Path json) {
        return new OptionsBuilder()
                .include(GetHitBenchmark.class.getName())
                .include(GetMissBenchmark.class.getName())
                .include(PutBenchmark.class.getName())
                .param("impl", profile.impls.stream().map(Impl::name).toArray(String[]::new))
                .forks(profile.forks)
                .warmupIterations(profile.warmupIterations)
                .warmupTime(ITERATION_TIME)
                .measurementIterations(profile.measurementIterations)
                .measurementTime(ITERATION_TIME)
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true)
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString())
                .build();
    }

    private static ReportTable.Measurement measurement(RunResult run) {
        BenchmarkParams params = run.getParams();
        String benchmark = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        Result<?> alloc = run.getSecondaryResults().get(GC_ALLOC_PER_OP);
        return new ReportTable.Measurement(params.getParam("impl"), benchmark,
                Long.parseLong(params.getParam("size")), run.getPrimaryResult().getScore(),
                alloc == null ? Double.NaN : alloc.getScore());
    }

    private static String header(Profile profile, BenchmarkParams params, ZonedDateTime started, Duration took,
                                 Path json, long footprintSize) {
        return String.format(Locale.ROOT, """
                        # tophash layout report (%s profile)

                        %s- JMH fork JDK: %s %s (%s %s)
                        - JVM flags: %s
                        - JMH %s: %d fork(s), warmup %d x %s, measurement %d x %s, mode %s, -prof gc
                        - Date: %s, run took %d min %02d s
                        - Raw JMH results: %s

                        Cells: ns/op, lower is better, and in brackets the ratio to %s in the same column.
                        B/entry %s: off-heap bytes per entry of the tophash map filled with %d keys (MapStats.bytesPerEntry).
                        alloc B/op (max): the highest %s over the row.

                        """,
                profile.name().toLowerCase(Locale.ROOT),
                MachineFacts.markdown(),
                System.getProperty("java.vendor"), params.getJdkVersion(), params.getVmName(), params.getVmVersion(),
                String.join(" ", params.getJvmArgs()),
                params.getJmhVersion(), params.getForks(), params.getWarmup().getCount(), params.getWarmup().getTime(),
                params.getMeasurement().getCount(), params.getMeasurement().getTime(), params.getMode().shortLabel(),
                started.truncatedTo(ChronoUnit.MINUTES), took.toMinutes(), took.toSecondsPart(),
                json,
                BASELINE.name(), ReportTable.compactSize(footprintSize), footprintSize, GC_ALLOC_PER_OP);
    }

    /**
     * {@code target/results} of the jmh module, found from where this class was loaded
     * ({@code target/benchmarks.jar} or {@code target/classes}), so that results land there
     * whatever directory the report is started from.
     */
    private static Path defaultResultsDirectory() throws URISyntaxException {
        Path loadedFrom = Path.of(LayoutReport.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return loadedFrom.getParent().resolve("results");
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
    }

    private static Profile profile(String name) {
        return switch (name) {
            case "quick" -> Profile.QUICK;
            case "full" -> Profile.FULL;
            default -> usage();
        };
    }

    private static <T> T usage() {
        System.err.println(USAGE);
        System.exit(2);
        throw new AssertionError("unreachable");
    }
}
