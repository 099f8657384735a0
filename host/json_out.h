/*
 * What the VMM's JSON documents (--check-json, --bench-json) share on top
 * of jansson: strings that may hold any bytes, unsigned 64-bit counts, and
 * reals that print as the text reports round them.
 */
#ifndef VMM_JSON_OUT_H
#define VMM_JSON_OUT_H

#include <stdint.h>

#include <jansson.h>

/*
 * For every json_dump*() of these documents.  Debian's jansson prints reals
 * with 17 significant digits, so 1.235 would read 1.2350000000000001; with
 * 15, a value rounded to a few decimals (jout_real) prints as written.
 */
#define JOUT_DUMP_FLAGS JSON_REAL_PRECISION(15)

/* A JSON string of s, whose bytes need not be UTF-8 (see json_out.c); NULL
 * only when memory runs out. */
json_t *jout_string(const char *s);

/* v as a JSON number, exact up to INT64_MAX (see json_out.c). */
json_t *jout_u64(uint64_t v);

/* v rounded to `decimals` places. */
json_t *jout_real(double v, unsigned decimals);

#endif
