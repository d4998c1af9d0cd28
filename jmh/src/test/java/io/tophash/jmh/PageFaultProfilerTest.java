package io.tophash.jmh;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The profiler reads this process's fault counts, and touching fresh memory moves the minor count. */
class PageFaultProfilerTest {

    @Test
    @EnabledOnOs(OS.LINUX)
    void touchingFreshPagesCountsMinorFaults() {
        long[] before = PageFaultProfiler.faults();
        assertNotNull(before, "/proc/self/stat read");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fresh = arena.allocate(16 << 20, 4096);
            for (long at = 0; at < fresh.byteSize(); at += 4096) {
                fresh.set(java.lang.foreign.ValueLayout.JAVA_BYTE, at, (byte) 1);
            }
        }
        long[] after = PageFaultProfiler.faults();
        assertTrue(after[0] > before[0], "minor faults " + before[0] + " -> " + after[0]);
        assertTrue(after[1] >= before[1], "major faults never fall");
    }
}
