/* Host build of guest/mm/slab.c for tests/mm_*.c and the host benchmark. */
#include "../slab.c"
