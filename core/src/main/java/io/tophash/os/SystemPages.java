package io.tophash.os;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Page-size facts, asked of the running system rather than assumed.
 *
 * <ul>
 *   <li>Base page size: {@code getpagesize()} when this module has native access; otherwise, on
 *   Linux, the {@code AT_PAGESZ} entry the kernel puts in {@code /proc/self/auxv} (no native call
 *   needed); otherwise the system property {@value #PAGE_SIZE_PROPERTY}, else 4096. ARM64 kernels
 *   built with 16 KiB or 64 KiB pages report those.</li>
 *   <li>Huge-page size: {@code /sys/kernel/mm/transparent_hugepage/hpage_pmd_size} (2 MiB on
 *   x86-64 and 4 KiB-page ARM64, 32 MiB with 16 KiB pages, 512 MiB with 64 KiB pages); 0 when
 *   the kernel has no transparent huge pages.</li>
 *   <li>Transparent-huge-page mode: the bracketed word of
 *   {@code /sys/kernel/mm/transparent_hugepage/enabled}.</li>
 *   <li>Read-back: how many bytes of given address ranges the kernel actually backs with huge
 *   pages ({@code AnonHugePages} in {@code /proc/self/smaps}), and the process's resident set.</li>
 * </ul>
 * Values that cannot change while the process runs are computed once. Thread-safe.
 */
public final class SystemPages {

    /** System property naming the base page size where the system cannot be asked. */
    public static final String PAGE_SIZE_PROPERTY = "io.tophash.pageSize";
    /** The base page size assumed where nothing better is known. */
    public static final long FALLBACK_PAGE_SIZE = 4096;

    private static final Path THP = Path.of("/sys/kernel/mm/transparent_hugepage");
    private static final Path SMAPS = Path.of("/proc/self/smaps");
    private static final long AT_PAGESZ = 6;

    private static volatile long basePageSize;

    private SystemPages() {
    }

    /** The base page size; see the class comment for where it comes from. */
    public static long basePageSize() {
        long size = basePageSize;
        if (size == 0) {
            size = askBasePageSize();
            basePageSize = size;
        }
        return size;
    }

    private static long askBasePageSize() {
        if (SystemPages.class.getModule().isNativeAccessEnabled()) {
            try {
                long size = NativeMemory.load().pageSize();
                if (isPowerOfTwo(size)) {
                    return size;
                }
            } catch (RuntimeException ignored) {
                // not Linux x86-64/ARM64: ask the files below
            }
        }
        long fromAuxv = auxvPageSize();
        if (fromAuxv > 0) {
            return fromAuxv;
        }
        String configured = System.getProperty(PAGE_SIZE_PROPERTY);
        if (configured != null) {
            try {
                long size = Long.parseLong(configured.trim());
                if (isPowerOfTwo(size) && size >= 1024) {
                    return size;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the error below
            }
            throw new IllegalArgumentException(PAGE_SIZE_PROPERTY + " must be a power of two >= 1024, got '"
                    + configured + "'");
        }
        return FALLBACK_PAGE_SIZE;
    }

    /** {@code AT_PAGESZ} from {@code /proc/self/auxv}, or 0 if unreadable. */
    static long auxvPageSize() {
        try {
            return auxvPageSize(ByteBuffer.wrap(Files.readAllBytes(Path.of("/proc/self/auxv"))));
        } catch (IOException | RuntimeException e) {
            return 0; // not Linux, or /proc not mounted
        }
    }

    /** {@code AT_PAGESZ} from an auxiliary vector of native-order 64-bit (type, value) pairs, or 0. */
    static long auxvPageSize(ByteBuffer auxv) {
        auxv.order(ByteOrder.nativeOrder());
        while (auxv.remaining() >= 16) {
            long type = auxv.getLong();
            long value = auxv.getLong();
            if (type == AT_PAGESZ) {
                return isPowerOfTwo(value) ? value : 0;
            }
            if (type == 0) {
                break;
            }
        }
        return 0;
    }

    /** The PMD-level transparent huge-page size, or 0 if the kernel offers none. */
    public static long hugePageSize() {
        try {
            long size = Long.parseLong(Files.readString(THP.resolve("hpage_pmd_size")).trim());
            return isPowerOfTwo(size) ? size : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * The transparent-huge-page mode: {@code always}, {@code madvise} or {@code never}, or
     * {@code unsupported} when the kernel (or the OS) has no such setting.
     */
    public static String transparentHugePageMode() {
        try {
            String line = Files.readString(THP.resolve("enabled"));
            int open = line.indexOf('[');
            int close = line.indexOf(']', open + 1);
            return open >= 0 && close > open ? line.substring(open + 1, close) : "unsupported";
        } catch (IOException | RuntimeException e) {
            return "unsupported";
        }
    }

    /**
     * Bytes backed by transparent huge pages in the mappings that overlap any of the ranges
     * {@code [starts[i], starts[i] + lengths[i])}, summed once per mapping from the
     * {@code AnonHugePages} lines of {@code /proc/self/smaps}. A mapping shared with other memory
     * (the C heap, say) counts whole, so the figure is exact for allocators that map each chunk
     * themselves and an upper bound for the others.
     *
     * @return the bytes, or -1 if {@code /proc/self/smaps} cannot be read (not Linux)
     */
    public static long hugePageBytes(long[] starts, long[] lengths) {
        return sumSmapsField("AnonHugePages:", starts, lengths);
    }

    /**
     * Resident bytes ({@code Rss}) of the mappings that overlap any of the ranges, summed once per
     * mapping as {@link #hugePageBytes} does; -1 if {@code /proc/self/smaps} cannot be read.
     */
    public static long residentBytes(long[] starts, long[] lengths) {
        return sumSmapsField("Rss:", starts, lengths);
    }

    private static long sumSmapsField(String field, long[] starts, long[] lengths) {
        int n = starts.length;
        long[][] ranges = new long[n][];
        for (int i = 0; i < n; i++) {
            ranges[i] = new long[] {starts[i], starts[i] + lengths[i]};
        }
        Arrays.sort(ranges, (a, b) -> Long.compareUnsigned(a[0], b[0]));
        long total = 0;
        boolean counting = false;
        try (var lines = Files.lines(SMAPS)) {
            var it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                long[] mapping = parseMappingHeader(line);
                if (mapping != null) {
                    counting = overlapsAny(ranges, mapping[0], mapping[1]);
                } else if (counting && line.startsWith(field)) {
                    total += kilobytes(line) * 1024;
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
        return total;
    }

    /** Resident set size of this process ({@code VmRSS} in {@code /proc/self/status}), or -1. */
    public static long residentBytes() {
        try (var lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("VmRSS:")).findFirst()
                    .map(l -> kilobytes(l) * 1024).orElse(-1L);
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /** {@code [start, end)} of a smaps header line {@code "7f..-7f.. rw-p ..."}, or null for a field line. */
    static long[] parseMappingHeader(String line) {
        // field lines start with a capitalised name ("Size:", "AnonHugePages:"), headers with lower-case hex
        if (line.isEmpty() || Character.isUpperCase(line.charAt(0)) || Character.digit(line.charAt(0), 16) < 0) {
            return null;
        }
        int dash = line.indexOf('-');
        int space = line.indexOf(' ');
        if (dash <= 0 || space <= dash) {
            return null;
        }
        try {
            return new long[] {Long.parseUnsignedLong(line, 0, dash, 16),
                    Long.parseUnsignedLong(line, dash + 1, space, 16)};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean overlapsAny(long[][] sortedRanges, long start, long end) {
        // ranges are few (chunks of one map) and sorted: stop at the first range starting past the end
        for (long[] r : sortedRanges) {
            if (Long.compareUnsigned(r[0], end) >= 0) {
                return false;
            }
            if (Long.compareUnsigned(r[1], start) > 0) {
                return true;
            }
        }
        return false;
    }

    private static long kilobytes(String line) {
        String digits = line.replaceAll("[^0-9]", "");
        return digits.isEmpty() ? 0 : Long.parseLong(digits);
    }

    private static boolean isPowerOfTwo(long value) {
        return value > 0 && Long.bitCount(value) == 1;
    }
}
