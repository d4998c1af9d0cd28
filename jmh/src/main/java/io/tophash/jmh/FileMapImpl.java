package io.tophash.jmh;

import io.tophash.LongLongMap;
import net.openhft.chronicle.map.ChronicleMap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code long -> long} maps {@link FileMapBenchmark} compares: tophash in memory and in a file,
 * and Chronicle Map persisted to a file. Files go to a fresh directory under
 * {@code tophash.bench.dir} (default: the working directory's {@code target/}), on disk, not tmpfs,
 * except {@link #TOPHASH_TMPFS}'s.
 */
public enum FileMapImpl {
    /** {@code LongLongMap}, pre-sized, in memory (its default allocator). */
    TOPHASH_MEMORY,
    /** {@code LongLongMap}, pre-sized, in a file ({@code builder().file(path)}). */
    TOPHASH_FILE,
    /**
     * {@code LongLongMap} in a file on tmpfs ({@code /dev/shm}, or {@code tophash.bench.tmpfs}):
     * survives the process, not a reboot, and the kernel never writes its pages back.
     */
    TOPHASH_TMPFS,
    /** {@code ChronicleMap.of(Long, Long).entries(n).createPersistedTo(file)}. */
    CHRONICLE_PERSISTED;

    /** A fresh file path in a new directory of its own, on disk. */
    static Path newFile(String name) {
        return newFileIn(Path.of(System.getProperty("tophash.bench.dir", "target")), name);
    }

    /** A fresh file path for this implementation: on tmpfs for {@link #TOPHASH_TMPFS}, else {@link #newFile}. */
    Path fileFor(String name) {
        return this == TOPHASH_TMPFS ? newFileIn(Path.of(System.getProperty("tophash.bench.tmpfs", "/dev/shm")), name)
                : newFile(name);
    }

    private static Path newFileIn(Path base, String name) {
        try {
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "filemap-").resolve(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a file {@link #newFile} made, and its directory. */
    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An empty map pre-sized for {@code entries}; {@code file} for the file-backed ones. */
    BenchMap create(int entries, Path file) {
        return switch (this) {
            case TOPHASH_MEMORY -> new BenchMap.Tophash(LongLongMap.builder().expectedSize(entries)
                    .seed(Impl.HASH_SEED).build());
            case TOPHASH_FILE, TOPHASH_TMPFS -> new BenchMap.Tophash(LongLongMap.builder().expectedSize(entries)
                    .seed(Impl.HASH_SEED).file(file).build());
            case CHRONICLE_PERSISTED -> {
                try {
                    yield new BenchMap.Chronicle(ChronicleMap.of(Long.class, Long.class).entries(entries)
                            .createPersistedTo(file.toFile()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }
}
