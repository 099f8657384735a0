/* Host build of guest/mm/failslab.c for tests/mm_*.c and the host benchmark. */
#include "../failslab.c"
