/**
 * tophash: off-heap hash maps laid out as Go's runtime lays out its buckets, in
 * {@link java.lang.foreign.MemorySegment}s, with the bucket placement (cache-line, page or
 * deliberately misaligned) chosen by the caller.
 */
module io.tophash {
    // JFR events (io.tophash.events, not exported: JFR needs no export to record them)
    requires jdk.jfr;

    exports io.tophash;
    exports io.tophash.memory;
}
