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
 * A map took a chunk of native memory from its allocator (a table, an overflow area, a key
 * store's block), through its ledger ({@code MapMemory.allocate}), the one place maps get memory.
 *
 * <p>Off by default: chunks are taken on the write path (a growth reserves its table inside the
 * write that starts it, a byte-keyed map's key store inside the insert that fills a block), and a
 * stack trace per chunk is not free.
 */
@Name("io.tophash.ChunkAllocated")
@Label("Chunk Allocated")
@Category({"tophash"})
@Description("A tophash map took a chunk of native memory from its allocator")
@Enabled(false)
@StackTrace(true)
public final class ChunkAllocated extends Event {

    private static final ChunkAllocated PROBE = new ChunkAllocated();

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

    @Label("Alignment")
    @Description("Alignment the map asked for (an allocator may give more, or by design less)")
    @DataAmount
    long alignment;

    @Label("Address")
    @Description("Address of the chunk: matches the Chunk Released event of the same chunk")
    @MemoryAddress
    long address;

    @Label("Allocator")
    @Description("The allocator's name")
    String allocator;

    /** Whether a recording wants this event: a static field load once inlined. */
    public static boolean enabled() {
        return PROBE.isEnabled();
    }

    /** Emits the event if enabled. */
    public static void emit(long mapId, String mapKind, long bytes, long alignment, long address, String allocator) {
        if (!enabled()) {
            return;
        }
        ChunkAllocated e = new ChunkAllocated();
        e.mapId = mapId;
        e.mapKind = mapKind;
        e.bytes = bytes;
        e.alignment = alignment;
        e.address = address;
        e.allocator = allocator;
        e.commit();
    }
}
