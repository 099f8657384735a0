/*
 * mmap/mprotect flags, Linux i386's values (include/uapi/asm-generic/mman*.h):
 * user programs pass them through int $0x80 as they would to Linux.
 */
#ifndef GUEST_MMAN_H
#define GUEST_MMAN_H

#define PROT_NONE      0x0
#define PROT_READ      0x1
#define PROT_WRITE     0x2
#define PROT_EXEC      0x4
#define PROT_GROWSDOWN 0x01000000

#define MAP_SHARED     0x01
#define MAP_PRIVATE    0x02
#define MAP_TYPE       0x0f
#define MAP_FIXED      0x10
#define MAP_ANONYMOUS  0x20
#define MAP_GROWSDOWN  0x0100

#define MAP_FAILED     ((void *)-1)

/* Linux's stack_guard_gap (256 pages of 4 KiB): nothing may be mapped this
 * close below a stack, and a stack may not grow this close to what is below
 * it.  Here because user programs that test it include this header too. */
#define STACK_GUARD_GAP (256ul * 4096)

#endif
