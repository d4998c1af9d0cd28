package io.tophash;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/**
 * The writer {@link MapFileKillTest} kills: opens the map file, prints {@code ready}, then runs
 * the round's operations ({@link #next}) forever, appending each one's index to the acknowledgement
 * log once it has returned (one {@code write} a write: the page cache keeps it through a kill).
 *
 * <pre>java io.tophash.MapFileKillChild &lt;map file&gt; &lt;ack log&gt; &lt;round seed&gt;</pre>
 */
public final class MapFileKillChild {

    enum Kind { PUT, REMOVE, ADD, CLEAR, TRIM }

    record Op(Kind kind, long key, long value) {
    }

    /** Keys come from this pool: the map grows through several doublings over the rounds, and removals hit. */
    static final long KEY_POOL = 1 << 20;

    private MapFileKillChild() {
    }

    /** The next operation of a round's sequence; the test draws the same sequence from the same seed. */
    static Op next(SplittableRandom random) {
        int dice = random.nextInt(1_000_000);
        long key = random.nextLong(KEY_POOL);
        long value = random.nextLong();
        if (dice < 3) {
            return new Op(Kind.CLEAR, 0, 0);
        }
        if (dice < 13) {
            return new Op(Kind.TRIM, 0, 0);
        }
        if (dice < 250_000) {
            return new Op(Kind.REMOVE, key, 0);
        }
        if (dice < 300_000) {
            return new Op(Kind.ADD, key, value);
        }
        return new Op(Kind.PUT, key, value);
    }

    static void apply(LongLongMap map, Op op) {
        switch (op.kind()) {
            case PUT -> map.put(op.key(), op.value());
            case REMOVE -> map.remove(op.key());
            case ADD -> map.addAndGet(op.key(), op.value());
            case CLEAR -> map.clear();
            case TRIM -> map.trimToSize();
        }
    }

    static LongLongMap open(Path file) {
        return LongLongMap.builder().file(file).missingValue(Long.MIN_VALUE).build();
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        SplittableRandom random = new SplittableRandom(Long.parseLong(args[2]));
        try (FileChannel acks = FileChannel.open(Path.of(args[1]), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
             LongLongMap map = open(file)) {
            System.out.println("ready");
            System.out.flush();
            ByteBuffer ack = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (long i = 0; ; i++) {
                apply(map, next(random));
                ack.clear();
                ack.putLong(0, i);
                acks.write(ack);
            }
        }
    }
}
