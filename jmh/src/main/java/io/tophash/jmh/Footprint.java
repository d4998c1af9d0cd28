package io.tophash.jmh;

import org.openjdk.jol.info.GraphStats;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Bytes per entry of each map filled with the benchmarks' keys, pre-sized as the benchmarks
 * create it. Off-heap maps report what they hold ({@link BenchMap#offHeapBytes()}). On-heap maps
 * up to {@value #EXACT_UP_TO} entries are measured exactly, as the size of the object graph the
 * map reaches (JOL's {@code GraphStats}: headers, fields, arrays, boxes; what the collector would
 * keep alive). Larger ones are measured as the growth of the used heap across the filling, each
 * side after full collections ({@link System#gc()} is a full, compacting collection under G1):
 * walking the 30M objects of a 10M-entry {@code HashMap} takes JOL minutes and gigabytes, while
 * at that size the delta agrees with the arrays it holds to within 2%. Below a million entries the delta
 * was not good enough: it moved by 2 B/entry (6%) between runs at 1M as large arrays rounded up
 * to whole G1 regions or not.
 *
 * <p>Each measurement runs in a child JVM ({@link #inChildJvm}): a clean heap per map, a heap
 * limit sized to the map, and a map that does not fit fails alone, with its reason reported,
 * instead of ending the report.
 */
final class Footprint {

    /** Largest map measured exactly (JOL); larger ones by heap delta. */
    static final int EXACT_UP_TO = 1_000_000;
    /** Child heaps are sized for at least this many entries: room for JOL's walk of a boxed map. */
    static final int HEAP_FLOOR_ENTRIES = 1_000_000;
    private static final String RESULT_PREFIX = "bytesPerEntry=";
    private static final int GC_ROUNDS = 4;

    /**
     * What was measured: {@code bytesPerEntry}, or NaN and {@code failure} saying why not.
     *
     * @param offHeap whether the bytes are off-heap bytes the map reports, not a heap delta
     */
    record Result(String impl, long size, double bytesPerEntry, boolean offHeap, String failure) {
        boolean measured() {
            return !Double.isNaN(bytesPerEntry);
        }
    }

    private Footprint() {
    }

    /** Child-JVM entry point: {@code Footprint <impl> <size>}; prints one {@code bytesPerEntry=} line. */
    public static void main(String[] args) {
        Impl impl = Impl.valueOf(args[0]);
        int size = Integer.parseInt(args[1]);
        System.out.println(RESULT_PREFIX + measureHere(impl, size));
    }

    /** Measures in this JVM; the heap must hold the map (and, up to {@value #EXACT_UP_TO} entries, JOL's walk of it). */
    static double measureHere(Impl impl, int size) {
        long[] keys = Workload.presentKeys(size);
        if (offHeap(impl) || size <= EXACT_UP_TO) {
            try (BenchMap map = impl.create(size)) {
                Workload.fill(map, keys);
                long bytes = offHeap(impl) ? map.offHeapBytes().orElseThrow() : GraphStats.parseInstance(map).totalSize();
                return (double) bytes / size;
            }
        }
        long before = usedHeapAfterGc();
        BenchMap map = impl.create(size);
        Workload.fill(map, keys);
        long after = usedHeapAfterGc();
        return (double) (after - before) / map.size();
    }

    /** Whether {@code impl} keeps its entries off the heap, where it reports their bytes itself. */
    static boolean offHeap(Impl impl) {
        return impl.isTophash() || impl == Impl.CHRONICLE_MAP;
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < GC_ROUNDS; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /**
     * Heap for a child measuring {@code size} entries: room for HashMap's ~90 B per entry (for
     * at least {@value #HEAP_FLOOR_ENTRIES} entries), the keys, and collector headroom.
     */
    static String heapFlag(long size) {
        long entries = Math.max(size, HEAP_FLOOR_ENTRIES);
        long megabytes = 512 + entries * 200 / (1 << 20);
        return "-Xmx" + megabytes + "m";
    }

    /**
     * Runs {@link #measureHere} in a child JVM started from this JVM's {@code java} and class
     * path with the flags every benchmark fork gets.
     */
    static Result inChildJvm(Impl impl, long size, long timeoutSeconds) {
        return inChildJvm(impl, size, heapFlag(size), timeoutSeconds);
    }

    static Result inChildJvm(Impl impl, long size, String heapFlag, long timeoutSeconds) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(heapFlag);
        command.addAll(List.of(Workload.CHRONICLE_FLAGS));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Footprint.class.getName(),
                impl.name(), Long.toString(size)));
        boolean offHeap = offHeap(impl);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(impl.name(), size, Double.NaN, offHeap, "timed out after " + timeoutSeconds + " s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            for (String line : output.lines().toList()) {
                if (line.startsWith(RESULT_PREFIX)) {
                    return new Result(impl.name(), size, Double.parseDouble(line.substring(RESULT_PREFIX.length())),
                            offHeap, null);
                }
            }
            return new Result(impl.name(), size, Double.NaN, offHeap, "exit " + process.exitValue() + ": "
                    + firstError(output));
        } catch (IOException e) {
            return new Result(impl.name(), size, Double.NaN, offHeap, "could not start a JVM: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(impl.name(), size, Double.NaN, offHeap, "interrupted");
        }
    }

    /** The exception line of a child's output (not its stack frames), or its last line. */
    private static String firstError(String output) {
        List<String> lines = output.lines().filter(line -> !line.isBlank()).toList();
        return lines.stream().filter(line -> !line.startsWith("\t") && (line.contains("Exception") || line.contains("Error")))
                .findFirst().orElse(lines.isEmpty() ? "no output" : lines.getLast()).trim();
    }

    static String format(Result result) {
        return result.measured() ? String.format(Locale.ROOT, "%.1f", result.bytesPerEntry()) : "n/a";
    }
}
