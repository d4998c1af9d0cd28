package io.tophash.examples;

import io.tophash.LongLongMap;
import io.tophash.agrona.AgronaBytesMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs each example in a child JVM from the module path ({@code -m io.tophash.examples/...}), with
 * exactly the flags the README gives, and fails on a nonzero exit or any JDK warning; then shows
 * each Agrona flag is needed by leaving it out.
 */
class ExamplesRunTest {

    /** The README's flag for the core maps. */
    static final List<String> CORE_FLAGS = List.of("--enable-native-access=io.tophash");
    /** The README's flags for tophash-agrona on the module path (the parent pom's agrona.jvmFlags). */
    static final List<String> AGRONA_FLAGS = List.of(System.getProperty("tophash.agrona.jvmFlags",
            "--add-exports=java.base/jdk.internal.misc=org.agrona --enable-native-access=io.tophash,io.tophash.agrona").trim().split("\\s+"));

    record Run(int exit, String out, String err) {
    }

    @Test
    void readmeExamplesRunAsANamedModuleWithoutWarnings() throws Exception {
        Run run = run(CORE_FLAGS, ReadmeExamples.class);
        assertEquals(0, run.exit, run.toString());
        assertFalse(run.err.contains("WARNING"), "JDK warning:\n" + run.err);
        assertTrue(run.err.isBlank(), "stderr:\n" + run.err);
        assertTrue(run.out.contains("modules: io.tophash.examples uses io.tophash"), run.out);
        assertTrue(run.out.contains("readme examples: ok"), run.out);
    }

    @Test
    void agronaExampleRunsWithTheReadmeFlagsWithoutWarnings() throws Exception {
        Run run = run(AGRONA_FLAGS, AgronaExample.class);
        assertEquals(0, run.exit, run.toString());
        assertFalse(run.err.contains("WARNING"), "JDK warning:\n" + run.err);
        assertTrue(run.err.isBlank(), "stderr:\n" + run.err);
        assertTrue(run.out.contains("agrona example: ok"), run.out);
    }

    @Test
    void withoutTheExportAgronasUnsafeBufferFails() throws Exception {
        Run run = run(List.of("--enable-native-access=io.tophash,io.tophash.agrona"), AgronaExample.class);
        assertNotEquals(0, run.exit, run.toString());
        assertTrue(run.err.contains("IllegalAccessError") && run.err.contains("jdk.internal.misc"), run.err);
    }

    @Test
    void withoutNativeAccessForTheAgronaModuleAnAddressKeyWarns() throws Exception {
        Run run = run(List.of("--add-exports=java.base/jdk.internal.misc=org.agrona", "--enable-native-access=io.tophash"),
                AgronaExample.class);
        assertEquals(0, run.exit, run.toString()); // JDK 25 warns (--illegal-native-access=warn), it does not deny
        assertTrue(run.err.contains("WARNING: A restricted method") && run.err.contains("io.tophash.agrona"), run.err);
    }

    @Test
    void theExamplesAreTheReadmesText() throws IOException {
        // the README shows the device registry; docs/usage.md shows every example
        String docs = Files.readString(Path.of("..", "README.md")) + Files.readString(Path.of("..", "docs", "usage.md"));
        Map<String, Path> markers = Map.of(
                "README-EXAMPLE", Path.of("src/main/java/io/tophash/examples/ReadmeExamples.java"),
                "README-BYTES-EXAMPLE", Path.of("src/main/java/io/tophash/examples/ReadmeExamples.java"),
                "README-CONCURRENT-EXAMPLE", Path.of("src/main/java/io/tophash/examples/ReadmeExamples.java"),
                "README-AGRONA-EXAMPLE", Path.of("src/main/java/io/tophash/examples/AgronaExample.java"));
        for (Map.Entry<String, Path> marker : markers.entrySet()) {
            String source = Files.readString(marker.getValue());
            String begin = "// " + marker.getKey() + "-BEGIN\n";
            String example = source.substring(source.indexOf(begin) + begin.length(),
                            source.indexOf("    // " + marker.getKey() + "-END"))
                    .lines().map(line -> line.startsWith("    ") ? line.substring(4) : line)
                    .collect(Collectors.joining("\n", "", "\n"));
            assertTrue(docs.contains(example), "README.md and docs/usage.md no longer show " + marker.getKey()
                    + " as the examples module runs it:\n" + example);
        }
    }

    /** Runs {@code main} of {@code example} in its module, from a module path of the jars and classes it needs. */
    private static Run run(List<String> flags, Class<?> example) throws IOException, InterruptedException, URISyntaxException {
        String modulePath = Stream.of(ReadmeExamples.class, LongLongMap.class, AgronaBytesMap.class, UnsafeBuffer.class)
                .map(ExamplesRunTest::locationOf).distinct().collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("tophash.examples.java", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(flags);
        command.addAll(List.of("--module-path", modulePath, "-m", "io.tophash.examples/" + example.getName()));
        System.out.println("ExamplesRunTest: " + String.join(" ", command));
        Path out = Files.createTempFile("example", ".out");
        Path err = Files.createTempFile("example", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("example did not end in 120 s: " + command);
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String locationOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
