/* Host build of the highmem page_address hash for tests/mm_*.c. */
#include "../page_address.c"
