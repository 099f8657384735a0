/* Host build of memblock for tests/mm_memblock.c. */
#include "../memblock.c"
