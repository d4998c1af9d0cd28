/**
 * Bucket formats: one descriptor class per off-heap layout ({@code *BucketLayout}), each with its
 * offsets built from the previous one and its bytes drawn in a ruler diagram, the
 * {@link io.tophash.layout.BucketFormat} record the engine reads them through, and the tophash
 * byte encoding with its SWAR matching ({@link io.tophash.layout.Tophash}). Depends on nothing else
 * in tophash; not exported.
 */
package io.tophash.layout;
