/*
 * The VMA set of an address space: find_vma, get_unmapped_area, mmap,
 * munmap, mprotect, brk and stack growth, with Linux's semantics and error
 * codes (mm/mmap.c, mm/mprotect.c), over anonymous private memory only.
 *
 * The set is a list sorted by address (Linux had an rbtree, now a maple
 * tree): lookups are O(VMAs), which is fine for the handful of VMAs a task
 * here has.  Adjacent VMAs with equal flags are merged after every change,
 * as vma_merge() does, so the list is the smallest that describes the
 * mappings.  Splitting and merging never touch page tables: the PTEs of a
 * range belong to the range, whichever VMA holds it.
 *
 * This file knows nothing of pages.  What happens under a range (unmap,
 * protection change, freeing page tables) is memory.c's, and VMAs come
 * from kernel/fork.c; so the host builds this file alone for the unit tests
 * (tests/mm_mmap.c checks it against a model), supplying those three.
 *
 * Locking: none (mm_struct.h): one CPU, cooperative scheduling, and no
 * interrupt handler touches an mm.
 */
#include "kernel.h"
#include "errno-base.h"
#include "mman.h"
#include "mm_struct.h"


struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	for_each_vma(mm, vma)
		if (vma->vm_end > addr)
			return vma;
	return NULL;
}

struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	return vma && vma->vm_start <= addr ? vma : NULL;
}

/* The last VMA ending at or below addr, or NULL. */
static struct vm_area_struct *find_vma_prev(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma, *prev = NULL;

	for_each_vma(mm, vma) {
		if (vma->vm_end > addr)
			break;
		prev = vma;
	}
	return prev;
}

static void vma_link(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *next = find_vma(mm, vma->vm_start);

	MM_BUG_ON(vma->vm_start >= vma->vm_end || vma->vm_end > TASK_SIZE);
	MM_BUG_ON(next && next->vm_start < vma->vm_end);
	list_add_tail(&vma->vm_list, next ? &next->vm_list : &mm->mmap);
	mm->map_count++;
}

static void vma_unlink_free(struct mm_struct *mm, struct vm_area_struct *vma)
{
	list_del(&vma->vm_list);
	mm->map_count--;
	vm_area_free(vma);
}

/*
 * Cut vma in two at addr.  With new_below the new VMA takes the part below
 * addr, else the part above; vma keeps the other.  Linux's __split_vma.
 */
static int split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
		     bool new_below)
{
	struct vm_area_struct *new;

	MM_BUG_ON(addr <= vma->vm_start || addr >= vma->vm_end || (addr & ~PAGE_MASK));
	if (mm->map_count >= DEFAULT_MAX_MAP_COUNT)
		return -ENOMEM;
	new = vm_area_alloc(mm);
	if (!new)
		return -ENOMEM;
	new->vm_flags = vma->vm_flags;
	if (new_below) {
		new->vm_start = vma->vm_start;
		new->vm_end = addr;
		vma->vm_start = addr;
	} else {
		new->vm_start = addr;
		new->vm_end = vma->vm_end;
		vma->vm_end = addr;
	}
	vma_link(mm, new);
	return 0;
}

static bool can_merge(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	return a->vm_end == b->vm_start && a->vm_flags == b->vm_flags;
}

/* Fold vma into its neighbours where they touch it with equal flags; the
 * VMA that now holds vma's range. */
static struct vm_area_struct *vma_merge_neighbours(struct mm_struct *mm,
						   struct vm_area_struct *vma)
{
	struct vm_area_struct *next = vma_next(mm, vma), *prev = vma_prev(mm, vma);

	if (next && can_merge(vma, next)) {
		vma->vm_end = next->vm_end;
		vma_unlink_free(mm, next);
	}
	if (prev && can_merge(prev, vma)) {
		prev->vm_end = vma->vm_end;
		vma_unlink_free(mm, vma);
		vma = prev;
	}
	return vma;
}

/* The lowest free [addr, addr + len) at or above low, or -ENOMEM. */
static unsigned long first_fit(struct mm_struct *mm, unsigned long low, unsigned long len)
{
	struct vm_area_struct *vma;
	unsigned long addr = low;

	if (len > TASK_SIZE || addr > TASK_SIZE - len)
		return -ENOMEM;
	for_each_vma(mm, vma) {
		unsigned long gap_end = vma->vm_start;

		if (vma->vm_end <= addr)
			continue;
		if (vma->vm_flags & VM_GROWSDOWN)
			gap_end = gap_end > STACK_GUARD_GAP ? gap_end - STACK_GUARD_GAP : 0;
		if (gap_end >= addr && gap_end - addr >= len)
			return addr;
		addr = max(addr, vma->vm_end);
		if (addr > TASK_SIZE - len)
			return -ENOMEM;
	}
	return addr;
}

static bool range_is_free(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	return !vma || vma->vm_start >= addr + len;
}

/* As range_is_free, but a stack's guard gap below it counts as taken
 * (Linux's vm_start_gap): a hint may not stop the stack growing. */
static bool range_is_free_gap(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	struct vm_area_struct *vma = find_vma(mm, addr);
	unsigned long start;

	if (!vma)
		return true;
	start = vma->vm_start;
	if (vma->vm_flags & VM_GROWSDOWN)
		start = start > STACK_GUARD_GAP ? start - STACK_GUARD_GAP : 0;
	return start >= addr + len;
}

unsigned long get_unmapped_area(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	if (len > TASK_SIZE - MMAP_MIN_ADDR)
		return -ENOMEM;
	if (addr) {
		addr = PAGE_ALIGN(addr);
		if (addr >= MMAP_MIN_ADDR && addr <= TASK_SIZE - len && range_is_free_gap(mm, addr, len))
			return addr;
	}
	return first_fit(mm, mm->mmap_base, len);
}

unsigned long mmap_region(struct mm_struct *mm, unsigned long addr, unsigned long len,
			  unsigned long vm_flags)
{
	unsigned long end = addr + len;
	struct vm_area_struct *prev, *next, *vma;
	int err;

	MM_BUG_ON((addr | len) & ~PAGE_MASK);
	MM_BUG_ON(!len || len > TASK_SIZE || addr > TASK_SIZE - len);
	if (!range_is_free(mm, addr, len)) {
		err = do_munmap(mm, addr, len);
		if (err)
			return err;
	}
	prev = find_vma_prev(mm, addr);
	next = find_vma(mm, addr);
	if (prev && prev->vm_end == addr && prev->vm_flags == vm_flags) {
		prev->vm_end = end;
		vma_merge_neighbours(mm, prev);
	} else if (next && next->vm_start == end && next->vm_flags == vm_flags) {
		next->vm_start = addr;
	} else {
		if (mm->map_count >= DEFAULT_MAX_MAP_COUNT)
			return -ENOMEM;
		vma = vm_area_alloc(mm);
		if (!vma)
			return -ENOMEM;
		vma->vm_start = addr;
		vma->vm_end = end;
		vma->vm_flags = vm_flags;
		vma_link(mm, vma);
	}
	mm->total_vm += len >> PAGE_SHIFT;
	return addr;
}

unsigned long do_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len,
		      unsigned long prot, unsigned long flags)
{
	unsigned long vm_flags;

	if (!len)
		return -EINVAL;
	if (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	/* Rounded up; the top page wraps to 0 on the guest, and overshoots
	 * TASK_SIZE on a 64-bit host build: ENOMEM either way. */
	len = PAGE_ALIGN(len);
	if (!len || len > TASK_SIZE)
		return -ENOMEM;
	/* Private anonymous memory is all there is: no files, so no fd is
	 * valid, and no shared mappings. */
	if ((flags & MAP_TYPE) != MAP_PRIVATE)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS))
		return -EBADF;
	if (flags & ~(unsigned long)(MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN))
		return -EINVAL;
	if (flags & MAP_FIXED) {
		/* Linux's order (get_unmapped_area, then security_mmap_addr). */
		if (addr > TASK_SIZE - len)
			return -ENOMEM;
		if (addr & ~PAGE_MASK)
			return -EINVAL;
		if (addr < MMAP_MIN_ADDR)
			return -EPERM;
	} else {
		addr = get_unmapped_area(mm, addr, len);
		if (IS_ERR_VALUE(addr))
			return addr;
	}
	if (mm->map_count > DEFAULT_MAX_MAP_COUNT)
		return -ENOMEM;
	vm_flags = prot | ((flags & MAP_GROWSDOWN) ? VM_GROWSDOWN : 0);
	return mmap_region(mm, addr, len, vm_flags);
}

int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	struct vm_area_struct *vma, *last, *prev, *next;
	unsigned long end;
	int err;

	if ((start & ~PAGE_MASK) || start > TASK_SIZE || len > TASK_SIZE - start)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len)
		return -EINVAL;
	end = start + len;
	vma = find_vma(mm, start);
	if (!vma || vma->vm_start >= end)
		return 0;
	if (start > vma->vm_start) {
		/* A hole in the middle makes one VMA three. */
		if (end < vma->vm_end && mm->map_count >= DEFAULT_MAX_MAP_COUNT)
			return -ENOMEM;
		err = split_vma(mm, vma, start, false);
		if (err)
			return err;
	}
	last = find_vma(mm, end);
	if (last && last->vm_start < end) {
		err = split_vma(mm, last, end, true);
		if (err)
			return err;
	}
	vma = find_vma(mm, start);   /* the splits may have put a new VMA there */
	prev = vma_prev(mm, vma);
	while (vma && vma->vm_start < end) {
		next = vma_next(mm, vma);
		unmap_page_range(mm, vma->vm_start, vma->vm_end);
		mm->total_vm -= vma_pages(vma);
		vma_unlink_free(mm, vma);
		vma = next;
	}
	free_pgd_range(mm, start, end, prev ? prev->vm_end : 0, vma ? vma->vm_start : TASK_SIZE);
	return 0;
}

/* Give [start, end) of vma newflags: split off what lies outside, change
 * the PTEs, merge with equal neighbours.  *vmap becomes the VMA that now
 * holds [start, end).  Linux's mprotect_fixup (which merges before it
 * splits, and so needs no VMA where a merge is possible; here the split
 * may need one, and ENOMEM then leaves the range unchanged). */
static int mprotect_fixup(struct mm_struct *mm, struct vm_area_struct **vmap, unsigned long start,
			  unsigned long end, unsigned long newflags)
{
	struct vm_area_struct *vma = *vmap;
	int err;

	if (newflags == vma->vm_flags)
		return 0;
	if (start != vma->vm_start) {
		err = split_vma(mm, vma, start, true);
		if (err)
			return err;
	}
	if (end != vma->vm_end) {
		err = split_vma(mm, vma, end, false);
		if (err)
			return err;
	}
	vma->vm_flags = newflags;
	change_protection(mm, start, end, newflags);
	*vmap = vma_merge_neighbours(mm, vma);
	return 0;
}

int do_mprotect(struct mm_struct *mm, unsigned long start, unsigned long len, unsigned long prot)
{
	struct vm_area_struct *vma;
	unsigned long end, nstart;
	int err;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (!len)
		return 0;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end <= start)
		return -ENOMEM;
	if (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	vma = find_vma(mm, start);
	if (!vma || vma->vm_start > start)
		return -ENOMEM;
	/* As Linux: the VMAs are changed in order, and a hole stops the walk
	 * with ENOMEM after the ones before it have changed. */
	for (nstart = start;;) {
		unsigned long tmp = min(vma->vm_end, end);

		err = mprotect_fixup(mm, &vma, nstart, tmp,
				     (vma->vm_flags & ~VM_ACCESS_FLAGS) | prot);
		if (err)
			return err;
		nstart = tmp;
		if (nstart >= end)
			return 0;
		/* The VMA at nstart may have merged with the one just
		 * changed, and so start below it. */
		vma = find_vma(mm, nstart);
		if (!vma || vma->vm_start > nstart)
			return -ENOMEM;
	}
}

unsigned long do_brk(struct mm_struct *mm, unsigned long brk)
{
	unsigned long origbrk = mm->brk, newbrk, oldbrk;
	struct vm_area_struct *next;

	if (brk < mm->start_brk || brk > TASK_SIZE)
		return origbrk;
	newbrk = PAGE_ALIGN(brk);
	oldbrk = PAGE_ALIGN(mm->brk);
	if (oldbrk == newbrk)
		goto set_brk;
	if (brk <= mm->brk) {
		if (do_munmap(mm, newbrk, oldbrk - newbrk))
			return origbrk;
		goto set_brk;
	}
	/* Growing: the new pages must not reach the next mapping (or the
	 * guard gap below a stack). */
	next = find_vma(mm, oldbrk);
	if (next && newbrk + ((next->vm_flags & VM_GROWSDOWN) ? STACK_GUARD_GAP : 0) > next->vm_start)
		return origbrk;
	if (IS_ERR_VALUE(mmap_region(mm, oldbrk, newbrk - oldbrk, VM_READ | VM_WRITE)))
		return origbrk;
set_brk:
	mm->brk = brk;
	return brk;
}

int expand_stack(struct vm_area_struct *vma, unsigned long addr)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_area_struct *prev = vma_prev(mm, vma);

	addr &= PAGE_MASK;
	if (!(vma->vm_flags & VM_GROWSDOWN))
		return -EFAULT;
	if (addr >= vma->vm_start)
		return 0;
	if (addr < MMAP_MIN_ADDR)
		return -EPERM;
	if (vma->vm_end - addr > mm->stack_limit)
		return -ENOMEM;
	if (prev && prev->vm_end + STACK_GUARD_GAP > addr)
		return -ENOMEM;
	mm->total_vm += (vma->vm_start - addr) >> PAGE_SHIFT;
	vma->vm_start = addr;
	/* A stack that grew onto an equal neighbour cannot happen: the guard
	 * gap keeps them apart. */
	return 0;
}

void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *vma, *n;

	list_for_each_entry_safe(vma, n, &mm->mmap, vm_list) {
		unmap_page_range(mm, vma->vm_start, vma->vm_end);
		mm->total_vm -= vma_pages(vma);
		vma_unlink_free(mm, vma);
	}
	free_pgd_range(mm, 0, TASK_SIZE, 0, TASK_SIZE);
	MM_BUG_ON(mm->map_count || mm->total_vm);
}
