package io.tophash.engine;

/**
 * What a map's policy over the engine ({@link WriterTables} or {@link SeqlockTables}) answers for
 * every map alike: the growth in progress, finishing it, and the chain audit the tests use.
 */
public interface MapTables {

    /** The growth in progress, or null. */
    Growth growth();

    /**
     * Completes a growth in progress, as a write under the policy's rule.
     *
     * @return whether a growth was in progress
     */
    boolean finishGrowthAsWrite();

    /** Marks the map closed and releases its memory (see each policy). */
    void close();

    /** For tests: {@link Chain#auditEmptyRest} over the tables; null when sound. Only while no thread writes. */
    String auditChains();
}
