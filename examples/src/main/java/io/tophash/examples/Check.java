package io.tophash.examples;

import io.tophash.LongLongMap;

/** The examples' checks: a failed one ends the JVM with status 1, which fails the build. */
final class Check {

    private Check() {
    }

    /** That the example and the library run as named modules from the module path. */
    static void onModulePath(Class<?> example) {
        if (!example.getModule().isNamed() || !"io.tophash.examples".equals(example.getModule().getName())) {
            fail(example + " is not in module io.tophash.examples but in " + example.getModule());
        }
        if (!"io.tophash".equals(LongLongMap.class.getModule().getName())) {
            fail("tophash is not the named module io.tophash but " + LongLongMap.class.getModule());
        }
        System.out.println("modules: " + example.getModule().getName() + " uses " + LongLongMap.class.getModule().getName());
    }

    static void equal(long expected, long actual, String what) {
        if (expected != actual) {
            fail(what + ": expected " + expected + ", got " + actual);
        }
        System.out.println(what + " = " + actual);
    }

    static void fail(String message) {
        System.err.println("EXAMPLE FAILED: " + message);
        System.exit(1);
    }
}
