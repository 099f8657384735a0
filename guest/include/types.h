/* Basic kernel types (Linux names), usable from guest and host builds. */
#ifndef GUEST_TYPES_H
#define GUEST_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

typedef uint8_t  u8;
typedef uint16_t u16;
typedef uint32_t u32;
/* long long on every build, as Linux's int-ll64.h: %llx prints a u64 both
 * in the guest (i386) and in host builds of guest code (x86-64). */
typedef unsigned long long u64;
typedef int8_t   s8;
typedef int16_t  s16;
typedef int32_t  s32;
typedef long long s64;

/* i386 PAE: physical addresses are 64-bit, virtual ones 32-bit. */
typedef u64 phys_addr_t;
typedef unsigned int gfp_t;

#endif
