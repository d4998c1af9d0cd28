package io.tophash;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The long soak of the reliability fuzzer: random combinations ({@link MapFuzzer.Config}) and
 * seeds for {@code tophash.soak.minutes} minutes, {@link #PHASES} phases a run, every failure
 * recorded (combination and seed, for {@code MapFuzzTest#replay}) instead of stopping at the
 * first. Not in the default build ({@code MapSoak} matches none of Surefire's includes); run it
 * with {@code mvn -B -Psoak -pl core test -Dtophash.soak.minutes=30}. Writes
 * {@code core/target/soak/summary.md} and {@code runs.csv} (one line per run).
 */
class MapSoak {

    static final int PHASES = 30;

    @Test
    void soak() throws IOException {
        double minutes = Double.parseDouble(System.getProperty("tophash.soak.minutes", "1"));
        long masterSeed = Long.getLong("tophash.soak.seed", new SecureRandom().nextLong());
        Path out = Path.of(System.getProperty("tophash.soak.out", "target/soak"));
        Files.createDirectories(out);
        SplittableRandom random = new SplittableRandom(masterSeed);
        List<MapFuzzer.Config> configs = MapFuzzer.Config.all();
        Instant start = Instant.now();
        Instant end = start.plus(Duration.ofMillis((long) (minutes * 60_000)));
        long runs = 0;
        long operations = 0;
        long growths = 0;
        long faults = 0;
        double maxRatio = 0;
        double maxShare = 0;
        Map<MapFuzzer.MapKind, long[]> perKind = new EnumMap<>(MapFuzzer.MapKind.class);
        Map<String, Long> perAllocator = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out.resolve("runs.csv")))) {
            csv.println("kind,allocator,padding,faults,seed,operations,growths,injected_faults,max_reserved_per_peak_entry,result");
            while (Instant.now().isBefore(end)) {
                MapFuzzer.Config config = configs.get(random.nextInt(configs.size()));
                long seed = random.nextLong();
                String row = config.kind() + "," + config.allocator() + "," + config.padding() + "," + config.faults()
                        + "," + seed;
                try {
                    MapFuzzer.Outcome o = new MapFuzzer(config, seed).run(PHASES);
                    operations += o.operations();
                    growths += o.growths();
                    faults += o.faults();
                    maxRatio = Math.max(maxRatio, o.maxReservedPerPeakEntry());
                    maxShare = Math.max(maxShare, o.maxShareOfBound());
                    perKind.computeIfAbsent(config.kind(), k -> new long[2])[0]++;
                    perKind.get(config.kind())[1] += o.operations();
                    perAllocator.merge(config.allocator(), 1L, Long::sum);
                    csv.printf("%s,%d,%d,%d,%.1f,ok%n", row, o.operations(), o.growths(), o.faults(),
                            o.maxReservedPerPeakEntry());
                } catch (Throwable t) {
                    failures.add(row + ": " + t);
                    csv.println(row + ",,,,,FAILED " + String.valueOf(t.getMessage()).replace(',', ';').replace('\n', ' '));
                }
                runs++;
            }
        }
        Duration took = Duration.between(start, Instant.now());
        try (PrintWriter md = new PrintWriter(Files.newBufferedWriter(out.resolve("summary.md")))) {
            md.println("# Reliability soak: " + start);
            md.println();
            md.printf("- duration: %d min %d s (asked: %.1f min), %d phases a run%n", took.toMinutes(),
                    took.toSecondsPart(), minutes, PHASES);
            md.println("- master seed: " + masterSeed + " (`-Dtophash.soak.seed=" + masterSeed + "` repeats the sequence)");
            md.println("- JDK: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                    + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                    + Runtime.getRuntime().availableProcessors() + " CPUs");
            md.println("- runs: " + runs + ", operations checked: " + operations + ", growths: " + growths
                    + ", injected allocator faults: " + faults);
            for (Map.Entry<MapFuzzer.MapKind, long[]> e : perKind.entrySet()) {
                md.println("  - " + e.getKey() + ": " + e.getValue()[0] + " runs, " + e.getValue()[1] + " operations");
            }
            md.println("  - runs per allocator: " + perAllocator);
            md.printf("- memory bound: reserved <= %.0f bytes per entry of the largest size the map has had + 8 chunks;"
                    + " largest share of it used: %.0f%%; largest bytes reserved per peak entry (maps of 10k+ entries,"
                    + " chunks included): %.1f%n", MapFuzzer.RESERVED_BYTES_PER_PEAK_ENTRY, 100 * maxShare, maxRatio);
            md.println("- failures: " + failures.size());
            for (String f : failures) {
                md.println("  - " + f);
            }
        }
        System.out.println(Files.readString(out.resolve("summary.md")));
        assertEquals(List.of(), failures, failures.size() + " of " + runs + " runs failed");
    }
}
