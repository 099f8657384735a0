/*
 * ABI shared by the host VMM (64-bit) and the guest kernel (32-bit i386).
 *
 * This is the only header both wings include.  Every struct here crosses the
 * 32/64-bit boundary, so fields are fixed-width, 64-bit fields are 8-aligned
 * by explicit padding, and each layout carries a _Static_assert on its size:
 * a mismatch breaks the build on whichever side drifted.
 */
#ifndef MMVISOR_SHARED_ABI_H
#define MMVISOR_SHARED_ABI_H

#include <stdint.h>

/* ---- Physical layout of the boot structures (docs/design.md §4.1) ------
 * The VMM writes everything below BOOT_AREA_END before the first KVM_RUN.
 * The kernel image may not overlap [BOOT_AREA_START, BOOT_AREA_END).
 */
#define BOOT_AREA_START   0x00001000u
#define BOOT_GDT_PA       0x00001000u /* boot GDT, BOOT_GDT_ENTRIES x 8 bytes */
#define BOOT_INFO_PA      0x00002000u /* struct boot_info, one page */
#define BOOT_STUB_PA      0x00003000u /* QEMU TCG only: the real-mode entry stub */
#define BOOT_STUB_MAX     0x00001000u /*   bytes, one page */
#define BOOT_PML4_PA      0x00010000u /* boot long-mode tables: PML4 */
#define BOOT_PDPT_PA      0x00011000u /*   PAE-format PDPT (4 used entries) */
#define BOOT_PD_PA        0x00012000u /*   PDs: identity map of low RAM */
#define BOOT_PD_NR        1           /*   one PD = 1 GiB of 2 MiB pages */
#define BOOT_AREA_END     0x00020000u
/* The TCG reset vector far-jumps to BOOT_STUB_PA as segment:0, so it must be
 * 16-byte aligned and reachable in real mode; it may not overlap the
 * structures around it. */
_Static_assert(BOOT_STUB_PA % 16 == 0 && BOOT_STUB_PA + BOOT_STUB_MAX <= 0x100000u,
	       "stub reachable from real mode");
_Static_assert(BOOT_STUB_PA >= BOOT_INFO_PA + 0x1000u && BOOT_STUB_PA + BOOT_STUB_MAX <= BOOT_PML4_PA,
	       "stub between boot_info and the page tables");

/* Legacy ISA hole advertised as reserved in the memory map, as a PC has. */
#define LEGACY_HOLE_START 0x000a0000u
#define LEGACY_HOLE_END   0x00100000u

/* Kernel image: linked at KERNEL_VIRT_BASE, loaded at KERNEL_PHYS_BASE. */
#define PAGE_OFFSET_VAL   0xc0000000u
#define KERNEL_PHYS_BASE  0x00100000u
#define KERNEL_VIRT_BASE  (PAGE_OFFSET_VAL + KERNEL_PHYS_BASE)

/* RAM above this line moves to 4 GiB, leaving a PCI-style hole
 * (docs/design.md §4.1). */
#define RAM_HOLE_START    0xc0000000ull  /* 3 GiB */
#define RAM_HOLE_END      0x100000000ull /* 4 GiB */

/* ---- GDT selectors -----------------------------------------------------
 * The same layout is used by the VMM's boot GDT and the kernel's own GDT.
 * 64-bit code is used only by the IDT stubs; all C runs in the 32-bit
 * (compatibility-mode) segments.
 */
#define GDT_ENTRY_KERNEL_CS64 1
#define GDT_ENTRY_KERNEL_CS   2
#define GDT_ENTRY_KERNEL_DS   3
#define GDT_ENTRY_USER_CS     4
#define GDT_ENTRY_USER_DS     5
#define GDT_ENTRY_TSS         6   /* 16-byte system descriptor: slots 6 and 7 */
#define BOOT_GDT_ENTRIES      8

#define __KERNEL_CS64 (GDT_ENTRY_KERNEL_CS64 * 8)
#define __KERNEL_CS   (GDT_ENTRY_KERNEL_CS * 8)
#define __KERNEL_DS   (GDT_ENTRY_KERNEL_DS * 8)
#define __USER_CS     (GDT_ENTRY_USER_CS * 8 + 3)
#define __USER_DS     (GDT_ENTRY_USER_DS * 8 + 3)
#define __TSS_SEL     (GDT_ENTRY_TSS * 8)

/* Descriptor values (base 0, limit 4G, G=1).  CS64 has L=1; CS has D=1. */
#define GDT_DESC_KERNEL_CS64 0x00af9a000000ffffull
#define GDT_DESC_KERNEL_CS   0x00cf9a000000ffffull
#define GDT_DESC_KERNEL_DS   0x00cf92000000ffffull
#define GDT_DESC_USER_CS     0x00cffa000000ffffull
#define GDT_DESC_USER_DS     0x00cff2000000ffffull

/* ---- boot_info ---------------------------------------------------------
 * Written by the VMM at BOOT_INFO_PA; the entry code receives its physical
 * address in %esi (as Linux's boot protocol passes boot_params).
 */
#define BOOT_INFO_MAGIC   0x4d4d5642u /* "BVMM" */
#define BOOT_INFO_VERSION 1
#define E820_MAX          32
#define BOOT_CMDLINE_MAX  1024        /* including the NUL */

#define E820_RAM          1
#define E820_RESERVED     2

struct e820_entry {
	uint64_t addr;  /* bytes */
	uint64_t size;  /* bytes */
	uint32_t type;  /* E820_RAM or E820_RESERVED */
	uint32_t pad;
};
_Static_assert(sizeof(struct e820_entry) == 24, "e820_entry layout");

/* boot_info.features */
#define BI_FEAT_PV_PAGEOPS (1u << 0) /* HC_PAGEOPS is available */
#define BI_FEAT_MEM_OR32   (1u << 1) /* HC_MEM_OR32 is available */
#define BI_FEAT_FIND_NONZERO (1u << 2) /* HC_MEM_FIND_NONZERO is available */

struct boot_info {
	uint32_t magic;
	uint32_t version;
	uint32_t nr_cpus;
	uint32_t tsc_khz;          /* KVM: KVM_GET_TSC_KHZ, 0 if unknown; TCG:
				      1000000, one tick per retired instruction */
	uint64_t ram_bytes;        /* total RAM, holes excluded */
	uint32_t hc_port;          /* I/O port of the hypercall interface */
	uint32_t features;         /* BI_FEAT_* */
	uint32_t e820_nr;
	uint32_t pad;
	struct e820_entry e820[E820_MAX];
	char cmdline[BOOT_CMDLINE_MAX];
};
_Static_assert(sizeof(struct boot_info) == 40 + 24 * E820_MAX + BOOT_CMDLINE_MAX,
	       "boot_info layout");
_Static_assert(sizeof(struct boot_info) <= 4096, "boot_info fits one page");

/* ---- Devices -------------------------------------------------------------- */
#define SERIAL_COM1_BASE 0x3f8   /* minimal 16550: THR writes, LSR reads */
#define SERIAL_LSR_OFF   5
#define SERIAL_LSR_READY 0x60    /* THRE | TEMT: always ready */

/* ---- Hypercalls ------------------------------------------------------------
 * The guest fills a struct hc_req in its own memory and writes its physical
 * address with a 32-bit OUT to HC_PORT.  The VMM validates every address and
 * length inside the request, performs the call and stores the result in
 * .ret before the guest resumes.  Arguments live in memory, not registers,
 * so the VMM needs no KVM_GET_REGS on the hot path.
 */
#define HC_PORT 0x0500

/*
 * Under QEMU TCG the VMM cannot trap port I/O; it stops the vCPU with a
 * gdbstub breakpoint instead.  So the guest lists the address (u32, a
 * virtual address in the kernel image) of every IN and OUT instruction it
 * executes, hypercall OUTs and the UART alike, in this ELF section.
 */
#define HC_SITES_SECTION ".hypercall_sites"

enum hc_nr {
	HC_EXIT = 1,       /* a0 = status (0..63) */
	HC_PANIC,          /* a0 = msg pa, a1 = msg len, a2 = backtrace pa (u32[]),
			      a3 = backtrace entries */
	HC_CONSOLE_WRITE,  /* a0 = pa, a1 = len (<= HC_CONSOLE_MAX) */
	HC_CHECKPOINT,     /* a0 = tag */
	HC_BENCH_BEGIN,    /* a0 = tag string pa, a1 = tag len, a2 = tsc */
	HC_BENCH_END,      /* a0 = tag string pa, a1 = tag len, a2 = tsc, a3 = n_ops */
	HC_PAGEOPS,        /* a0 = pa of struct hc_pageop[], a1 = count */
	HC_MEM_OR32,       /* a0 = pa, a1 = stride (bytes), a2 = count, a3 = bits:
			      for i < count: *(u32 *)(a0 + i * a1) |= a3.
			      Sets a flag in a run of struct pages in one exit
			      (PG_reserved on mem_map's own pages at boot). */
	HC_MEM_FIND_NONZERO, /* a0 = pa, a1 = len (<= HC_FIND_NONZERO_MAX): the VMM
			      writes a[2] = offset of the first nonzero byte, or
			      ~0 if all are zero (checks that the tail struct
			      pages of a freed block are clean, in one exit) */
	HC_WAIT_REQUEST,   /* a0 = pa of the guest's struct console_mailbox: the
			      answer to the previous request is in it; the VMM
			      returns when it has written the next request
			      (run=idle; see "Console requests" below) */
	HC_NR_MAX
};

#define HC_CONSOLE_MAX   4096
#define HC_TAG_MAX       64
#define HC_BACKTRACE_MAX 32
#define HC_PAGEOPS_MAX   512
#define HC_MEM_OR32_MAX  (1u << 24) /* words per call */
#define HC_FIND_NONZERO_MAX (64u << 20) /* bytes per call */

/* hc_req.ret values */
#define HC_OK      0
#define HC_EINVAL  1   /* bad argument: address not RAM, length too big ... */
#define HC_ENOSYS  2   /* unknown call number */

struct hc_req {
	uint32_t nr;       /* enum hc_nr */
	uint32_t ret;      /* HC_OK, HC_EINVAL, ... written by the VMM */
	uint64_t a[6];
};
_Static_assert(sizeof(struct hc_req) == 56, "hc_req layout");

/* HC_PAGEOPS batch element: one operation over nr_pages contiguous pfns.
 * The VMM refuses the whole batch (HC_EINVAL, nothing done) if any range is
 * not entirely RAM.  For VERIFY it writes back req.a[2] = index of the first
 * element whose range is not filled with `fill` (~0 if all are) and
 * req.a[3] = the byte offset of the first mismatch within that range. */
#define PAGEOP_CLEAR  1    /* dst = 0 */
#define PAGEOP_COPY   2    /* dst = src (ranges must not overlap) */
#define PAGEOP_FILL   3    /* dst = fill byte */
#define PAGEOP_VERIFY 4    /* is dst all fill bytes? */
#define HC_PAGEOP_MAX_PAGES 1024   /* per element: one MAX_ORDER block */
struct hc_pageop {
	uint32_t op;        /* PAGEOP_* */
	uint32_t fill;      /* FILL, VERIFY: byte value (0..255) */
	uint32_t nr_pages;  /* 1..HC_PAGEOP_MAX_PAGES */
	uint32_t pad;
	uint64_t dst_pfn;
	uint64_t src_pfn;   /* COPY only */
};
_Static_assert(sizeof(struct hc_pageop) == 32, "hc_pageop layout");

/* ---- Console requests to an idle guest (run=idle) --------------------------
 * The guest sits in HC_WAIT_REQUEST, holding no mm lock, with the pa of its
 * mailbox in a0.  The VMM writes the next request (op, args, name, then seq)
 * and returns; the guest performs it, writes the answer (result, id, va,
 * pfn, nr_live, then done_seq = seq) and calls HC_WAIT_REQUEST again.  The
 * VMM validates every answer field before it shows it: the guest is not
 * trusted.
 *
 * Objects the guest creates for the console (pages, kmalloc and cache
 * objects, caches, pools, pool elements) get ids from one table in the
 * guest: ids start at 1, are never reused, and at most CON_MAX_LIVE are live
 * at once.  Caches are named by their cache name in requests and also get
 * an id.
 *
 * result is 0 or a negative Linux errno: -ENOMEM (the allocator refused),
 * -ENOENT (no live id, or no cache of that name, or an id of another
 * kind), -EINVAL (an argument the guest rejects: order >= MAX_ORDER, size
 * 0, a bad cache name, a vmap pfn outside every console page block, a
 * kmap pfn that is no page in use), -EBUSY (destroying a cache or pool
 * that still has objects, freeing pages a console vmap maps or the
 * console kmaps, a kmap with every pkmap slot held), -ENOSPC (the id
 * table is full), -ENOSYS (unknown op); for the task requests -ESRCH (no
 * user task of that pid), -EFAULT (touch outside every VMA or without its
 * right), -EPERM (kill of pid 0, the kernel), -EINVAL (schedule rounds 0
 * or above CON_SCHED_MAX_ROUNDS).
 *
 * Tasks are not console objects: spawn, touch and kill answer the pid as
 * the id and leave nr_live alone.  An idle kernel gives user tasks the CPU
 * only in a schedule request (docs/design.md §5.5): a spawned task stays
 * loaded, stopped before its first instruction, until one runs it or a
 * kill ends it.
 */
enum console_op {
	CON_OP_NONE,            /* no request (the first call carries no answer) */
	CON_OP_ALLOC_PAGES,     /* arg0 = order, arg1 = gfp_mask */
	CON_OP_FREE_PAGES,      /* arg0 = id of an alloc_pages block */
	CON_OP_KMALLOC,         /* arg0 = size, arg1 = gfp_mask */
	CON_OP_KFREE,           /* arg0 = id of a kmalloc object */
	CON_OP_CACHE_CREATE,    /* name, arg0 = size, arg1 = align, arg2 = SLAB_* flags */
	CON_OP_CACHE_ALLOC,     /* name, arg1 = gfp_mask */
	CON_OP_CACHE_FREE,      /* arg0 = id of a cache object */
	CON_OP_CACHE_DESTROY,   /* name (-EBUSY while it has console objects) */
	CON_OP_POOL_CREATE,     /* arg0 = CON_POOL_*, arg1 = min_nr, arg2 = order
				   (page) or size (kmalloc); name = cache (slab) */
	CON_OP_POOL_ALLOC,      /* arg0 = pool id, arg1 = gfp_mask */
	CON_OP_POOL_FREE,       /* arg0 = id of a pool element */
	CON_OP_POOL_DESTROY,    /* arg0 = pool id (-EBUSY while elements are out) */
	CON_OP_VMALLOC,         /* arg0 = size, arg1 = 1 for vmalloc_32 (else 0) */
	CON_OP_VFREE,           /* arg0 = id of a vmalloc or vmap area (vfree or vunmap) */
	CON_OP_VMAP,            /* arg0 = count (1..CON_VMAP_MAX), pfns[count]: pages of
				   live alloc_pages blocks, which then cannot be freed
				   (-EBUSY) until the area is */
	CON_OP_KMAP,            /* arg0 = pfn of a page in use: kmap(); the id is the
				   kmap (-EBUSY when every pkmap slot has users) */
	CON_OP_KUNMAP,          /* arg0 = id of a kmap: kunmap() */
	CON_OP_KMAP_ATOMIC,     /* arg0 = pfn of a page in use: kmap_atomic() and
				   kunmap_atomic() within the request; no id, va is
				   where it was mapped */
	CON_OP_SPAWN,           /* name = a program built into the image, arg0 and
				   arg1 its arguments: spawn_program(name, arg0,
				   arg1); id = the pid */
	CON_OP_TOUCH,           /* arg0 = pid, arg1 = user va, arg2 = 1 for a write:
				   fault the page in for that task (Linux's
				   get_user_pages); id = pid, va = the page's va,
				   pfn = the page (the zero page after a read of
				   never-written anonymous memory) */
	CON_OP_KILL,            /* arg0 = pid: kill_task(SIGKILL) and reap; id = pid */
	CON_OP_SCHEDULE,        /* arg0 = rounds, 1..CON_SCHED_MAX_ROUNDS: that many
				   times, every runnable user task runs until it
				   yields, exits or dies; the dead are reaped.  id =
				   the rounds run, fewer than asked when no task was
				   left runnable */
	CON_OP_NR
};

enum con_pool_kind {
	CON_POOL_SLAB = 1,      /* mempool_create_slab_pool(min_nr, cache `name`) */
	CON_POOL_KMALLOC,       /* mempool_create_kmalloc_pool(min_nr, arg2 bytes) */
	CON_POOL_PAGE,          /* mempool_create_page_pool(min_nr, order arg2) */
};

#define CON_NAME_MAX 32     /* cache names, NUL included */
#define CON_MAX_LIVE 1024   /* live console ids in the guest at once */
#define CON_VMAP_MAX 8      /* pfns of one CON_OP_VMAP: they fill name[] */
#define CON_SCHED_MAX_ROUNDS 1000000   /* one CON_OP_SCHEDULE's rounds */

struct console_mailbox {
	/* Written by the VMM. */
	uint32_t seq;               /* request number, from 1 */
	uint32_t op;                /* enum console_op */
	uint32_t arg[4];
	union {
		char name[CON_NAME_MAX];        /* NUL-terminated */
		uint32_t pfns[CON_VMAP_MAX];    /* CON_OP_VMAP */
	};
	/* Written by the guest. */
	uint32_t done_seq;          /* seq of the request answered; 0: none yet */
	int32_t result;             /* 0 or -errno */
	uint32_t id;                /* the id created, or the id acted on */
	uint32_t va;                /* kernel virtual address; 0 if none (highmem) */
	uint32_t pfn;               /* pfn of the object's (first) page */
	uint32_t nr_live;           /* live ids after this request */
};
_Static_assert(sizeof(struct console_mailbox) == 80, "console_mailbox layout");
_Static_assert(CON_VMAP_MAX * sizeof(uint32_t) == CON_NAME_MAX, "vmap's pfns fill name[]");

#endif
