/* Boot-time entry points of the memory manager, called by start_kernel(). */
#ifndef GUEST_SETUP_H
#define GUEST_SETUP_H

#include "abi.h"

void mm_init(const struct boot_info *bi);   /* mm/init.c: up to a ready page allocator */
void mm_init_late(void);                    /* mm/init.c: slab, then fault injection */
void mm_print_layout(void);                 /* mm/init.c */
void pageops_init(const struct boot_info *bi); /* mm/pageops.c */
extern bool pv_pageops;                     /* mm/pageops.c: HC_PAGEOPS in use */

#endif
