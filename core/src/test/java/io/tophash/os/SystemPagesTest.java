package io.tophash.os;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Page-size facts come from the system, and the parsers read what ARM64 kernels would write. */
class SystemPagesTest {

    static boolean linux() {
        return Files.isReadable(Path.of("/proc/self/smaps"));
    }

    @Test
    void basePageSizeAgreesWithTheKernelWhicheverWayItIsAsked() {
        long size = SystemPages.basePageSize();
        assertEquals(1, Long.bitCount(size), "a power of two: " + size);
        assumeTrue(linux());
        assertEquals(size, SystemPages.auxvPageSize(), "AT_PAGESZ from /proc/self/auxv");
        assertEquals(size, NativeMemory.load().pageSize(), "getpagesize()");
    }

    @Test
    void auxvParserFindsSixteenAndSixtyFourKibPages() {
        for (long page : new long[] {4096, 16384, 65536}) {
            ByteBuffer auxv = ByteBuffer.allocate(5 * 16).order(ByteOrder.nativeOrder());
            auxv.putLong(33).putLong(0x7fff_0000L);  // AT_SYSINFO_EHDR
            auxv.putLong(16).putLong(0xbfebfbffL);   // AT_HWCAP
            auxv.putLong(6).putLong(page);           // AT_PAGESZ
            auxv.putLong(17).putLong(100);           // AT_CLKTCK
            auxv.putLong(0).putLong(0);              // AT_NULL
            assertEquals(page, SystemPages.auxvPageSize(auxv.flip()));
        }
        ByteBuffer noPageSize = ByteBuffer.allocate(32).order(ByteOrder.nativeOrder());
        noPageSize.putLong(16).putLong(1).putLong(0).putLong(0);
        assertEquals(0, SystemPages.auxvPageSize(noPageSize.flip()));
    }

    @Test
    void hugePageSizeAndModeComeFromSysfs() throws Exception {
        Path pmd = Path.of("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size");
        assumeTrue(Files.isReadable(pmd), "no transparent huge pages here");
        assertEquals(Long.parseLong(Files.readString(pmd).trim()), SystemPages.hugePageSize());
        String enabled = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
        assertTrue(enabled.contains("[" + SystemPages.transparentHugePageMode() + "]"), enabled);
    }

    @Test
    void smapsHeadersParseAndFieldLinesDoNot() {
        assertArrayEquals(new long[] {0x7f3a_c000_0000L, 0x7f3a_c020_0000L},
                SystemPages.parseMappingHeader("7f3ac0000000-7f3ac0200000 rw-p 00000000 00:00 0 "));
        assertArrayEquals(new long[] {0xffff_8000_0000L, 0xffff_a000_0000L},
                SystemPages.parseMappingHeader("ffff80000000-ffffa0000000 rw-p 00000000 00:00 0"));
        assertNull(SystemPages.parseMappingHeader("AnonHugePages:      2048 kB"));
        assertNull(SystemPages.parseMappingHeader("Size:               2052 kB"));
        assertNull(SystemPages.parseMappingHeader("VmFlags: rd wr mr mw me ac sd hg"));
        assertNull(SystemPages.parseMappingHeader(""));
    }

    @Test
    void residentSetIsReadable() {
        assumeTrue(linux());
        assertTrue(SystemPages.residentBytes() > 1 << 20, "a JVM holds more than 1 MiB resident");
    }
}
