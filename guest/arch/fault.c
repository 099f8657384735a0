/*
 * The page-fault handler (Linux's arch/x86/mm/fault.c) and the user-copy
 * primitives whose faults it fixes up (arch/x86/lib/usercopy_32.c,
 * mm/extable.c).
 *
 * A fault at a user address, from ring 3 or from the kernel working for
 * the current task, goes to that task's VMAs: inside one that allows the
 * access it is handle_mm_fault's; just below a VM_GROWSDOWN one the stack
 * grows first.  Anything else is a bad area: a task is killed with a
 * segfault report, the kernel resumes at the exception-table fixup of the
 * faulting instruction, and without one it oopses (die()).  A fault at a
 * kernel address is always an oops: nothing in the kernel half is demand
 * paged (vmalloc maps its pages when it allocates).
 */
#include "kernel.h"
#include "mm_struct.h"
#include "printk.h"
#include "sched.h"
#include "string.h"
#include "uaccess.h"
#include "vmstat.h"
#include "asm/processor.h"
#include "asm/traps.h"

extern const struct exception_table_entry __start___ex_table[], __stop___ex_table[];

bool fixup_exception(struct pt_regs *regs)
{
	for (const struct exception_table_entry *e = __start___ex_table; e < __stop___ex_table; e++)
		if (e->insn == regs->ip) {
			regs->ip = e->fixup;
			return true;
		}
	return false;
}

/* rep movsb leaves ECX at the bytes not yet copied when it faults; the
 * fixup resumes right after it, so that count is the result. */
static unsigned long __copy_user(void *to, const void *from, unsigned long n)
{
	__asm__ __volatile__("1:	rep movsb\n"
			     "2:\n"
			     "	.pushsection __ex_table, \"a\"\n"
			     "	.long 1b, 2b\n"
			     "	.popsection\n"
			     : "+c"(n), "+D"(to), "+S"(from) : : "memory");
	return n;
}

/* The tail that could not be read is zeroed, as Linux's _copy_from_user
 * does: a caller that ignores a short count still sees no stale kernel
 * bytes. */
unsigned long copy_from_user(void *to, const void *from, unsigned long n)
{
	unsigned long left = access_ok(from, n) ? __copy_user(to, from, n) : n;

	if (unlikely(left))
		memset((char *)to + (n - left), 0, left);
	return left;
}

unsigned long copy_to_user(void *to, const void *from, unsigned long n)
{
	return access_ok(to, n) ? __copy_user(to, from, n) : n;
}

/* "present write user" and the like, for the reports. */
static void decode_error(unsigned long err, char *buf, size_t size)
{
	snprintf(buf, size, "%s %s %s%s%s", (err & X86_PF_PROT) ? "protection" : "not-present",
		 (err & X86_PF_INSTR) ? "fetch" : (err & X86_PF_WRITE) ? "write" : "read",
		 (err & X86_PF_USER) ? "user" : "supervisor", (err & X86_PF_RSVD) ? " reserved-bit" : "",
		 "");
}

static void show_vma(char *buf, size_t size, const struct vm_area_struct *vma)
{
	if (!vma) {
		snprintf(buf, size, "no vma");
		return;
	}
	snprintf(buf, size, "vma %08lx-%08lx %c%c%c%c", vma->vm_start, vma->vm_end,
		 (vma->vm_flags & VM_READ) ? 'r' : '-', (vma->vm_flags & VM_WRITE) ? 'w' : '-',
		 (vma->vm_flags & VM_EXEC) ? 'x' : '-', 'p');
}

/* Linux's show_signal_msg line, with the error decoded and the VMA that
 * holds the address (vma_lookup: find_vma's answer may lie above it, and
 * would blame the next mapping for a touch of a hole). */
void force_sig_fault(struct pt_regs *regs, int sig, unsigned long address, unsigned long err)
{
	struct task_struct *t = current;
	char why[64], where[48];

	decode_error(err, why, sizeof(why));
	show_vma(where, sizeof(where), t->mm ? vma_lookup(t->mm, address) : NULL);
	printk("%s[%d]: segfault at %08lx ip %08lx sp %08lx error %lx (%s) %s\n", t->comm, t->pid,
	       address, regs->ip, regs->sp, err, why, where);
	printk("Killed process %d (%s): %s\n", t->pid, t->comm, sig == SIGSEGV ? "SIGSEGV" : "signal");
	kill_task(t, sig);
}

/* Does vma's protection forbid the access err describes? */
static bool access_error(unsigned long err, const struct vm_area_struct *vma)
{
	if (err & X86_PF_WRITE)
		return !(vma->vm_flags & VM_WRITE);
	if (err & X86_PF_PROT)   /* a read of a present page: a PROT_NONE one */
		return true;
	return !(vma->vm_flags & VM_ACCESS_FLAGS);
}

static void do_page_fault(struct pt_regs *regs)
{
	unsigned long address = read_cr2(), err = regs->error_code;
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	vm_fault_t fault;

	/* A reserved bit set is a corrupt page table, not the task's doing:
	 * an oops, as Linux's pgtable_bad. */
	if (err & X86_PF_RSVD) {
		printk("%s: Corrupted page table at address %lx\n", current->comm, address);
		die("Bad pagetable", regs, err);
	}
	if (address >= TASK_SIZE || !mm)
		goto bad_area;
	vma = find_vma(mm, address);
	if (!vma)
		goto bad_area;
	if (vma->vm_start > address && expand_stack(vma, address))
		goto bad_area;
	if (access_error(err, vma))
		goto bad_area;
	for (;;) {
		fault = handle_mm_fault(vma, address, (err & X86_PF_WRITE) ? FAULT_FLAG_WRITE : 0);
		if (!(fault & VM_FAULT_OOM))
			break;
		/* Kill the biggest task (perhaps this one, which then never
		 * returns) and try again. */
		if (!out_of_memory())
			panic("Out of memory and no killable processes");
	}
	current->faults++;
	return;

bad_area:
	if (user_mode(regs)) {
		force_sig_fault(regs, SIGSEGV, address, err);
		return;
	}
	if (fixup_exception(regs))
		return;
	die(trap_name(X86_TRAP_PF), regs, err);
}

void check_cr0_wp(void)
{
	/* Without CR0.WP a kernel write ignores read-only PTEs: copy_to_user
	 * would write straight into the shared zero page instead of faulting
	 * and getting a page of its own.  The host sets WP at boot. */
	bool wp = read_cr0() & X86_CR0_WP;

	if (!wp)
		printk(KERN_EMERG "CR0.WP is clear: kernel writes to user memory would ignore "
		       "read-only PTEs and write into the shared zero page\n");
	BUG_ON(!wp);
}

void pagefault_init(void)
{
	check_cr0_wp();
	set_trap_handler(X86_TRAP_PF, do_page_fault);
}
