/*
 * Slab debugging (Linux's SLAB_DEBUG code in mm/slab.c, with SLUB's
 * slub_debug= syntax and report format): the slab_debug= parameter,
 * poisoning, red zones, caller tracking, consistency checks and the BUG
 * reports that end in a panic.
 *
 *   F  SLAB_CONSISTENCY_CHECKS  every free checks the pointer (its page is
 *      a slab of this cache, it starts a buffer) and that the object is in
 *      use (its bufctl entry, and not already in the array cache); every
 *      refill checks the slab's free chain against inuse.
 *   Z  SLAB_RED_ZONE  a u64 on each side of the object: RED_ACTIVE while it
 *      is allocated, RED_INACTIVE while it is free.  A free that finds
 *      both inactive is a double free; anything else is an overwrite.
 *   P  SLAB_POISON  a free object holds POISON_FREE (0x6b) with POISON_END
 *      (0xa5) as its last byte; checked when it is handed out again, then
 *      filled with POISON_INUSE (0x5a, "allocated, not initialised").
 *   U  SLAB_STORE_USER  the last allocating and freeing callers.
 *   A  SLAB_FAILSLAB  failslab may fail allocations from the cache.
 *
 * Debug caches still use the per-CPU arrays; their objects get the checks
 * on the way in and out (the array holds freed, poisoned objects).
 */
#include "kernel.h"
#include "mm.h"
#include "slab.h"
#include "string.h"
#include "slab_internal.h"

static const char *slab_debug_str;   /* the slab_debug= value, or NULL */

/* ---- slab_debug= ------------------------------------------------------------ */

static bool end_of_value(char c)
{
	return c == '\0' || c == ' ' || c == '\t';
}

/* Flags of the option letters at *s, up to ',' ';' or the end; *s moves
 * past them.  No letters at all means FZPU. */
static slab_flags_t parse_opts(const char **s, bool report)
{
	slab_flags_t f = 0;
	bool any = false;
	const char *p = *s;

	for (; !end_of_value(*p) && *p != ',' && *p != ';'; p++) {
		any = true;
		switch (*p) {
		case 'f': case 'F': f |= SLAB_CONSISTENCY_CHECKS; break;
		case 'z': case 'Z': f |= SLAB_RED_ZONE; break;
		case 'p': case 'P': f |= SLAB_POISON; break;
		case 'u': case 'U': f |= SLAB_STORE_USER; break;
		case 'a': case 'A': f |= SLAB_FAILSLAB; break;
		case '-': break;
		default:
			if (report)
				printk("slab_debug: option '%c' unknown, ignored\n", *p);
		}
	}
	*s = p;
	return any ? f : SLAB_DEBUG_FLAGS;
}

/* Does the list entry [s, e) name this cache ("kmalloc-*" is a prefix)? */
static bool name_matches(const char *s, const char *e, const char *name)
{
	size_t n = (size_t)(e - s);

	if (n && s[n - 1] == '*')
		return !strncmp(s, name, n - 1);
	return strlen(name) == n && !strncmp(s, name, n);
}

/* Walk the blocks: the flags for `name` (or, with name NULL, validate). */
static slab_flags_t slab_debug_eval(const char *name, bool report)
{
	const char *s = slab_debug_str;
	slab_flags_t global = 0, named = 0;
	bool matched = false;

	if (!s)
		return 0;
	for (;;) {
		slab_flags_t f = parse_opts(&s, report);

		if (*s != ',') {
			global = f;
		} else {
			while (*s == ',') {
				const char *start = ++s;

				while (!end_of_value(*s) && *s != ',' && *s != ';')
					s++;
				if (name && s > start && name_matches(start, s, name)) {
					named = f;
					matched = true;
				}
			}
		}
		if (*s != ';')
			break;
		s++;
	}
	return matched ? named : global;
}

void setup_slab_debug(const char *str)
{
	slab_debug_str = str ? str : "";
	slab_debug_eval(NULL, true);
}

slab_flags_t slab_debug_flags(const char *name)
{
	return slab_debug_eval(name, false);
}

bool slab_debug_mentions_failslab(void)
{
	const char *s = slab_debug_str;
	bool in_opts = true;

	for (; s && !end_of_value(*s); s++) {
		if (*s == ';')
			in_opts = true;
		else if (*s == ',')
			in_opts = false;
		else if (in_opts && (*s == 'A' || *s == 'a'))
			return true;
	}
	return false;
}

/* ---- Debug words -------------------------------------------------------------- */

static u64 *dbg_redzone1(const struct kmem_cache *cachep, void *buf)
{
	return (u64 *)((char *)buf + cachep->obj_offset - REDZONE_SIZE);
}

static u64 *dbg_redzone2(const struct kmem_cache *cachep, void *buf)
{
	return (u64 *)((char *)buf + cachep->obj_offset + ALIGN(cachep->object_size, REDZONE_ALIGN));
}

/* user[0]: last allocation's caller, user[1]: last free's. */
static unsigned long *dbg_userword(const struct kmem_cache *cachep, void *buf)
{
	unsigned long off = (cachep->flags & SLAB_RED_ZONE)
		? cachep->obj_offset + ALIGN(cachep->object_size, REDZONE_ALIGN) + REDZONE_SIZE
		: cachep->object_size;

	return (unsigned long *)((char *)buf + ALIGN(off, sizeof(long)));
}

/* First byte of [p, p + n) that is not c, or NULL (Linux's memchr_inv). */
static const u8 *memchr_inv(const void *p, u8 c, size_t n)
{
#if defined(__GUEST__)
	const u8 *s = p;

	if (!n)
		return NULL;
	/* repe scasb: one emulated iteration per byte instead of a loop. */
	__asm__ __volatile__("repe scasb"
			     : "+D"(s), "+c"(n)
			     : "a"(c), "m"(*(const char (*)[n])p)
			     : "cc");
	return s[-1] != c ? s - 1 : NULL;
#else
	const u8 *s = p;

	for (size_t i = 0; i < n; i++)
		if (s[i] != c)
			return s + i;
	return NULL;
#endif
}

static void poison_obj(const struct kmem_cache *cachep, void *buf, u8 val)
{
	u8 *obj = (u8 *)buf + cachep->obj_offset;

	memset(obj, val, cachep->object_size);
	obj[cachep->object_size - 1] = POISON_END;
}

void slab_debug_init_obj(struct kmem_cache *cachep, void *buf)
{
	if (cachep->flags & SLAB_POISON)
		poison_obj(cachep, buf, POISON_FREE);
	if (cachep->flags & SLAB_RED_ZONE) {
		*dbg_redzone1(cachep, buf) = RED_INACTIVE;
		*dbg_redzone2(cachep, buf) = RED_INACTIVE;
	}
	if (cachep->flags & SLAB_STORE_USER) {
		dbg_userword(cachep, buf)[0] = 0;
		dbg_userword(cachep, buf)[1] = 0;
	}
}

/* ---- Reports ------------------------------------------------------------------ */

static void print_section(const char *level, const void *addr, unsigned int len)
{
	const u8 *p = addr;

	for (unsigned int i = 0; i < len; i += 16) {
		char line[80];
		int n = snprintf(line, sizeof(line), "%-8s%08lx:", level, (unsigned long)(p + i));

		for (unsigned int j = i; j < len && j < i + 16; j++)
			n += snprintf(line + n, sizeof(line) - (size_t)n, " %02x", p[j]);
		printk("%s\n", line);
	}
}

static void print_trailer(struct kmem_cache *cachep, struct slab *slabp, void *buf)
{
	u8 *obj = (u8 *)buf + cachep->obj_offset;

	if (slabp) {
		unsigned int idx = obj_to_index_checked(cachep, slabp, buf);

		printk("INFO: Slab 0x%08lx colouroff=%u inuse=%u/%u free=%u s_mem=0x%08lx\n",
		       (unsigned long)slab_page_addr(cachep, slabp), slabp->colouroff, slabp->inuse,
		       cachep->num, slabp->free, (unsigned long)slabp->s_mem);
		if (idx != ~0u)
			printk("INFO: Object 0x%08lx @offset=%lu index=%u fp=0x%04x\n",
			       (unsigned long)obj, (unsigned long)(obj - (u8 *)slab_page_addr(cachep, slabp)),
			       idx, slabp->bufctl[idx]);
	}
	if (cachep->flags & SLAB_STORE_USER) {
		unsigned long *user = dbg_userword(cachep, buf);

		if (user[0])
			printk("INFO: Allocated in [<%08lx>]\n", user[0]);
		else
			printk("INFO: Allocated in: never (since the slab was made)\n");
		if (user[1])
			printk("INFO: Freed in [<%08lx>]\n", user[1]);
		else
			printk("INFO: Freed in: never\n");
	} else {
		printk("INFO: last alloc/free callers not recorded (slab_debug=U records them)\n");
	}
	if (cachep->flags & SLAB_RED_ZONE)
		print_section("Redzone", dbg_redzone1(cachep, buf), 8);
	print_section("Object", obj, min(cachep->object_size, 64u));
	if (cachep->object_size > 64)
		printk("        (%u more bytes)\n", cachep->object_size - 64);
	if (cachep->flags & SLAB_RED_ZONE)
		print_section("Redzone", dbg_redzone2(cachep, buf), 8);
}

void slab_bug(struct kmem_cache *cachep, struct slab *slabp, void *buf, const char *reason,
	      const char *fmt, ...)
{
	va_list ap;

	printk("=============================================================================\n");
	printk("BUG %s: %s\n", cachep->name, reason);
	printk("-----------------------------------------------------------------------------\n\n");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	if (buf)
		print_trailer(cachep, slabp, buf);
	if (buf)
		panic("BUG %s: %s (object 0x%08lx)", cachep->name, reason,
		      (unsigned long)buf + cachep->obj_offset);
	panic("BUG %s: %s", cachep->name, reason);
}

void slab_double_free(struct kmem_cache *cachep, struct slab *slabp, void *buf, const char *where)
{
	slab_bug(cachep, slabp, buf, "Object already free",
		 "INFO: double free of object 0x%08lx (found free %s)\n",
		 (unsigned long)buf + cachep->obj_offset, where);
}

void slab_bad_free(struct kmem_cache *cachep, const void *objp, unsigned long caller,
		   const char *why)
{
	const char *name = cachep ? cachep->name : "kfree";

	printk("=============================================================================\n");
	printk("BUG %s: Invalid object pointer 0x%08lx\n", name, (unsigned long)objp);
	printk("-----------------------------------------------------------------------------\n\n");
	printk("INFO: %s\n", why);
	if (caller)
		printk("INFO: freed from [<%08lx>]\n", caller);
	if (virt_addr_valid(objp)) {
		const struct page *page = virt_to_page(objp);

		if (PageSlab(page) && page->slab_cache && page->slab_cache != cachep)
			printk("INFO: the address is in a slab of cache %s\n", page->slab_cache->name);
		dump_page(page, "invalid object pointer");
	}
	panic("BUG %s: Invalid object pointer 0x%08lx: %s", name, (unsigned long)objp, why);
}

/* [p, p + len) should be all `want` bytes (a u64 pattern when len is 8 and
 * pattern != 0): report the first-to-last bad range. */
static __noreturn void report_bad_bytes(struct kmem_cache *cachep, struct slab *slabp, void *buf,
					const char *reason, const u8 *p, unsigned int len,
					const u8 *want)
{
	unsigned int first = 0, last = len - 1;

	while (first < len && p[first] == want[first])
		first++;
	while (last > first && p[last] == want[last])
		last--;
	slab_bug(cachep, slabp, buf, reason,
		 "INFO: 0x%08lx-0x%08lx @offset=%lu. First byte 0x%02x instead of 0x%02x\n",
		 (unsigned long)(p + first), (unsigned long)(p + last),
		 (unsigned long)(p + first - (const u8 *)slab_page_addr(cachep, slabp)),
		 p[first], want[first]);
}

static void check_redzone(struct kmem_cache *cachep, struct slab *slabp, void *buf, u64 *rz,
			  u64 want)
{
	if (likely(*rz == want))
		return;
	report_bad_bytes(cachep, slabp, buf, "Redzone overwritten", (const u8 *)rz, 8,
			 (const u8 *)&want);
}

/* A free object's poison: 0x6b ... 0xa5. */
static void check_poison_obj(struct kmem_cache *cachep, struct slab *slabp, void *buf)
{
	u8 *obj = (u8 *)buf + cachep->obj_offset;
	unsigned int size = cachep->object_size;
	const u8 *bad = memchr_inv(obj, POISON_FREE, size - 1);

	if (likely(!bad) && likely(obj[size - 1] == POISON_END))
		return;
	{
		u8 want[256];
		unsigned int from = bad ? (unsigned int)(bad - obj) : size - 1;
		unsigned int len = min(size - from, (unsigned int)sizeof(want));

		memset(want, POISON_FREE, len);
		if (from + len == size)
			want[len - 1] = POISON_END;
		report_bad_bytes(cachep, slabp, buf, "Poison overwritten", obj + from, len, want);
	}
}

static struct slab *slab_of(const void *buf)
{
	return virt_to_page(buf)->slab;
}

void *cache_alloc_debugcheck_after(struct kmem_cache *cachep, void *buf, unsigned long caller)
{
	struct slab *slabp = slab_of(buf);
	void *objp = (char *)buf + cachep->obj_offset;

	if (cachep->flags & SLAB_RED_ZONE) {
		u64 *rz1 = dbg_redzone1(cachep, buf), *rz2 = dbg_redzone2(cachep, buf);

		check_redzone(cachep, slabp, buf, rz1, RED_INACTIVE);
		check_redzone(cachep, slabp, buf, rz2, RED_INACTIVE);
		*rz1 = RED_ACTIVE;
		*rz2 = RED_ACTIVE;
	}
	if (cachep->flags & SLAB_POISON) {
		check_poison_obj(cachep, slabp, buf);
		poison_obj(cachep, buf, POISON_INUSE);
	}
	if (cachep->flags & SLAB_STORE_USER)
		dbg_userword(cachep, buf)[0] = caller;
	if (cachep->ctor && (cachep->flags & SLAB_POISON))
		cachep->ctor(objp);
	return objp;
}

void *cache_free_debugcheck(struct kmem_cache *cachep, void *objp, unsigned long caller)
{
	void *buf = (char *)objp - cachep->obj_offset;
	struct page *page;
	struct slab *slabp;
	unsigned int idx;

	if (unlikely(!objp || !virt_addr_valid(objp)))
		slab_bad_free(cachep, objp, caller, "not a direct-mapped kernel address");
	page = virt_to_page(objp);
	if (unlikely(!PageSlab(page)))
		slab_bad_free(cachep, objp, caller, "not in a slab page");
	if (unlikely(page->slab_cache != cachep))
		slab_bad_free(cachep, objp, caller, "Wrong slab cache: the object is not from this cache");
	slabp = page->slab;
	idx = obj_to_index_checked(cachep, slabp, buf);
	if (unlikely(idx == ~0u))
		slab_bad_free(cachep, objp, caller, "not the start of an object");

	if (cachep->flags & SLAB_RED_ZONE) {
		u64 *rz1 = dbg_redzone1(cachep, buf), *rz2 = dbg_redzone2(cachep, buf);

		if (*rz1 == RED_INACTIVE && *rz2 == RED_INACTIVE)
			slab_double_free(cachep, slabp, buf, "by its red zones");
		check_redzone(cachep, slabp, buf, rz1, RED_ACTIVE);
		check_redzone(cachep, slabp, buf, rz2, RED_ACTIVE);
		*rz1 = RED_INACTIVE;
		*rz2 = RED_INACTIVE;
	}
	if (cachep->flags & SLAB_CONSISTENCY_CHECKS) {
		const struct array_cache *ac = cpu_cache_get(cachep);

		if (slabp->bufctl[idx] != BUFCTL_ACTIVE)
			slab_double_free(cachep, slabp, buf, "in its slab");
		for (unsigned int i = 0; i < ac->avail; i++)
			if (ac->entry[i] == buf)
				slab_double_free(cachep, slabp, buf, "in the per-CPU array cache");
	}
	if (cachep->flags & SLAB_STORE_USER)
		dbg_userword(cachep, buf)[1] = caller;
	if (cachep->flags & SLAB_POISON)
		poison_obj(cachep, buf, POISON_FREE);
	return buf;
}

void slab_destroy_debugcheck(struct kmem_cache *cachep, struct slab *slabp)
{
	for (unsigned int i = 0; i < cachep->num; i++) {
		void *buf = index_to_obj(cachep, slabp, i);

		if (cachep->flags & SLAB_POISON)
			check_poison_obj(cachep, slabp, buf);
		if (cachep->flags & SLAB_RED_ZONE) {
			check_redzone(cachep, slabp, buf, dbg_redzone1(cachep, buf), RED_INACTIVE);
			check_redzone(cachep, slabp, buf, dbg_redzone2(cachep, buf), RED_INACTIVE);
		}
	}
}

void check_slabp(struct kmem_cache *cachep, struct slab *slabp)
{
	unsigned int nfree = 0, idx = slabp->free;

	if (slabp->inuse > cachep->num)
		slab_bug(cachep, slabp, NULL, "Wrong object count",
			 "INFO: slab 0x%08lx inuse %u > num %u\n",
			 (unsigned long)slabp, slabp->inuse, cachep->num);
	while (idx != BUFCTL_END) {
		if (idx >= cachep->num || nfree >= cachep->num - slabp->inuse)
			slab_bug(cachep, slabp, NULL, "Freelist corrupted",
				 "INFO: slab 0x%08lx: free chain entry %u is %u (num %u, inuse %u)\n",
				 (unsigned long)slabp, nfree, idx, cachep->num, slabp->inuse);
		nfree++;
		idx = slabp->bufctl[idx];
	}
	if (nfree != cachep->num - slabp->inuse)
		slab_bug(cachep, slabp, NULL, "Wrong object count",
			 "INFO: slab 0x%08lx: %u free + %u in use != %u objects\n",
			 (unsigned long)slabp, nfree, slabp->inuse, cachep->num);
}
