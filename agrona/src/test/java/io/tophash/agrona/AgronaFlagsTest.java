package io.tophash.agrona;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * This module's tests run with exactly the flags the README gives for it (surefire's argLine is
 * the pom's agrona.jvmFlags), from the module path. That a child JVM with these flags prints no
 * warning, and fails or warns without each, is checked by the examples module's ExamplesRunTest.
 */
class AgronaFlagsTest {

    @Test
    void testsRunWithTheReadmeFlagsOnTheModulePath() {
        List<String> expected = Arrays.asList(System.getProperty("tophash.agrona.jvmFlags").trim().split("\\s+"));
        List<String> actual = Arrays.asList(ProcessHandle.current().info().arguments().orElseThrow());
        assertTrue(actual.containsAll(expected), "JVM flags " + actual + " lack " + expected);
        assertEquals("io.tophash.agrona", AgronaBytesMap.class.getModule().getName());
        assertEquals("org.agrona", UnsafeBuffer.class.getModule().getName());
    }

    @Test
    void unsafeBufferWorksWithThoseFlags() {
        UnsafeBuffer b = new UnsafeBuffer(new byte[16]);
        b.putLong(8, 42);
        assertEquals(42, b.getLong(8));
    }
}
