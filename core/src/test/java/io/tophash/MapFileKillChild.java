package io.tophash;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The writer {@link MapFileKillTest} kills: opens the map file, prints {@code ready}, then runs
 * the round's operations ({@link #next}) forever, appending each one's index to the acknowledgement
 * log once it has returned (one {@code write} a write: the page cache keeps it through a kill).
 * The map is a {@code LongLongMap}, or a {@code BytesMap} with values of any length holding the
 * same entries encoded ({@link #bytesKey}, {@link #bytesValue}: a third of the keys and most
 * values long enough for the key store).
 *
 * <pre>java io.tophash.MapFileKillChild &lt;map file&gt; &lt;ack log&gt; &lt;round seed&gt; [long|bytes]</pre>
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

    /** {@link #apply(LongLongMap, Op)} for the byte map: an add is a read, then a put of the sum. */
    static void apply(BytesMap map, Op op) {
        switch (op.kind()) {
            case PUT -> map.put(bytesKey(op.key()), MemorySegment.ofArray(bytesValue(op.value())));
            case REMOVE -> map.remove(bytesKey(op.key()));
            case ADD -> {
                MemorySegment old = map.get(bytesKey(op.key()));
                long sum = (old == null ? 0 : decodeValue(old)) + op.value();
                map.put(bytesKey(op.key()), MemorySegment.ofArray(bytesValue(sum)));
            }
            case CLEAR -> map.clear();
            case TRIM -> map.trimToSize();
        }
    }

    static LongLongMap open(Path file) {
        return LongLongMap.builder().file(file).missingValue(Long.MIN_VALUE).build();
    }

    static BytesMap openBytes(Path file) {
        return BytesMap.builder().file(file).maxKeyLength(64).maxValueSize(400).build();
    }

    /** A key's text: short ones sit in their slot, every third is long enough for the key store. */
    static String bytesKey(long key) {
        return key % 3 == 0 ? "device-" + key + "-" + "x".repeat((int) (key % 40)) : "d" + key;
    }

    /** The key {@link #bytesKey} made {@code text} from. */
    static long decodeKey(String text) {
        int end = text.indexOf('-', 7);
        return text.startsWith("device-") ? Long.parseLong(text.substring(7, end)) : Long.parseLong(text.substring(1));
    }

    /** A value's bytes: the value, then 0 to 299 bytes drawn from it, so that a torn value does not decode. */
    static byte[] bytesValue(long value) {
        int extra = (int) ((value >>> 1) % 300);
        ByteBuffer b = ByteBuffer.allocate(Long.BYTES + extra).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
        SplittableRandom filler = new SplittableRandom(value);
        while (b.hasRemaining()) {
            b.put((byte) filler.nextInt());
        }
        return b.array();
    }

    /**
     * The value {@link #bytesValue} made {@code bytes} from.
     *
     * @throws IllegalStateException if the bytes are not exactly what it makes of that value (torn)
     */
    static long decodeValue(MemorySegment bytes) {
        byte[] array = bytes.toArray(ValueLayout.JAVA_BYTE);
        if (array.length < Long.BYTES) {
            throw new IllegalStateException("a torn value of " + array.length + " bytes");
        }
        long value = ByteBuffer.wrap(array).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (!Arrays.equals(array, bytesValue(value))) {
            throw new IllegalStateException("a torn value: " + array.length + " bytes starting with " + value);
        }
        return value;
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        SplittableRandom random = new SplittableRandom(Long.parseLong(args[2]));
        boolean bytes = args.length > 3 && args[3].equals("bytes");
        try (FileChannel acks = FileChannel.open(Path.of(args[1]), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
             OffHeapMap map = bytes ? openBytes(file) : open(file)) {
            System.out.println("ready");
            System.out.flush();
            ByteBuffer ack = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (long i = 0; ; i++) {
                if (bytes) {
                    apply((BytesMap) map, next(random));
                } else {
                    apply((LongLongMap) map, next(random));
                }
                ack.clear();
                ack.putLong(0, i);
                acks.write(ack);
            }
        }
    }
}
