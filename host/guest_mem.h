/*
 * Guest physical memory: which guest-physical ranges are RAM and where the
 * host sees them.  Everything the guest hands the VMM as an address is
 * turned into a host pointer here and nowhere else, so one bounds check
 * guards hypercalls, the loader and the inspector alike.
 *
 * It knows nothing about accelerators, so unit tests can describe a fake RAM
 * buffer.
 */
#ifndef VMM_GUEST_MEM_H
#define VMM_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUEST_MEM_MAX_REGIONS 2

struct ram_region {
	uint64_t gpa;   /* first guest-physical byte */
	uint64_t size;  /* bytes */
	uint8_t *host;  /* host address of gpa */
};

struct guest_mem {
	struct ram_region region[GUEST_MEM_MAX_REGIONS];
	unsigned nr_regions;
	uint64_t ram_bytes;  /* sum of the region sizes */
	bool zeroed;         /* known all-zero (a fresh memfd): loaders may skip zero-fill */
	void *map;           /* mapping owned by guest_mem_alloc(), or NULL */
	size_t map_len;
	int fd;              /* memfd behind map (QEMU maps it too), or -1 */
};

/* The empty state: no RAM, no fd. */
void guest_mem_init(struct guest_mem *m);

/*
 * Describe ram_bytes of RAM backed by the contiguous host buffer `host`:
 * [0, 3G) and, beyond 3 GiB, [4G, 4G + rest) (abi.h RAM_HOLE_*).
 */
void guest_mem_layout(struct guest_mem *m, uint64_t ram_bytes, void *host);

/*
 * Map ram_bytes of lazily allocated, zeroed memory from a memfd, shared so
 * that another process (QEMU) can map the same RAM.  0 or -errno.
 */
int guest_mem_alloc(struct guest_mem *m, uint64_t ram_bytes);
void guest_mem_free(struct guest_mem *m);

/*
 * Host pointer for guest-physical [gpa, gpa + len), or NULL unless the whole
 * range lies in one RAM region (not in the hole, no wrap-around).  len 0 asks
 * only that gpa itself is RAM.
 */
void *guest_mem_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len);

/* Total guest-physical address space spanned, i.e. the end of the last region. */
uint64_t guest_mem_end(const struct guest_mem *m);

#endif
