package io.tophash.jmh;

import io.tophash.memory.Allocators;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The facts every result is recorded with: CPU model, cores, cache sizes, page and huge-page
 * sizes, the kernel's transparent-huge-page mode, the JDK. Read from {@code /proc} and
 * {@code /sys} on Linux; elsewhere what the JVM knows.
 */
final class MachineFacts {

    private MachineFacts() {
    }

    /** The CPU's "model name" from /proc/cpuinfo; ARM64 kernels often print none, so then the architecture. */
    static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            Optional<String> model = lines
                    .filter(line -> line.startsWith("model name") || line.startsWith("Model"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst();
            if (model.isPresent()) {
                return model.get() + " (" + System.getProperty("os.arch") + ")";
            }
        } catch (IOException notLinux) {
            // fall through to the architecture
        }
        return System.getProperty("os.arch");
    }

    /** "L1d 32K, L2 512K, L3 32768K" from cpu0's cache entries in sysfs, or "unknown". */
    static String caches() {
        Path dir = Path.of("/sys/devices/system/cpu/cpu0/cache");
        List<String> caches = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Path index = dir.resolve("index" + i);
            if (!Files.isDirectory(index)) {
                break;
            }
            try {
                String level = Files.readString(index.resolve("level")).trim();
                String type = Files.readString(index.resolve("type")).trim();
                String size = Files.readString(index.resolve("size")).trim();
                String suffix = switch (type) {
                    case "Data" -> "d";
                    case "Instruction" -> "i";
                    default -> "";
                };
                caches.add("L" + level + suffix + " " + size);
            } catch (IOException e) {
                break;
            }
        }
        return caches.isEmpty() ? "unknown" : String.join(", ", caches);
    }

    /** Markdown bullet lines naming the machine and JDK of this process. */
    static String markdown() {
        long huge = Allocators.systemHugePageSize();
        return "- CPU: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores\n"
                + "- Caches (cpu0): " + caches() + "\n"
                + "- Pages: base " + Allocators.systemPageSize() + " B, transparent huge pages "
                + (huge == 0 ? "none" : (huge >> 10) + " KiB") + ", THP mode " + Allocators.transparentHugePageMode()
                + "\n"
                + "- OS: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + "\n"
                + "- JDK: " + System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vm.name") + ")\n";
    }
}
