package io.tophash;

import com.google.common.collect.testing.ConcurrentMapTestSuiteBuilder;
import com.google.common.collect.testing.Helpers;
import com.google.common.collect.testing.MapTestSuiteBuilder;
import com.google.common.collect.testing.SampleElements;
import com.google.common.collect.testing.TestMapGenerator;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import com.google.common.collect.testing.features.MapFeature;
import io.tophash.memory.Allocator;
import io.tophash.memory.Allocators;
import junit.framework.TestCase;
import junit.framework.TestResult;
import junit.framework.TestSuite;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Guava's {@code java.util.Map} conformance suites ({@code com.google.common.collect.testing})
 * against the {@code asMap()} views: {@link MapTestSuiteBuilder} over {@link LongLongMap#asMap()}
 * for every allocator and padding the contract tests use, {@link ConcurrentMapTestSuiteBuilder}
 * over {@link ConcurrentLongLongMap#asMap()} for two of them.
 *
 * <p>Guava's suites are JUnit 3 {@link TestSuite}s; each of their test cases becomes a Jupiter
 * {@link DynamicTest} here (run with a {@link TestResult}, failing with the first failure's or
 * error's throwable), nested as Guava nests its suites (the map, then its derived key set, values
 * and entry set suites). No test is suppressed.
 *
 * <p>Every map the generator builds is closed after the test case that built it, and the test
 * fails if the allocator still holds a byte.
 */
class MapViewGuavaSuitesTest {

    private static final List<String> ALLOCATORS = List.of("cacheLineAligned", "pageAligned", "naive(8)", "naive(3)",
            "hugePages");
    /** Concurrent maps need 8-byte aligned words: every allocator but naive(3). */
    private static final List<String> CONCURRENT_ALLOCATORS = List.of("cacheLineAligned", "naive(8)");
    /**
     * {@code -Dtophash.viewSuites=first} runs the default map's suites only (cacheLineAligned, and
     * CACHE_LINE for the single-threaded view): the emulated aarch64 lane, where 15,000 tests would
     * take a quarter of an hour. Natively every pair runs.
     */
    private static final boolean FIRST_ONLY = "first".equals(System.getProperty("tophash.viewSuites", "all"));

    private static List<String> allocators(List<String> all) {
        return FIRST_ONLY ? all.subList(0, 1) : all;
    }

    private static List<BucketPadding> paddings() {
        return FIRST_ONLY ? List.of(BucketPadding.CACHE_LINE) : List.of(BucketPadding.values());
    }

    static Allocator allocator(String name) {
        return switch (name) {
            case "cacheLineAligned" -> Allocators.cacheLineAligned();
            case "pageAligned" -> Allocators.pageAligned();
            case "naive(8)" -> Allocators.naive(8);
            case "naive(3)" -> Allocators.naive(3);
            case "hugePages" -> Allocators.hugePages();
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** Guava refuses parentheses in suite names (Eclipse hides what follows them). */
    private static String suiteName(String allocatorName) {
        return allocatorName.replace('(', '[').replace(')', ']');
    }

    @TestFactory
    Stream<DynamicNode> longLongMapAsMap() {
        List<DynamicNode> suites = new ArrayList<>();
        for (String allocatorName : allocators(ALLOCATORS)) {
            for (BucketPadding padding : paddings()) {
                // the default missing value 0 on half the variants, Long.MIN_VALUE on the rest: both are sample values
                long missing = padding.ordinal() % 2 == 0 ? 0 : Long.MIN_VALUE;
                Allocator allocator = allocator(allocatorName);
                ViewGenerator generator = new ViewGenerator(missing, opened -> {
                    LongLongMap map = LongLongMap.builder().allocator(allocator).padding(padding)
                            .missingValue(missing).build();
                    opened.add(map);
                    return map.asMap();
                });
                TestSuite suite = MapTestSuiteBuilder.using(generator)
                        .named("LongLongMap.asMap " + suiteName(allocatorName) + " " + padding + " missing=" + missing)
                        .withFeatures(
                                MapFeature.GENERAL_PURPOSE,
                                MapFeature.FAILS_FAST_ON_CONCURRENT_MODIFICATION,
                                CollectionFeature.SUPPORTS_ITERATOR_REMOVE,
                                CollectionSize.ANY)
                        .createTestSuite();
                suites.add(dynamic(suite, generator, allocator));
            }
        }
        return suites.stream();
    }

    @TestFactory
    Stream<DynamicNode> concurrentLongLongMapAsMap() {
        List<DynamicNode> suites = new ArrayList<>();
        for (String allocatorName : allocators(CONCURRENT_ALLOCATORS)) {
            BucketPadding padding = allocatorName.equals("cacheLineAligned") ? BucketPadding.CACHE_LINE
                    : BucketPadding.NONE;
            long missing = allocatorName.equals("cacheLineAligned") ? 0 : Long.MIN_VALUE;
            Allocator allocator = allocator(allocatorName);
            ViewGenerator generator = new ViewGenerator(missing, opened -> {
                ConcurrentLongLongMap map = ConcurrentLongLongMap.builder().allocator(allocator).padding(padding)
                        .missingValue(missing).build();
                opened.add(map);
                return map.asMap();
            });
            TestSuite suite = ConcurrentMapTestSuiteBuilder.using(generator)
                    .named("ConcurrentLongLongMap.asMap " + suiteName(allocatorName) + " " + padding + " missing=" + missing)
                    .withFeatures(
                            MapFeature.GENERAL_PURPOSE,
                            CollectionFeature.SUPPORTS_ITERATOR_REMOVE,
                            CollectionSize.ANY)
                    .createTestSuite();
            suites.add(dynamic(suite, generator, allocator));
        }
        return suites.stream();
    }

    /** Guava's suite tree as Jupiter's: suites become containers, test cases dynamic tests. */
    private static DynamicNode dynamic(junit.framework.Test test, ViewGenerator generator, Allocator allocator) {
        if (test instanceof TestSuite suite) {
            return DynamicContainer.dynamicContainer(suite.getName(),
                    Collections.list(suite.tests()).stream().map(t -> dynamic(t, generator, allocator)));
        }
        TestCase testCase = (TestCase) test;
        return DynamicTest.dynamicTest(testCase.getName(), () -> run(testCase, generator, allocator));
    }

    private static void run(TestCase testCase, ViewGenerator generator, Allocator allocator) throws Throwable {
        TestResult result = new TestResult();
        try {
            testCase.run(result);
        } finally {
            generator.closeOpened();
        }
        if (result.errorCount() > 0) {
            throw result.errors().nextElement().thrownException();
        }
        if (result.failureCount() > 0) {
            throw result.failures().nextElement().thrownException();
        }
        assertEquals(0, allocator.bytesInUse(), "bytes still allocated after every map was closed");
    }

    /**
     * Makes a fresh view per call (over a fresh map, remembered for closing) holding the given
     * entries. The samples include the map's missing value as a stored value (e0's) and the
     * extreme keys.
     */
    static final class ViewGenerator implements TestMapGenerator<Long, Long> {
        private final long missing;
        private final Function<List<AutoCloseable>, Map<Long, Long>> newView;
        private final List<AutoCloseable> opened = new ArrayList<>();

        ViewGenerator(long missing, Function<List<AutoCloseable>, Map<Long, Long>> newView) {
            this.missing = missing;
            this.newView = newView;
        }

        @Override
        public SampleElements<Map.Entry<Long, Long>> samples() {
            return new SampleElements<>(
                    Helpers.mapEntry(0L, missing),
                    Helpers.mapEntry(-1L, 1L),
                    Helpers.mapEntry(Long.MIN_VALUE, Long.MAX_VALUE),
                    Helpers.mapEntry(Long.MAX_VALUE, -7L),
                    Helpers.mapEntry(42L, 1000L));
        }

        @Override
        public Map<Long, Long> create(Object... entries) {
            Map<Long, Long> view = newView.apply(opened);
            for (Object o : entries) {
                @SuppressWarnings("unchecked")
                Map.Entry<Long, Long> e = (Map.Entry<Long, Long>) o;
                view.put(e.getKey(), e.getValue());
            }
            return view;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Map.Entry<Long, Long>[] createArray(int length) {
            return (Map.Entry<Long, Long>[]) new Map.Entry<?, ?>[length];
        }

        @Override
        public Iterable<Map.Entry<Long, Long>> order(List<Map.Entry<Long, Long>> insertionOrder) {
            return insertionOrder; // unused: the views declare no KNOWN_ORDER
        }

        @Override
        public Long[] createKeyArray(int length) {
            return new Long[length];
        }

        @Override
        public Long[] createValueArray(int length) {
            return new Long[length];
        }

        /** Closes every map made since the last call. */
        void closeOpened() throws Exception {
            for (AutoCloseable map : opened) {
                map.close();
            }
            opened.clear();
        }
    }
}
