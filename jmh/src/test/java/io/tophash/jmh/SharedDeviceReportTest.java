package io.tophash.jmh;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request pass's table and verdicts, from JMH JSON written here. */
class SharedDeviceReportTest {

    private static String run(String registry, String form, double ns, double bytes) {
        return String.format(Locale.ROOT, "{\"params\":{\"registry\":\"%s\",\"form\":\"%s\"},\"primaryMetric\":{\"score\":%s},"
                + "\"secondaryMetrics\":{\"gc.alloc.rate.norm\":{\"score\":%s}}}", registry, form, ns, bytes);
    }

    private static void write(Path dir, int threads, double getLongInHand, double getLongBuffer) throws IOException {
        List<String> runs = new ArrayList<>();
        runs.add(run("CONCURRENT_HASHMAP", "IN_HAND", 100, 0));
        runs.add(run("CONCURRENT_HASHMAP", "BUFFER", 300, 48));
        runs.add(run("TOPHASH_GET_INTO", "IN_HAND", 200, 0));
        runs.add(run("TOPHASH_GET_LONG", "IN_HAND", getLongInHand, 0));
        runs.add(run("TOPHASH_GET_LONG", "BUFFER", getLongBuffer, 0));
        runs.add(run("CONCURRENT_HASHMAP", "FRESH_STRING", 300, 55));
        runs.add(run("TOPHASH_GET_LONG", "FRESH_STRING", 250, threads == 2 ? 80 : 55));
        Files.writeString(dir.resolve(SharedDeviceReport.requestsFile(threads)), "[" + String.join(",", runs) + "]");
    }

    @Test
    void eachTargetIsJudgedFromTheFieldReadAgainstTheSameFormAndThreads(@TempDir Path dir) throws IOException {
        write(dir, 1, 80, 100);  // in hand 1.25x (met), buffer 3.00x (met)
        write(dir, 2, 125, 200); // in hand 0.80x (missed), buffer 1.50x (missed: wants 2x)
        write(dir, 4, 300, 300); // 4 threads: in hand 13.3 requests/us against 16.0 at 2 (missed)
        String md = SharedDeviceReport.requestsTable(dir);
        assertTrue(md.contains("| 1 | IN_HAND | 100.0 (0) | 200.0 (0) 0.50x | 80.0 (0) 1.25x |"), md);
        assertTrue(md.contains("- IN_HAND, 1 thread(s): >= 1.0x ConcurrentHashMap: met (1.25x)"), md);
        assertTrue(md.contains("- BUFFER, 1 thread(s): >= 2.0x ConcurrentHashMap: met (3.00x)"), md);
        assertTrue(md.contains("- IN_HAND, 2 thread(s): >= 1.0x ConcurrentHashMap: missed (0.80x)"), md);
        assertTrue(md.contains("- BUFFER, 2 thread(s): >= 2.0x ConcurrentHashMap: missed (1.50x)"), md);
        assertTrue(md.contains("- IN_HAND: 4 threads on 2 CPUs no slower than 2: missed (13.3 against 16.0 requests/us)"), md);
        assertTrue(md.contains("| 1 | BUFFER | 300.0 (48) | - | 100.0 (0) 3.00x |"), md);
        // the String a request decodes is its own allocation: only what the map adds to it counts
        assertTrue(md.contains("- FRESH_STRING, 1 thread(s): >= 1.5x ConcurrentHashMap: missed (1.20x); "
                + "0 B/op beyond the request's own String: met (55.0, ConcurrentHashMap's request 55.0)"), md);
        assertTrue(md.contains("- FRESH_STRING, 2 thread(s): >= 1.5x ConcurrentHashMap: missed (1.20x); "
                + "0 B/op beyond the request's own String: missed (80.0, ConcurrentHashMap's request 55.0)"), md);
        assertTrue(md.contains("- BUFFER, 1 thread(s): >= 2.0x ConcurrentHashMap: met (3.00x); 0 B/op: met (0.0)"), md);
    }

    @Test
    void noPassNoTable(@TempDir Path dir) throws IOException {
        assertEquals("", SharedDeviceReport.requestsTable(dir));
    }
}
