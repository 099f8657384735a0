/*
 * String and memory functions (Linux: lib/string.c, arch/x86/lib/).
 *
 * Cost model (docs/design.md §2.5): every instruction is emulated at ~1 µs
 * on kvm_pvm, but a `rep` string instruction costs ~0.75 µs per iteration,
 * so the bulk operations use rep stos/movs/scas/cmps: about four times
 * faster than a C loop of loads, stores, increments and branches.  Being
 * asm, they also cannot be turned back into calls to themselves by gcc's
 * loop-to-memset/memcpy pattern matching.
 */
#include "string.h"

void *memset(void *s, int c, size_t n)
{
	u32 v = (u8)c * 0x01010101u;
	size_t dwords = n >> 2, bytes = n & 3;
	void *d = s;

	__asm__ __volatile__("rep stosl\n\t"
			     "movl %[bytes], %%ecx\n\t"
			     "rep stosb"
			     : "+D"(d), "+c"(dwords)
			     : "a"(v), [bytes] "rm"(bytes)
			     : "memory");
	return s;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	size_t dwords = n >> 2, bytes = n & 3;
	void *d = dst;

	__asm__ __volatile__("rep movsl\n\t"
			     "movl %[bytes], %%ecx\n\t"
			     "rep movsb"
			     : "+D"(d), "+S"(src), "+c"(dwords)
			     : [bytes] "rm"(bytes)
			     : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned long d = (unsigned long)dst, s = (unsigned long)src;

	if (d <= s || d - s >= n)
		return memcpy(dst, src, n);

	/*
	 * dst overlaps the end of src: copy downwards (DF=1).  First the
	 * n & 3 top bytes, then whole dwords; after the byte copy %esi/%edi
	 * point one below the remaining region, whose top dword starts 3
	 * bytes lower still.
	 */
	{
		size_t dwords = n >> 2, bytes = n & 3;
		const char *sp = (const char *)src + n - 1;
		char *dp = (char *)dst + n - 1;

		__asm__ __volatile__("std\n\t"
				     "rep movsb\n\t"
				     "subl $3, %%esi\n\t"
				     "subl $3, %%edi\n\t"
				     "movl %[dwords], %%ecx\n\t"
				     "rep movsl\n\t"
				     "cld"
				     : "+D"(dp), "+S"(sp), "+c"(bytes)
				     : [dwords] "rm"(dwords)
				     : "memory", "cc");
	}
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	if (!n)
		return 0;
	/* repe cmpsb stops after the first differing byte. */
	__asm__ __volatile__("repe cmpsb"
			     : "+S"(p), "+D"(q), "+c"(n)
			     : "m"(*(const char (*)[n])a), "m"(*(const char (*)[n])b)
			     : "cc");
	return p[-1] - q[-1];
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;
	size_t cnt = ~(size_t)0;

	/* repne scasb stops one past the NUL. */
	__asm__ __volatile__("repne scasb"
			     : "+D"(p), "+c"(cnt)
			     : "a"(0), "m"(*(const char (*)[])s)
			     : "cc");
	return p - s - 1;
}

size_t strnlen(const char *s, size_t maxlen)
{
	const char *p = s;

	while (maxlen-- && *p)
		p++;
	return p - s;
}

int strcmp(const char *a, const char *b)
{
	unsigned char c1, c2;

	do {
		c1 = *a++;
		c2 = *b++;
		if (c1 != c2)
			return c1 < c2 ? -1 : 1;
	} while (c1);
	return 0;
}

int strncmp(const char *a, const char *b, size_t n)
{
	unsigned char c1, c2;

	while (n--) {
		c1 = *a++;
		c2 = *b++;
		if (c1 != c2)
			return c1 < c2 ? -1 : 1;
		if (!c1)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (; *s != (char)c; s++)
		if (!*s)
			return NULL;
	return (char *)s;
}
