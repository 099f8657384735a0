/*
 * Host shim for the guest mm core: the kernel services it calls (printk,
 * panic, BUG, WARN, page clear/copy/poison hooks) done with stdio and
 * abort(), plus the fake machine tests boot the allocator on (mm_host.h).
 *
 * snprintf and vsnprintf are the C library's: kernel.h declares them with
 * the same prototypes.
 *
 * Death tests: panic() and BUG() abort(), which a test expects with
 * `.signal = SIGABRT`, only when the test said beforehand what the report
 * must say (mm_host_expect_death()) and the transcript of this run (every
 * printk, quiet or not, then the panic line) says it.  Otherwise they exit
 * with MM_HOST_WRONG_DEATH and print what was missing, so a death test
 * cannot pass by dying for another reason or with a broken report.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kernel.h"
#include "mm.h"
#include "mm_host.h"

char *mm_arena_base;
static size_t mm_arena_bytes;
bool mm_host_quiet;
unsigned long mm_host_warnings;

/* ---- The transcript and death expectations -------------------------------- */

/* The last TRANSCRIPT_BYTES bytes printed: a report is far shorter, and
 * older text is dropped half a buffer at a time. */
#define TRANSCRIPT_BYTES 65536
static char transcript[TRANSCRIPT_BYTES];
static size_t transcript_len;

#define MAX_EXPECTED 8
static char *expected[MAX_EXPECTED];
static unsigned int nr_expected;

static void transcript_add(const char *fmt, va_list ap)
{
	char line[1024];
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	size_t len = n < 0 ? 0 : (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;

	if (transcript_len + len >= TRANSCRIPT_BYTES) {
		size_t keep = TRANSCRIPT_BYTES / 2;

		memmove(transcript, transcript + transcript_len - keep, keep);
		transcript_len = keep;
	}
	memcpy(transcript + transcript_len, line, len);
	transcript_len += len;
	transcript[transcript_len] = '\0';
}

static void transcript_addf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	transcript_add(fmt, ap);
	va_end(ap);
}

void mm_host_expect_death(const char *needle, ...)
{
	va_list ap;

	va_start(ap, needle);
	for (const char *s = needle; s; s = va_arg(ap, const char *)) {
		if (nr_expected == MAX_EXPECTED) {
			fprintf(stderr, "mm_host_expect_death: more than %d strings\n", MAX_EXPECTED);
			_exit(MM_HOST_WRONG_DEATH);
		}
		expected[nr_expected++] = strdup(s);
	}
	va_end(ap);
}

const char *mm_host_transcript(void)
{
	return transcript;
}

/* The end of panic() and BUG(): die as the test expects, or say why not. */
static __attribute__((noreturn)) void die_as_expected(void)
{
	bool ok = nr_expected > 0;

	fflush(stdout);
	if (!nr_expected)
		fprintf(stderr, "death test: this panic was not expected "
			"(call mm_host_expect_death() first)\n");
	for (unsigned int i = 0; i < nr_expected; i++) {
		if (!strstr(transcript, expected[i])) {
			fprintf(stderr, "death test: the report lacks \"%s\"\n", expected[i]);
			ok = false;
		}
	}
	if (!ok) {
		fprintf(stderr, "--- transcript ---\n%s--- end ---\n", transcript);
		_exit(MM_HOST_WRONG_DEATH);
	}
	abort();
}

/* ---- Kernel services ----------------------------------------------------- */

int vprintk(const char *fmt, va_list ap)
{
	va_list copy;

	va_copy(copy, ap);
	transcript_add(fmt, copy);
	va_end(copy);
	if (mm_host_quiet)
		return 0;
	return vfprintf(stdout, fmt, ap);
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "Kernel panic - not syncing: ");
	transcript_addf("Kernel panic - not syncing: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	transcript_add(fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	transcript_addf("\n");
	die_as_expected();
}

void __bug(const char *file, int line, const char *cond)
{
	fflush(stdout);
	fprintf(stderr, "kernel BUG at %s:%d%s%s\n", file, line, cond ? ": " : "",
		cond ? cond : "");
	transcript_addf("kernel BUG at %s:%d%s%s\n", file, line, cond ? ": " : "",
			cond ? cond : "");
	die_as_expected();
}

void __warn(const char *file, int line, const char *cond)
{
	mm_host_warnings++;
	if (!mm_host_quiet)
		fprintf(stderr, "WARNING: at %s:%d %s\n", file, line, cond ? cond : "");
}

/* ---- Page contents: the arena is all of "physical memory", highmem too --- */

static void *pfn_data(unsigned long pfn)
{
	BUG_ON(pfn >= max_pfn);
	return __va(PFN_PHYS(pfn));
}

unsigned long mem_find_nonzero(const void *p, unsigned long len)
{
	const unsigned char *b = p;
	unsigned long i = 0;

	while (i < len && !b[i])
		i++;
	return i;
}

void clear_page(void *addr)
{
	memset(addr, 0, PAGE_SIZE);
}

void copy_page(void *to, const void *from)
{
	memcpy(to, from, PAGE_SIZE);
}

void clear_highpage(struct page *page)
{
	clear_page(pfn_data(page_to_pfn(page)));
}

void clear_highpages(struct page *page, unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++)
		clear_highpage(page + i);
}

void copy_highpage(struct page *to, const struct page *from)
{
	copy_page(pfn_data(page_to_pfn(to)), pfn_data(page_to_pfn(from)));
}

bool poison_page(struct page *page)
{
	memset(pfn_data(page_to_pfn(page)), PAGE_POISON, PAGE_SIZE);
	return true;
}

long check_poison_page(struct page *page)
{
	const unsigned char *p = pfn_data(page_to_pfn(page));

	for (unsigned long i = 0; i < PAGE_SIZE; i++)
		if (p[i] != PAGE_POISON)
			return (long)i;
	return -1;
}

/* ---- The fake machine ------------------------------------------------------ */

void mm_host_teardown(void)
{
	free(mem_map);
	mem_map = NULL;
	if (mm_arena_base)
		munmap(mm_arena_base, mm_arena_bytes);
	mm_arena_base = NULL;
	mm_arena_bytes = 0;
}

static bool in_ranges(unsigned long pfn, const struct mm_host_range *r, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (pfn >= r[i].start && pfn < r[i].end)
			return true;
	return false;
}

void mm_host_init(const struct mm_host_layout *l)
{
	unsigned long max_zone_pfn[MAX_NR_ZONES] = { l->dma_end, l->normal_end, l->nr_pfns };
	unsigned long present[MAX_NR_ZONES] = { 0 };

	mm_host_teardown();
	mem_map = calloc(l->nr_pfns, sizeof(struct page));
	mm_arena_bytes = l->nr_pfns * PAGE_SIZE;
	mm_arena_base = mmap(NULL, mm_arena_bytes, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (!mem_map || mm_arena_base == MAP_FAILED) {
		perror("mm_host_init");
		abort();
	}
	memset(&vm_event_states, 0, sizeof(vm_event_states));

	for (unsigned long pfn = 0; pfn < l->nr_pfns; pfn++) {
		if (in_ranges(pfn, l->holes, l->nr_holes))
			continue;
		present[pfn < l->dma_end ? ZONE_DMA : pfn < l->normal_end ? ZONE_NORMAL
									   : ZONE_HIGHMEM]++;
	}
	free_area_init(max_zone_pfn, present);

	for (unsigned int i = 0; i < l->nr_reserved; i++)
		for (unsigned long pfn = l->reserved[i].start; pfn < l->reserved[i].end; pfn++)
			SetPageReserved(pfn_to_page(pfn));

	if (!l->no_free) {
		/* Maximal runs of RAM that is neither hole nor reserved, as
		 * memblock's free-range iterator yields them at boot. */
		unsigned long pfn = 0;

		while (pfn < l->nr_pfns) {
			unsigned long start;

			while (pfn < l->nr_pfns && (in_ranges(pfn, l->holes, l->nr_holes) ||
						    in_ranges(pfn, l->reserved, l->nr_reserved)))
				pfn++;
			start = pfn;
			while (pfn < l->nr_pfns && !in_ranges(pfn, l->holes, l->nr_holes) &&
			       !in_ranges(pfn, l->reserved, l->nr_reserved))
				pfn++;
			if (start < pfn)
				memblock_free_pages_range(start, pfn);
		}
	}
	if (!l->no_wmark)
		init_per_zone_wmark_min();
	if (!l->no_pcp)
		setup_per_cpu_pageset();
}

unsigned long mm_host_pcp_pages(void)
{
	unsigned long n = 0;
	struct zone *zone;

	for_each_zone(zone)
		for (int cpu = 0; cpu < NR_CPUS; cpu++)
			n += (unsigned long)zone->pageset[cpu].count;
	return n;
}

#define VERIFY(cond, ...)                                           \
	do {                                                        \
		if (!(cond)) {                                      \
			snprintf(err, errlen, __VA_ARGS__);         \
			free(seen);                                 \
			return -1;                                  \
		}                                                   \
	} while (0)

/*
 * The zone's deferred ranges (mmzone.h): used entries non-empty, aligned,
 * inside the zone and not overlapping anything seen so far (listed blocks,
 * other ranges), unused entries zero, every struct page in them all-zero
 * (not even PG_poisoned: nobody has ever touched them).  Marks them in
 * seen.  Returns the number of deferred blocks, or ~0ul with err set.
 */
static unsigned long verify_deferred(const struct zone *zone, unsigned char *seen, char *err,
				     size_t errlen)
{
	static const struct page zero;
	unsigned long blocks = 0;

#define DVERIFY(cond, ...)                                          \
	do {                                                        \
		if (!(cond)) {                                      \
			snprintf(err, errlen, __VA_ARGS__);         \
			return ~0ul;                                \
		}                                                   \
	} while (0)
	DVERIFY(zone->nr_deferred_ranges <= NR_DEFERRED_RANGES, "%s: %lu deferred ranges",
		zone->name, zone->nr_deferred_ranges);
	for (unsigned long i = 0; i < NR_DEFERRED_RANGES; i++) {
		const struct deferred_range *r = &zone->deferred[i];

		if (i >= zone->nr_deferred_ranges) {
			DVERIFY(!r->start_pfn && !r->end_pfn, "%s: unused deferred range %lu is "
				"[0x%lx, 0x%lx), not zero", zone->name, i, r->start_pfn, r->end_pfn);
			continue;
		}
		DVERIFY(r->start_pfn < r->end_pfn && !(r->start_pfn % MAX_ORDER_NR_PAGES) &&
			!(r->end_pfn % MAX_ORDER_NR_PAGES),
			"%s: deferred range %lu [0x%lx, 0x%lx) empty or not MAX_ORDER-aligned",
			zone->name, i, r->start_pfn, r->end_pfn);
		DVERIFY(r->start_pfn >= zone->zone_start_pfn && r->end_pfn <= zone_end_pfn(zone),
			"%s: deferred range %lu [0x%lx, 0x%lx) leaves the zone", zone->name, i,
			r->start_pfn, r->end_pfn);
		for (unsigned long pfn = r->start_pfn; pfn < r->end_pfn; pfn++) {
			DVERIFY(!seen[pfn], "pfn 0x%lx: deferred and also free elsewhere", pfn);
			seen[pfn] = 1;
			DVERIFY(!memcmp(pfn_to_page(pfn), &zero, sizeof(zero)),
				"pfn 0x%lx: struct page in a deferred range is not zero", pfn);
		}
		blocks += (r->end_pfn - r->start_pfn) / MAX_ORDER_NR_PAGES;
	}
#undef DVERIFY
	return blocks;
}

long mm_host_verify(char *err, size_t errlen)
{
	unsigned char *seen = calloc(max_pfn ? max_pfn : 1, 1);
	long total = 0;
	struct zone *zone;

	if (!seen)
		abort();
	for_each_zone(zone) {
		long zone_free = 0;

		for (unsigned int order = 0; order < MAX_ORDER; order++) {
			const struct list_head *head = &zone->free_area[order].free_list;
			unsigned long n = 0;

			for (const struct list_head *pos = head->next; pos != head; pos = pos->next) {
				const struct page *page = list_entry(pos, struct page, lru);
				unsigned long pfn = page_to_pfn(page);

				VERIFY(pfn < max_pfn, "%s order %u: entry outside mem_map",
				       zone->name, order);
				VERIFY(pos->next->prev == pos, "pfn 0x%lx: broken list links", pfn);
				VERIFY(PageBuddy(page), "pfn 0x%lx: on free list %u without PG_buddy",
				       pfn, order);
				VERIFY(page->private == order, "pfn 0x%lx: PageBuddy order %lu on list %u",
				       pfn, page->private, order);
				VERIFY(!(pfn & ((1ul << order) - 1)),
				       "pfn 0x%lx: PageBuddy order %u but pfn not %lu-aligned", pfn,
				       order, 1ul << order);
				VERIFY(pfn >= zone->zone_start_pfn &&
				       pfn + (1ul << order) <= zone_end_pfn(zone),
				       "pfn 0x%lx order %u: block leaves zone %s", pfn, order,
				       zone->name);
				VERIFY(page->_refcount == 0 && page->_mapcount == 0 && !page->mapping,
				       "pfn 0x%lx: free head in use", pfn);
				VERIFY(page->index == 0, "pfn 0x%lx: free head index 0x%lx", pfn,
				       page->index);
				VERIFY(!(page->flags & ~(1ul << PG_buddy | 1ul << PG_poisoned)),
				       "pfn 0x%lx: free head flags 0x%lx", pfn, page->flags);
				for (unsigned long i = 0; i < (1ul << order); i++) {
					const struct page *t = page + i;
					static const struct page zero;
					struct page copy = *t;

					VERIFY(!seen[pfn + i], "pfn 0x%lx: in two free blocks", pfn + i);
					seen[pfn + i] = 1;
					if (!i)
						continue;
					copy.flags &= ~(1ul << PG_poisoned);
					VERIFY(!memcmp(&copy, &zero, sizeof(zero)),
					       "pfn 0x%lx: tail of free block 0x%lx/%u not zero",
					       pfn + i, pfn, order);
				}
				n++;
				zone_free += 1l << order;
				VERIFY(n <= max_pfn, "%s order %u: free list loops", zone->name, order);
			}
			if (order == MAX_ORDER - 1) {
				/* Deferred blocks count in nr_free (mmzone.h). */
				unsigned long d = verify_deferred(zone, seen, err, errlen);

				if (d == ~0ul) {
					free(seen);
					return -1;
				}
				n += d;
				zone_free += (long)(d * MAX_ORDER_NR_PAGES);
			}
			VERIFY(n == zone->free_area[order].nr_free, "%s order %u: nr_free %lu, list has %lu",
			       zone->name, order, zone->free_area[order].nr_free, n);
		}
		VERIFY(zone_free == zone->vm_stat[NR_FREE_PAGES], "%s: NR_FREE_PAGES %ld, lists hold %ld",
		       zone->name, zone->vm_stat[NR_FREE_PAGES], zone_free);
		total += zone_free;
	}
	VERIFY(total == vm_zone_stat[NR_FREE_PAGES], "global NR_FREE_PAGES %ld, lists hold %ld",
	       vm_zone_stat[NR_FREE_PAGES], total);
	free(seen);
	return total;
}
