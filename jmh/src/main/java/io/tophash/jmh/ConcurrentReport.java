package io.tophash.jmh;

import io.tophash.ConcurrentLongLongMap;
import io.tophash.LongLongMap;
import io.tophash.MapStats;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs {@link ConcurrentMapBenchmark} with 1 and then 2 threads, and writes the JMH JSON of both
 * and a Markdown summary: throughput per implementation, mix, size and thread count, its ratio to
 * ConcurrentHashMap, allocation per op, bytes per entry of the concurrent map against the
 * single-threaded one, and the targets.
 *
 * <p>Usage: {@code java --enable-native-access=ALL-UNNAMED -cp jmh/target/benchmarks.jar
 * io.tophash.jmh.ConcurrentReport [-sizes 1000000,10000000] [-forks n] [-out dir]}
 */
public final class ConcurrentReport {

    private ConcurrentReport() {
    }

    record Cell(String impl, String mix, long size, int threads, double opsPerUs, double allocPerOp) {
    }

    public static void main(String[] args) throws RunnerException, IOException {
        String[] sizes = {Workload.MEDIUM, Workload.LARGE};
        int forks = 1;
        ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
        Path out = Path.of("jmh/target/results/concurrent-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(started));
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "-sizes" -> sizes = args[i + 1].split(",");
                case "-out" -> out = Path.of(args[i + 1]);
                case "-forks" -> forks = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Files.createDirectories(out);
        List<Cell> cells = new ArrayList<>();
        BenchmarkParams params = null;
        for (int threads : new int[] {1, 2}) {
            List<RunResult> results = new ArrayList<>();
            // GET_ONLY (the target's question) at the smallest size only: a fill of 10M keys into
            // Chronicle Map or ConcurrentHashMap takes most of a run's time.
            String[][] plan = {{sizes[0]}, {"GET_ONLY", "GET_90_PUT_10", "GET_50_PUT_50"},
                    java.util.Arrays.copyOfRange(sizes, 1, sizes.length), {"GET_90_PUT_10", "GET_50_PUT_50"}};
            for (int part = 0; part < plan.length; part += 2) {
                if (plan[part].length == 0) {
                    continue;
                }
                System.out.println("[concurrent] " + threads + " thread(s), sizes " + String.join(",", plan[part]));
                results.addAll(new Runner(new OptionsBuilder()
                        .include(ConcurrentMapBenchmark.class.getName())
                        .param("size", plan[part])
                        .param("mix", plan[part + 1])
                        .threads(threads)
                        .forks(forks)
                        .warmupIterations(1)
                        .addProfiler(GCProfiler.class)
                        .shouldFailOnError(true)
                        .resultFormat(ResultFormatType.JSON)
                        .result(out.resolve("threads-" + threads + "-" + String.join("-", plan[part]) + ".json").toString())
                        .build()).run());
            }
            for (RunResult run : results) {
                params = run.getParams();
                Result<?> alloc = run.getSecondaryResults().get("gc.alloc.rate.norm");
                cells.add(new Cell(params.getParam("impl"), params.getParam("mix"),
                        Long.parseLong(params.getParam("size")), threads, run.getPrimaryResult().getScore(),
                        alloc == null ? Double.NaN : alloc.getScore()));
            }
        }
        System.out.println("[concurrent] bytes per entry, concurrent vs single-threaded map");
        StringBuilder footprint = new StringBuilder(
                "| entries | LongLongMap B/entry | ConcurrentLongLongMap B/entry | ratio |\n|---:|---:|---:|---:|\n");
        for (String size : sizes) {
            int n = Integer.parseInt(size);
            double single = singleBytesPerEntry(n);
            double concurrent = concurrentBytesPerEntry(n);
            footprint.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.2fx |%n",
                    ReportTable.compactSize(n), single, concurrent, concurrent / single));
        }
        Duration took = Duration.between(started, ZonedDateTime.now(ZoneOffset.UTC));
        String summary = "# tophash concurrent-map report\n\n" + MachineFacts.markdown()
                + "- JMH " + params.getJmhVersion() + ": " + params.getForks() + " fork(s) per cell, warmup " + params.getWarmup().getCount() + " x "
                + params.getWarmup().getTime() + ", measurement " + params.getMeasurement().getCount() + " x "
                + params.getMeasurement().getTime() + ", mode thrpt, -prof gc\n"
                + "- Fork flags: `" + String.join(" ", params.getJvmArgs()) + "`\n"
                + "- Date: " + started.truncatedTo(ChronoUnit.MINUTES) + ", run took " + took.toMinutes() + " min\n"
                + "- Raw results: threads-<n>-<size>.json\n\n"
                + "## Throughput (ops/us over all threads, higher is better; ratio to CONCURRENT_HASHMAP)\n\n"
                + table(cells) + "\n## Memory\n\n" + footprint
                + "\n## Targets\n\n" + targets(cells, Long.parseLong(sizes[0]));
        System.out.println(summary);
        Files.writeString(out.resolve("README.md"), summary);
        System.out.println("[concurrent] wrote " + out.toAbsolutePath());
    }

    static String table(List<Cell> cells) {
        Map<String, Map<String, Cell>> rows = new LinkedHashMap<>();
        List<String> columns = new ArrayList<>();
        for (Cell c : cells) {
            String column = c.mix() + " " + ReportTable.compactSize(c.size()) + " t" + c.threads();
            if (!columns.contains(column)) {
                columns.add(column);
            }
            rows.computeIfAbsent(c.impl(), k -> new LinkedHashMap<>()).put(column, c);
        }
        StringBuilder out = new StringBuilder("| impl | " + String.join(" | ", columns) + " | alloc B/op (max) |\n|---|");
        out.append("---:|".repeat(columns.size() + 1)).append('\n');
        Map<String, Cell> baseline = rows.getOrDefault(ConcurrentImpl.CONCURRENT_HASHMAP.name(), Map.of());
        for (Map.Entry<String, Map<String, Cell>> row : rows.entrySet()) {
            out.append("| ").append(row.getKey()).append(" |");
            double alloc = 0;
            for (String column : columns) {
                Cell c = row.getValue().get(column);
                Cell base = baseline.get(column);
                if (c == null) {
                    out.append(" - |");
                    continue;
                }
                alloc = Math.max(alloc, c.allocPerOp());
                out.append(String.format(Locale.ROOT, " %.1f%s |", c.opsPerUs(),
                        base == null ? "" : String.format(Locale.ROOT, " (%.2fx)", c.opsPerUs() / base.opsPerUs())));
            }
            out.append(String.format(Locale.ROOT, " %.1f |%n", alloc));
        }
        return out.toString();
    }

    static String targets(List<Cell> cells, long size) {
        double tophash = find(cells, ConcurrentImpl.TOPHASH_CONCURRENT.name(), size);
        double chm = find(cells, ConcurrentImpl.CONCURRENT_HASHMAP.name(), size);
        double maxAlloc = cells.stream().filter(c -> c.impl().startsWith("TOPHASH_CONCURRENT"))
                .mapToDouble(Cell::allocPerOp).max().orElse(Double.NaN);
        double ratio = tophash / chm;
        return String.format(Locale.ROOT, """
                        - get throughput, 2 threads, %s entries (GET_ONLY): TOPHASH_CONCURRENT %.1f ops/us, \
                        CONCURRENT_HASHMAP %.1f ops/us: %.2fx (issue #12's target >= 1.5x: %s; issue #6's >= 2x: %s)
                        - allocation per op of the concurrent map, worst cell: %.2f B/op (target 0)
                        - bytes per entry: see Memory (target: within 1.3x of the single-threaded map)
                        """, ReportTable.compactSize(size), tophash, chm, ratio,
                atLeast(ratio, 1.5), atLeast(ratio, 2), maxAlloc);
    }

    private static String atLeast(double ratio, double target) {
        return ratio >= target ? "met" : String.format(Locale.ROOT, "MISSED by %.0f%%", 100 * (1 - ratio / target));
    }

    private static double find(List<Cell> cells, String impl, long size) {
        return cells.stream().filter(c -> c.impl().equals(impl) && c.size() == size && c.threads() == 2
                        && c.mix().equals(ConcurrentMapBenchmark.Mix.GET_ONLY.name()))
                .mapToDouble(Cell::opsPerUs).findFirst().orElse(Double.NaN);
    }

    static double singleBytesPerEntry(int n) {
        try (LongLongMap map = LongLongMap.builder().expectedSize(n).build()) {
            for (long key : Workload.presentKeys(n)) {
                map.put(key, key);
            }
            return map.stats().bucketBytesPerEntry();
        }
    }

    static double concurrentBytesPerEntry(int n) {
        try (ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().expectedSize(n).build()) {
            for (long key : Workload.presentKeys(n)) {
                map.put(key, key);
            }
            MapStats stats = map.stats();
            return stats.bucketBytesPerEntry();
        }
    }
}
