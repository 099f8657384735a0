/*
 * The JSON values the VMM's documents are made of (host/json_out.c): every
 * string, whatever its bytes, comes out as JSON that jansson reads back.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "json_read.h"

static void assert_string_back(const char *in, const char *want)
{
	json_t *back = reread_json(jout_string(in));

	cr_assert(json_is_string(back));
	cr_assert_eq(json_string_length(back), strlen(want));
	cr_assert_str_eq(json_string_value(back), want);
	json_decref(back);
}

#define FFFD "\xef\xbf\xbd"

Test(json_out, utf8_strings_come_back_byte_for_byte)
{
	assert_string_back("", "");
	assert_string_back("quote \" backslash \\ slash /", "quote \" backslash \\ slash /");
	assert_string_back("\x01\x08\t\n\r\x1b\x1f\x7f", "\x01\x08\t\n\r\x1b\x1f\x7f");
	assert_string_back("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf",
			   "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf");
}

/* Each byte that begins no well-formed UTF-8 sequence is one U+FFFD. */
Test(json_out, bytes_that_are_not_utf8_become_u_fffd)
{
	assert_string_back("\xff", FFFD);
	assert_string_back("a\x80z", "a" FFFD "z");
	assert_string_back("cut \xc3", "cut " FFFD);
	assert_string_back("cut \xe2\x82", "cut " FFFD FFFD);
	assert_string_back("\xe0\xa0x", FFFD FFFD "x");
	assert_string_back("overlong \xc0\xaf \xe0\x80\xaf",
			   "overlong " FFFD FFFD " " FFFD FFFD FFFD);
	assert_string_back("surrogate \xed\xa0\x80", "surrogate " FFFD FFFD FFFD);
	assert_string_back("past U+10FFFF \xf4\x90\x80\x80 \xf5",
			   "past U+10FFFF " FFFD FFFD FFFD FFFD " " FFFD);
	assert_string_back("\"\\\x01\xfe\xc3\xa9", "\"\\\x01" FFFD "\xc3\xa9");
}

Test(json_out, u64_is_exact_to_int64_max_and_a_real_above)
{
	const uint64_t exact[] = { 0, 1, 1ull << 53, INT64_MAX };
	json_t *back;

	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++) {
		back = reread_json(jout_u64(exact[i]));
		cr_assert(json_is_integer(back));
		cr_assert_eq((uint64_t)json_integer_value(back), exact[i]);
		json_decref(back);
	}
	back = reread_json(jout_u64(UINT64_MAX));
	cr_assert(json_is_real(back));
	cr_assert_float_eq(json_real_value(back), 18446744073709551615.0, 1e5);
	json_decref(back);
}

Test(json_out, reals_print_as_rounded)
{
	json_t *a = json_pack("[o,o,o,o]", jout_real(1.23456, 3), jout_real(2, 3),
			      jout_real(0.0004, 3), jout_real(123456.7891, 3));
	char *text = json_dumps(a, JSON_COMPACT | JOUT_DUMP_FLAGS);

	cr_assert_str_eq(text, "[1.235,2.0,0.0,123456.789]");
	free(text);
	json_decref(a);
}
