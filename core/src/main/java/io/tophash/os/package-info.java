/**
 * What tophash asks of the operating system: {@code mmap}, {@code munmap}, {@code madvise} and
 * {@code getpagesize} through the FFM {@link java.lang.foreign.Linker} (restricted: used only by
 * options a user picks, or when this module already has native access), page and huge-page
 * sizes, transparent-huge-page mode and {@code /proc/self/smaps} read-back. Depends on nothing
 * else in tophash; not exported.
 */
package io.tophash.os;
