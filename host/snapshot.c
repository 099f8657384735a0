/*
 * Guest RAM snapshots: the file format of snapshot.h.  The reader trusts
 * nothing in the file: the regions must be the layout guest_mem_layout()
 * gives for their total size, and the file exactly that long.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "abi.h"
#include "snapshot.h"

struct snap_header {
	char magic[8];
	uint32_t nr_regions;
	uint32_t zero;
};

struct snap_region {
	uint64_t gpa, size;
};

_Static_assert(sizeof(struct snap_header) == 16 && sizeof(struct snap_region) == 16,
	       "snapshot layout");

int snapshot_write(const struct guest_mem *m, FILE *f)
{
	struct snap_header h = { .nr_regions = m->nr_regions };

	memcpy(h.magic, SNAPSHOT_MAGIC, sizeof(h.magic));
	if (fwrite(&h, sizeof(h), 1, f) != 1)
		return -EIO;
	for (unsigned i = 0; i < m->nr_regions; i++) {
		struct snap_region r = { m->region[i].gpa, m->region[i].size };

		if (fwrite(&r, sizeof(r), 1, f) != 1)
			return -EIO;
	}
	for (unsigned i = 0; i < m->nr_regions; i++)
		if (fwrite(m->region[i].host, 1, m->region[i].size, f) != m->region[i].size)
			return -EIO;
	return fflush(f) ? -errno : 0;
}

static int fail(char *err, size_t errlen, int r, const char *path, const char *why)
{
	snprintf(err, errlen, "%s: %s", path, why);
	return r;
}

int snapshot_read(const char *path, struct guest_mem *m, char *err, size_t errlen)
{
	struct snap_region r[GUEST_MEM_MAX_REGIONS];
	struct snap_header h;
	uint64_t total = 0;
	bool bad;
	struct stat st;
	void *p;
	FILE *f = fopen(path, "rbe");
	int ret = -EINVAL;

	guest_mem_init(m);
	if (!f)
		return fail(err, errlen, -errno, path, strerror(errno));
	if (fread(&h, sizeof(h), 1, f) != 1 || memcmp(h.magic, SNAPSHOT_MAGIC, 8) || h.zero ||
	    h.nr_regions < 1 || h.nr_regions > GUEST_MEM_MAX_REGIONS ||
	    fread(r, sizeof(r[0]), h.nr_regions, f) != h.nr_regions) {
		fail(err, errlen, ret, path, "not a guest RAM snapshot (--save-ram)");
		goto out;
	}
	for (unsigned i = 0; i < h.nr_regions; i++) {
		if (r[i].size > (64ull << 30) || total + r[i].size < total) {
			fail(err, errlen, ret, path, "a region is larger than any guest's RAM");
			goto out;
		}
		total += r[i].size;
	}
	if (fstat(fileno(f), &st) ||
	    (uint64_t)st.st_size != sizeof(h) + h.nr_regions * sizeof(r[0]) + total) {
		fail(err, errlen, ret, path, "it is truncated, or longer than its regions");
		goto out;
	}
	p = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	if (p == MAP_FAILED) {
		ret = fail(err, errlen, -errno, path, "cannot map its RAM");
		goto out;
	}
	/* Exactly the layout a guest of this size has, and nothing more. */
	guest_mem_layout(m, total, p);
	m->map = p;
	m->map_len = total;
	bad = m->nr_regions != h.nr_regions;
	for (unsigned i = 0; i < h.nr_regions && !bad; i++)
		bad = m->region[i].gpa != r[i].gpa || m->region[i].size != r[i].size;
	if (bad) {
		guest_mem_free(m);
		fail(err, errlen, ret, path, "its regions are not a guest's RAM layout");
		goto out;
	}
	for (unsigned i = 0; i < h.nr_regions; i++)
		if (fread(m->region[i].host, 1, r[i].size, f) != r[i].size) {
			guest_mem_free(m);
			ret = fail(err, errlen, -EIO, path, "cannot read its RAM");
			goto out;
		}
	ret = 0;
out:
	fclose(f);
	return ret;
}
