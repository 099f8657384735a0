/*
 * run=hostile: every bad request a guest can make of the VMM, each checked
 * to be refused.  Addresses beyond RAM or in the 3-4 GiB hole, lengths that
 * wrap, counts past every limit, unknown call numbers, page operations on
 * pfns that are not RAM or are reserved, a 1 GiB console write, request
 * blocks that are not RAM, bad bench tags and an unended bracket, a
 * checkpoint storm, and the layout note in guest memory overwritten between
 * checkpoints (the VMM keeps the copy it read from the image).  The VMM
 * must refuse each, say so (rate-limited), and keep running: the workload
 * ends with status 0 only if every request came back refused.  `accepted`
 * counts every answer other than the one expected.
 */
#include "kernel.h"
#include "hypercall.h"
#include "mm.h"
#include "printk.h"
#include "string.h"
#include "workload.h"
#include "asm/page.h"

#define NOT_RAM   0xfffff000ull          /* the hole, or past the end of RAM */
#define FAR_AWAY  (1ull << 48)           /* beyond any guest's RAM */

extern char __layout_note_start[], __layout_note_end[];

static unsigned refused, accepted;

static void expect(const char *what, u32 ret, u32 want)
{
	if (ret == want) {
		refused++;
		return;
	}
	accepted++;
	printk("hostile: %s: ret %u, expected %u\n", what, ret, want);
}

static u32 call(u32 nr, u64 a0, u64 a1, u64 a2, u64 a3)
{
	return hypercall(nr, a0, a1, a2, a3);
}

static u32 pageop(u32 op, u32 fill, u32 nr_pages, u64 dst_pfn, u64 src_pfn)
{
	static struct hc_pageop ops[1];

	ops[0] = (struct hc_pageop){ .op = op, .fill = fill, .nr_pages = nr_pages,
				     .dst_pfn = dst_pfn, .src_pfn = src_pfn };
	return call(HC_PAGEOPS, __pa(ops), 1, 0, 0);
}

static void bad_console(void)
{
	static const char text[] = "never printed";

	expect("console_write beyond RAM", call(HC_CONSOLE_WRITE, NOT_RAM, 16, 0, 0), HC_EINVAL);
	expect("console_write far away", call(HC_CONSOLE_WRITE, FAR_AWAY, 8, 0, 0), HC_EINVAL);
	expect("console_write wrapping length",
	       call(HC_CONSOLE_WRITE, __pa(text), ~0ull - 0x800, 0, 0), HC_EINVAL);
	expect("console_write of 1 GiB", call(HC_CONSOLE_WRITE, __pa(text), 1ull << 30, 0, 0),
	       HC_EINVAL);
	expect("console_write straddling the end of RAM",
	       call(HC_CONSOLE_WRITE, ((u64)max_pfn << PAGE_SHIFT) - 4, 8, 0, 0), HC_EINVAL);
}

static void bad_numbers(void)
{
	expect("unknown call 99", call(99, 0, 0, 0, 0), HC_ENOSYS);
	expect("unknown call 0", call(0, 0, 0, 0, 0), HC_ENOSYS);
	expect("unknown call 0x7fffffff", call(0x7fffffff, 1, 2, 3, 4), HC_ENOSYS);
}

static void bad_pageops(void)
{
	u64 end = max_pfn;

	expect("pageops: too many elements", call(HC_PAGEOPS, 0x1000, HC_PAGEOPS_MAX + 1, 0, 0),
	       HC_EINVAL);
	expect("pageops: elements beyond RAM", call(HC_PAGEOPS, NOT_RAM, 1, 0, 0), HC_EINVAL);
	expect("pageops: elements far away", call(HC_PAGEOPS, FAR_AWAY, 1, 0, 0), HC_EINVAL);
	expect("pageops: pfn past RAM", pageop(PAGEOP_CLEAR, 0, 1, end + 10, 0), HC_EINVAL);
	expect("pageops: range running past RAM", pageop(PAGEOP_CLEAR, 0, 4, end - 2, 0),
	       HC_EINVAL);
	expect("pageops: pfn that wraps", pageop(PAGEOP_FILL, 0, 2, ~0ull, 0), HC_EINVAL);
	expect("pageops: reserved ISA-hole pfn", pageop(PAGEOP_CLEAR, 0, 1, 0xa0, 0), HC_EINVAL);
	expect("pageops: 0 pages", pageop(PAGEOP_CLEAR, 0, 0, 0x200, 0), HC_EINVAL);
	expect("pageops: too many pages",
	       pageop(PAGEOP_CLEAR, 0, HC_PAGEOP_MAX_PAGES + 1, 0x200, 0), HC_EINVAL);
	expect("pageops: overlapping copy", pageop(PAGEOP_COPY, 0, 4, 0x200, 0x202), HC_EINVAL);
	expect("pageops: copy from beyond RAM", pageop(PAGEOP_COPY, 0, 1, 0x200, end + 1),
	       HC_EINVAL);
	expect("pageops: unknown op", pageop(77, 0, 1, 0x200, 0), HC_EINVAL);
	expect("pageops: fill byte > 0xff", pageop(PAGEOP_FILL, 0x100, 1, 0x200, 0), HC_EINVAL);
}

static void bad_mem(void)
{
	static u32 word;

	expect("mem_or32: stride 0", call(HC_MEM_OR32, __pa(&word), 0, 2, 1), HC_EINVAL);
	expect("mem_or32: unaligned", call(HC_MEM_OR32, __pa(&word) + 1, 4, 1, 1), HC_EINVAL);
	expect("mem_or32: huge count", call(HC_MEM_OR32, __pa(&word), 4, ~0ull, 1), HC_EINVAL);
	expect("mem_or32: beyond RAM", call(HC_MEM_OR32, NOT_RAM, 4, 4, 1), HC_EINVAL);
	expect("mem_or32: span past RAM",
	       call(HC_MEM_OR32, __pa(&word), 1u << 20, HC_MEM_OR32_MAX, 1), HC_EINVAL);
	expect("mem_find_nonzero: huge length", call(HC_MEM_FIND_NONZERO, 0x1000, ~0ull, 0, 0),
	       HC_EINVAL);
	expect("mem_find_nonzero: beyond RAM", call(HC_MEM_FIND_NONZERO, NOT_RAM, 64, 0, 0),
	       HC_EINVAL);
}

/*
 * Requests the VMM cannot even read: it ignores them, and no answer can
 * reach the guest, which just goes on.  Only the VMM's warnings show them
 * (integ_vmm checks those), so they are counted apart.
 */
static unsigned bad_blocks(void)
{
	hypercall_at((u32)NOT_RAM);
	hypercall_at(0xfffffffcu);                          /* wraps past 4 GiB */
	hypercall_at((u32)((max_pfn << PAGE_SHIFT) - 8));   /* straddles the end */
	return 3;
}

static void bad_bench(void)
{
	static const char tag[] = "hostile";
	static const char bad[] = "two words";

	expect("bench_begin: empty tag", call(HC_BENCH_BEGIN, __pa(tag), 0, 0, 0), HC_EINVAL);
	expect("bench_begin: tag too long", call(HC_BENCH_BEGIN, __pa(tag), 4096, 0, 0), HC_EINVAL);
	expect("bench_begin: tag with a space", call(HC_BENCH_BEGIN, __pa(bad), 9, 0, 0), HC_EINVAL);
	expect("bench_begin: tag beyond RAM", call(HC_BENCH_BEGIN, NOT_RAM, 4, 0, 0), HC_EINVAL);
	expect("bench_end: no bracket", call(HC_BENCH_END, __pa(tag), 7, 0, 1), HC_EINVAL);
}

/* Begun, never ended: a good request, which the VMM reports at exit. */
static void open_bracket(void)
{
	static const char tag[] = "hostile";
	u32 ret = call(HC_BENCH_BEGIN, __pa(tag), 7, 0, 0);

	if (ret != HC_OK) {
		accepted++;
		printk("hostile: bench_begin left open: ret %u, expected %u\n", ret, HC_OK);
	}
}

static int wl_hostile(const char *arg)
{
	unsigned unanswerable;

	(void)arg;
	bad_console();
	bad_numbers();
	bad_pageops();
	bad_mem();
	unanswerable = bad_blocks();
	checkpoint(1);
	/* The VMM read the note from the image; this copy is the guest's. */
	memset(__layout_note_start, 0xff, __layout_note_end - __layout_note_start);
	for (unsigned i = 0; i < 1000; i++)     /* a storm */
		checkpoint(2 + i);
	bad_bench();
	open_bracket();
	printk("hostile: %u bad requests refused, %u accepted; %u unreadable request blocks "
	       "sent\n", refused, accepted, unanswerable);
	return accepted ? 1 : 0;
}
DEFINE_WORKLOAD("hostile", wl_hostile,
		"make every bad request of the VMM and check that each is refused");
