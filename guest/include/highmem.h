/*
 * Temporary kernel mappings of (possibly) highmem pages: kmap_atomic.
 *
 * Lowmem pages are always mapped (the direct map), so kmap_atomic returns
 * their direct-map address.  A highmem page gets one of the calling CPU's
 * KM_TYPE_NR fixmap slots, used as a stack: unmap in reverse order.
 * kmap/kunmap (the pkmap window) are not built yet.
 */
#ifndef GUEST_HIGHMEM_H
#define GUEST_HIGHMEM_H

#include "mm.h"

void *kmap_atomic(struct page *page);
void __kunmap_atomic(void *kvaddr);
#define kunmap_atomic(addr) __kunmap_atomic((void *)(addr))

#endif
