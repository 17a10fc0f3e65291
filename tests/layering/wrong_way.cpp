// Compiled only by the `wrong-way include fails to build` test: migration reaching up into ops
// (WRONG_WAY_HEADER) must not find the header, since migration does not link ops.
#include WRONG_WAY_HEADER
