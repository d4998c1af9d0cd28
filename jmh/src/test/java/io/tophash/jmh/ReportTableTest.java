package io.tophash.jmh;

import io.tophash.jmh.ReportTable.Measurement;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReportTableTest {

    private static final List<Measurement> RUN = List.of(
            new Measurement("TOPHASH_LINE_ALIGNED", "getHit", 10_000, 20.0, 0.0),
            new Measurement("FASTUTIL", "getHit", 10_000, 40.0, 0.0),
            new Measurement("HASHMAP", "getHit", 10_000, 60.0, 0.0),
            new Measurement("TOPHASH_LINE_ALIGNED", "getHit", 10_000_000, 95.1, 0.004),
            new Measurement("FASTUTIL", "getHit", 10_000_000, 45.0, 0.0),
            new Measurement("HASHMAP", "getHit", 10_000_000, 300.0, 32.5),
            // no FASTUTIL here: times without ratios; no HASHMAP: an absent cell
            new Measurement("TOPHASH_LINE_ALIGNED", "put", 10_000, 12.34, Double.NaN));

    private static List<List<String>> cells(String table) {
        return table.lines()
                .map(line -> Arrays.stream(line.substring(1, line.length() - 1).split("\\|"))
                        .map(String::trim).toList())
                .toList();
    }

    private static List<List<String>> render() {
        return cells(ReportTable.markdown(RUN, "FASTUTIL", Map.of("TOPHASH_LINE_ALIGNED", 29.36), 10_000_000));
    }

    @Test
    void headerNamesEachBenchmarkAndSizeInOrderOfAppearance() {
        assertEquals(List.of("impl", "getHit 10k", "getHit 10M", "put 10k", "B/entry 10M", "alloc B/op (max)"),
                render().get(0));
    }

    @Test
    void cellsShowTimeAndRatioToTheBaselineOfTheSameColumn() {
        assertEquals(List.of("TOPHASH_LINE_ALIGNED", "20.0 (0.50x)", "95.1 (2.11x)", "12.3", "29.4", "0.0"),
                render().get(2));
        assertEquals(List.of("FASTUTIL", "40.0 (1.00x)", "45.0 (1.00x)", "-", "-", "0.0"),
                render().get(3));
        assertEquals(List.of("HASHMAP", "60.0 (1.50x)", "300.0 (6.67x)", "-", "-", "32.5"),
                render().get(4));
    }

    @Test
    void isAPaddedMarkdownTableWithNumbersAlignedRight() {
        String table = ReportTable.markdown(List.of(
                new Measurement("TOPHASH_GO_ALIGNED", "getMiss", 10_000, 7.0, Double.NaN),
                new Measurement("FASTUTIL", "getMiss", 10_000, 14.0, Double.NaN)), "FASTUTIL", Map.of(), 10_000);
        assertEquals("""
                | impl               |  getMiss 10k | B/entry 10k | alloc B/op (max) |
                | ------------------ | -----------: | ----------: | ---------------: |
                | TOPHASH_GO_ALIGNED |  7.0 (0.50x) |           - |                - |
                | FASTUTIL           | 14.0 (1.00x) |           - |                - |
                """, table);
    }

    @Test
    void compactSizeAbbreviatesWholeThousandsAndMillions() {
        assertEquals("10k", ReportTable.compactSize(10_000));
        assertEquals("10M", ReportTable.compactSize(10_000_000));
        assertEquals("2500", ReportTable.compactSize(2_500));
        assertEquals("999", ReportTable.compactSize(999));
    }
}
