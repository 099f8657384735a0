/*
 * /proc-format memory reports: buddyinfo, zoneinfo, meminfo, vmstat and
 * (from slab.c) slabinfo,
 * printed with Linux's exact formats so existing tools and eyes can read
 * them, and so the host's own computation (vmm/inspect) can be compared
 * byte for byte.  `run=meminfo` prints them all.
 *
 * Reads counters without zone->lock: called at quiescent points.
 */
#include "kernel.h"
#include "mm.h"
#include "procfs.h"
#include "slab.h"

#define K(pages) ((pages) << (PAGE_SHIFT - 10))

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

static void show_val_kb(const char *name, unsigned long pages)
{
	printk("%-16s%8lu kB\n", name, K(pages));
}

/* As in Linux, MemFree is NR_FREE_PAGES: pages sitting on the per-CPU lists
 * are not counted (zoneinfo's pagesets show them). */
void show_meminfo(void)
{
	unsigned long free = 0, highfree = 0;
	struct zone *zone;

	for_each_zone(zone) {
		unsigned long f = zone_page_state(zone, NR_FREE_PAGES);
		free += f;
		if (is_highmem(zone))
			highfree += f;
	}
	show_val_kb("MemTotal:", totalram_pages);
	show_val_kb("MemFree:", free);
	show_val_kb("HighTotal:", totalhigh_pages);
	show_val_kb("HighFree:", highfree);
	show_val_kb("LowTotal:", totalram_pages - totalhigh_pages);
	show_val_kb("LowFree:", free - highfree);
	show_val_kb("Slab:", global_slab_pages());
	show_val_kb("SReclaimable:", global_zone_page_state(NR_SLAB_RECLAIMABLE));
	show_val_kb("SUnreclaim:", global_zone_page_state(NR_SLAB_UNRECLAIMABLE));
}

void show_vmstat(void)
{
	for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		printk("%s %lu\n", zone_stat_names[i], global_zone_page_state(i));
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++)
		printk("%s %lu\n", vm_event_names[i], vm_event_states.event[i]);
}

void show_all_mem_reports(void)
{
	printk("/proc/buddyinfo:\n");
	show_buddyinfo();
	printk("/proc/zoneinfo:\n");
	show_zoneinfo();
	printk("/proc/meminfo:\n");
	show_meminfo();
	printk("/proc/vmstat:\n");
	show_vmstat();
	printk("/proc/slabinfo:\n");
	show_slabinfo();
}
