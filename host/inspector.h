/*
 * The VMM's use of the inspector library (host/inspect/): at each guest
 * checkpoint, run the checkers (--check), inject a fault first
 * (--corrupt, --fuzz), print host-computed /proc views (--show), or time
 * the checkers (--check-bench); cross-check the walker with the accelerator;
 * and at exit print the summary and write --check-json.
 */
#ifndef VMM_INSPECTOR_H
#define VMM_INSPECTOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "inspect/inspect.h"

struct vm;
struct elf_info;

#define CHECK_PRINT_MAX 100   /* violations printed per failing checkpoint */
#define CHECK_STORE_MAX 1000  /* violations kept for --check-json */

struct inspector_opts {
	bool check;              /* --check */
	const char *json;        /* --check-json FILE */
	const char *corrupt;     /* --corrupt KIND */
	unsigned corrupt_at;     /* ... @N, default 1 */
	unsigned fuzz_flips;     /* --fuzz FLIPS[@SEED] */
	uint64_t fuzz_seed;
	const char *show;        /* --show VIEW[,VIEW...] */
	const char *save_ram;    /* --save-ram FILE */
	unsigned save_at;        /* ... @N, default 1 */
	unsigned bench_reps;     /* --check-bench REPS */
};

struct inspector {
	struct inspector_opts o;
	struct insp_layout lay;
	struct insp in;
	struct insp_report rep;
	FILE *json;
	bool json_any;           /* a checkpoint was written to it */
	int json_err;            /* errno of the first failure writing it */
	FILE *save;              /* --save-ram's file, open from the start */
	bool saved;
	uint64_t checkpoints;    /* checkpoints the inspector handled */
	uint64_t checks;         /* ... at which the checkers ran */
	uint64_t violations;
	uint64_t rules_run;
	uint64_t translations;   /* addresses walker.accel compared */
	bool warned_translate;   /* the accelerator could not translate */
	double ms;
	bool corrupted;
	bool fuzzed;
	uint64_t pkmap_deferred;  /* information: count-1 pkmap slots over free pages, most at a checkpoint */
};

/* Does this set of options need the inspector at all? */
bool inspector_wanted(const struct inspector_opts *o);

/*
 * Read the layout, open --check-json, install the checkpoint hook.
 * Returns 0 or an exit status after printing why (EXIT_BAD_IMAGE: no or
 * bad layout note; EXIT_HOST_ERROR: the JSON file cannot be created).
 */
int inspector_start(struct inspector *s, struct vm *vm, const struct elf_info *elf,
		    const struct inspector_opts *o);

/* After the run: summary line, JSON, and the final exit status given the
 * run's status (a --check that never ran fails: EXIT_INVARIANT). */
int inspector_finish(struct inspector *s, struct vm *vm, int status);

void inspector_free(struct inspector *s);

/* `KIND RULE description` for every corruption kind. */
void inspector_list_corruptions(FILE *f);

#endif
