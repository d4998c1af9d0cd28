package io.tophash;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad arguments get an exception that names them. */
class BuilderValidationTest {

    static void assertNames(Exception e, String argument) {
        assertTrue(e.getMessage() != null && e.getMessage().contains(argument),
                () -> "message should name " + argument + ": " + e.getMessage());
    }

    @Test
    void negativeExpectedSize() {
        assertNames(assertThrows(IllegalArgumentException.class, () -> LongLongMap.builder().expectedSize(-1)),
                "expectedSize");
    }

    @Test
    void absurdExpectedSize() {
        assertNames(assertThrows(IllegalArgumentException.class,
                () -> LongLongMap.builder().expectedSize(Long.MAX_VALUE)), "expectedSize");
    }

    @Test
    void nullAllocatorAndPadding() {
        assertNames(assertThrows(NullPointerException.class, () -> LongLongMap.builder().allocator(null)), "allocator");
        assertNames(assertThrows(NullPointerException.class, () -> LongLongMap.builder().padding(null)), "padding");
    }

    @Test
    void chunkBytesOutOfRange() {
        assertNames(assertThrows(IllegalArgumentException.class, () -> LongLongMap.builder().chunkBytes(100)),
                "chunkBytes");
    }

    @Test
    void nullForEachAction() {
        try (LongLongMap map = LongLongMap.builder().build()) {
            assertNames(assertThrows(NullPointerException.class, () -> map.forEach(null)), "action");
        }
    }

    @Test
    void hugeButLegalExpectedSizeFailsCleanlyWhenMemoryIsShort() {
        CountingAllocator allocator = new CountingAllocator();
        allocator.refusing = true;
        assertThrows(OutOfMemoryError.class,
                () -> LongLongMap.builder().allocator(allocator).expectedSize(LongLongMap.MAX_EXPECTED_SIZE).build());
        assertTrue(allocator.bytesInUse() == 0);
    }
}
