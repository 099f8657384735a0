/*
 * vsnprintf and snprintf (Linux: lib/vsprintf.c, reduced).
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%, with the flags '-' (left-
 * justify), '0' (zero-pad), '+', ' ', '#', a width and a precision (either
 * may be '*'), and the length modifiers hh h l ll z t j.  %p prints the
 * raw address as 8 hex digits, like Linux's %px.
 *
 * 64-bit values are converted with do_div(), never a u64 '/', which would
 * need libgcc's __udivdi3; values that fit 32 bits take a cheaper 32-bit
 * path (gcc turns the division by 10 into a multiplication).
 */
#include "kernel.h"
#include "string.h"
#include "asm/div64.h"

#define ZEROPAD	1	/* pad with zeros */
#define SIGN	2	/* signed conversion */
#define PLUS	4	/* show '+' on positive numbers */
#define SPACE	8	/* ' ' instead of '+' */
#define LEFT	16	/* left-justify */
#define SMALL	32	/* lowercase hex digits */
#define SPECIAL	64	/* '#': 0x prefix for hex, 0 for octal */

struct printf_spec {
	unsigned int flags;
	int width;		/* -1: none */
	int precision;		/* -1: none */
	unsigned int base;
};

/* Output goes through these: str advances past end too, so the return
 * value counts what would have been written. */
static inline char *put(char *str, char *end, char c)
{
	if (str < end)
		*str = c;
	return str + 1;
}

/* n bytes of s, as far as they fit: one rep movs instead of a
 * per-character loop, which matters at ~1 µs per instruction. */
static char *put_str(char *str, char *end, const char *s, size_t n)
{
	if (str < end)
		memcpy(str, s, min(n, (size_t)(end - str)));
	return str + n;
}

static char *pad(char *str, char *end, char c, int n)
{
	while (n-- > 0)
		str = put(str, end, c);
	return str;
}

static char *number(char *str, char *end, u64 num, struct printf_spec spec)
{
	static const char digits[] = "0123456789ABCDEF0123456789abcdef";
	const char *dig = digits + ((spec.flags & SMALL) ? 16 : 0);
	char tmp[24];		/* 2^64 in octal is 22 digits */
	char sign = 0;
	int i = 0, prefix = 0, ndigits;

	if (spec.flags & SIGN) {
		if ((s64)num < 0) {
			sign = '-';
			num = -(s64)num;
		} else if (spec.flags & PLUS) {
			sign = '+';
		} else if (spec.flags & SPACE) {
			sign = ' ';
		}
	}
	if (spec.flags & SPECIAL) {
		if (spec.base == 16)
			prefix = 2;
		else if (spec.base == 8 && num)
			prefix = 1;
	}
	/* As in C, an explicit precision disables zero padding. */
	if (spec.precision >= 0)
		spec.flags &= ~ZEROPAD;

	if (num == 0) {
		if (spec.precision != 0)
			tmp[i++] = '0';
	} else if (spec.base == 10) {
		u32 n32;

		while (num >> 32)
			tmp[i++] = '0' + do_div(num, 10);
		for (n32 = num; n32; n32 /= 10)
			tmp[i++] = '0' + n32 % 10;
	} else {
		unsigned int shift = spec.base == 16 ? 4 : 3;
		u32 mask = spec.base - 1;

		for (; num; num >>= shift)
			tmp[i++] = dig[(u32)num & mask];
	}

	ndigits = max(i, spec.precision);
	spec.width -= ndigits + prefix + (sign != 0);
	if (!(spec.flags & (LEFT | ZEROPAD)))
		str = pad(str, end, ' ', spec.width);
	if (sign)
		str = put(str, end, sign);
	if (prefix) {
		str = put(str, end, '0');
		if (spec.base == 16)
			str = put(str, end, (spec.flags & SMALL) ? 'x' : 'X');
	}
	if (!(spec.flags & LEFT) && (spec.flags & ZEROPAD))
		str = pad(str, end, '0', spec.width);
	str = pad(str, end, '0', ndigits - i);
	while (i > 0)
		str = put(str, end, tmp[--i]);
	if (spec.flags & LEFT)
		str = pad(str, end, ' ', spec.width);
	return str;
}

static char *string(char *str, char *end, const char *s, struct printf_spec spec)
{
	int len;

	if (!s)
		s = "(null)";
	len = spec.precision >= 0 ? (int)strnlen(s, spec.precision) : (int)strlen(s);
	if (!(spec.flags & LEFT))
		str = pad(str, end, ' ', spec.width - len);
	str = put_str(str, end, s, len);
	if (spec.flags & LEFT)
		str = pad(str, end, ' ', spec.width - len);
	return str;
}

/* Parse a decimal field width or precision. */
static int skip_atoi(const char **s)
{
	int i = 0;

	while (**s >= '0' && **s <= '9')
		i = i * 10 + *((*s)++) - '0';
	return i;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	char *str = buf, *end = buf + size;
	struct printf_spec spec;
	int qualifier;
	u64 num;

	/* A size that wraps the address space means "unbounded", as in
	 * Linux; clamp so that end stays above buf. */
	if (end < buf) {
		end = (char *)-1;
		size = end - buf;
	}

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			/* Copy a run of literal text in one go. */
			const char *lit = fmt;

			while (fmt[1] && fmt[1] != '%')
				fmt++;
			str = put_str(str, end, lit, fmt + 1 - lit);
			continue;
		}

		/* flags */
		spec.flags = 0;
		for (;;) {
			fmt++;
			if (*fmt == '-')
				spec.flags |= LEFT;
			else if (*fmt == '0')
				spec.flags |= ZEROPAD;
			else if (*fmt == '+')
				spec.flags |= PLUS;
			else if (*fmt == ' ')
				spec.flags |= SPACE;
			else if (*fmt == '#')
				spec.flags |= SPECIAL;
			else
				break;
		}

		/* width */
		spec.width = -1;
		if (*fmt >= '0' && *fmt <= '9') {
			spec.width = skip_atoi(&fmt);
		} else if (*fmt == '*') {
			fmt++;
			spec.width = va_arg(ap, int);
			if (spec.width < 0) {
				spec.width = -spec.width;
				spec.flags |= LEFT;
			}
		}

		/* precision */
		spec.precision = -1;
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				fmt++;
				spec.precision = va_arg(ap, int);
			} else {
				spec.precision = skip_atoi(&fmt);
			}
			if (spec.precision < 0)
				spec.precision = -1;
		}

		/* length: 'H' = hh, 'L' = ll; long, size_t, ptrdiff_t are
		 * 32-bit, intmax_t is 64-bit */
		qualifier = 0;
		if (*fmt == 'h' || *fmt == 'l' || *fmt == 'z' || *fmt == 't' ||
		    *fmt == 'j' || *fmt == 'L' || *fmt == 'q') {
			qualifier = *fmt++;
			if (qualifier == 'h' && *fmt == 'h') {
				qualifier = 'H';
				fmt++;
			} else if (qualifier == 'l' && *fmt == 'l') {
				qualifier = 'L';
				fmt++;
			} else if (qualifier == 'q' || qualifier == 'j') {
				qualifier = 'L';
			}
		}

		spec.base = 10;
		switch (*fmt) {
		case 'c':
			if (!(spec.flags & LEFT))
				str = pad(str, end, ' ', spec.width - 1);
			str = put(str, end, (char)va_arg(ap, int));
			if (spec.flags & LEFT)
				str = pad(str, end, ' ', spec.width - 1);
			continue;
		case 's':
			str = string(str, end, va_arg(ap, const char *), spec);
			continue;
		case 'p':
			spec.flags |= SMALL;
			if (spec.width == -1) {
				spec.width = 2 * sizeof(void *);
				spec.flags |= ZEROPAD;
			}
			spec.base = 16;
			str = number(str, end, (unsigned long)va_arg(ap, void *), spec);
			continue;
		case '%':
			str = put(str, end, '%');
			continue;
		case 'o':
			spec.base = 8;
			break;
		case 'x':
			spec.flags |= SMALL;
			/* fall through */
		case 'X':
			spec.base = 16;
			break;
		case 'd':
		case 'i':
			spec.flags |= SIGN;
			break;
		case 'u':
			break;
		default:
			/* Unknown conversion: print it as is, so it shows. */
			str = put(str, end, '%');
			if (!*fmt)
				goto out;
			str = put(str, end, *fmt);
			continue;
		}

		if (qualifier == 'L') {
			num = va_arg(ap, unsigned long long);
		} else if (spec.flags & SIGN) {
			long v = va_arg(ap, long);	/* int, long: both 32-bit */

			if (qualifier == 'h')
				v = (short)v;
			else if (qualifier == 'H')
				v = (signed char)v;
			num = (s64)v;
		} else {
			unsigned long v = va_arg(ap, unsigned long);

			if (qualifier == 'h')
				v = (unsigned short)v;
			else if (qualifier == 'H')
				v = (unsigned char)v;
			num = v;
		}
		str = number(str, end, num, spec);
	}
out:
	if (size) {
		if (str < end)
			*str = '\0';
		else
			end[-1] = '\0';
	}
	return str - buf;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
