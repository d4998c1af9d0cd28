package io.tophash.jmh;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.internal.series.MarkerSeries;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

/**
 * Implementation note: the report's PNG charts, drawn with XChart into off-screen images, so they
 * render headless (a benchmark host or CI runner has no display): unless the JVM was told
 * otherwise, the class switches AWT to headless mode before its first use. They show at a glance
 * what the Markdown tables spell out: how time per op climbs as a map outgrows each cache level,
 * and how far the tail of single puts sits above the median while a map grows.
 *
 * <p>Series take their colours from a fixed list (Okabe-Ito, then the same eight dashed), not from
 * XChart's theme, so charts from different machines and runs look alike and colour-blind readers
 * can tell the series apart; each series also gets its own marker shape, for the same readers and
 * for greyscale prints. Text is drawn in the JVM's logical SansSerif font, so a machine with no
 * font installed cannot render these charts.
 */
final class Charts {

    // Before any other static initialiser, so no AWT class can decide against headless first.
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private static final int WIDTH = 1000;
    private static final int HEIGHT = 600;

    /** Latencies are drawn no lower than this: a logarithmic axis has no place for 0. */
    static final double MIN_LATENCY_MICROS = 0.001;

    /** Okabe-Ito, with yellow last: it is the hardest to see on white. */
    private static final Color[] COLOURS = {
            new Color(0x0072B2), // blue
            new Color(0xD55E00), // vermillion
            new Color(0x009E73), // bluish green
            new Color(0xCC79A7), // reddish purple
            new Color(0xE69F00), // orange
            new Color(0x56B4E9), // sky blue
            new Color(0x000000), // black
            new Color(0xF0E442), // yellow
    };

    private static final Marker[] MARKERS = {
            SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND, SeriesMarkers.TRIANGLE_UP,
            SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS, SeriesMarkers.PLUS, SeriesMarkers.TRAPEZOID,
    };

    private static final List<String> PERCENTILES = List.of("p50", "p99", "p99.9", "p99.99", "max");

    /**
     * Width of the plot area the tick spacing is aimed at: the chart less the y-axis labels and
     * the legend. Only decides whether x ticks fall on every decade; a wrong guess shows more or
     * fewer ticks, still in the right places.
     */
    private static final int ESTIMATED_PLOT_WIDTH = 750;

    private static final String[] SIZE_SUFFIXES = {"", "k", "M", "G", "T"};

    private Charts() {
    }

    /**
     * A line per implementation of a value against map size: x is the size in entries on a
     * logarithmic axis, y the value on a linear axis from 0.
     *
     * <p>The x axis is drawn as log10(size) on a linear axis whose labels convert back: XChart
     * 3.8.8 places the ticks of a logarithmic axis linearly as soon as it is given a label
     * function, and without one labels sizes as {@code 1E5}. NaN values (a size not measured for
     * an implementation) are left out of the line.
     *
     * @param seriesByImpl a series per implementation, drawn and listed in the legend in the
     *                     map's iteration order; each maps size (entries) to value
     * @throws IllegalArgumentException if {@code seriesByImpl} is empty, or a series is empty,
     *                                  has only NaN values, a size below 1 or a value that is
     *                                  negative or infinite
     */
    static void sizeStaircase(Path png, String title, String yAxisTitle,
                              Map<String, SortedMap<Long, Double>> seriesByImpl) {
        if (seriesByImpl.isEmpty()) {
            throw new IllegalArgumentException("seriesByImpl is empty: no series to draw in " + png);
        }
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title).xAxisTitle("map size (entries)").yAxisTitle(yAxisTitle).build();
        long minSize = Long.MAX_VALUE;
        long maxSize = 0;
        double maxValue = 0;
        int index = 0;
        for (Map.Entry<String, SortedMap<Long, Double>> series : seriesByImpl.entrySet()) {
            String impl = series.getKey();
            List<Double> log10Sizes = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            for (Map.Entry<Long, Double> point : series.getValue().entrySet()) {
                long size = point.getKey();
                double value = point.getValue();
                if (size < 1) {
                    throw new IllegalArgumentException("series " + impl + " has a non-positive size " + size);
                }
                if (Double.isNaN(value)) {
                    continue;
                }
                if (value < 0 || Double.isInfinite(value)) {
                    throw new IllegalArgumentException("series " + impl + " has value " + value + " at size " + size
                            + ": the y axis shows finite values from 0");
                }
                log10Sizes.add(Math.log10(size));
                values.add(value);
                minSize = Math.min(minSize, size);
                maxSize = Math.max(maxSize, size);
                maxValue = Math.max(maxValue, value);
            }
            if (values.isEmpty()) {
                throw new IllegalArgumentException("series " + impl + " is empty"
                        + (series.getValue().isEmpty() ? "" : " once its NaN values are left out"));
            }
            XYSeries drawn = chart.addSeries(impl, log10Sizes, values);
            drawn.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            style(drawn, index++);
        }

        AxesChartStyler styler = chart.getStyler();
        applyCommonStyle(styler);
        double firstDecade = Math.floor(Math.log10(minSize));
        double lastDecade = Math.ceil(Math.log10(maxSize));
        if (firstDecade == lastDecade) {
            // A single power of ten: a decade either side, so it sits mid-chart between labelled ticks.
            firstDecade--;
            lastDecade++;
        }
        styler.setXAxisMin(firstDecade);
        styler.setXAxisMax(lastDecade);
        styler.setXAxisTickMarkSpacingHint((int) (ESTIMATED_PLOT_WIDTH / (lastDecade - firstDecade)));
        styler.setxAxisTickLabelsFormattingFunction(log10Size -> sizeLabel(Math.pow(10, log10Size)));
        styler.setYAxisMin(0.0);
        if (maxValue == 0) {
            styler.setYAxisMax(1.0); // all zero: XChart needs a non-empty range
        }
        write(chart, png);
    }

    /**
     * A line per growth across the put-latency percentiles p50, p99, p99.9, p99.99 and max, in
     * microseconds on a logarithmic axis.
     *
     * <p>A logarithmic axis cannot show 0, and a put faster than the clock's resolution is reported
     * as 0 ns: latencies below {@value #MIN_LATENCY_MICROS} µs (1 ns) are drawn at
     * {@value #MIN_LATENCY_MICROS} µs.
     *
     * @param rows a series per row, named by its {@link GrowthLatency#impl()}, in list order; of rows
     *             with the same implementation only the first is drawn (a chart cannot hold two series
     *             of one name, and the caller orders rows, so the first is the one it put first)
     * @throws IllegalArgumentException if {@code rows} is empty
     */
    static void growthPercentiles(Path png, String title, List<GrowthLatency> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("rows is empty: no growth to draw in " + png);
        }
        Map<String, GrowthLatency> firstByImpl = new LinkedHashMap<>();
        for (GrowthLatency row : rows) {
            firstByImpl.putIfAbsent(row.impl(), row);
        }
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title).xAxisTitle("percentile of single puts").yAxisTitle("put latency (µs)").build();
        double minMicros = Double.MAX_VALUE;
        double maxMicros = 0;
        int index = 0;
        for (GrowthLatency row : firstByImpl.values()) {
            List<Double> micros = new ArrayList<>();
            for (long ns : new long[] {row.p50Ns(), row.p99Ns(), row.p999Ns(), row.p9999Ns(), row.maxNs()}) {
                double value = Math.max(ns / 1_000.0, MIN_LATENCY_MICROS);
                micros.add(value);
                minMicros = Math.min(minMicros, value);
                maxMicros = Math.max(maxMicros, value);
            }
            style(chart.addSeries(row.impl(), PERCENTILES, micros), index++);
        }

        CategoryStyler styler = chart.getStyler();
        applyCommonStyle(styler);
        styler.setDefaultSeriesRenderStyle(CategorySeriesRenderStyle.Line);
        // Otherwise XChart shifts each line sideways as if it were a bar beside the others.
        styler.setOverlapped(true);
        styler.setYAxisLogarithmic(true);
        // Whole decades, so the axis starts and ends on a labelled tick.
        double bottom = Math.pow(10, Math.floor(Math.log10(minMicros)));
        double top = Math.pow(10, Math.ceil(Math.log10(maxMicros)));
        styler.setYAxisMin(bottom);
        styler.setYAxisMax(top > bottom ? top : bottom * 10);
        // The default labels 1000 µs and up as 1E3.
        styler.setYAxisDecimalPattern("#,##0.###");
        write(chart, png);
    }

    /**
     * A size with at most two significant digits and a metric suffix: 1000 as {@code 1k},
     * 3162.3 as {@code 3.2k}, 10000000 as {@code 10M}.
     */
    static String sizeLabel(double size) {
        double scaled = new BigDecimal(size).round(new MathContext(2)).doubleValue();
        int suffix = 0;
        while (Math.abs(scaled) >= 1_000 && suffix < SIZE_SUFFIXES.length - 1) {
            scaled /= 1_000;
            suffix++;
        }
        return BigDecimal.valueOf(scaled).round(new MathContext(2)).stripTrailingZeros().toPlainString()
                + SIZE_SUFFIXES[suffix];
    }

    private static void applyCommonStyle(AxesChartStyler styler) {
        styler.setLocale(Locale.ROOT);
        styler.setLegendPosition(LegendPosition.OutsideE);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setLegendBorderColor(Color.LIGHT_GRAY);
        styler.setPlotBorderColor(Color.LIGHT_GRAY);
    }

    /** Colour and marker from the series index; the second round of colours is dashed, then all repeats. */
    private static void style(MarkerSeries series, int index) {
        Color colour = COLOURS[index % COLOURS.length];
        BasicStroke line = (index / COLOURS.length) % 2 == 0 ? SeriesLines.SOLID : SeriesLines.DASH_DASH;
        series.setLineColor(colour);
        series.setLineStyle(line);
        series.setMarkerColor(colour);
        series.setMarker(MARKERS[index % MARKERS.length]);
    }

    private static void write(Chart<?, ?> chart, Path png) {
        try {
            Path parent = png.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            // The stream overload: given a file name, XChart would append ".png" to it.
            try (OutputStream out = Files.newOutputStream(png)) {
                BitmapEncoder.saveBitmap(chart, out, BitmapFormat.PNG);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + png, e);
        }
    }
}
