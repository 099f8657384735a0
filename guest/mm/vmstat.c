/*
 * The memory statistics counters, their names, and the /proc files that
 * show them: buddyinfo, zoneinfo and vmstat (Linux's mm/vmstat.c).
 * Updated by the allocators through vmstat.h.
 *
 * The printers read counters without zone->lock: they are called at
 * quiescent points.
 */
#include "kernel.h"
#include "mm.h"
#include "procfs.h"
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
	[NR_ANON_MAPPED] = "nr_anon_pages",
	[NR_PAGETABLE] = "nr_page_table_pages",
};

const char *const vm_event_names[NR_VM_EVENT_ITEMS] = {
	[PGALLOC_DMA] = "pgalloc_dma",
	[PGALLOC_NORMAL] = "pgalloc_normal",
	[PGALLOC_HIGH] = "pgalloc_high",
	[PGFREE] = "pgfree",
	[PGFAULT] = "pgfault",
	[PGALLOC_FAIL] = "pgalloc_fail",
	[PGALLOC_FAIL_INJECTED] = "pgalloc_fail_injected",
};

void show_buddyinfo(void)
{
	struct zone *zone;

	for_each_zone(zone) {
		if (!populated_zone(zone))
			continue;
		printk("Node 0, zone %8s ", zone->name);
		for (int order = 0; order < MAX_ORDER; order++)
			printk("%6lu ", zone->free_area[order].nr_free);
		printk("\n");
	}
}

void show_zoneinfo(void)
{
	struct zone *zone;

	for_each_zone(zone) {
		printk("Node 0, zone %8s\n", zone->name);
		printk("  pages free     %lu\n", zone_page_state(zone, NR_FREE_PAGES));
		printk("        min      %lu\n", min_wmark_pages(zone));
		printk("        low      %lu\n", low_wmark_pages(zone));
		printk("        high     %lu\n", high_wmark_pages(zone));
		printk("        spanned  %lu\n", zone->spanned_pages);
		printk("        present  %lu\n", zone->present_pages);
		printk("        managed  %lu\n", zone->managed_pages);
		printk("        protection: (");
		for (int i = 0; i < MAX_NR_ZONES; i++)
			printk(i ? ", %lu" : "%lu", zone->lowmem_reserve[i]);
		printk(")\n");
		for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
			printk("      %-12s %lu\n", zone_stat_names[i], zone_page_state(zone, i));
		printk("  pagesets\n");
		for (int cpu = 0; cpu < NR_CPUS; cpu++) {
			const struct per_cpu_pages *pcp = &zone->pageset[cpu];
			printk("    cpu: %d\n", cpu);
			printk("              count: %d\n", pcp->count);
			printk("              high:  %d\n", pcp->high);
			printk("              batch: %d\n", pcp->batch);
		}
		printk("  start_pfn:           %lu\n", zone->zone_start_pfn);
	}
}

void show_vmstat(void)
{
	for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		printk("%s %lu\n", zone_stat_names[i], global_zone_page_state(i));
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++)
		printk("%s %lu\n", vm_event_names[i], vm_event_states.event[i]);
}
