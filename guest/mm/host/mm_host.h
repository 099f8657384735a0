/*
 * Host test harness for the guest mm core (tests/mm_*.c): builds a fake
 * machine (mem_map plus a data arena standing in for guest RAM) with chosen
 * zone boundaries, holes and reserved ranges, and runs the real boot path
 * of guest/mm/page_alloc.c over it.
 */
#ifndef GUEST_MM_HOST_H
#define GUEST_MM_HOST_H

#include "mm.h"

/* A pfn range [start, end). */
struct mm_host_range {
	unsigned long start, end;
};

struct mm_host_layout {
	unsigned long nr_pfns;      /* max_pfn: mem_map and arena size */
	unsigned long dma_end;      /* first Normal pfn (Linux: 16 MiB) */
	unsigned long normal_end;   /* first HighMem pfn (max_low_pfn) */
	const struct mm_host_range *holes;    /* not RAM: struct pages stay zero */
	unsigned int nr_holes;
	const struct mm_host_range *reserved; /* RAM marked PG_reserved */
	unsigned int nr_reserved;
	bool no_free;   /* skip memblock_free_pages_range: the test frees */
	bool no_wmark;  /* skip init_per_zone_wmark_min: watermarks stay 0 */
	bool no_pcp;    /* skip setup_per_cpu_pageset: per-CPU lists stay off */
};

/* Build the machine and boot the allocator on it; replaces any previous one. */
void mm_host_init(const struct mm_host_layout *layout);
void mm_host_teardown(void);

/*
 * Death tests (`.signal = SIGABRT`): the strings the coming panic's or
 * BUG's report must contain, NULL-terminated (expect_death() adds the
 * NULL).  panic() and BUG() abort only when every one is in the
 * transcript; otherwise, and when nothing was expected, they print what is
 * missing and _exit(MM_HOST_WRONG_DEATH), which fails the test.
 */
#define MM_HOST_WRONG_DEATH 86
void mm_host_expect_death(const char *needle, ...);
#define expect_death(...) mm_host_expect_death(__VA_ARGS__, (const char *)NULL)
/* Everything printed so far (printk, quiet or not, and the panic line). */
const char *mm_host_transcript(void);

/* printk output is dropped while set (panics and BUGs still print). */
extern bool mm_host_quiet;
/* WARN_ON hits so far. */
extern unsigned long mm_host_warnings;

/* pkmap_flush_tlb() calls so far (highmem.c's flush of the pkmap window). */
extern unsigned long mm_host_pkmap_tlb_flushes;

/* Pages on every zone's per-CPU lists. */
unsigned long mm_host_pcp_pages(void);

/*
 * Walk every free list and check the buddy invariants from outside: heads
 * are PG_buddy with private == order, aligned, inside their zone, on the
 * list of their order exactly once; nr_free and NR_FREE_PAGES agree with
 * the lists plus the deferred ranges; the deferred ranges follow their
 * encoding (mmzone.h) and their struct pages are all-zero; no two free
 * blocks overlap; every tail of a free block is all-zero but for
 * PG_poisoned.  Returns the free page count, or -1 with a message in err.
 */
long mm_host_verify(char *err, size_t errlen);

#endif
