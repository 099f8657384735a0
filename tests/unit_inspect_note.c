/*
 * The layout note as hostile input: every key of a valid note (the
 * synthetic guest's, tests/synth_guest.h) is patched, one at a time, to 0,
 * 1, its value +-1, boundary values and huge ones, including products that
 * wrap in 32 bits.  Each patched note is either refused with a message
 * naming a key, or accepted and then every checker and view runs over the
 * synthetic RAM without reading outside it (ASan and UBSan watch).
 */
#include <criterion/criterion.h>
#include <stdio.h>

#include "note_patch.h"
#include "synth_guest.h"

static struct sg g;

static void setup(void)
{
	cr_assert_eq(sg_build(&g), 0);
}

static void teardown(void)
{
	sg_free(&g);
}

TestSuite(note, .init = setup, .fini = teardown);

Test(note, every_key_patched_is_refused_by_name_or_checked_safely, .timeout = 300)
{
	const struct layout_note_header *h = (const void *)g.note;
	FILE *sink = fopen("/dev/null", "w");
	uint8_t note[sizeof(g.note)];
	unsigned refused = 0, checked = 0;

	cr_assert_not_null(sink);
	cr_assert_eq(try_patched_note(g.note, g.note_len, &g.mem, &g.lay, sink), 1,
		     "the unpatched note is refused");
	for (uint32_t i = 0; i < h->count; i++) {
		struct layout_note_entry *e;
		uint32_t orig;

		memcpy(note, g.note, g.note_len);
		e = (struct layout_note_entry *)(note + sizeof(*h)) + i;
		orig = e->value;
		const uint32_t values[] = {
			0, 1, 2, 3, 4, 8, orig - 1, orig + 1, orig * 2, 255, 256, 257, 4096, 65536,
			65537, 262145, 0x1745D175 /* x 11 orders wraps to 7 */,
			0x40000000 /* x 4 CPUs wraps to 0 */, 0x80000000 /* x 2 CPUs wraps to 0 */,
			0x7fffffff, 0xfffffffe, 0xffffffff,
		};

		for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
			e->value = values[v];
			if (try_patched_note(note, g.note_len, &g.mem, &g.lay, sink))
				checked++;
			else
				refused++;
		}
	}
	fclose(sink);
	cr_log_info("%u notes refused, %u checked", refused, checked);
	cr_assert_gt(refused, 0);
	cr_assert_gt(checked, 0);
}

/* The two wraps the note once let through, named in the refusal. */
Test(note, wrapping_sizes_are_refused_naming_the_key)
{
	const struct layout_note_header *h = (const void *)g.note;
	static const struct { uint32_t key, value; const char *want; } cases[] = {
		{ LN_PCP_SIZEOF, 0x80000000u,
		  "layout note: LN_PCP_SIZEOF = 2147483648 (0x80000000), outside 1..256" },
		{ LN_FREE_AREA_SIZEOF, 0x1745D175u,
		  "layout note: LN_FREE_AREA_SIZEOF = 390451573 (0x1745d175), outside 1..256" },
	};
	uint8_t note[sizeof(g.note)];
	struct insp_layout lay;
	char err[512];

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		bool found = false;

		memcpy(note, g.note, g.note_len);
		for (uint32_t i = 0; i < h->count; i++) {
			struct layout_note_entry *e = (struct layout_note_entry *)(note + sizeof(*h)) + i;

			if (e->key == cases[c].key) {
				e->value = cases[c].value;
				found = true;
			}
		}
		cr_assert(found);
		cr_assert_eq(insp_layout_parse(note, g.note_len, &lay, err, sizeof(err)), -1);
		cr_assert_str_eq(err, cases[c].want);
	}
}
