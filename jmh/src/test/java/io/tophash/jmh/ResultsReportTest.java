package io.tophash.jmh;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultsReportTest {

    private static final String TOPHASH = Impl.TOPHASH_LINE_ALIGNED.name();
    private static final String FASTUTIL = Impl.FASTUTIL.name();

    @TempDir
    Path dir;

    @BeforeEach
    void writeResults() throws IOException {
        List<String> runs = new ArrayList<>();
        for (String workload : ResultsReport.WORKLOAD_ORDER) {
            double fastutil = workload.equals("forEach") ? 20_000 : 10;
            runs.add(run(workload, FASTUTIL, 10_000, fastutil, 0.002));
            if (!workload.equals("churn")) {
                runs.add(run(workload, TOPHASH, 10_000, workload.equals("forEach") ? 30_000 : 13, 0.004));
            }
        }
        Files.writeString(dir.resolve("size-10000.json"), "[" + String.join(",", runs) + "]");
        Files.writeString(dir.resolve("thp-size-10000.json"), "[" + run("getHit", FASTUTIL, 10_000, 9, 0.001) + "]");
        ResultsReport.writeFootprint(dir.resolve(ResultsReport.FOOTPRINT_FILE), List.of(
                new Footprint.Result(TOPHASH, 10_000, 31.5, true, null),
                new Footprint.Result(TOPHASH, 1_000_000, 25.0, true, null),
                new Footprint.Result(FASTUTIL, 1_000_000, 26.8, false, null),
                new Footprint.Result(Impl.HASHMAP.name(), 1_000_000, Double.NaN, false, "exit 1: OutOfMemoryError")));
        Files.writeString(dir.resolve(ResultsReport.GROWTH_LATENCY_FILE), String.join("\n",
                growth(FASTUTIL, 60_000_000, 100_000_000, 10_000), growth(FASTUTIL, 50_000_000, 90_000_000, 10_000),
                growth(FASTUTIL, 55_000_000, 90_000_000, 40_000),
                growth(TOPHASH, 300_000, 4_000_000, 30_000), growth(TOPHASH, 500_000, 6_000_000, 30_000)) + "\n");
    }

    @Test
    void tablesCarryRatiosToFastutilAndForEachPerEntry() throws IOException {
        String tables = ResultsReport.write(dir);
        String report = Files.readString(dir.resolve(ResultsReport.REPORT_FILE));
        assertTrue(report.contains(tables.substring(0, tables.indexOf("- getLatency"))), "report holds the tables");
        String tophashRow = line(tables, "| " + TOPHASH + " ");
        assertTrue(tophashRow.contains("13.0 (1.30x)"), tophashRow);
        assertTrue(tophashRow.contains("3.0 (1.50x)"), "forEach in ns per entry: " + tophashRow);
        assertTrue(tophashRow.matches(".*\\| +31\\.5 \\|.*"), "bytes per entry: " + tophashRow);
        assertTrue(line(tables, "| FASTUTIL+THP ").contains("9.0 (0.90x)"));
        assertTrue(report.contains("Did not run") && report.contains(TOPHASH + " churn 10k"), report);
    }

    @Test
    void targetsSayMetOrByHowMuchMissed() throws IOException {
        Files.writeString(dir.resolve("size-1000.json"), "[" + String.join(",",
                run("getHit", FASTUTIL, 1_000, 10, 0.003),
                run("getHit", TOPHASH, 1_000, 16, 0.003),
                run("getHit", Impl.TOPHASH_GO_ALIGNED.name(), 1_000, 14, 0.003)) + "]");
        ResultsReport.write(dir);
        String report = Files.readString(dir.resolve(ResultsReport.REPORT_FILE));
        assertTrue(report.contains("getHit at 1k: default map 16.0 ns vs FASTUTIL 10.0 ns = 1.60x, target <= 1.5x:"
                + " MISSED by 7% (best layout TOPHASH_GO_ALIGNED: 1.40x)"), report);
        assertTrue(report.contains("getHit at 10M: not in this run"), report);
        assertFalse(report.contains("getMiss 1k"), "a workload no map ran at a size is not a failed fork: " + report);
        assertTrue(report.contains("getLatency at 10M: not in this run"), report);
        assertTrue(report.contains("put at 10M: not in this run"), report);
        // worst of each: 6 ms vs 100 ms = 1/17; 100 worst: mean 0.4 vs 55 ms = 1/137.5; p99.99 median 30 vs 10 us,
        // worst growths 30 vs 40 us (the verdict follows the median, as the growth table does)
        assertTrue(report.contains("worst put 6.000 ms vs FASTUTIL 100.000 ms = 1/16.7 (target 1/100: MISSED, 6x short)"),
                report);
        assertTrue(report.contains("= 1/137.5 (target 1/20: met); p99.99 (median of the growths) 30.0 vs 10.0 us ="
                + " 3.00x (target <= 2x: MISSED by 50%; worst growths 30.0 vs 40.0 us)"), report);
        assertTrue(report.contains("bytes per entry at 1M: default map 25.0 B vs FASTUTIL 26.8 B = 0.93x,"
                + " target <= 1.0x: met"), report);
        assertTrue(report.contains("HASHMAP at 1M: exit 1: OutOfMemoryError"), report);
        assertTrue(report.contains("0 B/op for every tophash operation: met (8 measurements"), report);
        assertFalse(report.contains(ResultsReport.CHRONICLE_CANNOT_GROW), "no Chronicle row, no word on it");
    }

    @Test
    void dependentGetLatencyIsItsOwnColumnAndHasItsTargets() throws IOException {
        Files.writeString(dir.resolve("size-1000000.json"), "[" + String.join(",",
                run("getLatency", FASTUTIL, 1_000_000, 80, 0.003),
                run("getLatency", TOPHASH, 1_000_000, 76, 0.003),
                run("getLatency", Impl.TOPHASH_GO_ALIGNED.name(), 1_000_000, 90, 0.003)) + "]");
        String tables = ResultsReport.write(dir);
        String report = Files.readString(dir.resolve(ResultsReport.REPORT_FILE));
        assertTrue(tables.contains(" getLatency 1M |") && tables.contains(" getLatency 10k |"), tables);
        String row = line(tables.substring(tables.indexOf("### 1M")), "| " + TOPHASH + " ");
        assertTrue(row.contains("76.0 (0.95x)"), row);
        assertTrue(report.contains("getLatency at 1M: default map 76.0 ns vs FASTUTIL 80.0 ns = 0.95x,"
                + " target <= 1.0x: met\n"), report);
        assertTrue(report.contains("getLatency at 10M: not in this run"), report);
    }

    @Test
    void anAllocatingTophashOperationMissesTheZeroTarget() throws IOException {
        Files.writeString(dir.resolve("size-1000.json"), "[" + run("put", TOPHASH, 1_000, 5, 24) + "]");
        String summary = ResultsReport.write(dir);
        assertTrue(summary.contains("0 B/op for every tophash operation: MISSED by TOPHASH_LINE_ALIGNED put 1k"
                + " (24.00 B/op)"), summary);
    }

    @Test
    void aChronicleRowComesWithWhyItHasNoGrowth() throws IOException {
        Files.writeString(dir.resolve("size-1000.json"), "[" + run("getHit", Impl.CHRONICLE_MAP.name(), 1_000, 60, 48)
                + "]");
        ResultsReport.write(dir);
        assertTrue(Files.readString(dir.resolve(ResultsReport.REPORT_FILE)).contains(ResultsReport.CHRONICLE_CANNOT_GROW));
    }

    @Test
    void chartsArePngsLinkedFromTheReport() throws IOException {
        ResultsReport.write(dir);
        String report = Files.readString(dir.resolve(ResultsReport.REPORT_FILE));
        for (String chart : List.of("getHit.png", "getLatency.png", "forEach.png", "footprint.png", "growth-latency.png")) {
            Path png = dir.resolve(ResultsReport.CHARTS_DIRECTORY).resolve(chart);
            assertTrue(Files.size(png) > 1000, chart);
            assertEquals((byte) 0x89, Files.readAllBytes(png)[0], chart + " is a PNG");
            assertTrue(report.contains("](charts/" + chart + ")"), chart + " linked");
        }
        assertFalse(Files.exists(dir.resolve(ResultsReport.CHARTS_DIRECTORY).resolve("churn.png.png")));
    }

    private static String line(String text, String start) {
        return text.lines().filter(l -> l.startsWith(start)).findFirst().orElseThrow(() -> new AssertionError(
                "no line starting " + start + " in\n" + text));
    }

    private static String run(String workload, String impl, long size, double score, double alloc) {
        String benchmark = switch (workload) {
            case "getHit" -> "GetHitBenchmark";
            case "getLatency" -> "GetLatencyBenchmark";
            case "getMiss" -> "GetMissBenchmark";
            case "put" -> "PutBenchmark";
            case "churn" -> "ChurnBenchmark";
            case "forEach" -> "ForEachBenchmark";
            default -> "MixedBenchmark";
        };
        return String.format(Locale.ROOT, """
                {"jmhVersion":"1.37","benchmark":"io.tophash.jmh.%s.%s","mode":"avgt","threads":1,"forks":1,
                 "jvm":"/jdk/bin/java","jvmArgs":["-XX:+AlwaysPreTouch","-Xms1g","-Xmx1g"],"jdkVersion":"25.0.3",
                 "vmName":"OpenJDK 64-Bit Server VM","vmVersion":"25.0.3+9-LTS","warmupIterations":2,
                 "warmupTime":"500 ms","warmupBatchSize":1,"measurementIterations":2,"measurementTime":"500 ms",
                 "measurementBatchSize":1,"params":{"impl":"%s","size":"%d"},
                 "primaryMetric":{"score":%s,"scoreError":0.1,"scoreUnit":"ns/op"},
                 "secondaryMetrics":{"gc.alloc.rate.norm":{"score":%s,"scoreUnit":"B/op"}}}""",
                benchmark, workload, impl, size, score, alloc);
    }

    private static String growth(String impl, long worst100Ns, long maxNs, long p9999Ns) {
        return new GrowthLatency(impl, 10_000_000, "-Xmx4g", 2_000_000_000L, 100, 200, 1_000, p9999Ns, maxNs,
                worst100Ns).toJson();
    }
}
