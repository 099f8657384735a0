/*
 * A patched layout note tried as the VMM would take it, for the tests that
 * set every key of a note to edge values: refused with a message that
 * names a key (what makes vmm exit 65), or accepted, and then every checker
 * and view, and the fault-injection show, runs over the image's RAM (ASan
 * and UBSan watch for a fault).
 */
#ifndef TESTS_NOTE_PATCH_H
#define TESTS_NOTE_PATCH_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "inspect/inspect.h"

/* 0: refused by name; 1: accepted and checked.  syms: the image's symbols. */
static inline int try_patched_note(const void *note, size_t len, const struct guest_mem *mem,
				   const struct insp_layout *syms, FILE *sink)
{
	struct insp_layout lay;
	struct insp_report rep;
	struct insp in;
	char err[512];

	if (insp_layout_parse(note, len, &lay, err, sizeof(err))) {
		cr_assert(strstr(err, "LN_"), "a refusal that names no key: %s", err);
		return 0;
	}
	lay.sym = syms->sym;
	insp_init(&in, mem, &lay);
	insp_report_init(&rep, 16);
	insp_check_all(&in, &rep, 0);
	insp_view_all(&in, sink);
	insp_fail_show(&in, sink);
	insp_report_free(&rep);
	insp_free(&in);
	return 1;
}

#endif
