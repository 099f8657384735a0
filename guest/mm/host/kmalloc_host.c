/* Host build of guest/mm/kmalloc.c for tests/mm_*.c and the host benchmark. */
#include "../kmalloc.c"
