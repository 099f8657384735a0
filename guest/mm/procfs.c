/*
 * /proc/meminfo (Linux's fs/proc/meminfo.c), /proc/PID/maps
 * (fs/proc/task_mmu.c), and show_all_mem_reports(),
 * which `run=meminfo` prints: buddyinfo, zoneinfo and vmstat (vmstat.c),
 * meminfo, slabinfo (slab.c) and vmallocinfo (vmalloc.c).  All use Linux's
 * exact formats, so
 * existing tools and eyes can read them and the host's own computation
 * (vmm/inspect) can be compared byte for byte.
 *
 * Reads counters without zone->lock: called at quiescent points.
 */
#include "kernel.h"
#include "highmem.h"
#include "mm.h"
#include "mm_struct.h"
#include "procfs.h"
#include "sched.h"
#include "slab.h"
#include "vmalloc.h"

#define K(pages) ((pages) << (PAGE_SHIFT - 10))

static void show_val_kb(const char *name, unsigned long pages)
{
	printk("%-16s%8lu kB\n", name, K(pages));
}

static void show_val(const char *name, unsigned long n)
{
	printk("%-16s%8lu\n", name, n);
}

/* As in Linux, MemFree is NR_FREE_PAGES: pages sitting on the per-CPU lists
 * are not counted (zoneinfo's pagesets show them). */
void show_meminfo(void)
{
	unsigned long free = 0, highfree = 0;
	struct pkmap_stats pk;
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
	show_val_kb("VmallocTotal:", vmalloc_total_bytes() >> PAGE_SHIFT);
	show_val_kb("VmallocUsed:", vmalloc_used_pages());
	show_val_kb("VmallocChunk:", vmalloc_chunk_bytes() >> PAGE_SHIFT);
	/* Not in Linux's meminfo: the pkmap window (highmem.c), as counts in
	 * the style of its HugePages_ lines. */
	pkmap_stats(&pk);
	show_val("PkmapInUse:", pk.in_use);
	show_val("PkmapUnflushed:", pk.unflushed);
	show_val("PkmapFlushes:", pk.flushes);
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
	printk("/proc/vmallocinfo:\n");
	show_vmallocinfo();
}

/*
 * Linux's show_map_vma() on a 32-bit kernel: every mapping here is
 * anonymous and private (offset 0, device 00:00, inode 0, 'p'); a line
 * without a name ends in a space, and a name starts at column 50
 * (seq_setwidth's 25 + 6 * sizeof(void *) - 1, padded, then a space).
 */
void show_pid_maps(const struct task_struct *t)
{
	const struct mm_struct *mm = t->mm;
	const struct vm_area_struct *vma;

	list_for_each_entry(vma, &mm->mmap, vm_list) {
		unsigned long f = vma->vm_flags;
		const char *name = NULL;
		char line[64];
		int n;

		/* Linux 6.6's vma_is_initial_heap() and vma_is_initial_stack(). */
		if (vma->vm_start < mm->brk && vma->vm_end > mm->start_brk)
			name = "[heap]";
		else if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
			name = "[stack]";
		n = snprintf(line, sizeof(line), "%08lx-%08lx %c%c%cp 00000000 00:00 0 ",
			     vma->vm_start, vma->vm_end, f & VM_READ ? 'r' : '-',
			     f & VM_WRITE ? 'w' : '-', f & VM_EXEC ? 'x' : '-');
		if (name)
			printk("%s%*s%s\n", line, n < 49 ? 49 - n : 0, "", name);
		else
			printk("%s\n", line);
	}
}
