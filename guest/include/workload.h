/*
 * Workload registry: what the kernel runs after boot, chosen with
 * run=NAME[:ARG][,NAME[:ARG]...] on the command line (guest/kernel/workload.c).
 *
 * Each workload is a descriptor placed in the "workloads" section by
 * DEFINE_WORKLOAD, so any file can add one without a central list:
 *
 *	static int wl_meminfo(const char *arg) { ...; return 0; }
 *	DEFINE_WORKLOAD("meminfo", wl_meminfo, "print /proc/meminfo");
 *
 * Names may contain ':' themselves ("selftest:buddy", "bench:calibrate").
 * A run item is matched against the longest registered name that equals
 * the whole item or a prefix of it ending just before a ':'; the rest after
 * that ':' is the argument.  So with "exit" registered, "exit:7" runs exit
 * with arg "7", and "bench:calibrate" runs the workload of that full name
 * with arg "".
 *
 * fn returns 0 to go on to the next workload; a nonzero result (1..63)
 * ends the run and becomes the VM's exit status.
 */
#ifndef GUEST_WORKLOAD_H
#define GUEST_WORKLOAD_H

#include "kernel.h"

struct workload {
	const char *name;
	unsigned int name_len;	/* strlen(name), set at compile time */
	int (*fn)(const char *arg);
	const char *help;	/* one line: what it does, and its argument */
};

/* _name must be a string literal (its length is taken with sizeof).
 * no_reorder keeps a file's workloads in definition order, which is the
 * order `workload_list` shows them in (files follow link order). */
#define DEFINE_WORKLOAD(_name, _fn, _help)				\
	static const struct workload __workload_##_fn			\
	__attribute__((used, no_reorder, section("workloads"),		\
		       aligned(4))) = {					\
		.name = (_name), .name_len = sizeof(_name) - 1,		\
		.fn = (_fn), .help = (_help),				\
	}

/* Look up the workload for a run item of len bytes; *arg_off is set to the
 * offset of its argument within the item (len if there is none). */
const struct workload *workload_find(const char *item, size_t len, size_t *arg_off);

/* Print every registered workload's help line. */
void workload_list(void);

/* Run a comma-separated run= list in order.  Returns 0 when all succeed,
 * the first nonzero result otherwise, or 2 when an item names no workload
 * (checked for every item before anything runs). */
int run_workloads(const char *list);

#endif
