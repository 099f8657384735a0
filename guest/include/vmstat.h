/*
 * Memory statistics with Linux's names: per-zone counters (zone->vm_stat,
 * summed in vm_zone_stat) and global event counters (vm_event_states, shown
 * as /proc/vmstat's pgalloc_*, pgfree, ...).
 *
 * Zone counters change under zone->lock.  Events are bumped without any
 * lock: on this one CPU the bump is a single add to memory, which an
 * interrupt cannot split (Linux's __count_vm_events is as loose).
 */
#ifndef GUEST_VMSTAT_H
#define GUEST_VMSTAT_H

#include "mmzone.h"

enum vm_event_item {
	PGALLOC_DMA,            /* pages allocated from ZONE_DMA ... */
	PGALLOC_NORMAL,
	PGALLOC_HIGH,           /* ... one per zone, in zone order */
	PGFREE,                 /* pages freed, through pcp or not */
	PGFAULT,                /* user-address page faults handled */
	PGALLOC_FAIL,           /* allocations that returned NULL */
	PGALLOC_FAIL_INJECTED,  /* of which forced by fail_page_alloc */
	NR_VM_EVENT_ITEMS
};

struct vm_event_state {
	unsigned long event[NR_VM_EVENT_ITEMS];
};

extern struct vm_event_state vm_event_states;
extern long vm_zone_stat[NR_VM_ZONE_STAT_ITEMS];
extern const char *const vm_event_names[NR_VM_EVENT_ITEMS];
extern const char *const zone_stat_names[NR_VM_ZONE_STAT_ITEMS];

static inline void count_vm_events(enum vm_event_item item, unsigned long delta)
{
	vm_event_states.event[item] += delta;
}

static inline void count_vm_event(enum vm_event_item item)
{
	vm_event_states.event[item]++;
}

/* PGALLOC_DMA + zone index: the per-zone events are laid out in zone order. */
#define __count_zid_vm_events(item, zid, delta) \
	count_vm_events(item##_DMA + (zid), (delta))

/* Caller holds zone->lock. */
static inline void __mod_zone_page_state(struct zone *zone, enum zone_stat_item item,
					 long delta)
{
	zone->vm_stat[item] += delta;
	vm_zone_stat[item] += delta;
}

/* The same with interrupts off instead of zone->lock (the slab counters). */
static inline void mod_zone_page_state(struct zone *zone, enum zone_stat_item item, long delta)
{
	unsigned long flags;

	local_irq_save(flags);
	__mod_zone_page_state(zone, item, delta);
	local_irq_restore(flags);
}

static inline unsigned long zone_page_state(const struct zone *zone,
					    enum zone_stat_item item)
{
	long x = READ_ONCE(zone->vm_stat[item]);

	return x < 0 ? 0 : (unsigned long)x;
}

static inline unsigned long global_zone_page_state(enum zone_stat_item item)
{
	long x = READ_ONCE(vm_zone_stat[item]);

	return x < 0 ? 0 : (unsigned long)x;
}

/* Free pages in the buddy lists of all zones (MemFree). */
static inline unsigned long nr_free_pages(void)
{
	return global_zone_page_state(NR_FREE_PAGES);
}

#endif
