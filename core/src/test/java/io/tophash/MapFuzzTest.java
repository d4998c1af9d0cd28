package io.tophash;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The reliability fuzzer ({@link MapFuzzer}) in {@code mvn verify}: every combination of map,
 * allocator, padding and fault injection once with a fixed seed, then random combinations and
 * seeds (jqwik, 40 tries). Each run has {@code -Dtophash.fuzz.phases} phases (default 12; the
 * emulated aarch64 lane sets fewer). A failure names its combination and seed; {@link #replay}
 * runs one again. The long soak is {@code -Psoak} ({@link MapSoak}).
 */
class MapFuzzTest {

    static final int PHASES = Integer.getInteger("tophash.fuzz.phases", 12);

    static List<MapFuzzer.Config> configs() {
        return MapFuzzer.Config.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void everyCombinationSurvivesAFixedSeed(MapFuzzer.Config config) {
        MapFuzzer.Outcome outcome = new MapFuzzer(config, 0x7E57_5EEDL + config.toString().hashCode()).run(PHASES);
        assertEquals(PHASES, outcome.phases(), "phases checked"); // a short run may draw only phases with nothing to do
        if (config.kind().name().contains("VARIABLE")) {
            System.out.printf("fuzz %s: min store live/reserved after churn %.3f%n", config, outcome.minStoreShare());
        }
        if (config.kind().inFile()) {
            System.out.printf("fuzz %s: %d reopens, largest map file / its bound %.3f%n", config, outcome.reopens(),
                    outcome.maxFileShareOfBound());
        }
    }

    @Property(tries = 40, shrinking = ShrinkingMode.OFF)
    void randomCombinationsAndSeeds(@ForAll("anyConfig") MapFuzzer.Config config, @ForAll long seed) {
        new MapFuzzer(config, seed).run(PHASES);
    }

    @Provide
    Arbitrary<MapFuzzer.Config> anyConfig() {
        return Arbitraries.of(configs());
    }

    /** -Dtophash.fuzz.replay="SINGLE,cacheLineAligned,CACHE_LINE,true,12345" runs one failing case again. */
    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "tophash.fuzz.replay", matches = ".+")
    void replay() {
        String[] p = System.getProperty("tophash.fuzz.replay").split(",");
        MapFuzzer.Config config = new MapFuzzer.Config(MapFuzzer.MapKind.valueOf(p[0]), p[1],
                BucketPadding.valueOf(p[2]), Boolean.parseBoolean(p[3]));
        System.out.println("replayed: " + new MapFuzzer(config, Long.parseLong(p[4])).run(PHASES));
    }
}
