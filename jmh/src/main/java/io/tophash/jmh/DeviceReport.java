package io.tophash.jmh;

import com.google.gson.JsonArray;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The device-registry part of the report: the byte-keyed benchmarks ({@link DeviceLatencyBenchmark},
 * {@link DeviceGetBenchmark}, {@link DeviceUpdateBenchmark}, {@link DeviceChurnBenchmark}) for every {@link DeviceImpl}, one JMH
 * pass per key set and size into {@value #DIRECTORY}/ of the run's directory, and their table with
 * ratios to {@code HashMap<String, Device>} and issue #13's targets.
 */
final class DeviceReport {

    static final String DIRECTORY = "devices";
    static final DeviceImpl BASELINE = DeviceImpl.HASHMAP_DEVICE;
    private static final String GC_ALLOC_PER_OP = "gc.alloc.rate.norm";
    private static final List<String> COLUMNS = List.of("getLatency STRING", "getLatency BUFFER", "get STRING",
            "get BUFFER", "update", "removeAndPut");

    /** One pass: a key set at a size. */
    record Scenario(DeviceKeys keys, int size) {
        String file() {
            return keys.name().toLowerCase(Locale.ROOT) + "-" + size + ".json";
        }
    }

    private DeviceReport() {
    }

    /**
     * The device passes alone: {@code java -cp jmh/target/benchmarks.jar io.tophash.jmh.DeviceReport
     * [-full] [-forks n] [-out dir] [-scenario KEYS:size]...} (2 forks by default; the quick profile's
     * iterations; the seed scenario, and with {@code -full} a million and ten million tokens too;
     * {@code -scenario}, repeated, runs exactly the scenarios it names, e.g. {@code -scenario
     * TOKENS:10000000}). Writes {@code report.md} with the machine's facts and the tables.
     */
    public static void main(String[] args) throws IOException, RunnerException, java.net.URISyntaxException {
        if (args.length == 2 && args[0].equals("-rebuild")) { // the tables of a run's directory, written again
            Path dir = Path.of(args[1]);
            String tables = markdown(dir.resolve(DIRECTORY));
            String report = Files.readString(dir.resolve(ResultsReport.REPORT_FILE));
            int cut = report.indexOf("\n### ");
            Files.writeString(dir.resolve(ResultsReport.REPORT_FILE), (cut < 0 ? report : report.substring(0, cut + 1))
                    + tables);
            System.out.println(tables);
            return;
        }
        if (args.length == 4 && args[0].equals("--footprint")) {
            footprintHere(DeviceImpl.valueOf(args[1]), DeviceKeys.valueOf(args[2]), Integer.parseInt(args[3]));
            return;
        }
        LayoutReport.Profile profile = LayoutReport.Profile.QUICK;
        int forks = 2;
        Path out = null;
        List<Scenario> chosen = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-full" -> profile = LayoutReport.Profile.FULL;
                case "-forks" -> forks = Integer.parseInt(args[++i]);
                case "-out" -> out = Path.of(args[++i]);
                case "-scenario" -> {
                    String[] keysAndSize = args[++i].split(":");
                    chosen.add(new Scenario(DeviceKeys.valueOf(keysAndSize[0]), Integer.parseInt(keysAndSize[1])));
                }
                default -> throw new IllegalArgumentException(
                        "usage: DeviceReport [-full] [-forks n] [-out dir] [-scenario KEYS:size]...");
            }
        }
        java.time.ZonedDateTime started = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC);
        if (out == null) {
            out = LayoutReport.defaultResultsDirectory().resolve("devices-"
                    + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(started));
        }
        Files.createDirectories(out);
        ResultsReport.writeRunFacts(out, "devices (" + profile.label() + " iterations, " + forks + " forks)",
                started.toInstant());
        String tables = run(chosen.isEmpty() ? scenarios(profile) : chosen, profile, forks, out);
        String facts = Files.readString(out.resolve(ResultsReport.FACTS_FILE));
        Files.writeString(out.resolve(ResultsReport.REPORT_FILE), "# Device registry: byte keys, 64-byte records\n\n"
                + facts + "\nCells: ns/op ± JMH's 99.9% error (ratio to " + BASELINE + "). JMH average time, -prof gc.\n\n" + tables);
        System.out.println(tables);
    }

    /** The seed scenario in every profile; the full one adds a million and ten million random tokens. */
    static List<Scenario> scenarios(LayoutReport.Profile profile) {
        Scenario seed = new Scenario(DeviceKeys.DEVICES, Integer.parseInt(DeviceKeys.SEED_SCENARIO));
        return profile == LayoutReport.Profile.FULL
                ? List.of(seed, new Scenario(DeviceKeys.TOKENS, 1_000_000), new Scenario(DeviceKeys.TOKENS, 10_000_000))
                : List.of(seed);
    }

    /** Runs the passes of the profile's scenarios not already in {@code out}; returns the markdown of all passes there. */
    static String run(LayoutReport.Profile profile, int forks, Path out) throws IOException, RunnerException {
        return run(scenarios(profile), profile, forks, out);
    }

    static String run(List<Scenario> scenarios, LayoutReport.Profile profile, int forks, Path out)
            throws IOException, RunnerException {
        Path dir = out.resolve(DIRECTORY);
        Files.createDirectories(dir);
        for (Scenario s : scenarios) {
            Path json = dir.resolve(s.file());
            if (Files.exists(json)) {
                System.out.printf(Locale.ROOT, "[report] devices %s: already there%n", s.file());
                continue;
            }
            System.out.printf(Locale.ROOT, "[report] devices: %s keys, %d entries, %d maps x 3 benchmarks%n",
                    s.keys(), s.size(), DeviceImpl.values().length);
            Path partial = dir.resolve(s.file() + ".partial");
            ChainedOptionsBuilder options = new OptionsBuilder()
                    .include("\\.Device(Get|Latency|Update|Churn)Benchmark\\.")
                    .param("impl", Arrays.stream(DeviceImpl.values()).map(Enum::name).toArray(String[]::new))
                    .param("keys", s.keys().name())
                    .param("size", String.valueOf(s.size()))
                    .forks(forks)
                    .jvmArgsAppend(flags(s.size()))
                    .shouldFailOnError(false)
                    .warmupIterations(profile.warmupIterations)
                    .warmupTime(profile.iterationTime)
                    .measurementIterations(profile.measurementIterations)
                    .measurementTime(profile.iterationTime)
                    .addProfiler(GCProfiler.class)
                    .resultFormat(ResultFormatType.JSON)
                    .result(partial.toString());
            new Runner(options.build()).run();
            Files.move(partial, json, StandardCopyOption.REPLACE_EXISTING);
        }
        for (Scenario s : scenarios) {
            Path tsv = dir.resolve(s.file().replace(".json", "-" + FOOTPRINT_FILE));
            if (!Files.exists(tsv)) {
                System.out.printf(Locale.ROOT, "[report] devices: bytes per entry, %s keys, %d entries%n", s.keys(), s.size());
                try {
                    Files.writeString(tsv, footprint(s));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }
        return markdown(dir);
    }

    static final String FOOTPRINT_FILE = "footprint.tsv";

    /** Child-JVM entry point of the footprint step: {@code DeviceReport --footprint <impl> <keys> <size>}. */
    static void footprintHere(DeviceImpl impl, DeviceKeys keys, int size) {
        String[] ids = keys.draw(size);
        try (DeviceMap map = impl.create(size, DeviceKeys.averageLength(ids))) {
            for (int i = 0; i < ids.length; i++) {
                map.put(ids[i], DeviceKeys.record(i));
            }
            System.out.println("bytesPerEntry=" + (double) map.footprintBytes() / size);
        }
    }

    /** Bytes per entry of every implementation at one scenario, each in a child JVM of its own. */
    static String footprint(Scenario s) throws IOException, InterruptedException {
        StringBuilder tsv = new StringBuilder();
        for (DeviceImpl impl : DeviceImpl.values()) {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    s.size() > LARGE_SCENARIO ? "-Xmx14g" : "-Xmx4g"));
            command.addAll(List.of(Workload.CHRONICLE_FLAGS));
            command.addAll(List.of(Workload.NATIVE_ACCESS, "-cp", System.getProperty("java.class.path"),
                    DeviceReport.class.getName(), "--footprint", impl.name(), s.keys().name(), String.valueOf(s.size())));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            process.waitFor();
            String value = output.lines().filter(l -> l.startsWith("bytesPerEntry=")).findFirst()
                    .map(l -> l.substring("bytesPerEntry=".length())).orElse("NaN");
            System.out.printf(Locale.ROOT, "[report]   %-20s %s B/entry%n", impl, value);
            tsv.append(impl.name()).append('\t').append(value).append('\n');
        }
        return tsv.toString();
    }

    /**
     * Above this many entries a pass's heap is 6 GiB instead of 2: ten million tokens take about 3.5 GiB
     * of {@code HashMap}, ids and request buffers. Not more: pre-touching 10 GiB takes 54 s per fork
     * on the 2-vCPU VM (measured), 6 GiB about half of that.
     */
    static final int LARGE_SCENARIO = 2_000_000;

    private static String[] flags(int size) {
        String heap = size > LARGE_SCENARIO ? "6g" : "2g";
        List<String> flags = new ArrayList<>(List.of(Workload.PRE_TOUCH, "-Xms" + heap, "-Xmx" + heap));
        flags.addAll(List.of(Workload.CHRONICLE_FLAGS));
        return flags.toArray(String[]::new);
    }

    /** ns/op (ratio to the baseline) per implementation and operation, one table per pass file, and the targets. */
    static String markdown(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return "";
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        StringBuilder md = new StringBuilder();
        for (Path file : files) {
            Map<String, Map<String, double[]>> rows = new LinkedHashMap<>();
            for (DeviceImpl impl : DeviceImpl.values()) {
                rows.put(impl.name(), new LinkedHashMap<>());
            }
            JsonArray runs = JsonParser.parseString(Files.readString(file)).getAsJsonArray();
            for (JsonElement element : runs) {
                JsonObject run = element.getAsJsonObject();
                String benchmark = run.get("benchmark").getAsString();
                String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
                JsonObject params = run.getAsJsonObject("params");
                String column = params.has("form") ? method + " " + params.get("form").getAsString() : method;
                JsonObject primary = run.getAsJsonObject("primaryMetric");
                double score = primary.get("score").getAsDouble();
                double error = primary.get("scoreError").isJsonPrimitive() ? primary.get("scoreError").getAsDouble()
                        : Double.NaN;
                JsonObject secondary = run.getAsJsonObject("secondaryMetrics");
                double alloc = secondary != null && secondary.has(GC_ALLOC_PER_OP)
                        ? secondary.getAsJsonObject(GC_ALLOC_PER_OP).get("score").getAsDouble() : Double.NaN;
                rows.computeIfAbsent(params.get("impl").getAsString(), k -> new LinkedHashMap<>())
                        .put(column, new double[] {score, alloc, error});
            }
            md.append("### ").append(file.getFileName().toString().replace(".json", "")).append("\n\n");
            Map<String, Double> bytes = new LinkedHashMap<>();
            Path tsv = dir.resolve(file.getFileName().toString().replace(".json", "-" + FOOTPRINT_FILE));
            if (Files.exists(tsv)) {
                for (String line : Files.readAllLines(tsv)) {
                    String[] f = line.split("\t");
                    if (f.length == 2) {
                        bytes.put(f[0], Double.parseDouble(f[1]));
                    }
                }
            }
            md.append("| map | ").append(String.join(" | ", COLUMNS)).append(" | alloc B/op (max) | B/entry |\n");
            md.append("|---|").append("---:|".repeat(COLUMNS.size())).append("---:|---:|\n");
            Map<String, double[]> base = rows.get(BASELINE.name());
            for (Map.Entry<String, Map<String, double[]>> row : rows.entrySet()) {
                if (row.getValue().isEmpty()) {
                    continue;
                }
                md.append("| ").append(row.getKey());
                double maxAlloc = 0;
                for (String column : COLUMNS) {
                    double[] cell = row.getValue().get(column);
                    double[] b = base == null ? null : base.get(column);
                    if (cell == null) {
                        md.append(" | -");
                        continue;
                    }
                    maxAlloc = Math.max(maxAlloc, Double.isNaN(cell[1]) ? 0 : cell[1]);
                    md.append(String.format(Locale.ROOT, " | %.1f", cell[0]));
                    if (!Double.isNaN(cell[2])) {
                        md.append(String.format(Locale.ROOT, " ± %.1f", cell[2]));
                    }
                    if (b != null) {
                        md.append(String.format(Locale.ROOT, " (%.2fx)", cell[0] / b[0]));
                    }
                }
                Double b = bytes.get(row.getKey());
                Double bb = bytes.get(BASELINE.name());
                md.append(String.format(Locale.ROOT, " | %.1f | %s |%n", maxAlloc, b == null || b.isNaN() ? "-"
                        : bb == null || bb.isNaN() ? String.format(Locale.ROOT, "%.1f", b)
                        : String.format(Locale.ROOT, "%.1f (%.2fx)", b, b / bb)));
            }
            md.append('\n').append(targets(rows)).append(footprintTargets(bytes)).append('\n');
        }
        return md.toString();
    }

    /** Issue #13's targets that these passes measure, each met or missed with its ratio. */
    static String targets(Map<String, Map<String, double[]>> rows) {
        Map<String, double[]> tophash = rows.get(DeviceImpl.TOPHASH_BYTES_LINE.name());
        Map<String, double[]> device = rows.get(BASELINE.name());
        Map<String, double[]> chronicle = rows.get(DeviceImpl.CHRONICLE_MAP.name());
        if (tophash == null || tophash.isEmpty() || device == null || device.isEmpty()) {
            return "";
        }
        StringBuilder t = new StringBuilder();
        ratio(t, "get from bytes in a buffer <= 0.5x HashMap<String, Device>", tophash, device, "get BUFFER", 0.5, true);
        ratio(t, "get with a String in hand <= 1.0x HashMap<String, Device>", tophash, device, "get STRING", 1.0, true);
        ratio(t, "(latency, not a target) dependent-chain get, String", tophash, device, "getLatency STRING", 1.0, true);
        if (chronicle != null && !chronicle.isEmpty()) {
            ratio(t, ">= 10x Chronicle Map on get (String)", chronicle, tophash, "get STRING", 10, false);
            ratio(t, ">= 10x Chronicle Map on update", chronicle, tophash, "update", 10, false);
        }
        double maxAlloc = tophash.values().stream().mapToDouble(c -> Double.isNaN(c[1]) ? 0 : c[1]).max().orElse(0);
        t.append(String.format(Locale.ROOT, "- 0 B/op for every operation: %s (max %.2f B/op)%n",
                maxAlloc < 0.5 ? "met" : "missed", maxAlloc));
        return t.toString();
    }

    /** Issue #13's footprint targets: <= 0.5x HashMap<String, Device>'s bytes per entry and <= Chronicle Map's. */
    static String footprintTargets(Map<String, Double> bytes) {
        Double tophash = bytes.get(DeviceImpl.TOPHASH_BYTES_LINE.name());
        Double device = bytes.get(BASELINE.name());
        Double chronicle = bytes.get(DeviceImpl.CHRONICLE_MAP.name());
        if (tophash == null || tophash.isNaN()) {
            return "";
        }
        StringBuilder t = new StringBuilder();
        if (device != null && !device.isNaN()) {
            t.append(String.format(Locale.ROOT, "- bytes per entry <= 0.5x HashMap<String, Device>: %s (%.2fx)%n",
                    tophash / device <= 0.5 ? "met" : "missed", tophash / device));
        }
        if (chronicle != null && !chronicle.isNaN()) {
            t.append(String.format(Locale.ROOT, "- bytes per entry <= Chronicle Map's: %s (%.2fx)%n",
                    tophash <= chronicle ? "met" : "missed", tophash / chronicle));
        }
        return t.toString();
    }

    private static void ratio(StringBuilder t, String target, Map<String, double[]> a, Map<String, double[]> b,
                              String column, double bound, boolean atMost) {
        double[] x = a.get(column);
        double[] y = b.get(column);
        if (x == null || y == null) {
            return;
        }
        double r = x[0] / y[0];
        boolean met = atMost ? r <= bound : r >= bound;
        t.append(String.format(Locale.ROOT, "- %s: %s (%.2fx)%n", target, met ? "met" : "missed", r));
    }
}
