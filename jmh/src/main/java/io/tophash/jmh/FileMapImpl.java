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
 * {@code tophash.bench.dir} (default: the working directory's {@code target/}), on disk, not tmpfs.
 */
public enum FileMapImpl {
    /** {@code LongLongMap}, pre-sized, in memory (its default allocator). */
    TOPHASH_MEMORY,
    /** {@code LongLongMap}, pre-sized, in a file ({@code builder().file(path)}). */
    TOPHASH_FILE,
    /** {@code ChronicleMap.of(Long, Long).entries(n).createPersistedTo(file)}. */
    CHRONICLE_PERSISTED;

    /** A fresh file path in a new directory of its own. */
    static Path newFile(String name) {
        try {
            Path base = Path.of(System.getProperty("tophash.bench.dir", "target"));
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
            case TOPHASH_FILE -> new BenchMap.Tophash(LongLongMap.builder().expectedSize(entries)
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
