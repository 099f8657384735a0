/*
 * JSON values for the VMM's documents (json_out.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"

/* The length of the well-formed UTF-8 sequence at p (The Unicode Standard,
 * Table 3-7: no overlong forms, no surrogates, nothing past U+10FFFF), or
 * 0 if none starts there.  Stops at a NUL, which is never a continuation. */
static size_t utf8_seq_len(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (p[0] < 0x80)
		return 1;
	if (p[0] < 0xc2 || p[0] > 0xf4)
		return 0;
	n = p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/*
 * jansson refuses a string that is not UTF-8, and what a guest wrote (or
 * what a checker read from a corrupted guest) may be any bytes.  Each byte
 * that begins no well-formed sequence becomes U+FFFD, the replacement
 * character, rather than a "\xNN" spelled out in the text: a reader then
 * sees plainly that a byte was lost and cannot mistake it for four
 * characters the guest wrote.  The text report (stderr) keeps the bytes.
 */
json_t *jout_string(const char *s)
{
	static const char fffd[] = "\xef\xbf\xbd";
	const unsigned char *p = (const unsigned char *)s;
	json_t *j = json_string(s);
	char *buf, *q;

	if (j)
		return j;
	buf = malloc(strlen(s) * 3 + 1);
	if (!buf)
		return NULL;
	for (q = buf; *p;) {
		size_t n = utf8_seq_len(p);

		if (n) {
			memcpy(q, p, n);
			q += n;
			p += n;
		} else {
			memcpy(q, fffd, 3);
			q += 3;
			p++;
		}
	}
	j = json_stringn(buf, q - buf);
	free(buf);
	return j;
}

/*
 * jansson's integers are int64_t.  A count above INT64_MAX (only a guest
 * that means harm makes one, from the TSC readings or tags it passes)
 * becomes a real: the digits past the 15th are lost, where the exact
 * integer would be refused by jansson's own reader and rounded by most
 * others.
 */
json_t *jout_u64(uint64_t v)
{
	if (v <= INT64_MAX)
		return json_integer((json_int_t)v);
	return json_real((double)v);
}

json_t *jout_real(double v, unsigned decimals)
{
	double scale = pow(10, decimals);

	return json_real(round(v * scale) / scale);
}
