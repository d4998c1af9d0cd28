package io.tophash.jmh;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tophash.StoreStats;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jol.info.GraphStats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The session-cache part of the report (issue #21): values of any length, 16 to 1,024 bytes
 * ({@link SessionValues}), in every {@link SessionImpl}; get from a {@code String} and from a
 * buffer, a replacement with another length, remove + put ({@link SessionGetBenchmark},
 * {@link SessionReplaceBenchmark}, {@link SessionChurnBenchmark}), and each map's bytes per entry
 * before and after 2M replacements with tophash's store's live / reserved share. One JMH pass per
 * value mix and size into {@value #DIRECTORY}/ of the run's directory; the tables give ratios to
 * Chronicle Map and to {@code HashMap<String, byte[]>}.
 *
 * <p>Run alone: {@code java -cp jmh/target/benchmarks.jar io.tophash.jmh.SessionReport [-full]
 * [-forks n] [-out dir]} (quick: 131,072 sessions, uniform values, one fork; full: both mixes at
 * 131,072 and 1M, 2 forks by default).
 */
public final class SessionReport {

    static final String DIRECTORY = "sessions";
    static final String FOOTPRINT_FILE = "footprint.md";
    static final long REPLACEMENTS = 2_000_000;
    private static final List<String> COLUMNS = List.of("get STRING", "get BUFFER", "replace", "removeAndPut");

    record Scenario(SessionValues values, int size) {
        String file() {
            return values.name().toLowerCase(Locale.ROOT) + "-" + size + ".json";
        }
    }

    private SessionReport() {
    }

    public static void main(String[] args) throws IOException, RunnerException, java.net.URISyntaxException {
        boolean full = false;
        int forks = -1;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-full" -> full = true;
                case "-forks" -> forks = Integer.parseInt(args[++i]);
                case "-out" -> out = Path.of(args[++i]);
                case "-footprint" -> { // the child JVM of footprintInChildJvm
                    Path file = Path.of(args[++i]);
                    Files.writeString(file, footprint(scenarios(args[++i].equals("full"))));
                    return;
                }
                default -> throw new IllegalArgumentException("usage: SessionReport [-full] [-forks n] [-out dir]");
            }
        }
        if (forks < 0) {
            forks = full ? 2 : 1;
        }
        java.time.ZonedDateTime started = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC);
        if (out == null) {
            out = LayoutReport.defaultResultsDirectory().resolve("sessions-"
                    + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(started));
        }
        Files.createDirectories(out);
        ResultsReport.writeRunFacts(out, "sessions (" + (full ? "full" : "quick") + ", " + forks + " forks)",
                started.toInstant());
        String tables = run(full, forks, out);
        String facts = Files.readString(out.resolve(ResultsReport.FACTS_FILE));
        Files.writeString(out.resolve(ResultsReport.REPORT_FILE), "# Session cache: values of any length\n\n" + facts
                + "\n" + tables);
        System.out.println(tables);
    }

    static List<Scenario> scenarios(boolean full) {
        return full ? List.of(new Scenario(SessionValues.UNIFORM, 131_072), new Scenario(SessionValues.SKEWED, 131_072),
                new Scenario(SessionValues.UNIFORM, 1_000_000), new Scenario(SessionValues.SKEWED, 1_000_000))
                : List.of(new Scenario(SessionValues.UNIFORM, 131_072));
    }

    /** Runs the passes not already in {@code out}, the footprint, and returns the markdown of both. */
    static String run(boolean full, int forks, Path out) throws IOException, RunnerException {
        Path dir = out.resolve(DIRECTORY);
        Files.createDirectories(dir);
        List<Scenario> scenarios = scenarios(full);
        for (Scenario s : scenarios) {
            Path json = dir.resolve(s.file());
            if (Files.exists(json)) {
                continue;
            }
            ChainedOptionsBuilder options = new OptionsBuilder()
                    .include("\\.Session(Get|Replace|Churn)Benchmark\\.")
                    .param("values", s.values().name())
                    .param("size", Integer.toString(s.size()))
                    .forks(forks)
                    .warmupIterations(3)
                    .warmupTime(full ? TimeValue.seconds(1) : TimeValue.milliseconds(500))
                    .measurementIterations(full ? 5 : 3)
                    .measurementTime(full ? TimeValue.seconds(1) : TimeValue.milliseconds(500))
                    .addProfiler(GCProfiler.class)
                    .shouldFailOnError(false)
                    .resultFormat(ResultFormatType.JSON)
                    .result(json.toString());
            new Runner(options.build()).run();
        }
        Path footprint = dir.resolve(FOOTPRINT_FILE);
        if (!Files.exists(footprint)) {
            footprintInChildJvm(footprint, full);
        }
        return markdown(dir, scenarios) + "\n" + Files.readString(footprint);
    }

    /** The tables of the passes in {@code dir}: ns/op ± error, ratio to Chronicle Map and to HashMap, B/op. */
    static String markdown(Path dir, List<Scenario> scenarios) throws IOException {
        StringBuilder md = new StringBuilder("### Session cache: time per operation\n\nCells: ns/op ± JMH's 99.9% "
                + "error; x Chronicle Map's time, x HashMap's time (HashMap<String, byte[]> for TOPHASH; "
                + "ConcurrentHashMap for TOPHASH_SHARED); allocation per op.\n");
        for (Scenario s : scenarios) {
            Path json = dir.resolve(s.file());
            if (!Files.exists(json)) {
                continue;
            }
            Map<String, double[]> cells = cells(json);
            md.append("\n#### ").append(s.values()).append(" values, ").append(s.size()).append(" sessions\n\n| impl |");
            COLUMNS.forEach(c -> md.append(' ').append(c).append(" |"));
            md.append("\n|---|").append("---|".repeat(COLUMNS.size())).append('\n');
            for (SessionImpl impl : SessionImpl.values()) {
                md.append("| ").append(impl).append(" |");
                for (String column : COLUMNS) {
                    double[] c = cells.get(impl + " " + column);
                    if (c == null) {
                        md.append(" - |");
                        continue;
                    }
                    double[] chronicle = cells.get(SessionImpl.CHRONICLE_MAP + " " + column);
                    SessionImpl heapPeer = impl == SessionImpl.TOPHASH_SHARED ? SessionImpl.CONCURRENT_HASHMAP
                            : SessionImpl.HASHMAP;
                    double[] heap = cells.get(heapPeer + " " + column);
                    md.append(String.format(Locale.ROOT, " %.1f ± %.1f", c[0], c[1]));
                    if (impl == SessionImpl.TOPHASH || impl == SessionImpl.TOPHASH_SHARED) {
                        if (chronicle != null) {
                            md.append(String.format(Locale.ROOT, " (%.2fx CM", c[0] / chronicle[0]));
                        }
                        if (heap != null) {
                            md.append(String.format(Locale.ROOT, ", %.2fx %s)", c[0] / heap[0],
                                    heapPeer == SessionImpl.HASHMAP ? "HM" : "CHM"));
                        }
                    }
                    md.append(String.format(Locale.ROOT, ", %.0f B |", c[2]));
                }
                md.append('\n');
            }
        }
        return md.toString();
    }

    /** impl + " " + column -> {score, error, gc.alloc.rate.norm}. */
    static Map<String, double[]> cells(Path json) throws IOException {
        return cells(json, (method, params) -> method.equals("get") ? "get " + params.get("form").getAsString() : method);
    }

    /**
     * impl + " " + {@code column(method, params)} -> {score, error, gc.alloc.rate.norm} for every
     * run of a JMH JSON file; the error and the allocation NaN where the run has none.
     */
    static Map<String, double[]> cells(Path json, java.util.function.BiFunction<String, JsonObject, String> column)
            throws IOException {
        Map<String, double[]> cells = new LinkedHashMap<>();
        JsonArray runs = JsonParser.parseString(Files.readString(json)).getAsJsonArray();
        for (JsonElement e : runs) {
            JsonObject run = e.getAsJsonObject();
            String benchmark = run.get("benchmark").getAsString();
            String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            JsonObject params = run.getAsJsonObject("params");
            JsonObject primary = run.getAsJsonObject("primaryMetric");
            double alloc = Double.NaN;
            JsonObject secondary = run.getAsJsonObject("secondaryMetrics");
            if (secondary != null && secondary.has("gc.alloc.rate.norm")) {
                alloc = secondary.getAsJsonObject("gc.alloc.rate.norm").get("score").getAsDouble();
            }
            double error = primary.get("scoreError").isJsonPrimitive() ? primary.get("scoreError").getAsDouble() : Double.NaN;
            cells.put(params.get("impl").getAsString() + " " + column.apply(method, params),
                    new double[] {primary.get("score").getAsDouble(), error, alloc});
        }
        return cells;
    }

    /**
     * Each map's bytes per entry filled, and after {@value #REPLACEMENTS} replacements with values
     * of other lengths (fresh arrays for the heap maps, as a service deserializing would make),
     * and tophash's store's live / reserved share then. Heap maps: JOL's graph of the map (table,
     * nodes, keys, values); off-heap maps: their memory (tophash: buckets in use and the store).
     */
    static String footprint(List<Scenario> scenarios) {
        StringBuilder md = new StringBuilder("### Session cache: bytes per entry, and fragmentation after "
                + REPLACEMENTS / 1_000_000 + "M replacements\n\n"
                + "| values | sessions | impl | bytes/entry filled | after replacements | store live/reserved after |\n"
                + "|---|---|---|---|---|---|\n");
        for (Scenario s : scenarios) {
            for (SessionImpl impl : SessionImpl.values()) {
                String[] ids = SessionValues.ids(s.size(), 21);
                SessionMap map = impl.create(s.size(), DeviceKeys.averageLength(ids), s.values().mean());
                try {
                    byte[][] initial = s.values().values(s.size(), 42);
                    for (int i = 0; i < ids.length; i++) {
                        map.put(ids[i], initial[i], java.lang.foreign.MemorySegment.ofArray(initial[i]));
                    }
                    initial = null;
                    double filled = bytes(map) / (double) s.size();
                    byte[][] pool = s.values().values(SessionCache.POOL, 7);
                    SplittableRandom random = new SplittableRandom(3);
                    for (long r = 0; r < REPLACEMENTS; r++) {
                        byte[] v = pool[(int) (r & (SessionCache.POOL - 1))];
                        byte[] put = map instanceof SessionMap.OnHeap ? v.clone() : v;
                        map.put(ids[random.nextInt(ids.length)], put, java.lang.foreign.MemorySegment.ofArray(put));
                    }
                    double after = bytes(map) / (double) s.size();
                    StoreStats store = map.storeStats();
                    md.append(String.format(Locale.ROOT, "| %s | %d | %s | %.0f | %.0f | %s |%n", s.values(), s.size(),
                            impl, filled, after, store == null ? "-"
                                    : String.format(Locale.ROOT, "%.3f (%d / %d)", store.liveShare(),
                                    store.liveBytes(), store.reservedBytes())));
                } finally {
                    map.close();
                }
                System.gc();
            }
        }
        return md.toString();
    }

    /** {@link #footprint} in a child JVM with Chronicle Map's flags and a heap for a million values and JOL's walk. */
    static void footprintInChildJvm(Path file, boolean full) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx8g"));
        command.addAll(List.of(Workload.CHRONICLE_FLAGS));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                SessionReport.class.getName(), "-footprint", file.toString(), full ? "full" : "quick"));
        Process child = new ProcessBuilder(command).inheritIO().start();
        try {
            int status = child.waitFor();
            if (status != 0 || !Files.exists(file)) {
                Files.writeString(file, "### Session cache: bytes per entry\n\nThe footprint JVM failed (exit " + status
                        + "): see the run's output.\n");
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static long bytes(SessionMap map) {
        long offHeap = map.offHeapBytes();
        return offHeap >= 0 ? offHeap : GraphStats.parseInstance(((SessionMap.OnHeap) map).map()).totalSize();
    }
}
