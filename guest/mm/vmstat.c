/*
 * The memory statistics counters themselves and their /proc/vmstat names
 * (Linux's mm/vmstat.c).  Updated by the allocators through vmstat.h.
 */
#include "kernel.h"
#include "vmstat.h"

struct vm_event_state vm_event_states;
long vm_zone_stat[NR_VM_ZONE_STAT_ITEMS];

_Static_assert(PGALLOC_NORMAL == PGALLOC_DMA + ZONE_NORMAL &&
	       PGALLOC_HIGH == PGALLOC_DMA + ZONE_HIGHMEM,
	       "pgalloc events are indexed by zone");

const char *const zone_stat_names[NR_VM_ZONE_STAT_ITEMS] = {
	[NR_FREE_PAGES] = "nr_free_pages",
	[NR_SLAB_RECLAIMABLE] = "nr_slab_reclaimable",
	[NR_SLAB_UNRECLAIMABLE] = "nr_slab_unreclaimable",
};

const char *const vm_event_names[NR_VM_EVENT_ITEMS] = {
	[PGALLOC_DMA] = "pgalloc_dma",
	[PGALLOC_NORMAL] = "pgalloc_normal",
	[PGALLOC_HIGH] = "pgalloc_high",
	[PGFREE] = "pgfree",
	[PGALLOC_FAIL] = "pgalloc_fail",
	[PGALLOC_FAIL_INJECTED] = "pgalloc_fail_injected",
};
