/*
 * Guest RAM snapshots (--save-ram): every RAM region as the guest left it
 * at a checkpoint, for looking at offline with the inspector (the fuzz
 * harness over a real guest's mm does).  The file is a header, then each
 * region's bytes in order:
 *
 *   "MMVSNAP1"  u32 nr_regions  u32 0  { u64 gpa, u64 size } x nr_regions
 *
 * little-endian, like the guest.  The image (for the layout note and the
 * symbols) is not in it: keep the guest.elf that made it.
 */
#ifndef VMM_SNAPSHOT_H
#define VMM_SNAPSHOT_H

#include <stdio.h>

#include "guest_mem.h"

#define SNAPSHOT_MAGIC "MMVSNAP1"

/* Write m to f.  0, or -errno. */
int snapshot_write(const struct guest_mem *m, FILE *f);

/*
 * Read the snapshot in path into *m: one anonymous mapping laid out as the
 * guest's RAM (guest_mem_layout), freed with guest_mem_free().  0, or
 * -errno with the reason in err (-EINVAL: not a snapshot, or not one this
 * VMM could have written).
 */
int snapshot_read(const char *path, struct guest_mem *m, char *err, size_t errlen);

#endif
