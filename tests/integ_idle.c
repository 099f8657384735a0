/*
 * Integration tests for run=idle: the guest's side of the console mailbox
 * (guest/kernel/console_idle.c) driven end to end by raw requests from the
 * test build's hook (VMM_TEST_MAILBOX_SCRIPT, host/test_mailbox_script.h),
 * which reach the refusals the console never asks for; every answer the
 * VMM checks (host/console_mailbox.c) before it prints it.  The console's
 * own guest commands are tested in integ_console.c.
 *
 * A script carries its expected replies: a "#> PATTERN" line after a
 * request is an fnmatch(3) pattern for the reply to it.
 */
#include <fnmatch.h>

#include "harness.h"

/* Where the reply to request n starts in the output, or NULL. */
static const char *find_reply(const struct vmm_result *r, unsigned int n)
{
	char key[32];
	const char *p;

	snprintf(key, sizeof(key), "\nrequest %u: ", n);
	p = strstr(r->out, key);
	return p ? p + strlen(key) : NULL;
}

/* The reply to request n: the rest of its "request N: " line. */
static const char *reply(const struct vmm_result *r, unsigned int n)
{
	static char line[256];
	const char *p = find_reply(r, n);
	size_t len;

	cr_assert(p, "no reply to request %u\nstdout:\n%.6000s\nstderr:\n%.2000s", n, r->out, r->err);
	len = strcspn(p, "\n");
	cr_assert(len < sizeof(line));
	memcpy(line, p, len);
	line[len] = '\0';
	return line;
}

/* Run run=idle on the script at path; every reply must match its
 * pattern.  Returns the number of requests. */
static unsigned int run_script(const char *mem, const char *cmdline, const char *path)
{
	unsigned int n = 0, checked = 0;
	char line[512];
	FILE *f;

	setenv("VMM_TEST_MAILBOX_SCRIPT", path, 1);
	struct vmm_result r = vmm_run(90, "-m", mem, "-c", cmdline, NULL);
	unsetenv("VMM_TEST_MAILBOX_SCRIPT");
	assert_status(r, 0);

	f = fopen(path, "re");
	cr_assert(f, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "#> ", 3)) {
			const char *got = reply(&r, n);

			cr_assert_eq(fnmatch(line + 3, got, 0), 0, "request %u: \"%s\", want \"%s\"",
				     n, got, line + 3);
			checked++;
		} else if (line[strspn(line, " \t")] && line[0] != '#') {
			n++;
		}
	}
	fclose(f);
	cr_assert(checked, "%s has no \"#>\" line", path);
	/* Every request answered, and nothing more. */
	reply(&r, n);
	cr_assert_null(find_reply(&r, n + 1), "%s", r.out);
	/* Refused before any allocator saw them: no allocator warned. */
	cr_assert_null(strstr(r.out, "WARNING"), "%s", r.out);
	vmm_result_free(&r);
	return n;
}

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
	cr_assert_eq(run_script("128M", "highmem=32M run=idle",
				SRC_ROOT "/tests/fixtures/idle_session.script"), 65);
}

/* CON_MAX_LIVE ids at once, then -ENOSPC; a free makes room, and the id
 * after it is new: ids are never reused. */
Test(idle, id_table_full, .timeout = 120)
{
	char path[] = "/tmp/integ_idle_XXXXXX";
	int fd = harness_mkstemp(path);
	FILE *f;

	cr_assert(fd >= 0);
	f = fdopen(fd, "w");
	cr_assert(f);
	for (unsigned int i = 1; i <= 1024; i++)
		fprintf(f, "kmalloc 8 0xcc0 0 0\n#> id %u: 8 bytes at pfn 0x* (va 0xc*)\n", i);
	fprintf(f, "kmalloc 8 0xcc0 0 0\n#> refused: -ENOSPC (No space left on device)\n"
		"kfree 1 0 0 0\n#> id 1: freed at pfn 0x* (va 0xc*)\n"
		"kmalloc 8 0xcc0 0 0\n#> id 1025: 8 bytes at pfn 0x* (va 0xc*)\n"
		"kmalloc 8 0xcc0 0 0\n#> refused: -ENOSPC (No space left on device)\n");
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(run_script("64M", "run=idle", path), 1028);
	unlink(path);
}
