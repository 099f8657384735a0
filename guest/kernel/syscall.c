/*
 * System calls: int $0x80 with Linux i386's numbers and registers (number
 * in EAX, arguments in EBX, ECX, EDX, ESI, EDI, EBP, result in EAX), for
 * exit, write, mmap (old_mmap and mmap2), munmap, mprotect, brk, getpid
 * and sched_yield.
 *
 * Two ways in, one dispatcher (docs/design.md §2.4):
 *   - vector 0x80 through a DPL3 interrupt gate, as on TCG and hardware;
 *   - #UD with the bytes CD 80 at the user EIP, which is what kvm_pvm
 *     delivers for int $0x80 at CPL3.  The handler steps over the two
 *     bytes, as the gate would have.
 * int80=ud on the command line (for tests) leaves the gate at DPL0, so TCG
 * raises #GP for int $0x80 in ring 3, and hands that to the #UD
 * handler as kvm_pvm's #UD: the #UD path then runs on TCG, bytes check
 * and all.
 */
#include "kernel.h"
#include "cmdline.h"
#include "errno-base.h"
#include "mman.h"
#include "mm_struct.h"
#include "printk.h"
#include "sched.h"
#include "string.h"
#include "uaccess.h"
#include "unistd_32.h"
#include "asm/traps.h"

#define SYSCALL_VECTOR 0x80

/* Linux's cap on one read or write (include/linux/fs.h): INT_MAX rounded
 * down to a page, so a byte count always fits the int-sized returns of the
 * layers below and the long result is never negative. */
#define MAX_RW_COUNT (0x7fffffffUL & PAGE_MASK)

/* System calls that came in through #UD (kvm_pvm's path). */
unsigned long syscalls_via_ud;

static long sys_write(unsigned long fd, const void *buf, unsigned long count)
{
	char kbuf[128];
	unsigned long done = 0;

	if (fd != 1 && fd != 2)
		return -EBADF;
	/* Nothing is printed unless all of it can be read: a bad pointer
	 * anywhere is -EFAULT, not half a line. */
	if (!access_ok(buf, count))
		return -EFAULT;
	/* vfs_write's order: access_ok, then rw_verify_area refuses a count
	 * that is negative as a ssize_t, then the cap. */
	if ((long)count < 0)
		return -EINVAL;
	count = min(count, MAX_RW_COUNT);
	while (done < count) {
		unsigned long n = min(count - done, sizeof(kbuf));

		if (copy_from_user(kbuf, (const char *)buf + done, n))
			return -EFAULT;
		done += n;
	}
	for (done = 0; done < count;) {
		unsigned long n = min(count - done, sizeof(kbuf));

		copy_from_user(kbuf, (const char *)buf + done, n);
		printk("%.*s", (int)n, kbuf);
		done += n;
	}
	return (long)count;
}

static long sys_mmap_pgoff(unsigned long addr, unsigned long len, unsigned long prot,
			   unsigned long flags, unsigned long pgoff)
{
	/* Anonymous memory only: the fd is ignored, as Linux ignores it for
	 * MAP_ANONYMOUS, and there is no file to take an offset into. */
	if (pgoff)
		return -EINVAL;
	return (long)do_mmap(current->mm, addr, len, prot, flags);
}

/* Linux's newuname: the one call here that writes to user memory
 * (copy_to_user), e.g. into a page still mapped to the zero page. */
static long sys_newuname(struct new_utsname *name)
{
	static const struct new_utsname uts = {
		.sysname = "mmvisor", .nodename = "guest", .release = "0.1",
		.version = "#1", .machine = "i686", .domainname = "(none)",
	};

	return copy_to_user(name, &uts, sizeof(uts)) ? -EFAULT : 0;
}

/* Linux's old_mmap: one pointer to the six arguments, offset in bytes. */
static long sys_old_mmap(const void *uargs)
{
	unsigned long a[6];

	if (copy_from_user(a, uargs, sizeof(a)))
		return -EFAULT;
	if (a[5] & ~PAGE_MASK)
		return -EINVAL;
	return sys_mmap_pgoff(a[0], a[1], a[2], a[3], a[5] >> PAGE_SHIFT);
}

static long do_syscall(struct pt_regs *regs)
{
	unsigned long a = regs->bx, b = regs->cx, c = regs->dx;

	switch (regs->ax) {
	case __NR_exit:
		do_exit((int)(a & 0xff) << 8);
	case __NR_write:
		return sys_write(a, (const void *)b, c);
	case __NR_getpid:
		return current->pid;
	case __NR_brk:
		return (long)do_brk(current->mm, a);
	case __NR_mmap:
		return sys_old_mmap((const void *)a);
	case __NR_munmap:
		return do_munmap(current->mm, a, b);
	case __NR_mprotect:
		return do_mprotect(current->mm, a, b, c);
	case __NR_uname:
		return sys_newuname((struct new_utsname *)a);
	case __NR_sched_yield:
		current->yields++;
		schedule();
		return 0;
	case __NR_mmap2:
		return sys_mmap_pgoff(a, b, c, regs->si, regs->bp);
	}
	return -ENOSYS;
}

static void do_int80(struct pt_regs *regs)
{
	if (!user_mode(regs))
		die("int $0x80 from the kernel", regs, 0);
	regs->ax = (unsigned long)do_syscall(regs);
}

/* Are the bytes at the user EIP CD 80, int $0x80?  They may straddle a
 * page boundary; copy_from_user reads across it (the CPU has just fetched
 * both, so both are mapped). */
static bool user_insn_is_int80(struct pt_regs *regs)
{
	u8 insn[2];

	return user_mode(regs) && !copy_from_user(insn, (const void *)regs->ip, 2) &&
	       insn[0] == 0xcd && insn[1] == SYSCALL_VECTOR;
}

/* The #UD path's system call: step over the two bytes, as the gate would
 * have. */
static void syscall_via_ud(struct pt_regs *regs)
{
	regs->ip += 2;
	syscalls_via_ud++;
	regs->ax = (unsigned long)do_syscall(regs);
}

static void do_invalid_op(struct pt_regs *regs)
{
	if (user_insn_is_int80(regs)) {
		syscall_via_ud(regs);
		return;
	}
	if (user_mode(regs)) {
		/* Linux's show_signal() line (arch/x86/kernel/traps.c); its
		 * " in FILE[start+size]" is for file mappings, and there are none. */
		printk("traps: %s[%d] trap invalid opcode ip:%lx sp:%lx error:%lx\n", current->comm,
		       current->pid, regs->ip, regs->sp, regs->error_code);
		kill_task(current, SIGSEGV);
		return;
	}
	die(trap_name(X86_TRAP_UD), regs, regs->error_code);
}

/* int80=ud: a ring-3 int $0x80 refused by the DPL0 gate is what kvm_pvm
 * reports as #UD.  The error code names the IDT entry (bit 1) and its
 * index, as vector << 3 on hardware (0x402) but as the 16-byte gate's byte
 * offset on QEMU TCG in long mode (0x802).  TCG's code for vector 0x40 is
 * then 0x402 too, so the code alone cannot tell int $0x40 from int $0x80:
 * the instruction at the user EIP decides. */
static bool is_int80_refused(struct pt_regs *regs)
{
	unsigned long err = regs->error_code;

	return (err == ((SYSCALL_VECTOR << 3) | 2) || err == ((SYSCALL_VECTOR << 4) | 2)) &&
	       user_insn_is_int80(regs);
}

static void do_general_protection(struct pt_regs *regs)
{
	if (user_mode(regs) && is_int80_refused(regs)) {
		syscall_via_ud(regs);
		return;
	}
	if (user_mode(regs)) {
		printk("traps: %s[%d] general protection fault ip:%lx sp:%lx error:%lx\n",
		       current->comm, current->pid, regs->ip, regs->sp, regs->error_code);
		kill_task(current, SIGSEGV);
		return;
	}
	die(trap_name(X86_TRAP_GP), regs, regs->error_code);
}

void syscall_init(void)
{
	const char *mode = cmdline_get("int80");

	set_trap_handler(SYSCALL_VECTOR, do_int80);
	set_trap_handler(X86_TRAP_UD, do_invalid_op);
	set_trap_handler(X86_TRAP_GP, do_general_protection);
	if (mode && !strcmp(mode, "ud"))
		return;
	if (mode && strcmp(mode, "gate"))
		printk("int80=: expected gate or ud, got '%s'; using the gate\n", mode);
	set_system_intr_gate(SYSCALL_VECTOR);
}
