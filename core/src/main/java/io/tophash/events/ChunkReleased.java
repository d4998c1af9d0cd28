package io.tophash.events;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.MemoryAddress;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A map gave a chunk back to its allocator, successfully: the duration is the allocator's
 * release call (closing a shared arena, a handshake with every thread). Most releases run on the
 * {@code tophash-chunk-release} thread (a growth's old table), the rest in {@code close()} or the
 * leak safety net.
 *
 * <p>Off by default, like {@link ChunkAllocated}: together they are the ledger's whole traffic.
 */
@Name("io.tophash.ChunkReleased")
@Label("Chunk Released")
@Category({"tophash"})
@Description("A tophash map gave a chunk of native memory back to its allocator; the duration is the release call")
@Enabled(false)
@StackTrace(false)
public final class ChunkReleased extends Event {

    private static final ChunkReleased PROBE = new ChunkReleased();

    @Label("Map Id")
    @Description("The map's id, unique in this JVM, given when it was built")
    long mapId;

    @Label("Map Kind")
    @Description("LongLongMap, ConcurrentLongLongMap, BytesMap or ConcurrentBytesMap; null for a ledger without a map")
    String mapKind;

    @Label("Bytes")
    @Description("Size of the chunk")
    @DataAmount
    long bytes;

    @Label("Address")
    @Description("Address of the chunk: matches the Chunk Allocated event of the same chunk")
    @MemoryAddress
    long address;

    @Label("Allocator")
    @Description("The allocator's name")
    String allocator;

    /** Whether a recording wants this event: a static field load once inlined. */
    public static boolean enabled() {
        return PROBE.isEnabled();
    }

    /** The event of a release about to be made, begun, or null if no recording wants it. */
    public static ChunkReleased releasing() {
        if (!enabled()) {
            return null;
        }
        ChunkReleased e = new ChunkReleased();
        e.begin();
        return e;
    }

    /** Commits {@code e} ({@link #releasing}'s, or null: nothing) once the release succeeded. */
    public static void released(ChunkReleased e, long mapId, String mapKind, long bytes, long address,
                                String allocator) {
        if (e == null) {
            return;
        }
        e.end();
        if (e.shouldCommit()) {
            e.mapId = mapId;
            e.mapKind = mapKind;
            e.bytes = bytes;
            e.address = address;
            e.allocator = allocator;
            e.commit();
        }
    }
}
