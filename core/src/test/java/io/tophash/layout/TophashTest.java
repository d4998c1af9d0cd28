package io.tophash.layout;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SWAR matches agree with a byte-by-byte reading of the tophash word. */
class TophashTest {

    @Property
    void matchFindsEveryEqualByteAndFalseMatchesOnlyAboveARealOne(@ForAll long word,
                                                                    @ForAll @IntRange(min = 5, max = 255) int tag) {
        long m = Tophash.match(word, tag);
        boolean seenReal = false;
        for (int i = 0; i < 8; i++) {
            int b = (int) (word >>> (i * 8) & 0xFF);
            boolean reported = (m >>> (i * 8 + 7) & 1) != 0;
            if (b == tag) {
                assertTrue(reported, "byte " + i + " equal to the tag must be reported");
                seenReal = true;
            } else if (reported) {
                assertTrue(seenReal, "false match in byte " + i + " with no real match below it");
            }
        }
    }

    @Property
    void matchEmptyIsExact(@ForAll long word) {
        long m = Tophash.matchEmpty(word);
        for (int i = 0; i < 8; i++) {
            int b = (int) (word >>> (i * 8) & 0xFF);
            assertEquals(b <= Tophash.EMPTY_ONE, (m >>> (i * 8 + 7) & 1) != 0, "byte " + i);
        }
    }

    @Property
    void matchEmptyRestTellsWhetherAZeroByteExists(@ForAll long word) {
        boolean anyZero = false;
        for (int i = 0; i < 8; i++) {
            anyZero |= (word >>> (i * 8) & 0xFF) == 0;
        }
        assertEquals(anyZero, Tophash.matchEmptyRest(word) != 0);
    }

    @Property
    void tophashNeverCollidesWithReservedStates(@ForAll long hash) {
        int top = Tophash.tophash(hash);
        assertTrue(top >= Tophash.MIN_TOPHASH && top <= 255);
    }

    @Test
    void evacuatedWordIsNoLiveWord() {
        assertEquals(0x0202020202020202L, Tophash.EVACUATED_WORD);
        assertEquals(0, Tophash.match(Tophash.EVACUATED_WORD, Tophash.MIN_TOPHASH));
    }

}
