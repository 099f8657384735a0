/* Host build of guest/mm/slab_debug.c for tests/mm_*.c and the host benchmark. */
#include "../slab_debug.c"
