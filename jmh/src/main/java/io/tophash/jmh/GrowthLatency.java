package io.tophash.jmh;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The single-put latencies of one growth from empty to {@code size} entries: exact percentiles
 * of every put (sorted, not sampled), the worst put, and the sum of the 100 worst puts (what a
 * service that serves one request per put would see as its slowest hundred requests).
 *
 * @param impl      the {@link Impl} name
 * @param size      puts in the growth
 * @param jvmArgs   the fork's JVM flags
 * @param totalNs   time of all puts together
 * @param p50Ns     median put
 * @param p99Ns     99th percentile
 * @param p999Ns    99.9th percentile
 * @param p9999Ns   99.99th percentile
 * @param maxNs     the worst put
 * @param worst100Ns sum of the 100 worst puts
 */
record GrowthLatency(String impl, long size, String jvmArgs, long totalNs, long p50Ns, long p99Ns, long p999Ns,
                     long p9999Ns, long maxNs, long worst100Ns) {

    static GrowthLatency of(String impl, long size, String jvmArgs, long[] latencies) {
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        long total = 0;
        for (long latency : sorted) {
            total += latency;
        }
        long worst100 = 0;
        for (int i = Math.max(0, n - 100); i < n; i++) {
            worst100 += sorted[i];
        }
        return new GrowthLatency(impl, size, jvmArgs, total, percentile(sorted, 0.50), percentile(sorted, 0.99),
                percentile(sorted, 0.999), percentile(sorted, 0.9999), sorted[n - 1], worst100);
    }

    /** The nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)];
    }

    String toJson() {
        return String.format(Locale.ROOT, "{\"impl\":\"%s\",\"size\":%d,\"jvmArgs\":\"%s\",\"totalNs\":%d,"
                        + "\"p50Ns\":%d,\"p99Ns\":%d,\"p999Ns\":%d,\"p9999Ns\":%d,\"maxNs\":%d,\"worst100Ns\":%d}",
                impl, size, jvmArgs.replace("\\", "\\\\").replace("\"", "\\\""), totalNs, p50Ns, p99Ns, p999Ns,
                p9999Ns, maxNs, worst100Ns);
    }

    /** Reads a line written by {@link #toJson()}. */
    static GrowthLatency parse(String json) {
        return new GrowthLatency(string(json, "impl"), number(json, "size"),
                string(json, "jvmArgs").replace("\\\"", "\"").replace("\\\\", "\\"),
                number(json, "totalNs"), number(json, "p50Ns"), number(json, "p99Ns"), number(json, "p999Ns"),
                number(json, "p9999Ns"), number(json, "maxNs"), number(json, "worst100Ns"));
    }

    /**
     * Appends this line to {@code fileName} in the directory named by
     * {@link GrowthBenchmark#OUTPUT_DIRECTORY} ({@code target/growth} by default), and prints it.
     */
    void appendTo(String fileName) {
        java.nio.file.Path directory = java.nio.file.Path.of(System.getProperty(GrowthBenchmark.OUTPUT_DIRECTORY,
                "target/growth"));
        try {
            java.nio.file.Files.createDirectories(directory);
            java.nio.file.Files.writeString(directory.resolve(fileName), toJson() + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        System.out.println("\n" + describe());
    }

    String describe() {
        return String.format(Locale.ROOT, "growth 0 -> %d, %s: total %.1f ms; put p50 %d ns, p99 %d ns, "
                        + "p99.9 %d ns, p99.99 %d ns, max %.3f ms; 100 worst puts %.3f ms",
                size, impl, totalNs / 1e6, p50Ns, p99Ns, p999Ns, p9999Ns, maxNs / 1e6, worst100Ns / 1e6);
    }

    private static String string(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + key + " in " + json);
        }
        return m.group(1);
    }

    private static long number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(-?\\d+)").matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + key + " in " + json);
        }
        return Long.parseLong(m.group(1));
    }

    /** The median of {@code field} over {@code runs} (the upper one of an even count), as the growth tables show it. */
    static long median(List<GrowthLatency> runs, ToLongFunction<GrowthLatency> field) {
        long[] values = runs.stream().mapToLong(field).sorted().toArray();
        return values[values.length / 2];
    }
}
