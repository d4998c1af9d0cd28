package io.tophash.jmh;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The device registry's other questions, after {@link DeviceReport}'s: four threads sharing one
 * registry ({@link ConcurrentDeviceBenchmark}: {@code ConcurrentBytesMap} against
 * {@code ConcurrentHashMap<String, Device>}, every profile), a request as a server receives it at
 * 1, 2 and 4 threads, with the key in hand, decoded per request or in a buffer
 * ({@link RegistryRequestBenchmark}, every profile, issue #20's targets) and the worst put while a byte-keyed
 * registry grows from empty ({@link DeviceGrowthBenchmark}: {@code BytesMap} against both
 * {@code HashMap}s, the full profile, 10M tokens), each with issue #13's target. Results go to
 * {@value #DIRECTORY}/ of the run's directory; a pass already there is not run again.
 *
 * <p>Alone: {@code java --enable-native-access=ALL-UNNAMED -cp jmh/target/benchmarks.jar
 * io.tophash.jmh.SharedDeviceReport [-full] [-forks n] [-growth-size n] -out dir}.
 */
final class SharedDeviceReport {

    static final String DIRECTORY = "devices-shared";
    private static final String CONCURRENT_FILE = "concurrent-devices-" + DeviceKeys.SEED_SCENARIO + ".json";
    private static final String GROWTH_PASS_FILE = "growth-tokens.json";
    /** Thread counts of the request pass ({@link RegistryRequestBenchmark}): 4 is more threads than this machine's 2 CPUs. */
    static final List<Integer> REQUEST_THREADS = List.of(1, 2, 4);

    static String requestsFile(int threads) {
        return "registry-requests-t" + threads + ".json";
    }

    /** Growth of the full profile: the largest size. */
    static final int GROWTH_SIZE = 10_000_000;

    private SharedDeviceReport() {
    }

    public static void main(String[] args) throws IOException, RunnerException {
        LayoutReport.Profile profile = LayoutReport.Profile.QUICK;
        int forks = 2;
        int growthSize = GROWTH_SIZE;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-full" -> profile = LayoutReport.Profile.FULL;
                case "-forks" -> forks = Integer.parseInt(args[++i]);
                case "-growth-size" -> growthSize = Integer.parseInt(args[++i]);
                case "-out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException(
                        "usage: SharedDeviceReport [-full] [-forks n] [-growth-size n] -out dir");
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("-out dir is required");
        }
        Files.createDirectories(out);
        if (!Files.exists(out.resolve(ResultsReport.FACTS_FILE))) {
            ResultsReport.writeRunFacts(out, "shared devices (" + profile.label() + ", " + forks + " forks)",
                    java.time.Instant.now());
        }
        run(profile, forks, growthSize, out);
        String tables = markdown(out.resolve(DIRECTORY));
        Files.writeString(out.resolve(ResultsReport.REPORT_FILE), "# Device registry shared and grown\n\n"
                + Files.readString(out.resolve(ResultsReport.FACTS_FILE)) + "\n" + tables);
        System.out.println(tables);
    }

    /** Runs the passes of {@code profile} not already in {@code out}/{@value #DIRECTORY}. */
    static void run(LayoutReport.Profile profile, int forks, int growthSize, Path out) throws IOException, RunnerException {
        Path dir = out.resolve(DIRECTORY);
        Files.createDirectories(dir);
        Path concurrent = dir.resolve(CONCURRENT_FILE);
        if (!Files.exists(concurrent)) {
            System.out.printf(Locale.ROOT, "[report] devices shared by 4 threads: %s devices, 90%% reads, 10%% updates%n",
                    DeviceKeys.SEED_SCENARIO);
            runPass("\\.ConcurrentDeviceBenchmark\\.", 0, profile, forks, concurrent);
        }
        for (int threads : REQUEST_THREADS) {
            Path requests = dir.resolve(requestsFile(threads));
            if (Files.exists(requests)) {
                continue;
            }
            System.out.printf(Locale.ROOT, "[report] registry requests, %d thread(s): key in hand, fresh String, buffer%n",
                    threads);
            runPass("\\.RegistryRequestBenchmark\\.", threads, profile, forks, requests);
        }
        Path growth = dir.resolve(GROWTH_PASS_FILE);
        if (profile == LayoutReport.Profile.FULL && !Files.exists(growth)) {
            System.out.printf(Locale.ROOT, "[report] devices: growth from empty to %,d tokens, every put timed%n",
                    growthSize);
            Files.deleteIfExists(dir.resolve(DeviceGrowthBenchmark.LATENCY_FILE));
            Path partial = dir.resolve(GROWTH_PASS_FILE + ".partial");
            new Runner(new OptionsBuilder()
                    .include("\\.DeviceGrowthBenchmark\\.")
                    .param("size", String.valueOf(growthSize))
                    .forks(forks)
                    .jvmArgsAppend(Workload.PRE_TOUCH, "-Xms8g", "-Xmx8g", Workload.NATIVE_ACCESS,
                            "-D" + GrowthBenchmark.OUTPUT_DIRECTORY + "=" + dir.toAbsolutePath())
                    .shouldFailOnError(false)
                    .resultFormat(ResultFormatType.JSON)
                    .result(partial.toString())
                    .build()).run();
            Files.move(partial, growth, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Runs the benchmarks {@code include} matches with the profile's iterations and the GC profiler,
     * on {@code threads} threads (0: the benchmark's own), into {@code file} (through a partial file,
     * so that a stopped run leaves no pass that looks done).
     */
    private static void runPass(String include, int threads, LayoutReport.Profile profile, int forks, Path file)
            throws IOException, RunnerException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(include)
                .forks(forks)
                .warmupIterations(profile.warmupIterations)
                .warmupTime(profile.iterationTime)
                .measurementIterations(profile.measurementIterations)
                .measurementTime(profile.iterationTime)
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(false)
                .resultFormat(ResultFormatType.JSON)
                .result(partial.toString());
        if (threads > 0) {
            options.threads(threads);
        }
        new Runner(options.build()).run();
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The tables and targets of whatever passes {@code dir} holds; empty when none. */
    static String markdown(Path dir) throws IOException {
        StringBuilder md = new StringBuilder();
        Path concurrent = dir.resolve(CONCURRENT_FILE);
        if (Files.exists(concurrent)) {
            md.append(concurrentTable(concurrent));
        }
        md.append(requestsTable(dir));
        Path latencies = dir.resolve(DeviceGrowthBenchmark.LATENCY_FILE);
        if (Files.exists(latencies)) {
            md.append(growthTable(Files.readAllLines(latencies).stream().filter(l -> !l.isBlank())
                    .map(GrowthLatency::parse).toList()));
        }
        return md.toString();
    }

    private static String concurrentTable(Path file) throws IOException {
        Map<String, double[]> rows = new LinkedHashMap<>(); // registry -> ops/us, ns/op, B/op
        for (JsonElement element : JsonParser.parseString(Files.readString(file)).getAsJsonArray()) {
            JsonObject run = element.getAsJsonObject();
            String registry = run.getAsJsonObject("params").get("registry").getAsString();
            double[] row = rows.computeIfAbsent(registry, k -> new double[] {Double.NaN, Double.NaN, 0});
            double score = run.getAsJsonObject("primaryMetric").get("score").getAsDouble();
            if (run.get("mode").getAsString().equals("thrpt")) {
                row[0] = score;
            } else {
                row[1] = score * 1000; // us/op -> ns/op
            }
            JsonObject secondary = run.getAsJsonObject("secondaryMetrics");
            if (secondary != null && secondary.has("gc.alloc.rate.norm")) {
                row[2] = Math.max(row[2], secondary.getAsJsonObject("gc.alloc.rate.norm").get("score").getAsDouble());
            }
        }
        StringBuilder md = new StringBuilder("### Shared by 4 threads: 131,072 devices, 90% getInto / 10% update\n\n");
        md.append("| registry | ops/us, all threads | ns/op per thread | alloc B/op (max) |\n|---|---:|---:|---:|\n");
        rows.forEach((registry, r) -> md.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f |%n",
                registry, r[0], r[1], r[2])));
        double[] tophash = rows.get(ConcurrentDeviceBenchmark.Registry.TOPHASH_CONCURRENT_BYTES.name());
        double[] chm = rows.get(ConcurrentDeviceBenchmark.Registry.CONCURRENT_HASHMAP_DEVICE.name());
        if (tophash != null && chm != null) {
            double ratio = tophash[0] / chm[0];
            md.append(String.format(Locale.ROOT, "%n- concurrent mixed (4 threads, 90/10) >= 2x ConcurrentHashMap: %s "
                    + "(%.2fx)%n- 0 B/op: %s (%.2f B/op)%n%n", ratio >= 2 ? "met" : "missed", ratio,
                    tophash[2] < 0.5 ? "met" : "missed", tophash[2]));
        }
        return md.toString();
    }

    /**
     * The request pass: ns per request per thread for every registry, key form and thread count,
     * with {@code ConcurrentHashMap}'s time over tophash's (above 1 means tophash is faster), and
     * issue #20's targets for the field read ({@code TOPHASH_GET_LONG}); empty when no pass ran.
     */
    static String requestsTable(Path dir) throws IOException {
        Map<String, double[]> cells = new LinkedHashMap<>(); // threads/registry/form -> ns/op, B/op
        for (int threads : REQUEST_THREADS) {
            Path file = dir.resolve(requestsFile(threads));
            if (!Files.exists(file)) {
                continue;
            }
            for (JsonElement element : JsonParser.parseString(Files.readString(file)).getAsJsonArray()) {
                JsonObject run = element.getAsJsonObject();
                JsonObject params = run.getAsJsonObject("params");
                String key = threads + "/" + params.get("registry").getAsString() + "/" + params.get("form").getAsString();
                double ns = run.getAsJsonObject("primaryMetric").get("score").getAsDouble();
                JsonObject secondary = run.getAsJsonObject("secondaryMetrics");
                double bytes = secondary != null && secondary.has("gc.alloc.rate.norm")
                        ? secondary.getAsJsonObject("gc.alloc.rate.norm").get("score").getAsDouble() : Double.NaN;
                cells.put(key, new double[] {ns, bytes});
            }
        }
        if (cells.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("### Registry requests: 131,072 devices, 90% reads / 10% updates, by key form\n\n"
                + "ns per request per thread (B/op); the ratio is ConcurrentHashMap's time over tophash's "
                + "(above 1.00x tophash is faster).\n\n"
                + "| threads | key form | ConcurrentHashMap | tophash getInto | tophash getLong |\n|---:|---|---:|---:|---:|\n");
        List<String> verdicts = new ArrayList<>();
        double[] target = {1.0, 1.5, 2.0};
        for (int threads : REQUEST_THREADS) {
            for (RegistryRequestBenchmark.KeyForm form : RegistryRequestBenchmark.KeyForm.values()) {
                double[] chm = cells.get(threads + "/CONCURRENT_HASHMAP/" + form);
                if (chm == null) {
                    continue;
                }
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %d | %s | %.1f (%.0f) |", threads,
                        form, chm[0], chm[1]));
                for (String registry : List.of("TOPHASH_GET_INTO", "TOPHASH_GET_LONG")) {
                    double[] c = cells.get(threads + "/" + registry + "/" + form);
                    row.append(c == null ? " - |" : String.format(Locale.ROOT, " %.1f (%.0f) %.2fx |", c[0], c[1],
                            chm[0] / c[0]));
                }
                md.append(row).append('\n');
                double[] best = cells.get(threads + "/TOPHASH_GET_LONG/" + form);
                if (best != null && threads <= 2) {
                    double ratio = chm[0] / best[0];
                    double wanted = target[form.ordinal()];
                    // a fresh String per request is the request's own allocation, the same for every registry
                    String allocation = form == RegistryRequestBenchmark.KeyForm.FRESH_STRING
                            ? String.format(Locale.ROOT, "0 B/op beyond the request's own String: %s (%.1f, "
                                    + "ConcurrentHashMap's request %.1f)", best[1] - chm[1] < 0.5 ? "met" : "missed",
                                    best[1], chm[1])
                            : String.format(Locale.ROOT, "0 B/op: %s (%.1f)", best[1] < 0.5 ? "met" : "missed", best[1]);
                    verdicts.add(String.format(Locale.ROOT, "- %s, %d thread(s): >= %.1fx ConcurrentHashMap: %s (%.2fx); %s",
                            form, threads, wanted, ratio >= wanted ? "met" : "missed", ratio, allocation));
                }
            }
        }
        for (RegistryRequestBenchmark.KeyForm form : RegistryRequestBenchmark.KeyForm.values()) {
            double[] two = cells.get("2/TOPHASH_GET_LONG/" + form);
            double[] four = cells.get("4/TOPHASH_GET_LONG/" + form);
            if (two != null && four != null) {
                double twoRate = 2 / two[0];
                double fourRate = 4 / four[0];
                verdicts.add(String.format(Locale.ROOT, "- %s: 4 threads on 2 CPUs no slower than 2: %s "
                        + "(%.1f against %.1f requests/us)", form, fourRate >= twoRate ? "met" : "missed",
                        fourRate * 1000, twoRate * 1000));
            }
        }
        md.append('\n').append(String.join("\n", verdicts)).append("\n\n");
        return md.toString();
    }

    private static String growthTable(List<GrowthLatency> lines) {
        Map<String, List<GrowthLatency>> byImpl = new LinkedHashMap<>();
        for (GrowthLatency line : lines) {
            byImpl.computeIfAbsent(line.impl(), k -> new ArrayList<>()).add(line);
        }
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT,
                "### Growth from empty: %,d tokens (8-40 bytes), 64-byte records, every put timed%n%n",
                lines.isEmpty() ? 0 : lines.get(0).size()));
        md.append("Medians over the measured growths (count in the last column).\n\n");
        md.append("| map | total ms | p99.99 us | worst put ms | 100 worst ms | growths |\n|---|---:|---:|---:|---:|---:|\n");
        byImpl.forEach((impl, runs) -> md.append(String.format(Locale.ROOT, "| %s | %.0f | %.1f | %.2f | %.2f | %d |%n",
                impl, GrowthLatency.median(runs, GrowthLatency::totalNs) / 1e6,
                GrowthLatency.median(runs, GrowthLatency::p9999Ns) / 1e3,
                GrowthLatency.median(runs, GrowthLatency::maxNs) / 1e6,
                GrowthLatency.median(runs, GrowthLatency::worst100Ns) / 1e6, runs.size())));
        List<GrowthLatency> tophash = byImpl.get(DeviceImpl.TOPHASH_BYTES_LINE.name());
        if (tophash != null) {
            long worst = GrowthLatency.median(tophash, GrowthLatency::maxNs);
            md.append('\n');
            for (DeviceImpl peer : List.of(DeviceImpl.HASHMAP_BYTES, DeviceImpl.HASHMAP_DEVICE)) {
                List<GrowthLatency> runs = byImpl.get(peer.name());
                if (runs != null) {
                    long theirs = GrowthLatency.median(runs, GrowthLatency::maxNs);
                    md.append(String.format(Locale.ROOT, "- growth worst put <= 1/100 of %s's: %s (1/%.1f)%n", peer,
                            worst * 100 <= theirs ? "met" : "missed", (double) theirs / worst));
                }
            }
            md.append('\n');
        }
        return md.toString();
    }
}
