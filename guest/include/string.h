/*
 * Freestanding string and memory functions (Linux: linux/string.h), in
 * guest/lib/string.c.  gcc emits calls to memset/memcpy/memmove for struct
 * copies and initialisers even with -fno-builtin, so these must exist.
 *
 * Host builds of guest code (__GUEST__ undefined) get the C library's.
 */
#ifndef GUEST_STRING_H
#define GUEST_STRING_H

#ifndef __GUEST__
#include_next <string.h>
#else
#include "types.h"

void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
#endif

#endif
