/* Host build of guest/mm/highmem.c (page_address and the pkmap slot
 * allocator; tests provide pkmap_page_table) for tests/mm_*.c. */
#include "../highmem.c"

/* The pkmap window's TLB flush: the tests count them (mm_host.h). */
unsigned long mm_host_pkmap_tlb_flushes;

void pkmap_flush_tlb(void)
{
	mm_host_pkmap_tlb_flushes++;
}
