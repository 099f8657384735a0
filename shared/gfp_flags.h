/*
 * GFP flag bits and the common masks, with Linux's names and values
 * (<linux/gfp_types.h>, before 6.3 removed __GFP_ATOMIC).  Shared so that
 * the VMM console parses and prints the same flags the guest allocates
 * with; the allocator's API is in guest/include/gfp.h.  Plain macros only:
 * both wings include this.
 */
#ifndef SHARED_GFP_FLAGS_H
#define SHARED_GFP_FLAGS_H

/* Zone modifiers: the highest zone a request may use. */
#define __GFP_DMA            0x01u
#define __GFP_HIGHMEM        0x02u
#define __GFP_MOVABLE        0x08u   /* accepted, no effect: no ZONE_MOVABLE */
#define GFP_ZONEMASK         (__GFP_DMA | __GFP_HIGHMEM)

/* Access to reserves. */
#define __GFP_HIGH           0x20u   /* high priority: may use half the min reserve */
#define __GFP_IO             0x40u   /* may start physical I/O */
#define __GFP_FS             0x80u   /* may call into the filesystem */
#define __GFP_ZERO          0x100u   /* return zeroed pages */
#define __GFP_ATOMIC        0x200u   /* cannot sleep: may dip a further quarter below min */
#define __GFP_DIRECT_RECLAIM 0x400u  /* may sleep and reclaim: "gfp_wait" */
#define __GFP_KSWAPD_RECLAIM 0x800u  /* may wake kswapd */
#define __GFP_NOWARN       0x2000u   /* no failure report */
#define __GFP_RETRY_MAYFAIL 0x4000u
#define __GFP_NOFAIL       0x8000u   /* retry; panic with an OOM report if hopeless */
#define __GFP_NORETRY     0x10000u
#define __GFP_COMP        0x40000u   /* compound page: head/tail metadata */
#define __GFP_HARDWALL   0x100000u
#define __GFP_ACCOUNT    0x400000u

#define __GFP_RECLAIM (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)

/* Every flag above.  A mask from outside the kernel (a console request,
 * shared/abi.h) must lie within it.  Linux's __GFP_BITS_MASK is a whole bit
 * range; here the defined bits have gaps, hence a list.  A new flag goes
 * here too. */
#define __GFP_KNOWN_MASK                                                     \
	(__GFP_DMA | __GFP_HIGHMEM | __GFP_MOVABLE | __GFP_HIGH | __GFP_IO |  \
	 __GFP_FS | __GFP_ZERO | __GFP_ATOMIC | __GFP_DIRECT_RECLAIM |         \
	 __GFP_KSWAPD_RECLAIM | __GFP_NOWARN | __GFP_RETRY_MAYFAIL |           \
	 __GFP_NOFAIL | __GFP_NORETRY | __GFP_COMP | __GFP_HARDWALL |          \
	 __GFP_ACCOUNT)

#define GFP_ATOMIC   (__GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL   (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_NOWAIT   (__GFP_KSWAPD_RECLAIM)
#define GFP_NOIO     (__GFP_RECLAIM)
#define GFP_NOFS     (__GFP_RECLAIM | __GFP_IO)
#define GFP_USER     (__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL)
#define GFP_DMA      __GFP_DMA
#define GFP_HIGHUSER (GFP_USER | __GFP_HIGHMEM)
#define GFP_HIGHUSER_MOVABLE (GFP_HIGHUSER | __GFP_MOVABLE)

#endif
