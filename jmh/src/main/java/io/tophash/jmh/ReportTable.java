package io.tophash.jmh;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Renders benchmark results as a Markdown table: a row per implementation, a column per
 * benchmark x size, each cell the time per op and its ratio to the baseline implementation
 * measured in the same column, then the tophash footprint and the worst allocation per op.
 * Rows and columns keep the order in which the measurements list them.
 */
final class ReportTable {

    /**
     * One benchmark score.
     *
     * @param allocBytesPerOp {@code gc.alloc.rate.norm}, or NaN when run without {@code -prof gc}
     */
    record Measurement(String impl, String benchmark, long size, double nsPerOp, double allocBytesPerOp) {
    }

    private record Column(String benchmark, long size) {
        String title() {
            return benchmark + " " + compactSize(size);
        }
    }

    private static final String ABSENT = "-";

    private ReportTable() {
    }

    /**
     * @param baseline      the implementation every cell is divided by; a column it is missing
     *                      from shows times alone
     * @param bytesPerEntry footprint by implementation, measured at {@code footprintSize}
     *                      entries; implementations without one show {@value #ABSENT}
     */
    static String markdown(List<Measurement> measurements, String baseline,
                           Map<String, Double> bytesPerEntry, long footprintSize) {
        Set<Column> columns = new LinkedHashSet<>();
        Map<String, Map<Column, Measurement>> byImpl = new LinkedHashMap<>();
        for (Measurement m : measurements) {
            Column column = new Column(m.benchmark(), m.size());
            columns.add(column);
            byImpl.computeIfAbsent(m.impl(), k -> new HashMap<>()).put(column, m);
        }
        Map<Column, Measurement> baselineRow = byImpl.getOrDefault(baseline, Map.of());

        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>();
        header.add("impl");
        columns.forEach(c -> header.add(c.title()));
        header.add("B/entry " + compactSize(footprintSize));
        header.add("alloc B/op (max)");
        rows.add(header);
        for (Map.Entry<String, Map<Column, Measurement>> entry : byImpl.entrySet()) {
            String impl = entry.getKey();
            Map<Column, Measurement> row = entry.getValue();
            List<String> cells = new ArrayList<>();
            cells.add(impl);
            for (Column column : columns) {
                cells.add(cell(row.get(column), baselineRow.get(column)));
            }
            Double footprint = bytesPerEntry.get(impl);
            cells.add(footprint == null ? ABSENT : format("%.1f", footprint));
            OptionalDouble alloc = row.values().stream()
                    .mapToDouble(Measurement::allocBytesPerOp).filter(a -> !Double.isNaN(a)).max();
            cells.add(alloc.isPresent() ? format("%.1f", alloc.getAsDouble()) : ABSENT);
            rows.add(cells);
        }
        return render(rows);
    }

    private static String cell(Measurement m, Measurement baseline) {
        if (m == null) {
            return ABSENT;
        }
        String time = format("%.1f", m.nsPerOp());
        return baseline == null ? time : time + format(" (%.2fx)", m.nsPerOp() / baseline.nsPerOp());
    }

    /** Pads every column to its widest cell, so the table reads as well in a terminal as rendered. */
    private static String render(List<List<String>> rows) {
        int[] widths = new int[rows.getFirst().size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            appendLine(out, rows.get(r), widths);
            if (r == 0) {
                List<String> rule = new ArrayList<>();
                for (int i = 0; i < widths.length; i++) {
                    rule.add(i == 0 ? "-".repeat(widths[i]) : "-".repeat(widths[i] - 1) + ":");
                }
                appendLine(out, rule, widths);
            }
        }
        return out.toString();
    }

    private static void appendLine(StringBuilder out, List<String> cells, int[] widths) {
        out.append('|');
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            // Names left, numbers right, as a reader compares them.
            String padding = " ".repeat(widths[i] - cell.length());
            out.append(' ').append(i == 0 ? cell + padding : padding + cell).append(" |");
        }
        out.append('\n');
    }

    /** 10000 as {@code 10k}, 10000000 as {@code 10M}. */
    static String compactSize(long size) {
        if (size >= 1_000_000 && size % 1_000_000 == 0) {
            return size / 1_000_000 + "M";
        }
        if (size >= 1_000 && size % 1_000 == 0) {
            return size / 1_000 + "k";
        }
        return Long.toString(size);
    }

    private static String format(String pattern, double value) {
        return String.format(Locale.ROOT, pattern, value);
    }
}
