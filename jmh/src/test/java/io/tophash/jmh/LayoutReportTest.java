package io.tophash.jmh;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayoutReportTest {

    private static final LayoutReport.Profile FULL = LayoutReport.Profile.FULL;

    @Test
    void largestSizeFirstThenGrowthThenTheThpHeap() {
        List<LayoutReport.Pass> passes = LayoutReport.plan(FULL, FULL.sizes, FULL.thpSizes, FULL.growthSize);
        assertEquals(List.of("size-10000000", "size-1000000", "size-100000", "size-1000", "growth-10000000",
                "thp-size-1000000", "thp-size-10000000"), passes.stream().map(LayoutReport.Pass::name).toList());
    }

    @Test
    void everyMapRunsEveryWorkloadAndOnlyOnHeapPeersRunOnTheThpHeap() {
        List<LayoutReport.Pass> passes = LayoutReport.plan(FULL, FULL.sizes, FULL.thpSizes, FULL.growthSize);
        assertEquals(List.of(Impl.values()), passes.getFirst().impls());
        assertEquals(7, passes.getFirst().benchmarks().size());
        assertTrue(passes.getFirst().benchmarks().contains(GetLatencyBenchmark.class));
        LayoutReport.Pass thp = passes.getLast();
        assertTrue(thp.thp());
        assertEquals(LayoutReport.ON_HEAP, thp.impls());
    }

    @Test
    void growthLeavesOutOnlyTheMapThatCannotGrow() {
        LayoutReport.Pass growth = LayoutReport.plan(FULL, FULL.sizes, FULL.thpSizes, FULL.growthSize).stream()
                .filter(LayoutReport.Pass::growth).findFirst().orElseThrow();
        assertFalse(growth.impls().contains(Impl.CHRONICLE_MAP));
        assertEquals(Impl.values().length - 1, growth.impls().size());
    }

    @Test
    void forkHeapGrowsWithTheSizeAndThpIsOnlyOnThpPasses() {
        Path out = Path.of("results");
        List<String> small = List.of(LayoutReport.forkFlags(
                new LayoutReport.Pass("size-1000", LayoutReport.WORKLOADS, List.of(), "1000", false), out));
        List<String> large = List.of(LayoutReport.forkFlags(
                new LayoutReport.Pass("thp-size-10000000", LayoutReport.WORKLOADS, List.of(), "10000000", true), out));
        assertTrue(small.contains("-Xmx1g") && !small.contains(Workload.THP_HEAP), small::toString);
        assertTrue(large.contains("-Xmx2g") && large.contains(Workload.THP_HEAP), large::toString);
        assertTrue(small.containsAll(List.of(Workload.CHRONICLE_FLAGS)), "Chronicle's flags in every fork");
        List<String> growth = List.of(LayoutReport.forkFlags(new LayoutReport.Pass("growth-100000000",
                List.of(GrowthBenchmark.class), List.of(), LayoutReport.HUNDRED_MILLION, false), out));
        assertTrue(growth.contains("-Xmx20g"), growth::toString);
        assertTrue(growth.stream().anyMatch(f -> f.startsWith("-D" + GrowthBenchmark.OUTPUT_DIRECTORY + "=")));
    }

    @Test
    void targetsProfileRunsTheTargetsCellsWithTwoForks() {
        LayoutReport.Profile targets = LayoutReport.Profile.TARGETS;
        assertEquals(2, targets.forks);
        List<LayoutReport.Pass> passes = LayoutReport.plan(targets, targets.sizes, targets.thpSizes,
                targets.growthSize);
        assertEquals(List.of("size-10000000", "size-1000000", "size-1000", "growth-10000000"),
                passes.stream().map(LayoutReport.Pass::name).toList());
        assertEquals(List.of(GetLatencyBenchmark.class, GetHitBenchmark.class, GetMissBenchmark.class,
                PutBenchmark.class), passes.getFirst().benchmarks());
        assertTrue(targets.impls.containsAll(List.of(Impl.TOPHASH_LINE_ALIGNED, Impl.TOPHASH_GO_NAIVE3,
                Impl.TOPHASH_LINE_NAIVE8, Impl.TOPHASH_LINE_HUGE, Impl.FASTUTIL)), "default map, placements, baseline");
        assertEquals(1, LayoutReport.Profile.FULL.forks);
    }

    @Test
    void quickProfileHasEveryPeerAndTwoSizes() {
        LayoutReport.Profile quick = LayoutReport.Profile.QUICK;
        assertTrue(quick.impls.containsAll(List.of(Impl.FASTUTIL, Impl.HASHMAP, Impl.ECLIPSE, Impl.HPPC, Impl.AGRONA,
                Impl.CONCURRENT_HASHMAP, Impl.CHRONICLE_MAP)));
        assertEquals(2, quick.sizes.size());
    }
}
