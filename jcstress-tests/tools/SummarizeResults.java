import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns a jcstress HTML report directory into the short text summary committed under
 * {@code results/}: a header (date, CPU, JDK, mode), then for each test its outcome totals over
 * all JVM configurations and the counts of each configuration.
 *
 * <p>Usage (JDK 22+, from the repository root):
 * {@code java jcstress-tests/tools/SummarizeResults.java jcstress-tests/target/jcstress-results default}
 *
 * <p>Reads jcstress 0.16's per-test pages ({@code <test>.html}); the text console output truncates
 * descriptions and prints passed tests only with {@code -v}. Run it on the machine that ran the
 * tests: the CPU line comes from this machine's {@code /proc/cpuinfo}.
 */
public class SummarizeResults {

    private static final Pattern ROW = Pattern.compile("<tr>(.*?)</tr>", Pattern.DOTALL);
    private static final Pattern CELL = Pattern.compile("<t[hd][^>]*>(.*?)</t[hd]>", Pattern.DOTALL);
    private static final Pattern TAG = Pattern.compile("<[^>]+>");

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java SummarizeResults.java <jcstress results dir> <mode>");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        List<Path> pages;
        try (Stream<Path> files = Files.list(dir)) {
            pages = files.filter(p -> p.getFileName().toString().endsWith(".html"))
                    .filter(p -> !p.getFileName().toString().equals("index.html"))
                    .sorted().toList();
        }
        if (pages.isEmpty()) {
            throw new IllegalArgumentException("no test pages in " + dir);
        }
        String first = Files.readString(pages.get(0));
        System.out.println("Date: " + DateTimeFormatter.ISO_LOCAL_DATE.format(
                Files.getLastModifiedTime(dir.resolve("index.html")).toInstant().atOffset(ZoneOffset.UTC)));
        System.out.println("CPU:  " + cpu());
        System.out.println("JDK:  " + environment(first, "java.vm.name") + " " + environment(first, "java.vm.version")
                + " (" + environment(first, "java.vendor") + "), " + environment(first, "os.name") + " "
                + environment(first, "os.version") + " " + environment(first, "os.arch"));
        System.out.println("Mode: " + args[1]);
        for (Path page : pages) {
            System.out.println();
            summarize(page.getFileName().toString().replaceFirst("\\.html$", ""), Files.readString(page));
        }
    }

    private static void summarize(String test, String html) {
        String results = html.substring(html.indexOf("<h3>Results</h3>"));
        results = results.substring(0, results.indexOf("</table>"));
        List<List<String>> rows = new ArrayList<>();
        Matcher row = ROW.matcher(results);
        while (row.find()) {
            List<String> cells = new ArrayList<>();
            Matcher cell = CELL.matcher(row.group(1));
            while (cell.find()) {
                cells.add(TAG.matcher(cell.group(1)).replaceAll("").strip().replaceAll("\\s+", " "));
            }
            rows.add(cells);
        }
        // Rows: column titles; observed states; their expectations; their descriptions; one per configuration.
        List<String> states = rows.get(1).subList(1, rows.get(1).size());
        List<String> expects = rows.get(2).subList(1, rows.get(2).size());
        List<String> descriptions = rows.get(3).subList(1, rows.get(3).size());
        List<List<String>> configs = rows.subList(4, rows.size());
        long[] totals = new long[states.size()];
        boolean passed = true;
        for (List<String> config : configs) {
            passed &= config.get(3).equals("OK");
            for (int i = 0; i < states.size(); i++) {
                totals[i] += Long.parseLong(config.get(4 + i));
            }
        }
        long all = 0;
        for (long t : totals) {
            all += t;
        }
        int width = Math.max("RESULT".length(), states.stream().mapToInt(String::length).max().orElse(0));
        System.out.println(test + ": " + (passed ? "PASSED" : "FAILED") + ", " + String.format(Locale.ROOT, "%,d", all)
                + " samples in " + configs.size() + " JVM configurations");
        System.out.printf(Locale.ROOT, "  %" + width + "s  %13s  %7s  %-11s  %s%n", "RESULT", "SAMPLES", "FREQ", "EXPECT", "DESCRIPTION");
        for (int i = 0; i < states.size(); i++) {
            double percent = 100.0 * totals[i] / all;
            String freq = totals[i] > 0 && percent < 0.01 ? "<0.01%" : String.format(Locale.ROOT, "%.2f%%", percent);
            System.out.printf(Locale.ROOT, "  %" + width + "s  %,13d  %7s  %-11s  %s%n",
                    states.get(i), totals[i], freq, expects.get(i), descriptions.get(i));
        }
        System.out.println("  Per configuration (status; actor compilation; JVM options): samples of each result above, in order");
        for (List<String> config : configs) {
            StringBuilder line = new StringBuilder("    ").append(config.get(3)).append("; ")
                    .append(config.get(0).replaceFirst("^split ", "")).append("; ")
                    .append(config.get(2).isEmpty() ? "-" : config.get(2)).append(":");
            for (int i = 0; i < states.size(); i++) {
                line.append(' ').append(config.get(4 + i));
            }
            System.out.println(line);
        }
    }

    private static String environment(String html, String property) {
        Matcher m = Pattern.compile("<td nowrap>" + Pattern.quote(property) + "</td>\\s*<td nowrap>(.*?)</td>").matcher(html);
        return m.find() ? m.group(1) : "?";
    }

    private static String cpu() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        String model = "unknown CPU";
        if (Files.isReadable(cpuinfo)) {
            for (String line : Files.readAllLines(cpuinfo)) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).strip();
                    break;
                }
            }
        }
        return model + ", " + Runtime.getRuntime().availableProcessors() + " CPUs";
    }
}
