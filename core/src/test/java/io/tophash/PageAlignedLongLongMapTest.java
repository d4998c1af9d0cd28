package io.tophash;

import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The map contract with the {@code pageAligned} allocator, for every padding. Buckets placed on 4 KiB pages. */
@ParameterizedClass(name = "pageAligned, {0}")
@EnumSource(BucketPadding.class)
class PageAlignedLongLongMapTest extends AbstractSingleThreadedContract {

    @Parameter
    BucketPadding padding;

    @Override
    protected Allocator newAllocator() {
        return Allocators.pageAligned();
    }

    @Override
    protected BucketPadding padding() {
        return padding;
    }
}
