package io.tophash.jmh;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class MachineNoiseTest {

    @Test
    void countsNestedGapsOverTheTimeAsked() {
        MachineNoise.Result result = MachineNoise.measure(0.2);
        assertTrue(result.seconds() >= 0.2 && result.seconds() < 5, "spun for " + result.seconds() + " s");
        long[] above = result.gapsAbove();
        assertTrue(above[0] >= above[1] && above[1] >= above[2], "a gap above 30 us is also above 10 us");
        assertTrue(result.longestNs() > 0 && (above[0] == 0 || result.longestNs() > MachineNoise.THRESHOLDS_NS[0]));
        assertTrue(result.describe().contains("times a second for more than 10 us"), result.describe());
    }
}
