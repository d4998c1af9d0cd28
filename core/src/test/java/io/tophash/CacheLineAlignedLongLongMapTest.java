package io.tophash;

import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The map contract with the {@code cacheLineAligned} allocator, for every padding. Buckets placed on 64-byte lines. */
@ParameterizedClass(name = "cacheLineAligned, {0}")
@EnumSource(BucketPadding.class)
class CacheLineAlignedLongLongMapTest extends AbstractSingleThreadedContract {

    @Parameter
    BucketPadding padding;

    @Override
    protected Allocator newAllocator() {
        return Allocators.cacheLineAligned();
    }

    @Override
    protected BucketPadding padding() {
        return padding;
    }
}
