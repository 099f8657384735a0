/*
 * Guest RAM: one memfd mapped once, seen by the guest as one or two regions
 * split around the 3-4 GiB hole.  KVM takes the mapping as memslots; QEMU
 * TCG maps the same memfd, so under either accelerator the VMM reads guest
 * RAM directly.  The memory is never touched by the VMM up front, so a
 * 6 GiB guest costs what it uses (docs/design.md §2.6 rule 1: boot cost
 * is O(free blocks), not O(pages)).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "abi.h"
#include "guest_mem.h"

void guest_mem_layout(struct guest_mem *m, uint64_t ram_bytes, void *host)
{
	uint8_t *h = host;
	uint64_t low = ram_bytes < RAM_HOLE_START ? ram_bytes : RAM_HOLE_START;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	m->ram_bytes = ram_bytes;
	m->region[0] = (struct ram_region){ .gpa = 0, .size = low, .host = h };
	m->nr_regions = 1;
	if (ram_bytes > low) {
		m->region[1] = (struct ram_region){
			.gpa = RAM_HOLE_END, .size = ram_bytes - low, .host = h + low,
		};
		m->nr_regions = 2;
	}
}

void guest_mem_init(struct guest_mem *m)
{
	memset(m, 0, sizeof(*m));
	m->fd = -1;
}

int guest_mem_alloc(struct guest_mem *m, uint64_t ram_bytes)
{
	void *p;
	int fd, r;

	/*
	 * A memfd is sparse shmem: ftruncate reserves nothing, so a 6 GiB
	 * guest starts on a machine that could not back all of it.  It has
	 * no name in any filesystem, so nothing is left behind in /dev/shm.
	 * Close-on-exec: only QEMU inherits it (as /proc/self/fd/N), by name.
	 * Being shmem, it gets transparent huge pages only where
	 * /sys/kernel/mm/transparent_hugepage/shmem_enabled allows.
	 */
	fd = memfd_create("mmvisor-ram", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)ram_bytes) < 0)
		goto err;
	p = mmap(NULL, ram_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
	if (p == MAP_FAILED)
		goto err;
	guest_mem_layout(m, ram_bytes, p);
	m->map = p;
	m->map_len = ram_bytes;
	m->fd = fd;
	m->zeroed = true;
	return 0;
err:
	r = -errno;
	close(fd);
	return r;
}

void guest_mem_free(struct guest_mem *m)
{
	if (m->map)
		munmap(m->map, m->map_len);
	if (m->fd >= 0)
		close(m->fd);
	guest_mem_init(m);
}

void *guest_mem_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	for (unsigned i = 0; i < m->nr_regions; i++) {
		const struct ram_region *r = &m->region[i];

		/* Written so that no sum can wrap: gpa + len may overflow. */
		if (gpa < r->gpa || gpa - r->gpa >= r->size)
			continue;
		if (len > r->size - (gpa - r->gpa))
			return NULL;
		return r->host + (gpa - r->gpa);
	}
	return NULL;
}

uint64_t guest_mem_end(const struct guest_mem *m)
{
	if (!m->nr_regions)
		return 0;
	return m->region[m->nr_regions - 1].gpa + m->region[m->nr_regions - 1].size;
}
