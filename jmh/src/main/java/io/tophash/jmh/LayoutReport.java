package io.tophash.jmh;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The main job: runs every workload against tophash's layouts and the peers, in passes, and
 * writes a results directory that {@link ResultsReport} turns into tables, charts and a Markdown
 * report.
 *
 * <p>A pass is one JMH run with one set of fork flags: all seven workloads ({@link GetHitBenchmark},
 * {@link GetLatencyBenchmark}, {@link GetMissBenchmark}, {@link PutBenchmark}, {@link ChurnBenchmark},
 * {@link ForEachBenchmark}, {@link MixedBenchmark}) at one size, on the default heap or, for the
 * on-heap peers, with {@link Workload#THP_HEAP}; then growth from empty ({@link GrowthBenchmark}); then bytes per
 * entry ({@link Footprint}). Each pass writes its own file, and a pass whose file is already in
 * the directory is not run again: a run that was stopped resumes where it stopped, and
 * {@code ResultsReport <dir>} can rebuild the report from the files alone. The heap of the forks
 * grows with the size (pre-touched, so first-touch faults stay out of the timings).
 *
 * <p>Usage: {@code java --enable-native-access=ALL-UNNAMED -cp jmh/target/benchmarks.jar
 * io.tophash.jmh.LayoutReport quick|full [-out dir] [-with-100m]}, or from the repository root
 * {@code mvn -B -DskipTests -Pbenchmark package [-Dbench.profile=full]}. The directory defaults
 * to {@code jmh/target/results/<profile>-<timestamp>}. {@code -with-100m} adds 100M entries to
 * the full profile, for machines with 32 GB or more (its forks get 16 GB heaps, growth 20 GB).
 */
public final class LayoutReport {

    /** Every cell is divided by this implementation's time in the same column. */
    static final Impl BASELINE = Impl.FASTUTIL;

    /** The on-heap peers, which also run with {@link Workload#THP_HEAP} in the full profile. */
    static final List<Impl> ON_HEAP = List.of(Impl.FASTUTIL, Impl.HASHMAP, Impl.ECLIPSE, Impl.HPPC, Impl.AGRONA,
            Impl.CONCURRENT_HASHMAP);

    static final List<Class<?>> WORKLOADS = List.of(GetHitBenchmark.class, GetLatencyBenchmark.class,
            GetMissBenchmark.class, PutBenchmark.class, ChurnBenchmark.class, ForEachBenchmark.class,
            MixedBenchmark.class);

    static final String HUNDRED_MILLION = "100000000";

    /**
     * How much to run. The quick profile fits in ten minutes on two cores, footprint and growth
     * included; the full one takes about an hour there. Three half-second warmup iterations: with
     * fewer, the larger tophash and Chronicle paths were sometimes timed before C2 had settled.
     */
    enum Profile {
        QUICK(List.of(Impl.TOPHASH_LINE_ALIGNED, Impl.TOPHASH_GO_ALIGNED, Impl.TOPHASH_GO_NAIVE3, Impl.FASTUTIL,
                Impl.HASHMAP, Impl.ECLIPSE, Impl.HPPC, Impl.AGRONA, Impl.CONCURRENT_HASHMAP, Impl.CHRONICLE_MAP),
                WORKLOADS, List.of(Workload.SMALL, Workload.MEDIUM), List.of(), Workload.MEDIUM, 3, 2,
                TimeValue.milliseconds(500), 1, 1),
        FULL(List.of(Impl.values()), WORKLOADS, List.of(Workload.THOUSAND, Workload.HUNDRED_THOUSAND, Workload.MEDIUM,
                Workload.LARGE),
                List.of(Workload.MEDIUM, Workload.LARGE), Workload.LARGE, 3, 3, TimeValue.milliseconds(500), 3, 1),
        /**
         * Issue #12's targets with 2 forks per cell (about 75 minutes on 2 cores): the default map,
         * the layouts and placements that show what alignment does (Go's bucket aligned and with
         * every word misaligned, the 128-byte bucket shifted off its lines, huge pages) and the
         * primitive and boxed peers, on the four workloads the targets name, at 1K, 1M and 10M.
         */
        TARGETS(List.of(Impl.TOPHASH_LINE_ALIGNED, Impl.TOPHASH_GO_ALIGNED, Impl.TOPHASH_LINE_NAIVE8,
                Impl.TOPHASH_GO_NAIVE3, Impl.TOPHASH_LINE_HUGE, Impl.FASTUTIL, Impl.HASHMAP, Impl.ECLIPSE, Impl.HPPC,
                Impl.AGRONA), List.of(GetLatencyBenchmark.class, GetHitBenchmark.class, GetMissBenchmark.class,
                PutBenchmark.class), List.of(Workload.THOUSAND, Workload.MEDIUM, Workload.LARGE), List.of(),
                Workload.LARGE, 3, 3, TimeValue.milliseconds(500), 3, 2);

        final List<Impl> impls;
        final List<Class<?>> workloads;
        final List<String> sizes;
        /** Sizes at which the on-heap peers also run on a THP heap; smaller maps span too few pages to tell. */
        final List<String> thpSizes;
        final String growthSize;
        final int warmupIterations;
        final int measurementIterations;
        final TimeValue iterationTime;
        final int growthMeasurements;
        /** JMH forks per cell (and per growth); {@code -forks N} overrides it. */
        final int forks;

        Profile(List<Impl> impls, List<Class<?>> workloads, List<String> sizes, List<String> thpSizes,
                String growthSize, int warmupIterations, int measurementIterations, TimeValue iterationTime,
                int growthMeasurements, int forks) {
            this.impls = impls;
            this.workloads = workloads;
            this.forks = forks;
            this.sizes = sizes;
            this.thpSizes = thpSizes;
            this.growthSize = growthSize;
            this.warmupIterations = warmupIterations;
            this.measurementIterations = measurementIterations;
            this.iterationTime = iterationTime;
            this.growthMeasurements = growthMeasurements;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One JMH run, written to {@code <name>.json}.
     *
     * @param thp whether the forks run with {@link Workload#THP_HEAP}; its rows are named {@code <impl>+THP}
     */
    record Pass(String name, List<Class<?>> benchmarks, List<Impl> impls, String size, boolean thp) {
        boolean growth() {
            return benchmarks.equals(List.of(GrowthBenchmark.class));
        }
    }

    private static final String USAGE = "usage: LayoutReport quick|full|targets [-out dir] [-forks n] [-with-100m]";

    private LayoutReport() {
    }

    public static void main(String[] args) throws RunnerException, IOException, URISyntaxException {
        if (args.length == 0) {
            usage();
        }
        Profile profile = profile(args[0]);
        ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
        Path out = null;
        boolean hundredMillion = false;
        int forks = profile.forks;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "-out" -> out = Path.of(args[++i]);
                case "-with-100m" -> hundredMillion = true;
                case "-forks" -> forks = Integer.parseInt(args[++i]);
                default -> usage();
            }
        }
        if (out == null) {
            out = defaultResultsDirectory().resolve(profile.label() + "-"
                    + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(started));
        }
        Files.createDirectories(out);
        List<String> sizes = new ArrayList<>(profile.sizes);
        List<String> thpSizes = new ArrayList<>(profile.thpSizes);
        String growthSize = profile.growthSize;
        if (hundredMillion) {
            sizes.add(HUNDRED_MILLION);
            thpSizes.add(HUNDRED_MILLION);
            growthSize = HUNDRED_MILLION;
        }
        if (forks < 1) {
            usage();
        }
        ResultsReport.writeRunFacts(out, profile.label(), started.toInstant());

        List<Pass> passes = plan(profile, sizes, thpSizes, growthSize);
        int step = 0;
        int steps = passes.size() + 2;
        for (Pass pass : passes) {
            step++;
            Path json = out.resolve(pass.name() + ".json");
            if (Files.exists(json)) {
                System.out.printf(Locale.ROOT, "[report] %d/%d %s: %s already there, not run again%n", step, steps,
                        pass.name(), json.getFileName());
                continue;
            }
            System.out.printf(Locale.ROOT, "[report] %d/%d %s: %s, %d maps x %d benchmarks%n", step, steps,
                    pass.name(), describe(pass), pass.impls().size(), pass.benchmarks().size());
            if (pass.growth()) {
                // a growth pass cut short left lines of its own; the rerun writes them all again
                Files.deleteIfExists(out.resolve(ResultsReport.GROWTH_LATENCY_FILE));
            }
            Instant passStarted = Instant.now();
            // JMH creates its result file when it starts: only a finished pass may carry the name
            // that tells a resumed run to skip it
            Path partial = out.resolve(pass.name() + ".json.partial");
            new Runner(options(profile, pass, out, partial).forks(forks).build()).run();
            Files.move(partial, json, StandardCopyOption.REPLACE_EXISTING);
            System.out.printf(Locale.ROOT, "[report] %s took %s%n", pass.name(),
                    minutes(Duration.between(passStarted, Instant.now())));
        }

        DeviceReport.run(profile, forks, out);
        SharedDeviceReport.run(profile, forks, SharedDeviceReport.GROWTH_SIZE, out);
        System.out.printf(Locale.ROOT, "[report] session cache: values of any length (%s)%n",
                profile == Profile.FULL ? "both mixes at 131,072 and 1M" : "uniform 16-1024 B at 131,072");
        String sessions = SessionReport.run(profile == Profile.FULL, forks, out);
        System.out.printf(Locale.ROOT, "[report] Kafka Streams stores: tophash, in-memory, RocksDB (%s)%n",
                profile == Profile.FULL ? "1M and 10M keys, restore, topology" : "1M keys, restore in key order");
        String kafka = KafkaReport.run(profile == Profile.FULL, forks, out);

        step++;
        Path footprint = out.resolve(ResultsReport.FOOTPRINT_FILE);
        if (Files.exists(footprint)) {
            System.out.printf(Locale.ROOT, "[report] %d/%d footprint: %s already there%n", step, steps,
                    footprint.getFileName());
        } else {
            System.out.printf(Locale.ROOT, "[report] %d/%d footprint: bytes per entry of %d maps at %s, each in a"
                    + " child JVM%n", step, steps, profile.impls.size(), sizes);
            List<Footprint.Result> results = new ArrayList<>();
            for (String size : sizes) {
                for (Impl impl : profile.impls) {
                    Footprint.Result result = Footprint.inChildJvm(impl, Long.parseLong(size), 600);
                    System.out.printf(Locale.ROOT, "[report]   %-26s %10s entries: %s B/entry%s%n", impl, size,
                            Footprint.format(result), result.measured() ? "" : " (" + result.failure() + ")");
                    results.add(result);
                }
            }
            ResultsReport.writeFootprint(footprint, results);
        }

        step++;
        System.out.printf(Locale.ROOT, "[report] %d/%d writing tables and charts to %s%n", step, steps,
                out.toAbsolutePath());
        String summary = ResultsReport.write(out);
        String devices = DeviceReport.markdown(out.resolve(DeviceReport.DIRECTORY))
                + SharedDeviceReport.markdown(out.resolve(SharedDeviceReport.DIRECTORY));
        if (!devices.isEmpty()) {
            devices = "## Device registry: byte keys, 64-byte records (ratio to " + DeviceReport.BASELINE + ")\n\n"
                    + devices;
            Files.writeString(out.resolve(ResultsReport.REPORT_FILE), "\n" + devices,
                    java.nio.file.StandardOpenOption.APPEND);
        }
        sessions = "## Session cache: values of any length (issue #21)\n\n" + sessions;
        Files.writeString(out.resolve(ResultsReport.REPORT_FILE), "\n" + sessions,
                java.nio.file.StandardOpenOption.APPEND);
        System.out.println();
        System.out.println(summary);
        System.out.println(devices);
        System.out.println(sessions);
        kafka = "## Kafka Streams stores (issue #22)\n\n" + kafka;
        Files.writeString(out.resolve(ResultsReport.REPORT_FILE), "\n" + kafka,
                java.nio.file.StandardOpenOption.APPEND);
        System.out.println(kafka);
        System.out.printf(Locale.ROOT, "[report] done in %s: %s%n",
                minutes(Duration.between(started, ZonedDateTime.now(ZoneOffset.UTC))),
                out.resolve(ResultsReport.REPORT_FILE).toAbsolutePath());
    }

    /** Largest size first: if a run is cut short, the sizes that tell layouts apart are done. */
    static List<Pass> plan(Profile profile, List<String> sizes, List<String> thpSizes, String growthSize) {
        List<Pass> passes = new ArrayList<>();
        List<String> descending = sizes.stream().sorted((a, b) -> Long.compare(Long.parseLong(b), Long.parseLong(a)))
                .toList();
        for (String size : descending) {
            passes.add(new Pass("size-" + size, profile.workloads, profile.impls, size, false));
        }
        passes.add(new Pass("growth-" + growthSize, List.of(GrowthBenchmark.class),
                profile.impls.stream().filter(Impl::canGrow).toList(), growthSize, false));
        for (String size : thpSizes) {
            passes.add(new Pass("thp-size-" + size, profile.workloads,
                    profile.impls.stream().filter(ON_HEAP::contains).toList(), size, true));
        }
        return passes;
    }

    static ChainedOptionsBuilder options(Profile profile, Pass pass, Path out, Path json) {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .param("impl", pass.impls().stream().map(Impl::name).toArray(String[]::new))
                .param("size", pass.size())
                .forks(1)
                .jvmArgsAppend(forkFlags(pass, out))
                .shouldFailOnError(false)
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString());
        for (Class<?> benchmark : pass.benchmarks()) {
            options.include("\\." + benchmark.getSimpleName() + "\\.");
        }
        if (pass.growth()) {
            return options.warmupIterations(1).measurementIterations(profile.growthMeasurements);
        }
        return options
                .warmupIterations(profile.warmupIterations)
                .warmupTime(profile.iterationTime)
                .measurementIterations(profile.measurementIterations)
                .measurementTime(profile.iterationTime)
                .addProfiler(GCProfiler.class);
    }

    /** The annotations' flags (an explicit jvmArgsAppend replaces them) with a heap sized to the pass. */
    static String[] forkFlags(Pass pass, Path out) {
        long size = Long.parseLong(pass.size());
        String heap = pass.growth()
                ? (size <= 1_000_000 ? "1g" : size <= 10_000_000 ? "4g" : "20g")
                : (size <= 1_000_000 ? "1g" : size <= 10_000_000 ? "2g" : "16g");
        List<String> flags = new ArrayList<>(List.of(Workload.PRE_TOUCH, "-Xms" + heap, "-Xmx" + heap));
        flags.addAll(List.of(Workload.CHRONICLE_FLAGS));
        if (pass.thp()) {
            flags.add(Workload.THP_HEAP);
        }
        if (pass.growth()) {
            flags.add("-D" + GrowthBenchmark.OUTPUT_DIRECTORY + "=" + out.toAbsolutePath());
        }
        return flags.toArray(String[]::new);
    }

    private static String describe(Pass pass) {
        if (pass.growth()) {
            return "growth from empty to " + ReportTable.compactSize(Long.parseLong(pass.size())) + ", every put timed";
        }
        return pass.benchmarks().size() + " workloads at " + ReportTable.compactSize(Long.parseLong(pass.size()))
                + " entries"
                + (pass.thp() ? ", on-heap peers with " + Workload.THP_HEAP : "");
    }

    private static String minutes(Duration duration) {
        return String.format(Locale.ROOT, "%d min %02d s", duration.toMinutes(), duration.toSecondsPart());
    }

    /**
     * {@code target/results} of the jmh module, found from where this class was loaded
     * ({@code target/benchmarks.jar} or {@code target/classes}), so that results land there
     * whatever directory the report is started from.
     */
    static Path defaultResultsDirectory() throws URISyntaxException {
        Path loadedFrom = Path.of(LayoutReport.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return loadedFrom.getParent().resolve("results");
    }

    private static Profile profile(String name) {
        return switch (name) {
            case "quick" -> Profile.QUICK;
            case "full" -> Profile.FULL;
            case "targets" -> Profile.TARGETS;
            default -> usage();
        };
    }

    private static <T> T usage() {
        System.err.println(USAGE);
        System.exit(2);
        throw new AssertionError("unreachable");
    }
}
