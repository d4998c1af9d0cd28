package io.tophash.events;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * {@code Allocators.hugePages()} serves base pages instead of huge pages from now on, and why.
 *
 * <p>On by default, with a stack trace (who made the allocator, or whose allocation met the
 * refusal): it happens at most a few times per allocator (when it is made, or on the first
 * {@code madvise} refused), never on a read or an ordinary write, and it is a configuration
 * problem a recording should show.
 */
@Name("io.tophash.HugePageFallback")
@Label("Huge Page Fallback")
@Category({"tophash"})
@Description("A tophash huge-page allocator fell back to page-aligned memory with base pages")
@Enabled(true)
@StackTrace(true)
public final class HugePageFallback extends Event {

    private static final HugePageFallback PROBE = new HugePageFallback();

    @Label("Reason")
    @Description("Why huge pages cannot be asked for")
    String reason;

    @Label("Huge Page Size")
    @Description("The system's huge-page size, 0 if it has none")
    @DataAmount
    long hugePageSize;

    @Label("Base Page Size")
    @Description("The page size of the memory served instead")
    @DataAmount
    long basePageSize;

    /** Whether a recording wants this event. */
    public static boolean enabled() {
        return PROBE.isEnabled();
    }

    /** Emits the event if enabled. */
    public static void emit(String reason, long hugePageSize, long basePageSize) {
        if (!enabled()) {
            return;
        }
        HugePageFallback e = new HugePageFallback();
        e.reason = reason;
        e.hugePageSize = hugePageSize;
        e.basePageSize = basePageSize;
        e.commit();
    }
}
