package io.tophash.engine;

/**
 * What a map's policy over the engine ({@link WriterTables} or {@link SeqlockTables}) answers for
 * every map alike: the growth in progress, finishing it, and the chain audit the tests use.
 */
public interface MapTables {

    /** The growth in progress, or null. */
    Growth growth();

    /** The table writes go to (while growing, the one being evacuated into). */
    Table table();

    /** Whether the map is closed. */
    boolean closed();

    /**
     * The number of entries as any thread may read it, never throwing and never waiting: for a
     * sampler (the JFR {@code MapStatistics} event). A single-writer map's count is read without
     * its writer's cooperation, so it may lag a write in progress.
     */
    long sampledSize();

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
