/*
 * The workload registry and the run= list runner (see workload.h).
 *
 * Descriptors live in the "workloads" section; as its name is a valid C
 * identifier, ld defines __start_workloads and __stop_workloads around it.
 * Lookups compare the precomputed name lengths first, so a miss costs a
 * few instructions per workload: this runs on every boot.
 */
#include "kernel.h"
#include "printk.h"
#include "string.h"
#include "workload.h"

extern const struct workload __start_workloads[], __stop_workloads[];

/* Limits of a run= list: items, and bytes of one item's argument (fns
 * get a NUL-terminated copy, since in the list an item ends at ','). */
#define RUN_ITEMS_MAX	32
#define RUN_ARG_MAX	256

static const struct workload *find_exact(const char *name, size_t len)
{
	const struct workload *w;

	for (w = __start_workloads; w < __stop_workloads; w++)
		if (w->name_len == len && !memcmp(w->name, name, len))
			return w;
	return NULL;
}

const struct workload *workload_find(const char *item, size_t len, size_t *arg_off)
{
	const struct workload *w;
	size_t k = len;

	/* Try the whole item, then each prefix ending before a ':'. */
	for (;;) {
		if (k && (w = find_exact(item, k))) {
			*arg_off = k < len ? k + 1 : len;
			return w;
		}
		while (k && item[--k] != ':')
			;
		if (!k)
			return NULL;
	}
}

void workload_list(void)
{
	const struct workload *w;

	printk("known workloads (run=NAME[:ARG][,NAME[:ARG]...]):\n");
	for (w = __start_workloads; w < __stop_workloads; w++)
		printk("  %-16s %s\n", w->name, w->help);
}

int run_workloads(const char *list)
{
	struct {
		const struct workload *w;
		const char *item;
		size_t len, arg_off;
	} run[RUN_ITEMS_MAX];
	char arg[RUN_ARG_MAX];
	unsigned int i, nr = 0;
	const char *item, *comma;
	int ret;

	/* Resolve every item first, so that a typo at the end of the list
	 * is reported before anything runs. */
	for (item = list;; item = comma + 1) {
		size_t len;

		comma = strchr(item, ',');
		len = comma ? (size_t)(comma - item) : strlen(item);
		if (nr == RUN_ITEMS_MAX) {
			printk("run=: more than %d workloads\n", RUN_ITEMS_MAX);
			return 2;
		}
		run[nr].w = workload_find(item, len, &run[nr].arg_off);
		if (!run[nr].w) {
			printk("unknown workload '%.*s'\n", (int)len, item);
			workload_list();
			return 2;
		}
		if (len - run[nr].arg_off >= sizeof(arg)) {
			printk("workload '%.*s': argument longer than %u bytes\n",
			       (int)run[nr].w->name_len, item, (unsigned int)sizeof(arg) - 1);
			return 2;
		}
		run[nr].item = item;
		run[nr].len = len;
		nr++;
		if (!comma)
			break;
	}

	for (i = 0; i < nr; i++) {
		size_t arg_len = run[i].len - run[i].arg_off;

		memcpy(arg, run[i].item + run[i].arg_off, arg_len);
		arg[arg_len] = '\0';
		ret = run[i].w->fn(arg);
		if (ret) {
			printk("workload '%.*s' failed with status %d\n",
			       (int)run[i].len, run[i].item, ret);
			return ret;
		}
	}
	return 0;
}
