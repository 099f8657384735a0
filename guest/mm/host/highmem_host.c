/* Host build of guest/mm/highmem.c (its page_address part) for tests/mm_*.c. */
#include "../highmem.c"
