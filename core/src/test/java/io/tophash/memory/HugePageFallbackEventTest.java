package io.tophash.memory;

import io.tophash.os.SystemPages;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #14, part 3: {@code hugePages()} falling back emits {@code io.tophash.HugePageFallback}
 * with its reason, forced deterministically through the system facts the test constructor takes
 * (THP {@code never}, no THP at all) and through {@code fallBack} itself (the madvise refusal's
 * path), and the event is on in the JDK's {@code default} settings.
 */
class HugePageFallbackEventTest {

    private static final long HUGE = 2L << 20;

    private static List<RecordedEvent> record(Recording recording, Runnable action) throws IOException {
        Path file = Files.createTempFile("tophash-fallback", ".jfr");
        try (recording) {
            recording.start();
            action.run();
            recording.stop();
            recording.dump(file);
            return RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().equals("io.tophash.HugePageFallback"))
                    .toList();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static HugePageAllocator withThp(long hugePageSize, String mode) {
        return new HugePageAllocator(hugePageSize, mode, () -> {
            throw new AssertionError("no native call when THP is unavailable");
        });
    }

    @Test
    void eachReasonIsRecordedWithThePageSizes() throws IOException {
        Recording recording = new Recording();
        recording.enable("io.tophash.HugePageFallback");
        List<RecordedEvent> events = record(recording, () -> {
            withThp(HUGE, "never");
            withThp(0, "unsupported");
            HugePageAllocator advised = new HugePageAllocator(HUGE, "madvise", () -> null);
            advised.fallBack("madvise(MADV_HUGEPAGE) failed: EINVAL (test)");
        });
        assertEquals(3, events.size(), events.toString());
        assertTrue(events.get(0).getString("reason").contains("[never]"), events.get(0).toString());
        assertEquals(HUGE, events.get(0).getLong("hugePageSize"));
        assertTrue(events.get(1).getString("reason").contains("no transparent huge pages"));
        assertEquals(0, events.get(1).getLong("hugePageSize"));
        assertEquals("madvise(MADV_HUGEPAGE) failed: EINVAL (test)", events.get(2).getString("reason"));
        for (RecordedEvent e : events) {
            assertEquals(SystemPages.basePageSize(), e.getLong("basePageSize"));
            assertTrue(e.getStackTrace() != null && !e.getStackTrace().getFrames().isEmpty(), "with a stack trace");
        }
    }

    @Test
    void aFallbackIsRecordedWithTheJdkDefaultSettings() throws Exception {
        List<RecordedEvent> events = record(new Recording(Configuration.getConfiguration("default")),
                () -> withThp(HUGE, "never"));
        assertEquals(1, events.size(), events.toString());
    }

    @Test
    void nothingIsRecordedWhenTheEventIsOff() throws IOException {
        Recording recording = new Recording();
        recording.disable("io.tophash.HugePageFallback");
        assertEquals(List.of(), record(recording, () -> withThp(HUGE, "never")));
    }
}
