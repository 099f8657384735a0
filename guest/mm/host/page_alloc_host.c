/* Host build of the buddy allocator (guest/mm/page_alloc.c) for tests/mm_*.c. */
#include "../page_alloc.c"
