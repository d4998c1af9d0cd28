package io.tophash.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code mmap}, {@code munmap}, {@code madvise} and {@code getpagesize} from the C library,
 * called through the FFM {@link Linker}. Linux on x86-64 and ARM64 only: the flag values below
 * are those of the generic Linux ABI both use.
 *
 * <p>Implementation notes. Creating the downcall handles is a restricted operation: without
 * {@code --enable-native-access} for this module the JDK prints a warning once (JDK 24+ default)
 * or, with {@code --illegal-native-access=deny}, throws {@link IllegalCallerException}, which
 * {@link #load()} reports as "unavailable" so that callers can fall back. Every call that can fail
 * captures {@code errno} and turns it into an exception naming the call and the error; nothing
 * here returns a raw failure code.
 *
 * <p>Thread-safe: the handles are immutable and the C calls are thread-safe.
 */
public final class NativeMemory implements OsMemory {

    static final int PROT_READ = 0x1;
    static final int PROT_WRITE = 0x2;
    static final int MAP_PRIVATE = 0x02;
    static final int MAP_ANONYMOUS = 0x20;
    /** Linux {@code MADV_HUGEPAGE}: ask for transparent huge pages in this range. */
    static final int MADV_HUGEPAGE = 14;
    private static final long MAP_FAILED = -1L;

    private final MethodHandle mmap;
    private final MethodHandle munmap;
    private final MethodHandle madvise;
    private final MethodHandle getpagesize;
    private final StructLayout captureLayout;
    private final VarHandle errno;

    private NativeMemory() {
        Linker linker = Linker.nativeLinker();
        Linker.Option captureErrno = Linker.Option.captureCallState("errno");
        this.captureLayout = Linker.Option.captureStateLayout();
        this.errno = captureLayout.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
        var libc = linker.defaultLookup();
        this.mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG),
                captureErrno);
        this.munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), captureErrno);
        this.madvise = linker.downcallHandle(libc.find("madvise").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), captureErrno);
        this.getpagesize = linker.downcallHandle(libc.find("getpagesize").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT));
    }

    /**
     * The native calls, or an exception saying why they cannot be had here (not Linux on x86-64
     * or ARM64, native access denied, a symbol missing). Never returns null.
     *
     * @throws UnsupportedOperationException with the reason
     */
    public static NativeMemory load() {
        NativeMemory linked = loaded;
        if (linked == null) {
            linked = link();
            loaded = linked; // a race links twice at worst; the handles are immutable
        }
        return linked;
    }

    /** Linked once per process: linking four downcall handles took milliseconds, inside the put that reserved a table. */
    private static volatile NativeMemory loaded;

    private static NativeMemory link() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
            throw new UnsupportedOperationException("mmap/madvise flags are only known for Linux on x86-64 and "
                    + "ARM64; this is " + os + "/" + arch);
        }
        try {
            return new NativeMemory();
        } catch (IllegalCallerException e) {
            throw new UnsupportedOperationException("native access is denied to " + NativeMemory.class.getModule()
                    + " (run with --enable-native-access=io.tophash, or =ALL-UNNAMED on the class path)", e);
        } catch (RuntimeException | LinkageError e) {
            throw new UnsupportedOperationException("cannot link mmap/munmap/madvise: " + e, e);
        }
    }

    /** {@code getpagesize()}. */
    @Override
    public long pageSize() {
        try {
            return (int) getpagesize.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("getpagesize failed", t);
        }
    }

    /**
     * A private anonymous read-write mapping of {@code length} bytes, zero-filled by the kernel and
     * not yet backed by memory (pages fault in on first touch).
     *
     * @return the mapping's address, page-aligned
     * @throws OutOfMemoryError if the kernel refuses (for example ENOMEM: more than memory + swap)
     */
    @Override
    public long mapAnonymous(long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(captureLayout);
            MemorySegment address = (MemorySegment) mmap.invokeExact(state, MemorySegment.NULL, length,
                    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L);
            if (address.address() == MAP_FAILED) {
                throw new OutOfMemoryError("mmap of " + length + " bytes failed: " + errnoName(errnoOf(state)));
            }
            return address.address();
        } catch (OutOfMemoryError | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("mmap failed", t);
        }
    }

    /**
     * {@code munmap(address, length)}.
     *
     * @throws IllegalStateException naming errno if the kernel refuses
     */
    @Override
    public void unmap(long address, long length) {
        if (length == 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(captureLayout);
            int rc = (int) munmap.invokeExact(state, MemorySegment.ofAddress(address), length);
            if (rc != 0) {
                throw new IllegalStateException("munmap(0x" + Long.toHexString(address) + ", " + length
                        + ") failed: " + errnoName(errnoOf(state)));
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("munmap failed", t);
        }
    }

    /**
     * {@code madvise(address, length, MADV_HUGEPAGE)}.
     *
     * @return null on success, else the errno name (EINVAL when the kernel has no THP support)
     */
    @Override
    public String adviseHugePages(long address, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(captureLayout);
            int rc = (int) madvise.invokeExact(state, MemorySegment.ofAddress(address), length, MADV_HUGEPAGE);
            return rc == 0 ? null : errnoName(errnoOf(state));
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("madvise failed", t);
        }
    }

    private int errnoOf(MemorySegment state) {
        return (int) errno.get(state, 0L);
    }

    static String errnoName(int errno) {
        String name = switch (errno) {
            case 1 -> "EPERM";
            case 11 -> "EAGAIN";
            case 12 -> "ENOMEM";
            case 22 -> "EINVAL";
            default -> null;
        };
        return name == null ? "errno " + errno : name + " (errno " + errno + ")";
    }
}
