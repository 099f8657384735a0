/* Host build of guest/mm/mmap.c, with fork.c's VMA allocation and
 * memory.c's page-table calls stood in for (mmap_host.h). */
#include <stdlib.h>
#include <string.h>
#include "../mmap.c"
#include "mmap_host.h"

struct mmap_host_call mmap_host_calls[MMAP_HOST_MAX_CALLS];
unsigned int mmap_host_nr_calls;
long mmap_host_vmas_live;
long mmap_host_vma_fail_after = -1;

static void record(struct mmap_host_call c)
{
	if (mmap_host_nr_calls == MMAP_HOST_MAX_CALLS)
		panic("mmap_host: more than %d page-table calls logged", MMAP_HOST_MAX_CALLS);
	mmap_host_calls[mmap_host_nr_calls++] = c;
}

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *vma;

	if (mmap_host_vma_fail_after == 0)
		return NULL;
	if (mmap_host_vma_fail_after > 0)
		mmap_host_vma_fail_after--;
	vma = calloc(1, sizeof(*vma));
	if (!vma)
		panic("mmap_host: out of host memory");
	vma->vm_mm = mm;
	INIT_LIST_HEAD(&vma->vm_list);
	mmap_host_vmas_live++;
	return vma;
}

void vm_area_free(struct vm_area_struct *vma)
{
	mmap_host_vmas_live--;
	free(vma);
}

void unmap_page_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	(void)mm;
	record((struct mmap_host_call){ .op = CALL_UNMAP, .start = start, .end = end });
}

void free_pgd_range(struct mm_struct *mm, unsigned long addr, unsigned long end,
		    unsigned long floor, unsigned long ceiling)
{
	(void)mm;
	record((struct mmap_host_call){ .op = CALL_FREE_PGD, .start = addr, .end = end,
					.floor = floor, .ceiling = ceiling });
}

void change_protection(struct mm_struct *mm, unsigned long start, unsigned long end,
		       unsigned long newflags)
{
	(void)mm;
	record((struct mmap_host_call){ .op = CALL_PROTECT, .start = start, .end = end,
					.flags = newflags });
}

void mmap_host_mm_init(struct mm_struct *mm)
{
	memset(mm, 0, sizeof(*mm));
	INIT_LIST_HEAD(&mm->mmap);
	INIT_LIST_HEAD(&mm->mmlist);
	mm->mmap_base = TASK_UNMAPPED_BASE;
	mm->stack_limit = STACK_LIMIT_DEFAULT;
}
