package io.tophash;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kill -9 at random moments: a writer JVM ({@link MapFileKillChild}) runs random puts, removals,
 * additions, rare clears and trims on a {@code LongLongMap} file, or a {@code BytesMap} file with
 * long keys and values of any length (a torn key or value fails its decoding), acknowledging each
 * write once it returned, and is killed with SIGKILL after a random delay (often mid-growth: the map grows from
 * empty through many doublings). After each kill the file is reopened here and checked: every
 * acknowledged write is there; the one write in flight is found whole or not at all; nothing
 * else is in the map (the walk, the count and {@code get} agree with the model); the chains are
 * sound; a growth in progress is within its bound. The next round's writer goes on with the same
 * file. Rounds: {@code -Dtophash.kill.rounds} (default 6; the long run, README "Maps in a file",
 * sets thousands; the emulated aarch64 lane 3, its writer emulated too).
 */
class MapFileKillTest {

    static final int ROUNDS = Integer.getInteger("tophash.kill.rounds", 6);
    /** The longest wait, after the writer is ready, before the kill (an emulated writer is slower). */
    static final int MAX_DELAY_MILLIS = Integer.getInteger("tophash.kill.maxDelayMillis", 400);

    @TempDir
    Path dir;

    /** The kinds of map killed: {@code -Dtophash.kill.kinds} ({@code long}, {@code bytes}; both by default). */
    static Stream<String> kinds() {
        return Arrays.stream(System.getProperty("tophash.kill.kinds", "long,bytes").split(","));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void everyAcknowledgedWriteSurvivesAKillAndNothingIsTorn(String kind) throws Exception {
        boolean bytes = kind.equals("bytes");
        Path file = dir.resolve("map");
        Path acks = dir.resolve("acks");
        Map<Long, Long> model = new HashMap<>();
        SplittableRandom seeds = new SplittableRandom(Long.getLong("tophash.kill.seed", System.nanoTime()));
        long seed0 = seeds.nextLong();
        seeds = new SplittableRandom(seed0);
        long midGrowth = 0;
        long acknowledged = 0;
        long[] openNanos = new long[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            long roundSeed = seeds.nextLong();
            long delayMillis = 30 + seeds.nextInt(MAX_DELAY_MILLIS);
            String where = "seed " + seed0 + ", round " + round + " (seed " + roundSeed + ", killed after "
                    + delayMillis + " ms)";
            Process child = start(file, acks, roundSeed, kind);
            try {
                awaitReady(child, where);
                Thread.sleep(delayMillis);
            } finally {
                child.destroyForcibly(); // SIGKILL
                assertTrue(child.waitFor(60, TimeUnit.SECONDS), where + ": the writer did not die");
            }
            long done = Files.size(acks) / Long.BYTES;
            acknowledged += done;
            SplittableRandom ops = new SplittableRandom(roundSeed);
            for (long i = 0; i < done; i++) {
                applyToModel(model, MapFileKillChild.next(ops));
            }
            MapFileKillChild.Op inFlight = MapFileKillChild.next(ops);
            long openStarted = System.nanoTime();
            try (OffHeapMap map = bytes ? MapFileKillChild.openBytes(file) : MapFileKillChild.open(file)) {
                openNanos[round] = System.nanoTime() - openStarted;
                Reader read = bytes ? new BytesReader((BytesMap) map) : new LongReader((LongLongMap) map);
                settleInFlight(read, model, inFlight, where);
                if (map.growing()) {
                    midGrowth++;
                    assertTrue(map.evacuatedBuckets() <= map.oldBucketCount(), where);
                }
                assertEquals(model.size(), map.size(), where + ": size");
                assertEquals(model, read.contents(), where + ": contents");
                for (Map.Entry<Long, Long> e : model.entrySet()) {
                    if (!e.getValue().equals(read.get(e.getKey()))) {
                        throw new AssertionError(where + ": get(" + e.getKey() + ")");
                    }
                }
                assertNull(map.auditChains(), where);
            }
        }
        java.util.Arrays.sort(openNanos);
        System.out.printf("kill test (" + kind + "): %d kills, %d acknowledged writes, 0 lost, 0 torn, %d reopened mid-growth, %d entries"
                        + " at the end; open after a kill: median %.2f ms, max %.2f ms (first open of a JVM included)%n",
                ROUNDS, acknowledged, midGrowth, model.size(), openNanos[ROUNDS / 2] / 1e6, openNanos[ROUNDS - 1] / 1e6);
    }

    /** What the checks read, from either kind of map: the entries as the child's {@code long}s. */
    private interface Reader {
        /** The value of {@code key}, or null when absent. */
        Long get(long key);

        Map<Long, Long> contents();
    }

    private record LongReader(LongLongMap map) implements Reader {
        @Override
        public Long get(long key) {
            return map.containsKey(key) ? map.get(key) : null;
        }

        @Override
        public Map<Long, Long> contents() {
            return AbstractSingleThreadedContract.contents(map);
        }
    }

    /** Reads a byte map's entries back into {@code long}s; a torn value fails its decoding. */
    private record BytesReader(BytesMap map) implements Reader {
        @Override
        public Long get(long key) {
            MemorySegment value = map.get(MapFileKillChild.bytesKey(key));
            return value == null ? null : MapFileKillChild.decodeValue(value);
        }

        @Override
        public Map<Long, Long> contents() {
            Map<Long, Long> seen = new HashMap<>();
            map.forEach((k, v) -> {
                String text = new String(k.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
                long key = MapFileKillChild.decodeKey(text);
                if (!text.equals(MapFileKillChild.bytesKey(key))) {
                    throw new IllegalStateException("a torn key: " + text);
                }
                seen.put(key, MapFileKillChild.decodeValue(v));
            });
            return seen;
        }
    }

    private static Process start(Path file, Path acks, long seed, String kind) throws IOException {
        // the emulated aarch64 lane names its JVM wrapper (and forks, since the JDK's aarch64
        // jspawnhelper would run outside the emulator): the writer runs emulated too
        String childJvm = System.getProperty("tophash.childJvm");
        Path java = childJvm != null ? Path.of(childJvm) : Path.of(System.getProperty("java.home"), "bin", "java");
        String classPath = Path.of("target", "classes") + File.pathSeparator + Path.of("target", "test-classes");
        return new ProcessBuilder(java.toString(), "-Xmx256m", "--enable-native-access=ALL-UNNAMED", "-cp", classPath,
                MapFileKillChild.class.getName(), file.toString(), acks.toString(), Long.toString(seed), kind)
                .redirectErrorStream(true)
                .start();
    }

    private static void awaitReady(Process child, String where) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            if (line.equals("ready")) {
                Thread.ofVirtual().start(() -> drain(out)); // keeps the pipe from filling
                return;
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError(where + ": the writer exited before it was ready:\n" + seen);
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // discard
            }
        } catch (IOException closed) {
            // the writer died
        }
    }

    private static void applyToModel(Map<Long, Long> model, MapFileKillChild.Op op) {
        switch (op.kind()) {
            case PUT -> model.put(op.key(), op.value());
            case REMOVE -> model.remove(op.key());
            case ADD -> model.merge(op.key(), op.value(), Long::sum);
            case CLEAR -> model.clear();
            case TRIM -> {
            }
        }
    }

    /** The write the kill interrupted is found whole or absent: the model takes whichever the map holds. */
    private static void settleInFlight(Reader map, Map<Long, Long> model, MapFileKillChild.Op op, String where) {
        switch (op.kind()) {
            case PUT, REMOVE, ADD -> {
                Map<Long, Long> after = new HashMap<>();
                Long before = model.get(op.key());
                after.put(op.key(), before);
                applyToModel(after, op);
                Long found = map.get(op.key());
                if (!Objects.equals(found, before) && !Objects.equals(found, after.get(op.key()))) {
                    throw new AssertionError(where + ": the write in flight, " + op + ", left " + found
                            + ", neither " + before + " nor " + after.get(op.key()));
                }
                if (found == null) {
                    model.remove(op.key());
                } else {
                    model.put(op.key(), found);
                }
            }
            case CLEAR -> {
                if (map.contents().isEmpty()) {
                    model.clear();
                }
            }
            case TRIM -> {
            }
        }
    }
}
