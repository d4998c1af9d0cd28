package io.tophash.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The Kafka Streams part of the report (issue #22): the raw stores' get, put and delete + put
 * ({@link KafkaStoreBenchmark}), a restore of 1M changelog records ({@link KafkaRestoreBenchmark})
 * and, in the full profile, a count through {@code TopologyTestDriver}
 * ({@link KafkaTopologyBenchmark}); tables give each store's time and tophash's ratio to the
 * in-memory store and to RocksDB. Quick: 1M keys, restore in key order, tophash, in-memory and
 * RocksDB, one fork, short iterations. Full: the pinned run's cells (1M and 10M keys, both
 * restore orders, tophash's variants, the topology), 2 forks.
 *
 * <p>Run alone: {@code java -cp jmh/target/benchmarks.jar io.tophash.jmh.KafkaReport [-full]
 * [-forks n] [-out dir]}; {@code -tables dir} prints the tables of a finished run's directory.
 */
public final class KafkaReport {

    static final String DIRECTORY = "kafka";
    static final String STORE_FILE = "store.json";
    static final String RESTORE_FILE = "restore.json";
    static final String TOPOLOGY_FILE = "topology.json";
    private static final List<String> PEERS = List.of("TOPHASH", "IN_MEMORY", "ROCKSDB");

    private KafkaReport() {
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
                case "-tables" -> {
                    System.out.println(markdown(Path.of(args[++i])));
                    return;
                }
                default -> throw new IllegalArgumentException("usage: KafkaReport [-full] [-forks n] [-out dir] | -tables dir");
            }
        }
        if (forks < 0) {
            forks = full ? 2 : 1;
        }
        ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
        if (out == null) {
            out = LayoutReport.defaultResultsDirectory().resolve("kafka-"
                    + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(started));
        }
        Files.createDirectories(out);
        ResultsReport.writeRunFacts(out, "kafka (" + (full ? "full" : "quick") + ", " + forks + " forks)",
                started.toInstant());
        String tables = run(full, forks, out);
        String facts = Files.readString(out.resolve(ResultsReport.FACTS_FILE));
        Files.writeString(out.resolve(ResultsReport.REPORT_FILE), "# Kafka Streams stores\n\n" + facts + "\n" + tables);
        System.out.println(tables);
    }

    /** Runs the passes not already in {@code out}/{@value #DIRECTORY} and returns their tables. */
    static String run(boolean full, int forks, Path out) throws IOException, RunnerException {
        Path dir = out.resolve(DIRECTORY);
        Files.createDirectories(dir);
        TimeValue time = full ? TimeValue.seconds(1) : TimeValue.milliseconds(500);
        pass(dir.resolve(STORE_FILE), new OptionsBuilder()
                .include("\\.KafkaStoreBenchmark\\.")
                .param("impl", PEERS.toArray(String[]::new))
                .param("size", full ? new String[] {Workload.MEDIUM, Workload.LARGE} : new String[] {Workload.MEDIUM})
                .forks(forks)
                .warmupIterations(3).warmupTime(time)
                .measurementIterations(full ? 5 : 3).measurementTime(time)
                .addProfiler(GCProfiler.class));
        ChainedOptionsBuilder restore = new OptionsBuilder()
                .include("\\.KafkaRestoreBenchmark\\.")
                .forks(forks);
        if (full) {
            restore.param("impl", "TOPHASH", "TOPHASH_UNSIZED", "TOPHASH_BASE_PAGES", "IN_MEMORY", "ROCKSDB");
        } else {
            restore.param("impl", PEERS.toArray(String[]::new)).param("order", "KEY_ORDER")
                    .warmupIterations(5).measurementIterations(3);
        }
        pass(dir.resolve(RESTORE_FILE), restore);
        if (full) {
            pass(dir.resolve(TOPOLOGY_FILE), new OptionsBuilder()
                    .include("\\.KafkaTopologyBenchmark\\.")
                    .forks(forks)
                    .warmupIterations(3).warmupTime(time)
                    .measurementIterations(5).measurementTime(time));
        }
        return markdown(dir);
    }

    private static void pass(Path json, ChainedOptionsBuilder options) throws RunnerException, IOException {
        if (finished(json)) {
            return;
        }
        new Runner(options.shouldFailOnError(false).resultFormat(ResultFormatType.JSON).result(json.toString())
                .build()).run();
    }

    /** The tables of the passes in {@code dir}: time ± error per store, and tophash's ratios to its peers. */
    static String markdown(Path dir) throws IOException {
        StringBuilder md = new StringBuilder();
        Path store = dir.resolve(STORE_FILE);
        if (finished(store)) {
            Map<String, double[]> cells = cells(store);
            md.append("### Kafka Streams stores: one operation (ns/op ± JMH's 99.9% error, allocation per op)\n\n")
                    .append("Raw stores, 17-byte keys, 100-byte values, the next key of a shuffled order each op.\n\n")
                    .append("| size | operation | TOPHASH | IN_MEMORY | ROCKSDB | x in-memory | x RocksDB |\n")
                    .append("|---|---|---|---|---|---|---|\n");
            for (String size : List.of(Workload.MEDIUM, Workload.LARGE)) {
                for (String op : List.of("get", "put", "deleteAndPut")) {
                    row(md, cells, size + " | " + op, size + " " + op, "%.0f ± %.0f, %.0f B");
                }
            }
        }
        Path restore = dir.resolve(RESTORE_FILE);
        if (finished(restore)) {
            Map<String, double[]> cells = cells(restore);
            md.append("\n### Kafka Streams stores: restore of 1M changelog records (ms ± error)\n\n")
                    .append("Batches of 1,000 through each store's batching restore callback, fetching not timed; "
                            + "TOPHASH is sized for the records (`withExpectedSize`), TOPHASH_UNSIZED has the default "
                            + "options, TOPHASH_BASE_PAGES is sized on cache-line-aligned base pages.\n\n")
                    .append("| order | TOPHASH | IN_MEMORY | ROCKSDB | x in-memory | x RocksDB | TOPHASH_UNSIZED | "
                            + "TOPHASH_BASE_PAGES |\n|---|---|---|---|---|---|---|---|\n");
            for (String order : List.of("KEY_ORDER", "SHUFFLED")) {
                if (cells.keySet().stream().noneMatch(k -> k.endsWith(" " + order))) {
                    continue;
                }
                row(md, cells, order, order, "%.0f ± %.0f");
                md.setLength(md.length() - 1);
                for (String variant : List.of("TOPHASH_UNSIZED", "TOPHASH_BASE_PAGES")) {
                    double[] c = cells.get(variant + " " + order);
                    md.append(c == null ? " - |" : String.format(Locale.ROOT, " %.0f ± %.0f |", c[0], c[1]));
                }
                md.append('\n');
            }
        }
        Path topology = dir.resolve(TOPOLOGY_FILE);
        if (finished(topology)) {
            Map<String, double[]> cells = cells(topology);
            md.append("\n### Kafka Streams stores: a count through TopologyTestDriver (ns per record ± error)\n\n")
                    .append("| keys | TOPHASH | IN_MEMORY | ROCKSDB | x in-memory | x RocksDB |\n|---|---|---|---|---|---|\n");
            for (String size : List.of(Workload.MEDIUM, Workload.LARGE)) {
                row(md, cells, size, size + " count", "%.0f ± %.0f");
            }
        }
        return md.toString();
    }

    /** Whether a pass's JSON is there and complete (JMH creates the file when the pass starts). */
    private static boolean finished(Path json) throws IOException {
        return Files.exists(json) && Files.size(json) > 0 && Files.readString(json).strip().endsWith("]");
    }

    /** One table row of the three peers' cells under {@code key} (impl + " " + key), if tophash has one. */
    private static void row(StringBuilder md, Map<String, double[]> cells, String label, String key, String format) {
        double[] tophash = cells.get("TOPHASH " + key);
        if (tophash == null) {
            return;
        }
        md.append("| ").append(label).append(" |");
        for (String impl : PEERS) {
            double[] c = cells.get(impl + " " + key);
            md.append(c == null ? " - |" : " " + String.format(Locale.ROOT, format, c[0], c[1], c[2]) + " |");
        }
        for (String peer : List.of("IN_MEMORY", "ROCKSDB")) {
            double[] c = cells.get(peer + " " + key);
            md.append(c == null ? " - |" : String.format(Locale.ROOT, " %.2fx |", tophash[0] / c[0]));
        }
        md.append('\n');
    }

    /**
     * impl + " " + the cell's key -> {score, error, gc.alloc.rate.norm}; the key is the size and the
     * method (store, topology) or the order (restore).
     */
    static Map<String, double[]> cells(Path json) throws IOException {
        return SessionReport.cells(json, (method, params) -> params.has("order") ? params.get("order").getAsString()
                : params.get("size").getAsString() + " " + method);
    }
}
