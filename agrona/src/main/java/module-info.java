/**
 * Agrona interop for the tophash byte-keyed maps: keys in a {@code DirectBuffer} read where they
 * lie, values read and written through an {@code UnsafeBuffer} flyweight.
 */
module io.tophash.agrona {
    requires transitive io.tophash;
    requires transitive org.agrona;

    exports io.tophash.agrona;
}
