/*
 * Integration tests for run=idle: the guest's side of the console mailbox
 * (guest/kernel/console_idle.c) driven end to end, before the console
 * exists, by the test build's scripted stand-in for it
 * (VMM_TEST_MAILBOX_SCRIPT, host/test_mailbox_script.h), whose every answer
 * the VMM checks (host/console_mailbox.c) before it prints it.
 */
#include "harness.h"

#define GFP_KERNEL   "0xcc0"
#define GFP_HIGHUSER "0x100cc2" /* GFP_USER | __GFP_HIGHMEM */

/* Write the script to a temporary file and run run=idle on it. */
static struct vmm_result run_script(double limit_s, const char *mem, const char *cmdline,
				    const char *script)
{
	char path[] = "/tmp/integ_idle_XXXXXX";
	int fd = harness_mkstemp(path);
	FILE *f;

	cr_assert(fd >= 0);
	f = fdopen(fd, "w");
	cr_assert(f);
	fputs(script, f);
	cr_assert_eq(fclose(f), 0);
	setenv("VMM_TEST_MAILBOX_SCRIPT", path, 1);
	struct vmm_result r = vmm_run(limit_s, "-m", mem, "-c", cmdline, NULL);
	unsetenv("VMM_TEST_MAILBOX_SCRIPT");
	unlink(path);
	return r;
}

/* The reply to request n: the rest of its "request N: " line. */
static const char *reply(const struct vmm_result *r, unsigned int n)
{
	static char line[256];
	char key[32];
	const char *p;
	size_t len;

	snprintf(key, sizeof(key), "\nrequest %u: ", n);
	p = strstr(r->out, key);
	cr_assert(p, "no reply to request %u\nstdout:\n%.6000s\nstderr:\n%.2000s", n, r->out, r->err);
	p += strlen(key);
	len = strcspn(p, "\n");
	cr_assert(len < sizeof(line));
	memcpy(line, p, len);
	line[len] = '\0';
	return line;
}

#define assert_reply(r, n, want)                                                        \
	cr_assert_str_eq(reply(&(r), (n)), (want), "request %u", (unsigned int)(n))
/* For replies with addresses, which the allocators choose. */
#define assert_reply_starts(r, n, want)                                                 \
	cr_assert(!strncmp(reply(&(r), (n)), (want), strlen(want)),                      \
		  "request %u: \"%s\" does not start with \"%s\"", (unsigned int)(n),    \
		  reply(&(r), (n)), (want))
#define assert_reply_has(r, n, want)                                                    \
	cr_assert(strstr(reply(&(r), (n)), (want)),                                       \
		  "request %u: \"%s\" lacks \"%s\"", (unsigned int)(n), reply(&(r), (n)), (want))

#define ENOENT_REPLY "refused: -ENOENT (No such file or directory)"
#define EINVAL_REPLY "refused: -EINVAL (Invalid argument)"
#define EBUSY_REPLY  "refused: -EBUSY (Device or resource busy)"

Test(idle, without_a_console_exits_64_with_the_hint, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, "-m", "64M", "-c", "run=idle", NULL);

	assert_status(r, 64);
	assert_err_has(r, "vmm: the guest is idle, waiting for console requests (run=idle), but no "
		       "console is open: add --console, --script FILE or --console unix:PATH");
	vmm_result_free(&r);
}

Test(idle, every_op_and_its_refusals, .timeout = 120)
{
	struct vmm_result r = run_script(60, "128M", "highmem=32M run=idle",
		"# pages and kmalloc\n"
		"alloc_pages 2 " GFP_KERNEL " 0 0\n"                    /* 1 */
		"kmalloc 100 " GFP_KERNEL " 0 0\n"
		"kfree 2 0 0 0\n"
		"kfree 2 0 0 0\n"
		"free_pages 1 0 0 0\n"                                  /* 5 */
		"alloc_pages 11 " GFP_KERNEL " 0 0\n"
		"alloc_pages 0 " GFP_HIGHUSER " 0 0\n"
		"free_pages 3 0 0 0\n"
		"# a cache, refused while an object is out\n"
		"cache_create 40 0 0 0 foo\n"
		"cache_alloc 0 " GFP_KERNEL " 0 0 foo\n"                /* 10 */
		"cache_destroy 0 0 0 0 foo\n"
		"cache_free 5 0 0 0\n"
		"cache_destroy 0 0 0 0 foo\n"
		"cache_alloc 0 " GFP_KERNEL " 0 0 foo\n"
		"# a slab pool holds its cache; its elements hold it\n"
		"cache_create 64 0 0x2000 0 bar\n"                      /* 15 */
		"pool_create 1 2 0 0 bar\n"
		"cache_destroy 0 0 0 0 bar\n"
		"pool_alloc 7 " GFP_KERNEL " 0 0\n"
		"pool_destroy 7 0 0 0\n"
		"pool_free 8 0 0 0\n"                                   /* 20 */
		"pool_destroy 7 0 0 0\n"
		"cache_destroy 0 0 0 0 bar\n"
		"# kmalloc and page pools\n"
		"pool_create 2 2 64 0\n"
		"pool_alloc 9 " GFP_KERNEL " 0 0\n"
		"pool_free 10 0 0 0\n"                                  /* 25 */
		"pool_destroy 9 0 0 0\n"
		"pool_create 3 2 1 0\n"
		"pool_alloc 11 " GFP_HIGHUSER " 0 0\n"
		"pool_free 12 0 0 0\n"
		"pool_destroy 11 0 0 0\n"                               /* 30 */
		"# what the guest refuses to pass on\n"
		"kmalloc 8 0x80000000 0 0\n"
		"alloc_pages 0 0x1000 0 0\n"
		"alloc_pages 0 0x3 0 0\n"
		"kmalloc 0 " GFP_KERNEL " 0 0\n"
		"cache_create 40 0 0 0 0123456789abcdef0123456789abcdef\n" /* 35 */
		"cache_create 40 0 0 0\n"
		"cache_create 40 0 0 0 kmalloc-64\n"
		"cache_create 40 3 0 0 baz\n"
		"cache_create 40 0 0x40000000 0 baz\n"
		"cache_destroy 0 0 0 0 kmalloc-64\n"                    /* 40 */
		"pool_create 4 2 0 0\n"
		"pool_create 2 0 64 0\n"
		"pool_create 3 1 11 0\n"
		"99 0 0 0 0\n"
		"none 0 0 0 0\n"                                        /* 45 */
		"# any cache by name; ids of another kind are not found\n"
		"cache_alloc 0 " GFP_KERNEL " 0 0 kmalloc-64\n"
		"kfree 13 0 0 0\n"
		"cache_free 13 0 0 0\n"
		"pool_alloc 13 " GFP_KERNEL " 0 0\n"
		"free_pages 0 0 0 0\n");                                /* 50 */

	assert_status(r, 0);
	assert_reply_starts(r, 1, "id 1: order 2 at pfn 0x");
	assert_reply_has(r, 1, " (va 0xc");
	assert_reply_starts(r, 2, "id 2: 100 bytes at pfn 0x");
	assert_reply_starts(r, 3, "id 2: freed at pfn 0x");
	assert_reply(r, 4, ENOENT_REPLY);
	assert_reply_starts(r, 5, "id 1: freed at pfn 0x");
	assert_reply(r, 6, EINVAL_REPLY);
	assert_reply_starts(r, 7, "id 3: order 0 at pfn 0x");
	assert_reply_has(r, 7, " (highmem, no va)");
	cr_assert_geq(strtoul(reply(&r, 7) + strlen("id 3: order 0 at pfn "), NULL, 16), 96u << 8,
		      "%s: not in HighMem (the top 32 of 128 MiB)", reply(&r, 7));
	assert_reply_starts(r, 8, "id 3: freed at pfn 0x");
	assert_reply_has(r, 8, " (highmem, no va)");

	assert_reply_starts(r, 9, "id 4: cache foo at pfn 0x");
	assert_reply_starts(r, 10, "id 5: foo object at pfn 0x");
	assert_reply(r, 11, EBUSY_REPLY);
	assert_reply_starts(r, 12, "id 5: freed at pfn 0x");
	assert_reply(r, 13, "id 4: cache foo destroyed");
	assert_reply(r, 14, ENOENT_REPLY);

	assert_reply_starts(r, 15, "id 6: cache bar at pfn 0x");
	assert_reply_starts(r, 16, "id 7: mempool (slab bar, min_nr 2) at pfn 0x");
	assert_reply(r, 17, EBUSY_REPLY);
	assert_reply_starts(r, 18, "id 8: element of pool 7 at pfn 0x");
	assert_reply(r, 19, EBUSY_REPLY);
	assert_reply_starts(r, 20, "id 8: freed at pfn 0x");
	assert_reply(r, 21, "id 7: mempool destroyed");
	assert_reply(r, 22, "id 6: cache bar destroyed");

	assert_reply_starts(r, 23, "id 9: mempool (kmalloc 64 bytes, min_nr 2) at pfn 0x");
	assert_reply_starts(r, 24, "id 10: element of pool 9 at pfn 0x");
	assert_reply_starts(r, 25, "id 10: freed at pfn 0x");
	assert_reply(r, 26, "id 9: mempool destroyed");
	assert_reply_starts(r, 27, "id 11: mempool (order 1, min_nr 2) at pfn 0x");
	assert_reply_starts(r, 28, "id 12: element of pool 11 at pfn 0x");
	assert_reply_has(r, 28, " (highmem, no va)");
	assert_reply_starts(r, 29, "id 12: freed at pfn 0x");
	assert_reply(r, 30, "id 11: mempool destroyed");

	for (unsigned int n = 31; n <= 43; n++)
		assert_reply(r, n, n == 40 ? ENOENT_REPLY : EINVAL_REPLY);
	assert_reply(r, 44, "refused: -ENOSYS (Function not implemented)");
	assert_reply(r, 45, "ok");

	assert_reply_starts(r, 46, "id 13: kmalloc-64 object at pfn 0x");
	assert_reply(r, 47, ENOENT_REPLY);
	assert_reply_starts(r, 48, "id 13: freed at pfn 0x");
	assert_reply(r, 49, ENOENT_REPLY);
	assert_reply(r, 50, ENOENT_REPLY);
	/* Refused before any allocator saw them: no allocator warned. */
	cr_assert_null(strstr(r.out, "WARNING"), "%s", r.out);
	vmm_result_free(&r);
}

/* CON_MAX_LIVE ids at once, then -ENOSPC; a free makes room, and the id
 * after it is new: ids are never reused. */
Test(idle, id_table_full, .timeout = 120)
{
	size_t cap = 40 * 1100, len = 0;
	char *script = malloc(cap);

	cr_assert(script);
	for (int i = 0; i < 1025; i++)
		len += (size_t)snprintf(script + len, cap - len, "kmalloc 8 " GFP_KERNEL " 0 0\n");
	len += (size_t)snprintf(script + len, cap - len, "kfree 1 0 0 0\nkmalloc 8 " GFP_KERNEL
				" 0 0\nkmalloc 8 " GFP_KERNEL " 0 0\n");
	cr_assert(len < cap);
	struct vmm_result r = run_script(90, "64M", "run=idle", script);
	free(script);

	assert_status(r, 0);
	assert_reply_starts(r, 1, "id 1: 8 bytes at pfn 0x");
	assert_reply_starts(r, 1024, "id 1024: 8 bytes at pfn 0x");
	assert_reply(r, 1025, "refused: -ENOSPC (No space left on device)");
	assert_reply_starts(r, 1026, "id 1: freed at pfn 0x");
	assert_reply_starts(r, 1027, "id 1025: 8 bytes at pfn 0x");
	assert_reply(r, 1028, "refused: -ENOSPC (No space left on device)");
	vmm_result_free(&r);
}
