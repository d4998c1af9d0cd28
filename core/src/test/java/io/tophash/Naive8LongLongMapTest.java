package io.tophash;

import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The map contract with the {@code naive(8)} allocator, for every padding. Lines and pages straddled, 8-byte words still aligned. */
@ParameterizedClass(name = "naive(8), {0}")
@EnumSource(BucketPadding.class)
class Naive8LongLongMapTest extends AbstractSingleThreadedContract {

    @Parameter
    BucketPadding padding;

    @Override
    protected Allocator newAllocator() {
        return Allocators.naive(8);
    }

    @Override
    protected BucketPadding padding() {
        return padding;
    }
}
