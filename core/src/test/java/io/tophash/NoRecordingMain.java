package io.tophash;

/**
 * Run in a fresh JVM by {@code JfrEventsTest}: grows and closes every kind of map with JFR never
 * started, so that the test can check from the class-loading log that no event class was loaded.
 */
public final class NoRecordingMain {

    private NoRecordingMain() {
    }

    public static void main(String[] args) {
        for (JfrEventsTest.Kind kind : JfrEventsTest.Kind.values()) {
            OffHeapMap map = kind.create();
            kind.fill(map, 10_000);
            map.finishGrowth();
            map.close();
        }
        System.out.println("done");
    }
}
