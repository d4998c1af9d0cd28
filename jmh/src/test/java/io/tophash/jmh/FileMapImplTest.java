package io.tophash.jmh;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The maps {@link FileMapBenchmark} compares hold what is put, and their files go where the benchmark says and are deleted. */
class FileMapImplTest {

    private static final int SIZE = 10_000;

    @ParameterizedTest
    @EnumSource(FileMapImpl.class)
    void everyKeyPutIsFoundAndTheFileIsDeleted(FileMapImpl impl) {
        Path file = impl.fileFor("map");
        long[] keys = Workload.presentKeys(SIZE);
        try (BenchMap map = impl.create(SIZE, file)) {
            Workload.fill(map, keys);
            for (long key : keys) {
                assertEquals(key, map.get(key), impl + " get of a present key");
            }
            map.remove(keys[0]);
            map.put(keys[0], 7);
            assertEquals(7, map.get(keys[0]));
            assertEquals(SIZE, map.size());
        }
        assertEquals(impl != FileMapImpl.TOPHASH_MEMORY, Files.exists(file), impl + " writes its file");
        FileMapImpl.delete(file);
        assertFalse(Files.exists(file.getParent()));
        assertTrue(Files.isDirectory(file.getParent().getParent()));
    }
}
