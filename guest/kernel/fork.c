/*
 * Address-space lifetime (Linux's kernel/fork.c): the slab caches of
 * mm_struct and vm_area_struct, mm_alloc and mmput, and the list of every
 * live mm, which the console and the inspector walk.
 *
 * The caches are made on first use, not at boot, so a run that never makes
 * an address space has the slab caches it had before tasks existed.
 * mm_list is protected by there being one CPU and no preemption
 * (mm_struct.h).
 */
#include "kernel.h"
#include "errno-base.h"
#include "mm_struct.h"
#include "slab.h"
#include "string.h"

static struct kmem_cache *mm_cachep, *vm_area_cachep;
LIST_HEAD(mm_list);

void proc_caches_init(void)
{
	if (mm_cachep)
		return;
	mm_cachep = kmem_cache_create("mm_struct", sizeof(struct mm_struct), 0,
				      SLAB_HWCACHE_ALIGN | SLAB_PANIC, NULL);
	vm_area_cachep = kmem_cache_create("vm_area_struct", sizeof(struct vm_area_struct), 0,
					   SLAB_PANIC, NULL);
}

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *vma = kmem_cache_zalloc(vm_area_cachep, GFP_KERNEL);

	if (!vma)
		return NULL;
	vma->vm_mm = mm;
	INIT_LIST_HEAD(&vma->vm_list);
	return vma;
}

void vm_area_free(struct vm_area_struct *vma)
{
	kmem_cache_free(vm_area_cachep, vma);
}

struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm;

	proc_caches_init();
	mm = kmem_cache_zalloc(mm_cachep, GFP_KERNEL);
	if (!mm)
		return NULL;
	if (pgd_alloc(mm)) {
		kmem_cache_free(mm_cachep, mm);
		return NULL;
	}
	INIT_LIST_HEAD(&mm->mmap);
	mm->mmap_base = TASK_UNMAPPED_BASE;
	mm->stack_limit = STACK_LIMIT_DEFAULT;
	list_add_tail(&mm->mmlist, &mm_list);
	return mm;
}

void mmput(struct mm_struct *mm)
{
	exit_mmap(mm);
	BUG_ON(get_mm_rss(mm) || mm->nr_ptes);
	pgd_free(mm);
	list_del(&mm->mmlist);
	kmem_cache_free(mm_cachep, mm);
}
