/*
 * Reading the VMM's JSON back in the tests, as any reader would: with
 * jansson's parser, so that a document that is not JSON fails the test
 * where it is read, with jansson's word for why.
 */
#ifndef TESTS_JSON_READ_H
#define TESTS_JSON_READ_H

#include <criterion/criterion.h>
#include <jansson.h>

#include "json_out.h"

static inline json_t *parse_json(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &e);

	cr_assert_not_null(j, "line %d column %d: %s\n%s", e.line, e.column, e.text, text);
	return j;
}

/* v (consumed) written as the VMM writes its documents, then read back. */
static inline json_t *reread_json(json_t *v)
{
	char *text;
	json_t *back;

	cr_assert_not_null(v);
	text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JOUT_DUMP_FLAGS);
	cr_assert_not_null(text);
	back = parse_json(text);
	free(text);
	json_decref(v);
	return back;
}

/* The document a run wrote to path. */
static inline json_t *load_json_file(const char *path)
{
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e);

	cr_assert_not_null(j, "%s:%d:%d: %s", path, e.line, e.column, e.text);
	return j;
}

/* json_unpack_ex() that fails the test with jansson's reason: with "!" in
 * fmt, a key the test does not name is a failure too. */
#define assert_unpack(j, fmt, ...)                                                   \
	do {                                                                         \
		json_error_t e_;                                                     \
		cr_assert(!json_unpack_ex((j), &e_, 0, fmt, __VA_ARGS__), "%s: %s", \
			  e_.text, json_dumps((j), JSON_COMPACT));                   \
	} while (0)

#endif
