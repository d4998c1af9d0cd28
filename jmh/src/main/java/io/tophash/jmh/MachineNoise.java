package io.tophash.jmh;

import java.util.Locale;

/**
 * How often this machine takes the CPU away from a thread that does nothing but read the clock:
 * the floor under every tail percentile a benchmark reports. A thread spins on
 * {@link System#nanoTime()} for a few seconds and counts the gaps between consecutive reads longer
 * than 10, 30 and 100 us (timer ticks, interrupts, a hypervisor's exits, other tasks).
 *
 * <p>Why it is in the report: growth to 10M times 10M single puts, so its p99.99 is the 1,000th
 * slowest put. A machine that interrupts a thread more than 1,000 times during that growth puts
 * its own interruption length at p99.99, whatever the map does; a map whose growth takes longer
 * collects more of them. Run it pinned as the benchmarks are:
 * {@code taskset -c 1 java -cp jmh/target/benchmarks.jar io.tophash.jmh.MachineNoise [seconds]}.
 */
public final class MachineNoise {

    static final long[] THRESHOLDS_NS = {10_000, 30_000, 100_000};

    /** Gaps per second above each of {@link #THRESHOLDS_NS}, and the longest gap. */
    record Result(double seconds, long[] gapsAbove, long longestNs) {
        String describe() {
            return String.format(Locale.ROOT, "a thread spinning on System.nanoTime() for %.0f s was interrupted"
                            + " %.0f times a second for more than 10 us, %.0f for more than 30 us, %.0f for more than"
                            + " 100 us; the longest gap was %.2f ms", seconds, gapsAbove[0] / seconds,
                    gapsAbove[1] / seconds, gapsAbove[2] / seconds, longestNs / 1e6);
        }
    }

    private MachineNoise() {
    }

    static Result measure(double seconds) {
        long[] above = new long[THRESHOLDS_NS.length];
        long longest = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long previous = start;
        for (long now = start; now < end; previous = now) {
            now = System.nanoTime();
            long gap = now - previous;
            for (int i = 0; i < THRESHOLDS_NS.length && gap > THRESHOLDS_NS[i]; i++) {
                above[i]++;
            }
            longest = Math.max(longest, gap);
        }
        return new Result((System.nanoTime() - start) / 1e9, above, longest);
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        measure(1); // warm up the loop's compilation
        System.out.println(measure(seconds).describe());
    }
}
