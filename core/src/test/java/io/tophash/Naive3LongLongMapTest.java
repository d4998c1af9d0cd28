package io.tophash;

import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The map contract with the {@code naive(3)} allocator, for every padding. The pathological case: every 8-byte word misaligned. */
@ParameterizedClass(name = "naive(3), {0}")
@EnumSource(BucketPadding.class)
class Naive3LongLongMapTest extends AbstractSingleThreadedContract {

    @Parameter
    BucketPadding padding;

    @Override
    protected Allocator newAllocator() {
        return Allocators.naive(3);
    }

    @Override
    protected BucketPadding padding() {
        return padding;
    }
}
