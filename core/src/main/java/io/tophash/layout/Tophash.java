package io.tophash.layout;

/**
 * Tophash bytes, with Go's reserved values, and SWAR matching of the eight bytes of a tophash
 * word at once.
 *
 * <p>Slot {@code i}'s byte is byte {@code i} of the little-endian tophash word. A live slot holds
 * the top byte of its key's hash, raised by {@link #MIN_TOPHASH} when below it, so live bytes never
 * collide with the reserved states. SWAR formulas as in Go 1.24 and Abseil's portable group:
 * {@code v = word ^ (LSB * tag); match = (v - LSB) & ~v & MSB}; a false match can only appear in a
 * byte above a real match, so callers always compare the key after a tag match.
 */
public final class Tophash {

    /** This slot, every later slot of its bucket and every overflow bucket after it are empty. */
    public static final int EMPTY_REST = 0;
    /** This slot is empty (a removed entry); later slots may be in use. */
    public static final int EMPTY_ONE = 1;
    /** Old-table bucket whose entries have all been moved to the new table. */
    public static final int EVACUATED = 2;
    /** Smallest tophash of a live slot; 3 and 4 stay reserved as in Go. */
    public static final int MIN_TOPHASH = 5;

    static final long LSB = 0x0101010101010101L;
    static final long MSB = 0x8080808080808080L;

    /** A whole tophash word marking an evacuated old bucket. */
    public static final long EVACUATED_WORD = LSB * EVACUATED;

    private Tophash() {
    }

    /** The tophash byte for a hash: its top byte, kept clear of the reserved values. */
    public static int tophash(long hash) {
        int top = (int) (hash >>> 56);
        return top < MIN_TOPHASH ? top + MIN_TOPHASH : top;
    }

    /** One high bit per byte of {@code word} equal to {@code tag} (plus possible false positives above a match). */
    public static long match(long word, int tag) {
        long v = word ^ (LSB * tag);
        return (v - LSB) & ~v & MSB;
    }

    /** One high bit per empty byte ({@link #EMPTY_REST} or {@link #EMPTY_ONE}); exact. */
    public static long matchEmpty(long word) {
        long v = word & ~LSB; // 0 and 1 both become 0; every other byte stays non-zero and even
        return (v - LSB) & ~v & MSB;
    }

    /** Non-zero when some byte is {@link #EMPTY_REST}; exact as to whether one exists. */
    public static long matchEmptyRest(long word) {
        return (word - LSB) & ~word & MSB;
    }

    /** Whether slot {@code slot} of a tophash word holds an entry. The only live-slot test. */
    public static boolean isLive(long word, int slot) {
        return (int) (word >>> (slot << 3) & 0xFF) >= MIN_TOPHASH;
    }

    /** The tophash byte of slot {@code slot}. */
    public static int byteAt(long word, int slot) {
        return (int) (word >>> (slot << 3) & 0xFF);
    }

    /** Slot index of the lowest high bit in a match mask. */
    public static int firstSlot(long matchMask) {
        return Long.numberOfTrailingZeros(matchMask) >>> 3;
    }

    /** Mask with the high bit of each of the first {@code slots} bytes set. */
    public static long slotMask(int slots) {
        return slots >= 8 ? MSB : MSB & ((1L << (slots * 8)) - 1);
    }
}
