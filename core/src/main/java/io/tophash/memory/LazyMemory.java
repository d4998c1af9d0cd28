package io.tophash.memory;

import io.tophash.os.NativeMemory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * Zeroed memory that costs nothing until it is touched: the kernel maps each page on first touch
 * and zero-fills it, so reserving a table of hundreds of megabytes (a growth's next table) takes
 * microseconds instead of the seconds {@link Arena#allocate(long, long)} spends zeroing and
 * faulting in every page up front.
 *
 * <p>Implementation notes. Three ways, chosen per allocator ({@link Kind#chosen()}, or the system
 * property {@value #PROPERTY}: {@code anonymous}, {@code file} or {@code eager}):
 * <ul>
 *   <li>{@link Kind#ANONYMOUS}: {@code mmap(MAP_PRIVATE | MAP_ANONYMOUS)} through FFM, unmapped by
 *   the arena's cleanup. A restricted method: chosen by default only when this module already has
 *   native access ({@code --enable-native-access=io.tophash}, or {@code =ALL-UNNAMED} on the class
 *   path), so the JDK never warns for it.</li>
 *   <li>{@link Kind#FILE}: {@link FileChannel#map(FileChannel.MapMode, long, long, Arena)} in
 *   {@code PRIVATE} (copy-on-write) mode of a sparse temporary file, deleted as soon as it is
 *   mapped. No flag needed. Written pages are private anonymous memory, never written back to the
 *   file; a page read before it is written is a page-cache page of the file's hole. First touch
 *   costs more than with {@code ANONYMOUS} (hand-timed on the development VM: 14 us a page in
 *   {@code /tmp} against 3 us a page for anonymous memory). The directory is the system property
 *   {@value #DIRECTORY_PROPERTY}, else {@code java.io.tmpdir}. On tmpfs a read of an unwritten page
 *   takes tmpfs space, so a tmpfs directory with less free space than the request is not used.</li>
 *   <li>{@link Kind#EAGER}: {@link Arena#allocate(long, long)}, where neither works; said once
 *   through {@link System.Logger} ({@code io.tophash.memory}, WARNING).</li>
 * </ul>
 * Thread-safe.
 */
final class LazyMemory {

    /** Requests at least this large are mapped lazily; smaller ones come from an arena. */
    static final long THRESHOLD = 256 * 1024;
    static final String PROPERTY = "io.tophash.tableMemory";
    static final String DIRECTORY_PROPERTY = "io.tophash.mapDirectory";
    /** The alignment every mapping has: the smallest page of any supported OS. */
    static final long MAPPING_ALIGNMENT = 4096;

    static volatile System.Logger log = System.getLogger("io.tophash.memory");
    private static final Set<String> REASONS_LOGGED = ConcurrentHashMap.newKeySet();

    enum Kind {
        ANONYMOUS, FILE, EAGER;

        /** The system property's choice, else anonymous with native access, else file. */
        static Kind chosen() {
            String asked = System.getProperty(PROPERTY, "auto").toLowerCase(Locale.ROOT);
            return switch (asked) {
                case "anonymous" -> ANONYMOUS;
                case "file" -> FILE;
                case "eager" -> EAGER;
                default -> LazyMemory.class.getModule().isNativeAccessEnabled() ? ANONYMOUS : FILE;
            };
        }
    }

    private LazyMemory() {
    }

    /**
     * {@code byteSize} bytes of zeroed memory of the given kind, aligned to {@code alignment} (a
     * power of two) and at least to a page, owned by {@code arena}; falls back from anonymous to
     * file to eager, saying why once per reason.
     */
    static MemorySegment map(Kind kind, long byteSize, long alignment, Arena arena) {
        // A mapping starts on a page of the OS, 4 KiB at least. A larger alignment (an allocator
        // of 64 KiB or 2 MiB pages) comes from mapping that much more and slicing: the pages never
        // touched cost address space, not memory.
        long slack = alignment > MAPPING_ALIGNMENT ? alignment : 0;
        if (byteSize > Long.MAX_VALUE - slack - MAPPING_ALIGNMENT) {
            throw new OutOfMemoryError("cannot map " + byteSize + " bytes aligned to " + alignment);
        }
        MemorySegment mapped = mapLazily(kind, byteSize + slack, arena);
        if (mapped == null) {
            return arena.allocate(byteSize, alignment);
        }
        long offset = roundUp(mapped.address(), alignment) - mapped.address();
        return mapped.asSlice(offset, byteSize);
    }

    /** A lazy mapping of {@code byteSize} bytes, page-aligned; null when only eager memory is left. */
    private static MemorySegment mapLazily(Kind kind, long byteSize, Arena arena) {
        if (kind == Kind.ANONYMOUS) {
            try {
                NativeMemory os = NativeMemory.load();
                long length = roundUp(byteSize, os.pageSize());
                long address = os.mapAnonymous(length);
                try {
                    return MemorySegment.ofAddress(address).reinterpret(byteSize, arena,
                            s -> os.unmapGradually(address, length));
                } catch (RuntimeException | Error e) {
                    os.unmap(address, length); // not registered (reinterpret runs the cleanup itself if registering fails)
                    throw e;
                }
            } catch (UnsupportedOperationException | IllegalCallerException e) {
                fallBack("anonymous mappings unavailable (" + e.getMessage() + "): using file mappings");
                kind = Kind.FILE;
            }
        }
        if (kind == Kind.FILE) {
            try {
                return mapFile(byteSize, arena);
            } catch (IOException | UnsupportedOperationException e) {
                fallBack("cannot map a temporary file (" + e + "): tables are allocated and zeroed up front, "
                        + "so a growth reserves its next table in one write");
            }
        }
        return null;
    }

    private static MemorySegment mapFile(long byteSize, Arena arena) throws IOException {
        Path directory = Path.of(System.getProperty(DIRECTORY_PROPERTY, System.getProperty("java.io.tmpdir")));
        var store = Files.getFileStore(directory);
        if (store.type().equals("tmpfs") && store.getUsableSpace() < byteSize) {
            throw new IOException(directory + " is a tmpfs with " + store.getUsableSpace() + " bytes free, fewer than "
                    + byteSize);
        }
        Path file = Files.createTempFile(directory, "tophash-", ".table");
        try (FileChannel channel = FileChannel.open(file, READ, WRITE)) {
            return channel.map(FileChannel.MapMode.PRIVATE, 0, byteSize, arena);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void fallBack(String reason) {
        if (REASONS_LOGGED.add(reason)) {
            log.log(System.Logger.Level.WARNING, "tophash: " + reason);
        }
    }

    static long roundUp(long value, long power) {
        return (value + power - 1) & -power;
    }
}
