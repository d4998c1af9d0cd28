package io.tophash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

/**
 * Reports the platform the test JVM runs on, and proves that a lane ran where it says it did.
 *
 * <p>The {@code aarch64} Maven profile (the emulated ARM64 lane, see {@code docs/aarch64-lane.md})
 * sets the system property {@code tophash.expectArch} to {@code aarch64}; this test then fails
 * unless the forked test JVM really reports {@code os.arch=aarch64}. Without the property it only
 * reports, and checks that {@code os.arch} is set at all.
 */
class PlatformReportTest {

    static final String EXPECT_ARCH = "tophash.expectArch";

    @Test
    void reportsAndChecksThePlatform() {
        String arch = System.getProperty("os.arch");
        System.out.printf(
                "tophash platform: os.arch=%s os.name=%s java.vm.name=%s java.version=%s"
                        + " java.vm.version=%s java.vendor=%s byteOrder=%s processors=%d%n",
                arch,
                System.getProperty("os.name"),
                System.getProperty("java.vm.name"),
                System.getProperty("java.version"),
                System.getProperty("java.vm.version"),
                System.getProperty("java.vendor"),
                ByteOrder.nativeOrder(),
                Runtime.getRuntime().availableProcessors());

        assertNotNull(arch, "os.arch is not set");
        assertFalse(arch.isBlank(), "os.arch is empty");

        String expected = System.getProperty(EXPECT_ARCH);
        if (expected != null && !expected.isBlank()) {
            assertEquals(expected.strip(), arch,
                    "this run expects a JVM on " + expected + " (-D" + EXPECT_ARCH + "), but os.arch is " + arch);
        }
    }
}
