package io.tophash;

import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

/**
 * The single-threaded map's contract, run against {@link ConcurrentLongLongMap} for every
 * allocator that gives 8-byte aligned words (naive(3) cannot: {@link ConcurrentLongLongMapTest}
 * checks it is refused) and every padding.
 */
@ParameterizedClass(name = "{0}, {1}")
@MethodSource("variants")
class ConcurrentLongLongMapContractTest extends AbstractLongLongMapContract {

    @Parameter(0)
    String allocatorName;

    @Parameter(1)
    BucketPadding padding;

    static List<Arguments> variants() {
        List<Arguments> variants = new ArrayList<>();
        for (String name : List.of("cacheLineAligned", "pageAligned", "naive(8)", "hugePages")) {
            for (BucketPadding padding : BucketPadding.values()) {
                variants.add(Arguments.of(name, padding));
            }
        }
        return variants;
    }

    @Override
    protected Allocator newAllocator() {
        return switch (allocatorName) {
            case "cacheLineAligned" -> Allocators.cacheLineAligned();
            case "pageAligned" -> Allocators.pageAligned();
            case "naive(8)" -> Allocators.naive(8);
            case "hugePages" -> Allocators.hugePages();
            default -> throw new IllegalArgumentException(allocatorName);
        };
    }

    @Override
    protected BucketPadding padding() {
        return padding;
    }

    @Override
    protected ContractMap.Builder builderFor(Allocator allocator, BucketPadding padding) {
        return ContractMap.concurrent(allocator, padding);
    }
}
