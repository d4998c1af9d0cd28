package io.tophash.jmh;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The keys of the byte-keyed benchmarks: the seed scenario's device ids {@code dev-<n>} (5 to 11
 * bytes, kept inline in tophash's slots), or tokens of 8 to 40 random letters and digits (most of
 * them in tophash's key store). Seeded: every implementation gets the same keys in the same order.
 */
public enum DeviceKeys {
    DEVICES, TOKENS;

    /** The seed scenario's size. */
    static final String SEED_SCENARIO = "131072";
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    String[] draw(int count) {
        String[] keys = new String[count];
        SplittableRandom random = new SplittableRandom(0x5EED);
        for (int i = 0; i < count; i++) {
            if (this == DEVICES) {
                keys[i] = "dev-" + i;
            } else {
                char[] token = new char[8 + random.nextInt(33)];
                for (int j = 0; j < token.length; j++) {
                    token[j] = ALPHABET[random.nextInt(ALPHABET.length)];
                }
                keys[i] = new String(token) + i; // unique
            }
        }
        return keys;
    }

    /** The mean key length, for Chronicle Map's sizing. */
    static double averageLength(String[] keys) {
        long total = 0;
        for (String k : keys) {
            total += k.length();
        }
        return (double) total / keys.length;
    }

    /** The keys in a shuffled order (seeded). */
    static String[] shuffled(String[] keys) {
        String[] order = keys.clone();
        SplittableRandom random = new SplittableRandom(42);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            String t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /**
     * Keys as a service has them in hand: equal to the stored ones but distinct objects (a String
     * parsed from a request is never the map's own key object, so {@code HashMap} cannot stop at
     * {@code ==}), allocated in lookup order, so that walking them touches memory in sequence as a
     * fresh request's String would be in cache. Each String caches its hash after its first lookup,
     * which a fresh String would not: an advantage the heap maps keep here.
     */
    static String[] inHand(String[] keys) {
        String[] copies = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            copies[i] = new String(keys[i].toCharArray());
        }
        return copies;
    }

    /**
     * The keys as ASCII bytes inside one request buffer, each after a 13-byte prefix
     * ({@code "GET /devices/"}); {@code offsets[i]} is where key {@code i} starts.
     */
    static byte[] requests(String[] keys, int[] offsets) {
        int total = 0;
        for (String k : keys) {
            total += 13 + k.length();
        }
        byte[] buffer = new byte[total];
        int at = 0;
        for (int i = 0; i < keys.length; i++) {
            byte[] prefix = "GET /devices/".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(prefix, 0, buffer, at, prefix.length);
            at += prefix.length;
            offsets[i] = at;
            byte[] k = keys[i].getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(k, 0, buffer, at, k.length);
            at += k.length;
        }
        return buffer;
    }

    /** A 64-byte record for device {@code i}. */
    static byte[] record(int i) {
        byte[] r = new byte[DeviceMap.RECORD];
        DeviceMap.LONGS.set(r, 0, (long) i);
        DeviceMap.LONGS.set(r, (int) DeviceMap.LAST_SEEN, 1_700_000_000_000L + i);
        return r;
    }
}
