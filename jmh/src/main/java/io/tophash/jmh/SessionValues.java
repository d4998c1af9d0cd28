package io.tophash.jmh;

import java.util.SplittableRandom;

/** How long the session values are: issue #21's two mixes of 16 to 1,024 bytes. */
public enum SessionValues {
    /** Uniform over 16..1024 bytes (mean 520). */
    UNIFORM,
    /** Skewed: 80% 16..128 bytes, 15% 129..512, 5% 513..1024 (mean about 144). */
    SKEWED;

    /** The length of the next value. */
    int draw(SplittableRandom random) {
        if (this == UNIFORM) {
            return random.nextInt(16, 1025);
        }
        int p = random.nextInt(100);
        return p < 80 ? random.nextInt(16, 129) : p < 95 ? random.nextInt(129, 513) : random.nextInt(513, 1025);
    }

    /** The mean length, for Chronicle Map's {@code averageValueSize}. */
    double mean() {
        return this == UNIFORM ? 520 : 0.80 * 72 + 0.15 * 320.5 + 0.05 * 768.5;
    }

    /** {@code count} values of drawn lengths, each filled with bytes of its own. */
    byte[][] values(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[][] values = new byte[count][];
        for (int i = 0; i < count; i++) {
            values[i] = new byte[draw(random)];
            random.nextBytes(values[i]);
        }
        return values;
    }

    /** Session ids: {@code sess-} and 16 hex digits (21 bytes: a long key, in tophash's key store). */
    static String[] ids(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        java.util.Set<String> seen = new java.util.HashSet<>(count * 2);
        String[] ids = new String[count];
        for (int i = 0; i < count; ) {
            String id = String.format("sess-%016x", random.nextLong());
            if (seen.add(id)) {
                ids[i++] = id;
            }
        }
        return ids;
    }
}
