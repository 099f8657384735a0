/* Host build of guest/mm/vmap_area.c (the vmalloc address-range allocator) for tests/mm_*.c. */
#include "../vmap_area.c"
