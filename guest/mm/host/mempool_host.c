/* Host build of guest/mm/mempool.c for tests/mm_*.c and the host benchmark. */
#include "../mempool.c"
