package io.tophash.jmh;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns a results directory written by {@link LayoutReport} into {@value #REPORT_FILE} (machine,
 * flags, one table per size, bytes per entry, growth latency, the targets, the cache-line
 * model) and PNG charts under {@value #CHARTS_DIRECTORY}/. Reads only the files: JMH's JSON of
 * each pass, {@value #GROWTH_LATENCY_FILE}, {@value #FOOTPRINT_FILE} and {@value #FACTS_FILE}, so
 * a report can be rebuilt, or built from a board's bundle, without running anything:
 * {@code java -cp jmh/target/benchmarks.jar io.tophash.jmh.ResultsReport <dir>}.
 */
public final class ResultsReport {

    static final String REPORT_FILE = "README.md";
    static final String FACTS_FILE = "machine.md";
    static final String FOOTPRINT_FILE = "footprint.tsv";
    static final String GROWTH_LATENCY_FILE = "growth-latency.jsonl";
    static final String CHARTS_DIRECTORY = "charts";
    static final String THP_SUFFIX = "+THP";

    /** Columns in this order; forEach is divided by the map size, so its cells are ns per entry. */
    static final List<String> WORKLOAD_ORDER = List.of("getHit", "getLatency", "getMiss", "put", "churn", "forEach",
            "mix90get10put");

    /** The rows drawn in the charts: the tables hold every row, a chart of 28 lines shows none. */
    static final List<String> CHARTED = List.of(Impl.TOPHASH_LINE_ALIGNED.name(), Impl.TOPHASH_GO_ALIGNED.name(),
            Impl.TOPHASH_LINE_HUGE.name(), Impl.TOPHASH_GO_NAIVE3.name(), Impl.FASTUTIL.name(), Impl.HASHMAP.name(),
            Impl.ECLIPSE.name(), Impl.HPPC.name(), Impl.AGRONA.name(), Impl.CONCURRENT_HASHMAP.name(),
            Impl.CHRONICLE_MAP.name());

    private static final String GC_ALLOC_PER_OP = "gc.alloc.rate.norm";
    static final String CHRONICLE_CANNOT_GROW = "CHRONICLE_MAP is not in the growth table: a Chronicle Map is"
            + " sized for its entries when it is created (ChronicleMapBuilder.entries) and has no empty,"
            + " growable form to start from.";
    /** JMH's allocation figure of an allocation-free benchmark is a few thousandths of a byte, never exactly 0. */
    static final double ZERO_ALLOCATION_BYTES = 0.1;

    /**
     * A target on time per op: the default builder's map ({@link #DEFAULT_IMPL}) at most
     * {@code limit} times FASTUTIL's time in the same run.
     */
    record TimeTarget(String workload, long size, double limit) {
    }

    /** What {@code LongLongMap.builder().build()} makes: the row issue #12's targets are about. */
    static final String DEFAULT_IMPL = Impl.TOPHASH_LINE_ALIGNED.name();

    /**
     * Issue #12's targets: a dependent chain of gets (what one request's latency sees) at 10M and
     * 1M, get-hit throughput at 10M and 1K, get-miss at 10M, put into a pre-sized map at 10M.
     */
    static final List<TimeTarget> TIME_TARGETS = List.of(new TimeTarget("getLatency", 10_000_000, 1.0),
            new TimeTarget("getLatency", 1_000_000, 1.0), new TimeTarget("getHit", 10_000_000, 1.0),
            new TimeTarget("getHit", 1_000, 1.5), new TimeTarget("getMiss", 10_000_000, 0.7),
            new TimeTarget("put", 10_000_000, 1.0));

    /** What one pass file says about its forks. */
    record PassInfo(String file, String jvmArgs, String jdk, String vm, String jmh, String iterations) {
    }

    private ResultsReport() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ResultsReport <results directory>");
            System.exit(2);
        }
        System.out.println(write(Path.of(args[0])));
    }

    static void writeRunFacts(Path dir, String profile, Instant started) throws IOException {
        Path facts = dir.resolve(FACTS_FILE);
        if (Files.exists(facts)) {
            return;
        }
        Files.writeString(facts, MachineFacts.markdown() + "- Profile: " + profile + ", started "
                + started.truncatedTo(ChronoUnit.MINUTES) + "\n");
    }

    static void writeFootprint(Path file, List<Footprint.Result> results) throws IOException {
        StringBuilder out = new StringBuilder("impl\tsize\tbytesPerEntry\toffHeap\tfailure\n");
        for (Footprint.Result r : results) {
            out.append(r.impl()).append('\t').append(r.size()).append('\t').append(r.bytesPerEntry()).append('\t')
                    .append(r.offHeap()).append('\t').append(r.failure() == null ? "" : r.failure().replace('\t', ' '))
                    .append('\n');
        }
        Files.writeString(file, out);
    }

    static List<Footprint.Result> readFootprint(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file).stream().skip(1).filter(line -> !line.isBlank()).map(line -> {
            String[] f = line.split("\t", -1);
            return new Footprint.Result(f[0], Long.parseLong(f[1]), Double.parseDouble(f[2]),
                    Boolean.parseBoolean(f[3]), f[4].isEmpty() ? null : f[4]);
        }).toList();
    }

    /**
     * Reads every pass file of {@code dir}: rows of {@code thp-*} files get {@value #THP_SUFFIX}.
     * forEach scores become ns per entry.
     */
    static List<ReportTable.Measurement> readMeasurements(Path dir, List<PassInfo> passes) throws IOException {
        List<ReportTable.Measurement> measurements = new ArrayList<>();
        for (Path file : passFiles(dir)) {
            String name = file.getFileName().toString();
            if (name.startsWith("growth-")) {
                continue;
            }
            String suffix = name.startsWith("thp-") ? THP_SUFFIX : "";
            JsonArray runs = JsonParser.parseString(Files.readString(file)).getAsJsonArray();
            if (!runs.isEmpty()) {
                passes.add(passInfo(name, runs.get(0).getAsJsonObject()));
            }
            for (JsonElement element : runs) {
                JsonObject run = element.getAsJsonObject();
                String benchmark = run.get("benchmark").getAsString();
                String workload = benchmark.substring(benchmark.lastIndexOf('.') + 1);
                JsonObject params = run.getAsJsonObject("params");
                long size = params.get("size").getAsLong();
                double score = run.getAsJsonObject("primaryMetric").get("score").getAsDouble();
                JsonObject secondary = run.getAsJsonObject("secondaryMetrics");
                double alloc = secondary != null && secondary.has(GC_ALLOC_PER_OP)
                        ? secondary.getAsJsonObject(GC_ALLOC_PER_OP).get("score").getAsDouble() : Double.NaN;
                if (workload.equals("forEach")) {
                    // per entry, so sizes compare; JMH's own per-iteration allocation, spread over
                    // the few passes of an iteration, would otherwise read as bytes per pass
                    score /= size;
                    alloc /= size;
                }
                measurements.add(new ReportTable.Measurement(params.get("impl").getAsString() + suffix, workload,
                        size, score, alloc));
            }
        }
        return measurements;
    }

    private static PassInfo passInfo(String file, JsonObject run) {
        List<String> args = new ArrayList<>();
        run.getAsJsonArray("jvmArgs").forEach(a -> args.add(a.getAsString()));
        String iterations = run.get("mode").getAsString().equals("ss")
                ? String.format(Locale.ROOT, "single shot, warmup %d, measurement %d",
                run.get("warmupIterations").getAsInt(), run.get("measurementIterations").getAsInt())
                : String.format(Locale.ROOT, "warmup %d x %s, measurement %d x %s, -prof gc",
                run.get("warmupIterations").getAsInt(), run.get("warmupTime").getAsString(),
                run.get("measurementIterations").getAsInt(), run.get("measurementTime").getAsString());
        return new PassInfo(file, String.join(" ", args), run.get("jdkVersion").getAsString(),
                run.get("vmName").getAsString() + " " + run.get("vmVersion").getAsString(),
                run.get("jmhVersion").getAsString(), iterations);
    }

    private static List<Path> passFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }

    static List<GrowthLatency> readGrowth(Path dir) throws IOException {
        Path file = dir.resolve(GROWTH_LATENCY_FILE);
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file).stream().filter(line -> !line.isBlank()).map(GrowthLatency::parse).toList();
    }

    /** Writes the report and its charts into {@code dir}; returns the tables, for the console. */
    static String write(Path dir) throws IOException {
        List<PassInfo> passes = new ArrayList<>();
        List<ReportTable.Measurement> measurements = new ArrayList<>(readMeasurements(dir, passes));
        measurements.sort(Comparator.comparingInt((ReportTable.Measurement m) -> rowOrder(m.impl()))
                .thenComparingInt(m -> WORKLOAD_ORDER.indexOf(m.benchmark())));
        List<Footprint.Result> footprint = readFootprint(dir.resolve(FOOTPRINT_FILE));
        List<GrowthLatency> growth = readGrowth(dir);
        List<Long> sizes = measurements.stream().map(ReportTable.Measurement::size).distinct().sorted().toList();

        StringBuilder tables = new StringBuilder();
        for (long size : sizes) {
            Map<String, Double> bytes = new LinkedHashMap<>();
            footprint.stream().filter(f -> f.size() == size && f.measured())
                    .forEach(f -> bytes.put(f.impl(), f.bytesPerEntry()));
            tables.append("### ").append(ReportTable.compactSize(size)).append(" entries\n\n")
                    .append(ReportTable.markdown(measurements.stream().filter(m -> m.size() == size).toList(),
                            LayoutReport.BASELINE.name(), bytes, size))
                    .append('\n');
        }

        Path charts = dir.resolve(CHARTS_DIRECTORY);
        List<String> chartLinks = drawCharts(charts, measurements, footprint, growth);

        String facts = Files.exists(dir.resolve(FACTS_FILE)) ? Files.readString(dir.resolve(FACTS_FILE)) : "";
        StringBuilder report = new StringBuilder("# tophash benchmark report\n\n").append(facts);
        for (PassInfo pass : passes) {
            report.append("- ").append(pass.file()).append(": JMH ").append(pass.jmh()).append(", JDK ")
                    .append(pass.jdk()).append(" (").append(pass.vm()).append("), ").append(pass.iterations())
                    .append(", fork flags `").append(pass.jvmArgs()).append("`\n");
        }
        report.append("""

                Cells: ns/op, lower is better, and in brackets the ratio to %s in the same column \
                (below 1.00x: faster than it). getLatency is one get of a present key that needs the value the \
                previous get returned (GetLatencyBenchmark: a dependent chain, so no two lookups overlap, as one \
                request sees them); getHit's gets are independent. forEach is ns (and allocated bytes) per entry \
                of a whole pass. churn is one remove and one put of the same key. mix90get10put: 90%% gets, \
                10%% updates of present keys. Rows ending in \
                %s ran with %s (on-heap peers only). B/entry: bytes per entry of the pre-sized map filled with \
                that many keys (off-heap bytes the map reports for tophash and Chronicle Map; for the others \
                the object graph's exact size (JOL) up to 1M entries, heap growth after full GCs above; see \
                Footprint). alloc B/op (max): the highest %s of the row.

                """.formatted(LayoutReport.BASELINE.name(), THP_SUFFIX, Workload.THP_HEAP, GC_ALLOC_PER_OP));
        report.append("## Time per operation\n\n").append(tables);
        report.append(missing(dir, measurements, growth));
        report.append("## Charts\n\n");
        for (String link : chartLinks) {
            report.append("![").append(link).append("](").append(CHARTS_DIRECTORY).append('/').append(link)
                    .append(")\n\n");
        }
        report.append("## Bytes per entry\n\n").append(footprintTable(footprint)).append('\n');
        if (!growth.isEmpty()) {
            report.append("## Growth from empty (GrowthBenchmark, every put timed)\n\n")
                    .append(HugePageReport.growthTable(growth)).append('\n');
            if (measurements.stream().anyMatch(m -> m.impl().equals(Impl.CHRONICLE_MAP.name()))) {
                report.append(CHRONICLE_CANNOT_GROW).append("\n\n");
            }
        }
        String targets = targets(measurements, footprint, growth);
        report.append("## Targets\n\n").append(targets).append('\n');
        report.append("## Cache lines a lookup touches (CacheLineModel)\n\n").append(CacheLineModel.markdown());
        Files.writeString(dir.resolve(REPORT_FILE), report);
        return tables + targets;
    }

    /** Rows in Impl order, each THP row right after its default-heap row. */
    private static int rowOrder(String impl) {
        boolean thp = impl.endsWith(THP_SUFFIX);
        String base = thp ? impl.substring(0, impl.length() - THP_SUFFIX.length()) : impl;
        return Impl.valueOf(base).ordinal() * 2 + (thp ? 1 : 0);
    }

    /** Benchmarks a pass asked for that left no score: their fork failed (its error is in the run's console). */
    private static String missing(Path dir, List<ReportTable.Measurement> measurements, List<GrowthLatency> growth)
            throws IOException {
        Set<String> measured = measurements.stream().map(m -> m.impl() + " " + m.benchmark() + " " + m.size())
                .collect(Collectors.toSet());
        Set<String> impls = measurements.stream().map(ReportTable.Measurement::impl)
                .filter(i -> !i.endsWith(THP_SUFFIX)).collect(Collectors.toCollection(LinkedHashSet::new));
        List<String> absent = new ArrayList<>();
        for (Path file : passFiles(dir)) {
            String name = file.getFileName().toString();
            if (!name.startsWith("size-")) {
                continue;
            }
            long size = Long.parseLong(name.substring("size-".length(), name.length() - ".json".length()));
            // a workload no map ran at this size was not in the profile; one some maps ran, the rest failed
            Set<String> ranHere = measurements.stream().filter(m -> m.size() == size)
                    .map(ReportTable.Measurement::benchmark).collect(Collectors.toSet());
            for (String impl : impls) {
                for (String workload : WORKLOAD_ORDER) {
                    if (ranHere.contains(workload) && !measured.contains(impl + " " + workload + " " + size)) {
                        absent.add(impl + " " + workload + " " + ReportTable.compactSize(size));
                    }
                }
            }
        }
        boolean growthRan = passFiles(dir).stream().anyMatch(f -> f.getFileName().toString().startsWith("growth-"));
        if (growthRan) {
            Set<String> grown = growth.stream().map(GrowthLatency::impl).collect(Collectors.toSet());
            for (String impl : impls) {
                if (Impl.valueOf(impl).canGrow() && !grown.contains(impl)) {
                    absent.add(impl + " growth");
                }
            }
        }
        return absent.isEmpty() ? "" : "Did not run (their forks failed; the error is in the run's console output): "
                + String.join(", ", absent) + "\n\n";
    }

    private static List<String> drawCharts(Path charts, List<ReportTable.Measurement> measurements,
                                           List<Footprint.Result> footprint, List<GrowthLatency> growth)
            throws IOException {
        Files.createDirectories(charts);
        List<String> written = new ArrayList<>();
        for (String workload : WORKLOAD_ORDER) {
            Map<String, SortedMap<Long, Double>> series = new LinkedHashMap<>();
            for (String impl : CHARTED) {
                SortedMap<Long, Double> points = new TreeMap<>();
                measurements.stream().filter(m -> m.impl().equals(impl) && m.benchmark().equals(workload))
                        .forEach(m -> points.put(m.size(), m.nsPerOp()));
                if (!points.isEmpty()) {
                    series.put(impl, points);
                }
            }
            if (series.isEmpty()) {
                continue;
            }
            String name = workload + ".png";
            System.out.println("[report]   chart " + name);
            Charts.sizeStaircase(charts.resolve(name), workload + ": time per op against map size",
                    workload.equals("forEach") ? "ns per entry" : "ns/op", series);
            written.add(name);
        }
        Map<String, SortedMap<Long, Double>> bytes = new LinkedHashMap<>();
        for (String impl : CHARTED) {
            SortedMap<Long, Double> points = new TreeMap<>();
            footprint.stream().filter(f -> f.impl().equals(impl) && f.measured())
                    .forEach(f -> points.put(f.size(), f.bytesPerEntry()));
            if (!points.isEmpty()) {
                bytes.put(impl, points);
            }
        }
        if (!bytes.isEmpty()) {
            System.out.println("[report]   chart footprint.png");
            Charts.sizeStaircase(charts.resolve("footprint.png"), "Bytes per entry against map size", "bytes per entry",
                    bytes);
            written.add("footprint.png");
        }
        if (!growth.isEmpty()) {
            long size = growth.stream().mapToLong(GrowthLatency::size).max().orElseThrow();
            List<GrowthLatency> rows = new ArrayList<>();
            growth.stream().filter(g -> g.size() == size).map(GrowthLatency::impl).distinct()
                    .forEach(impl -> rows.add(worstGrowth(growth, impl, size)));
            System.out.println("[report]   chart growth-latency.png");
            Charts.growthPercentiles(charts.resolve("growth-latency.png"),
                    "Single-put latency while growing 0 -> " + ReportTable.compactSize(size) + " (worst growth of each)",
                    rows);
            written.add("growth-latency.png");
        }
        return written;
    }

    /** The measured growth with the worst single put: the one a user's tail would see. */
    static GrowthLatency worstGrowth(List<GrowthLatency> growth, String impl, long size) {
        return growth.stream().filter(g -> g.impl().equals(impl) && g.size() == size)
                .max(Comparator.comparingLong(GrowthLatency::maxNs)).orElseThrow();
    }

    private static String footprintTable(List<Footprint.Result> footprint) {
        List<Long> sizes = footprint.stream().map(Footprint.Result::size).distinct().sorted().toList();
        Map<String, Map<Long, Footprint.Result>> rows = new LinkedHashMap<>();
        footprint.stream().sorted(Comparator.comparingInt(f -> rowOrder(f.impl())))
                .forEach(f -> rows.computeIfAbsent(f.impl(), k -> new LinkedHashMap<>()).put(f.size(), f));
        StringBuilder out = new StringBuilder("| impl | where |");
        sizes.forEach(s -> out.append(' ').append(ReportTable.compactSize(s)).append(" |"));
        out.append("\n|---|---|").append("---:|".repeat(sizes.size())).append('\n');
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Map<Long, Footprint.Result>> row : rows.entrySet()) {
            boolean offHeap = row.getValue().values().iterator().next().offHeap();
            out.append("| ").append(row.getKey()).append(" | ").append(offHeap ? "off-heap" : "heap").append(" |");
            for (long size : sizes) {
                Footprint.Result r = row.getValue().get(size);
                out.append(' ').append(r == null ? "-" : Footprint.format(r)).append(" |");
                if (r != null && !r.measured()) {
                    failures.add(row.getKey() + " at " + ReportTable.compactSize(size) + ": " + r.failure());
                }
            }
            out.append('\n');
        }
        if (!failures.isEmpty()) {
            out.append("\nNot measured: ").append(String.join("; ", failures)).append('\n');
        }
        return out.toString();
    }

    /** The targets, each with what was measured and whether it was met or by how much it was missed. */
    static String targets(List<ReportTable.Measurement> measurements, List<Footprint.Result> footprint,
                          List<GrowthLatency> growth) {
        StringBuilder out = new StringBuilder();
        Predicate<String> tophash = impl -> impl.startsWith("TOPHASH_") && !impl.endsWith(THP_SUFFIX);
        for (TimeTarget target : TIME_TARGETS) {
            String workload = target.workload();
            long size = target.size();
            double limit = target.limit();
            OptionalDouble standard = best(measurements, workload, size, DEFAULT_IMPL::equals);
            OptionalDouble fastutil = best(measurements, workload, size, LayoutReport.BASELINE.name()::equals);
            if (standard.isEmpty() || fastutil.isEmpty()) {
                out.append(String.format(Locale.ROOT, "- %s at %s: not in this run%n", workload,
                        ReportTable.compactSize(size)));
                continue;
            }
            double ratio = standard.getAsDouble() / fastutil.getAsDouble();
            String bestImpl = bestImpl(measurements, workload, size, tophash);
            double bestRatio = best(measurements, workload, size, tophash).orElseThrow() / fastutil.getAsDouble();
            out.append(String.format(Locale.ROOT, "- %s at %s: default map %.1f ns vs FASTUTIL %.1f ns = %.2fx,"
                            + " target <= %.1fx: %s%s%n", workload, ReportTable.compactSize(size),
                    standard.getAsDouble(), fastutil.getAsDouble(), ratio, limit, verdict(ratio, limit),
                    bestImpl.equals(DEFAULT_IMPL) ? "" : String.format(Locale.ROOT, " (best layout %s: %.2fx)",
                            bestImpl, bestRatio)));
        }
        if (!growth.isEmpty()) {
            long size = growth.stream().mapToLong(GrowthLatency::size).max().orElseThrow();
            List<String> impls = growth.stream().filter(g -> g.size() == size).map(GrowthLatency::impl).distinct()
                    .toList();
            if (impls.contains(LayoutReport.BASELINE.name())) {
                GrowthLatency fastutil = worstGrowth(growth, LayoutReport.BASELINE.name(), size);
                double fastutilWorst100 = meanWorst100(growth, LayoutReport.BASELINE.name(), size);
                for (String impl : impls.stream().filter(tophash).toList()) {
                    GrowthLatency g = worstGrowth(growth, impl, size);
                    double worst = (double) fastutil.maxNs() / g.maxNs();
                    double hundred = fastutilWorst100 / meanWorst100(growth, impl, size);
                    // the growth table's statistic (median over the growths), the worst growths beside it
                    double tail = (double) medianP9999(growth, impl, size)
                            / medianP9999(growth, LayoutReport.BASELINE.name(), size);
                    out.append(String.format(Locale.ROOT, "- growth 0 -> %s, %s: worst put %.3f ms vs FASTUTIL %.3f ms"
                                    + " = 1/%.1f (target 1/100: %s); 100 worst puts %.2f vs %.2f ms = 1/%.1f (target"
                                    + " 1/20: %s); p99.99 (median of the growths) %.1f vs %.1f us = %.2fx (target"
                                    + " <= 2x: %s; worst growths %.1f vs %.1f us)%n",
                            ReportTable.compactSize(size), impl, g.maxNs() / 1e6,
                            fastutil.maxNs() / 1e6, worst, worst >= 100 ? "met"
                                    : String.format(Locale.ROOT, "MISSED, %.0fx short", 100 / worst),
                            meanWorst100(growth, impl, size) / 1e6, fastutilWorst100 / 1e6, hundred,
                            hundred >= 20 ? "met" : String.format(Locale.ROOT, "MISSED, %.1fx short", 20 / hundred),
                            medianP9999(growth, impl, size) / 1e3,
                            medianP9999(growth, LayoutReport.BASELINE.name(), size) / 1e3, tail, verdict(tail, 2.0),
                            worstP9999(growth, impl, size) / 1e3,
                            worstP9999(growth, LayoutReport.BASELINE.name(), size) / 1e3));
                }
            }
        }
        for (long size : new long[]{1_000_000, 10_000_000}) {
            OptionalDouble fastutil = footprint.stream()
                    .filter(f -> f.size() == size && f.measured() && f.impl().equals(LayoutReport.BASELINE.name()))
                    .mapToDouble(Footprint.Result::bytesPerEntry).min();
            List<Footprint.Result> aligned = footprint.stream()
                    .filter(f -> f.size() == size && f.measured() && f.impl().startsWith("TOPHASH_")
                            && !f.impl().endsWith("_NAIVE8") && !f.impl().endsWith("_NAIVE3"))
                    .sorted(Comparator.comparingDouble(Footprint.Result::bytesPerEntry)).toList();
            if (fastutil.isEmpty() || aligned.isEmpty()) {
                out.append(String.format(Locale.ROOT, "- bytes per entry at %s: not in this run%n",
                        ReportTable.compactSize(size)));
                continue;
            }
            Footprint.Result standard = aligned.stream().filter(f -> f.impl().equals(DEFAULT_IMPL)).findFirst()
                    .orElse(aligned.getFirst());
            double ratio = standard.bytesPerEntry() / fastutil.getAsDouble();
            out.append(String.format(Locale.ROOT, "- bytes per entry at %s: %s %.1f B vs FASTUTIL %.1f B = %.2fx,"
                            + " target <= 1.0x: %s%s%n", ReportTable.compactSize(size),
                    standard.impl().equals(DEFAULT_IMPL) ? "default map" : standard.impl(), standard.bytesPerEntry(),
                    fastutil.getAsDouble(), ratio, verdict(ratio, 1.0), standard == aligned.getFirst() ? ""
                            : String.format(Locale.ROOT, " (least of the aligned layouts: %s %.1f B)",
                            aligned.getFirst().impl(), aligned.getFirst().bytesPerEntry())));
        }
        List<ReportTable.Measurement> allocating = measurements.stream()
                .filter(m -> tophash.test(m.impl()) && !(m.allocBytesPerOp() < ZERO_ALLOCATION_BYTES)).toList();
        long withAlloc = measurements.stream().filter(m -> tophash.test(m.impl()) && !Double.isNaN(m.allocBytesPerOp()))
                .count();
        out.append(withAlloc == 0 ? "- 0 B/op for every tophash operation: not in this run\n" : allocating.isEmpty()
                ? String.format(Locale.ROOT, "- 0 B/op for every tophash operation: met (%d measurements, every one"
                + " below %.1f B/op)%n", withAlloc, ZERO_ALLOCATION_BYTES)
                : "- 0 B/op for every tophash operation: MISSED by " + allocating.stream()
                .map(m -> String.format(Locale.ROOT, "%s %s %s (%.2f B/op)", m.impl(), m.benchmark(),
                        ReportTable.compactSize(m.size()), m.allocBytesPerOp()))
                .collect(Collectors.joining(", ")) + "\n");
        return out.toString();
    }

    /** The highest p99.99 of any growth of {@code impl} in the run. */
    private static long worstP9999(List<GrowthLatency> growth, String impl, long size) {
        return growth.stream().filter(g -> g.impl().equals(impl) && g.size() == size)
                .mapToLong(GrowthLatency::p9999Ns).max().orElseThrow();
    }

    /** The p99.99 of {@code impl}'s median growth, as the growth table shows it. */
    private static long medianP9999(List<GrowthLatency> growth, String impl, long size) {
        return GrowthLatency.median(growth.stream().filter(g -> g.impl().equals(impl) && g.size() == size).toList(),
                GrowthLatency::p9999Ns);
    }

    private static double meanWorst100(List<GrowthLatency> growth, String impl, long size) {
        return growth.stream().filter(g -> g.impl().equals(impl) && g.size() == size)
                .mapToLong(GrowthLatency::worst100Ns).average().orElseThrow();
    }

    private static OptionalDouble best(List<ReportTable.Measurement> measurements, String workload, long size,
                                       Predicate<String> which) {
        return measurements.stream().filter(m -> m.benchmark().equals(workload) && m.size() == size)
                .filter(m -> which.test(m.impl())).mapToDouble(ReportTable.Measurement::nsPerOp).min();
    }

    private static String bestImpl(List<ReportTable.Measurement> measurements, String workload, long size,
                                   Predicate<String> which) {
        return measurements.stream().filter(m -> m.benchmark().equals(workload) && m.size() == size)
                .filter(m -> which.test(m.impl())).min(Comparator.comparingDouble(ReportTable.Measurement::nsPerOp))
                .orElseThrow().impl();
    }

    /** "met", or by how many percent {@code ratio} exceeds {@code limit}. */
    static String verdict(double ratio, double limit) {
        return ratio <= limit ? "met" : String.format(Locale.ROOT, "MISSED by %.0f%%", 100 * (ratio / limit - 1));
    }
}
