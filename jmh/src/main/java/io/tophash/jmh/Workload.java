package io.tophash.jmh;

import java.util.SplittableRandom;

/** The keys, sizes and JVM every benchmark shares. */
final class Workload {

    /** The full profile's smaller maps: tens of KB (within a core's own caches), and a few MB. */
    static final String THOUSAND = "1000";
    static final String HUNDRED_THOUSAND = "100000";
    /** A map that stays in cache (hundreds of KB), and one far larger than any last-level cache. */
    static final String SMALL = "10000";
    /** A map larger than this VM's last-level cache but within reach of a 2 MiB-page TLB. */
    static final String MEDIUM = "1000000";
    static final String LARGE = "10000000";

    /**
     * HashMap&lt;Long, Long&gt; at 10M entries holds about 0.9 GB (a 32-byte node and two 24-byte
     * boxes per entry, a 64 MB table) next to two 80 MB key arrays; 2 GB gives G1 about twice the
     * live data (1 GB cannot hold it), and every GB pre-touched costs each fork about half a
     * second. Pre-touching keeps first-touch page faults of the heap out of the timed iterations;
     * tophash's native memory is allocated and zeroed by the map itself, in the untimed setup.
     */
    static final String PRE_TOUCH = "-XX:+AlwaysPreTouch";
    static final String HEAP_MIN = "-Xms2g";
    static final String HEAP_MAX = "-Xmx2g";
    /**
     * Growing maps hold the old and the new table at once, and {@link GrowthBenchmark} keeps an
     * 80 MB array of latencies next to the keys: HashMap at 10M needs more than 2 GB.
     */
    static final String GROWTH_HEAP_MIN = "-Xms4g";
    static final String GROWTH_HEAP_MAX = "-Xmx4g";
    /** On-heap peers on transparent huge pages (THP mode madvise or always): separates page size from layout. */
    /**
     * Heap of the session-cache forks: a million values of up to 1 KiB (about 0.5 GB uniform) held
     * by the heap maps, with room for the collector.
     */
    static final String SESSION_HEAP_MIN = "-Xms3g";
    static final String SESSION_HEAP_MAX = "-Xmx3g";
    static final String THP_HEAP = "-XX:+UseTransparentHugePages";

    /*
     * Chronicle Map (2026.1) on JDK 25. The first three are the least set with which a 1M-entry
     * in-memory map is created, filled, read and closed: each was found needed by dropping it
     * alone, and the failure it then gives is quoted. Every fork of every benchmark gets them
     * (@Fork's jvmArgsAppend takes no array constant, hence the names one by one): they open
     * JDK internals to reflection and change no code path or JIT decision of the other maps.
     */

    /**
     * chronicle-values generates its value classes as Java source and compiles them at run time
     * with the JDK's javac, through a file manager that calls {@code JavacFileManager} by
     * reflection. Without it: {@code InaccessibleObjectException: Unable to make public
     * java.lang.Iterable com.sun.tools.javac.file.JavacFileManager.listLocationsForModules(...)
     * accessible: module jdk.compiler does not "exports com.sun.tools.javac.file" to unnamed
     * module}. A runtime without the jdk.compiler module (a JRE, a jlink image) cannot run it.
     */
    static final String CHRONICLE_EXPORT_JAVAC_FILE = "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED";

    /**
     * Its run-time compiler defines the compiled classes with the protected
     * {@code ClassLoader.defineClass}, made accessible by reflection. Without it:
     * {@code ExceptionInInitializerError} in {@code net.openhft.compiler.CompilerUtils}, caused by
     * {@code InaccessibleObjectException: Unable to make protected final java.lang.Class
     * java.lang.ClassLoader.defineClass(...) accessible: module java.base does not "opens
     * java.lang" to unnamed module}.
     */
    static final String CHRONICLE_OPEN_LANG = "--add-opens=java.base/java.lang=ALL-UNNAMED";

    /**
     * chronicle-core makes fields accessible through a method handle on the private
     * {@code AccessibleObject.setAccessible0}, even fields of Chronicle's own classes. Without it
     * that quietly does nothing and map creation fails with {@code AssertionError:
     * IllegalAccessException: class net.openhft.chronicle.core.Jvm cannot access a member of
     * class net.openhft.chronicle.map.ChronicleMapBuilder with modifiers "private"}.
     */
    static final String CHRONICLE_OPEN_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";

    /**
     * Not needed on JDK 25: jffi, which Chronicle's posix module loads, calls the restricted
     * {@code System.load}, which JDK 25 allows with a warning and a later JDK will refuse. This
     * flag allows it and silences the warning.
     */
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    /**
     * Not needed while the build leaves out chronicle-analytics (the parent pom excludes it):
     * with that jar on the class path, Chronicle sends usage events to Google Analytics unless
     * this property is set.
     */
    static final String CHRONICLE_NO_ANALYTICS = "-Dchronicle.analytics.disable=true";

    /**
     * A Chronicle Map persisted to a file also reads the file descriptor from {@code FileChannelImpl}
     * and maps and unmaps through JDK internals. Without these: {@code IllegalAccessError: class
     * net.openhft.chronicle.core.OS$FDFieldHolder cannot access class sun.nio.ch.FileChannelImpl
     * (in module java.base) because module java.base does not export sun.nio.ch to unnamed module}.
     */
    static final String CHRONICLE_FILES_EXPORT = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    static final String CHRONICLE_FILES_OPEN = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";
    static final String CHRONICLE_NIO_OPEN = "--add-opens=java.base/java.nio=ALL-UNNAMED";
    static final String CHRONICLE_REF_EXPORT = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";

    /** Everything Chronicle Map needs in its JVM, in one array for an OptionsBuilder or a test. */
    static final String[] CHRONICLE_FLAGS = {CHRONICLE_EXPORT_JAVAC_FILE, CHRONICLE_OPEN_LANG,
            CHRONICLE_OPEN_REFLECT, NATIVE_ACCESS, CHRONICLE_NO_ANALYTICS};

    private static final long KEY_SEED = 0x7A5E_11AB_2024_0001L;

    private Workload() {
    }

    /** The keys the maps are filled with: the first {@code size} values of a fixed-seed stream. */
    static long[] presentKeys(int size) {
        return draw(new SplittableRandom(KEY_SEED), size);
    }

    /**
     * {@code count} keys that are not among {@link #presentKeys presentKeys(size)}: the values
     * after them in the same stream. {@link SplittableRandom#nextLong()} is a bijective mix of a
     * counter stepped by an odd constant, so its first 2^64 values are distinct: these keys are
     * absent by construction, no lookup needed to filter them.
     */
    static long[] absentKeys(int size, int count) {
        SplittableRandom random = new SplittableRandom(KEY_SEED);
        for (int i = 0; i < size; i++) {
            random.nextLong();
        }
        return draw(random, count);
    }

    /**
     * A copy of {@code keys} in a fixed random order. Lookups visit keys in this order rather than
     * in insertion order, because HashMap allocates its nodes in insertion order: walking them in
     * that order would be a sequential, prefetch-friendly scan that no real lookup stream gives.
     */
    static long[] shuffled(long[] keys) {
        long[] copy = keys.clone();
        SplittableRandom random = new SplittableRandom(KEY_SEED ^ 0x5_4FF1E);
        for (int i = copy.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long swap = copy[i];
            copy[i] = copy[j];
            copy[j] = swap;
        }
        return copy;
    }

    /**
     * Which of {@code length} ops are writes: each independently with probability
     * {@code percent}/100, from a fixed-seed stream of its own.
     */
    static boolean[] writeMask(int length, int percent) {
        SplittableRandom random = new SplittableRandom(KEY_SEED ^ 0x3_71C5L);
        boolean[] mask = new boolean[length];
        for (int i = 0; i < length; i++) {
            mask[i] = random.nextInt(100) < percent;
        }
        return mask;
    }

    /** Puts every key with itself as the value, and checks that all of them landed. */
    static void fill(BenchMap map, long[] keys) {
        for (long key : keys) {
            map.put(key, key);
        }
        if (map.size() != keys.length) {
            throw new IllegalStateException("expected " + keys.length + " entries, map has " + map.size());
        }
    }

    private static long[] draw(SplittableRandom random, int count) {
        long[] keys = new long[count];
        for (int i = 0; i < count; i++) {
            keys[i] = random.nextLong();
        }
        return keys;
    }
}
