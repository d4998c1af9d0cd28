/** The README's examples, run from the module path as a user's named module would. */
module io.tophash.examples {
    requires io.tophash;
    requires io.tophash.agrona;
}
