package io.tophash.jmh;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChartsTest {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    @TempDir
    Path dir;

    @Test
    void sizeStaircaseWritesExactlyTheNamedPng() throws IOException {
        Path png = dir.resolve("charts/nested/get-hit.png");
        Charts.sizeStaircase(png, "get hit", "ns/op", staircase(12.5));
        assertIsChartPng(png);
        assertFalse(Files.exists(dir.resolve("charts/nested/get-hit.png.png")), "XChart's own .png suffix");
    }

    @Test
    void growthPercentilesWritesExactlyTheNamedPng() throws IOException {
        Path png = dir.resolve("charts/growth.png");
        Charts.growthPercentiles(png, "growth to 1M", List.of(
                growth("TOPHASH", 40, 900),
                growth("JDK_HASHMAP", 25, 250_000_000)));
        assertIsChartPng(png);
        assertFalse(Files.exists(dir.resolve("charts/growth.png.png")), "XChart's own .png suffix");
    }

    @Test
    void differentValuesDrawDifferentImages() throws IOException {
        Path slow = dir.resolve("slow.png");
        Path fast = dir.resolve("fast.png");
        Charts.sizeStaircase(slow, "get hit", "ns/op", staircase(40.0));
        Charts.sizeStaircase(fast, "get hit", "ns/op", staircase(12.5));
        assertFalse(Arrays.equals(pixels(slow), pixels(fast)));

        Path tail = dir.resolve("tail.png");
        Path calm = dir.resolve("calm.png");
        Charts.growthPercentiles(tail, "growth", List.of(growth("TOPHASH", 40, 250_000_000)));
        Charts.growthPercentiles(calm, "growth", List.of(growth("TOPHASH", 40, 900)));
        assertFalse(Arrays.equals(pixels(tail), pixels(calm)));
    }

    @Test
    void sameInputDrawsTheSameImage() throws IOException {
        Path first = dir.resolve("first.png");
        Path second = dir.resolve("second.png");
        Charts.sizeStaircase(first, "get hit", "ns/op", staircase(12.5));
        Charts.sizeStaircase(second, "get hit", "ns/op", staircase(12.5));
        assertArrayEquals(pixels(first), pixels(second));
    }

    @Test
    void nanPointsAreLeftOut() throws IOException {
        SortedMap<Long, Double> withNaN = new TreeMap<>(Map.of(1_000L, 5.0, 100_000L, Double.NaN, 1_000_000L, 9.0));
        SortedMap<Long, Double> without = new TreeMap<>(Map.of(1_000L, 5.0, 1_000_000L, 9.0));
        Path nan = dir.resolve("nan.png");
        Path clean = dir.resolve("clean.png");
        Charts.sizeStaircase(nan, "put", "ns/op", Map.of("TOPHASH", withNaN));
        Charts.sizeStaircase(clean, "put", "ns/op", Map.of("TOPHASH", without));
        assertArrayEquals(pixels(clean), pixels(nan));
    }

    @Test
    void singlePointSeriesAndZeroLatenciesStillRender() throws IOException {
        Path single = dir.resolve("single.png");
        Charts.sizeStaircase(single, "put", "ns/op", Map.of("TOPHASH", new TreeMap<>(Map.of(1_000_000L, 0.0))));
        assertIsChartPng(single);

        Path zeros = dir.resolve("zeros.png");
        Charts.growthPercentiles(zeros, "growth", List.of(new GrowthLatency("TOPHASH", 10, "", 0, 0, 0, 0, 0, 0, 0)));
        assertIsChartPng(zeros);
    }

    @Test
    void ofRowsWithOneImplOnlyTheFirstIsDrawn() throws IOException {
        Path both = dir.resolve("both.png");
        Path first = dir.resolve("first.png");
        Charts.growthPercentiles(both, "growth", List.of(growth("TOPHASH", 40, 900), growth("TOPHASH", 90, 5_000)));
        Charts.growthPercentiles(first, "growth", List.of(growth("TOPHASH", 40, 900)));
        assertArrayEquals(pixels(first), pixels(both));
    }

    @Test
    void missingDataIsRefusedByName() {
        Path png = dir.resolve("never.png");
        assertMessageContains("seriesByImpl is empty",
                () -> Charts.sizeStaircase(png, "t", "ns/op", Map.of()));
        assertMessageContains("series TOPHASH is empty",
                () -> Charts.sizeStaircase(png, "t", "ns/op", Map.of("TOPHASH", new TreeMap<>())));
        assertMessageContains("series TOPHASH is empty once its NaN values are left out",
                () -> Charts.sizeStaircase(png, "t", "ns/op",
                        Map.of("TOPHASH", new TreeMap<>(Map.of(1_000L, Double.NaN)))));
        assertMessageContains("series TOPHASH has a non-positive size 0",
                () -> Charts.sizeStaircase(png, "t", "ns/op", Map.of("TOPHASH", new TreeMap<>(Map.of(0L, 1.0)))));
        assertMessageContains("rows is empty", () -> Charts.growthPercentiles(png, "t", List.of()));
        assertFalse(Files.exists(png));
    }

    @Test
    void sizeLabelsAreShortAndRound() {
        assertEquals("1", Charts.sizeLabel(1));
        assertEquals("950", Charts.sizeLabel(950));
        assertEquals("1k", Charts.sizeLabel(1_000));
        assertEquals("1k", Charts.sizeLabel(999.99999999)); // a tick computed as 10^2.9999999999
        assertEquals("3.2k", Charts.sizeLabel(Math.pow(10, 3.5)));
        assertEquals("100k", Charts.sizeLabel(100_000));
        assertEquals("1M", Charts.sizeLabel(1_000_000));
        assertEquals("10M", Charts.sizeLabel(10_000_000));
    }

    /** Implementations in a fixed order, the second measured at one size only. */
    private static Map<String, SortedMap<Long, Double>> staircase(double tophashAtTenMillion) {
        Map<String, SortedMap<Long, Double>> series = new LinkedHashMap<>();
        series.put("TOPHASH", new TreeMap<>(Map.of(1_000L, 3.1, 100_000L, 4.0, 1_000_000L, 7.5,
                10_000_000L, tophashAtTenMillion)));
        series.put("JDK_HASHMAP", new TreeMap<>(Map.of(1_000_000L, 20.0)));
        return series;
    }

    private static GrowthLatency growth(String impl, long p50Ns, long maxNs) {
        return new GrowthLatency(impl, 1_000_000, "", 0, p50Ns, p50Ns * 4, p50Ns * 40, p50Ns * 400, maxNs, 0);
    }

    private static void assertIsChartPng(Path png) throws IOException {
        byte[] bytes = Files.readAllBytes(png);
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, PNG_SIGNATURE.length));
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1000, image.getWidth());
        assertEquals(600, image.getHeight());
    }

    private static int[] pixels(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static void assertMessageContains(String expected, Runnable draw) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, draw::run);
        assertTrue(e.getMessage().contains(expected), () -> "message \"" + e.getMessage() + "\" lacks " + expected);
    }
}
