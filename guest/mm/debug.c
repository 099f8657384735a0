/*
 * dump_page(): everything a struct page says, for bad_page reports and
 * MM_BUG_ON_PAGE (Linux's mm/debug.c).  Reads only the struct page (and the
 * first tail of a compound head), never page contents, so it is safe on a
 * corrupted page.
 */
#include "kernel.h"
#include "mm.h"

static const char *const pageflag_names[NR_PAGEFLAGS] = {
	[PG_locked] = "locked",
	[PG_referenced] = "referenced",
	[PG_uptodate] = "uptodate",
	[PG_dirty] = "dirty",
	[PG_lru] = "lru",
	[PG_active] = "active",
	[PG_slab] = "slab",
	[PG_reserved] = "reserved",
	[PG_private] = "private",
	[PG_writeback] = "writeback",
	[PG_head] = "head",
	[PG_swapbacked] = "swapbacked",
	[PG_buddy] = "buddy",
	[PG_table] = "table",
	[PG_poisoned] = "poisoned",
};

/* "name|name|..." into buf; unknown bits as "0x..". */
static void format_page_flags(unsigned long flags, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int bit = 0; bit < (int)(8 * sizeof(flags)); bit++) {
		const char *name;
		char unknown[2 + 2 * sizeof(long) + 1];

		if (!(flags & (1ul << bit)))
			continue;
		if (bit < NR_PAGEFLAGS) {
			name = pageflag_names[bit];
		} else {
			snprintf(unknown, sizeof(unknown), "0x%lx", 1ul << bit);
			name = unknown;
		}
		if (len && len + 1 < size)
			buf[len++] = '|';
		for (; *name && len + 1 < size; name++)
			buf[len++] = *name;
		buf[len] = '\0';
	}
}

void dump_page(const struct page *page, const char *reason)
{
	unsigned long pfn = page_to_pfn(page);
	char flags[192];

	printk("page:%p refcount:%d mapcount:%d mapping:%p index:0x%lx pfn:0x%lx\n",
	       (const void *)page, page->_refcount, page->_mapcount,
	       (void *)page->mapping, page->index, pfn);
	if (pfn_valid(pfn))
		printk("zone:%s private:0x%lx%s\n", page_zone(page)->name, page->private,
		       PageBuddy(page) ? " (free block order)" : "");
	else
		printk("pfn beyond mem_map (max_pfn 0x%lx) private:0x%lx\n", max_pfn,
		       page->private);
	format_page_flags(page->flags, flags, sizeof(flags));
	printk("flags: 0x%lx(%s)\n", page->flags, flags);
	if (PageTail(page))
		printk("compound tail: head %p\n", (void *)compound_head(page));
	else if (PageHead(page) && pfn_valid(pfn + 1))
		printk("compound head: order %u\n", page[1].compound_order);
	if (reason)
		printk("page dumped because: %s\n", reason);
}
