/*
 * TEST ONLY: raw mailbox requests for run=idle (test_mailbox_script.h).
 */
#ifdef VMM_TEST_HOOKS
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console_mailbox.h"
#include "exitcodes.h"
#include "test_mailbox_script.h"
#include "util.h"
#include "vm.h"

static struct {
	FILE *f;
	const char *path;
	unsigned int line;
	struct con_request req;     /* the request out, if seq */
	uint32_t seq;
} script;

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

static bool parse_u32(const char *s, uint32_t *v)
{
	unsigned long long x;
	char *end;

	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || end == s || *end || x > UINT32_MAX || *s == '-')
		return false;
	*v = (uint32_t)x;
	return true;
}

int test_mailbox_parse_request(char *line, struct con_request *req, char *err, size_t errlen)
{
	char *tok[7], *save;
	int n = 0;

	for (char *t = strtok_r(line, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save))
		tok[n < 7 ? n++ : 6] = t;
	if (!n || tok[0][0] == '#')
		return 0;
	memset(req, 0, sizeof(*req));
	for (req->op = 0; con_op_name(req->op); req->op++)
		if (!strcmp(con_op_name(req->op), tok[0]))
			break;
	if (n < 5 || n > 6 || (!con_op_name(req->op) && !parse_u32(tok[0], &req->op))) {
		snprintf(err, errlen, "want OP ARG0 ARG1 ARG2 ARG3 [NAME]");
		return -1;
	}
	for (int i = 0; i < 4; i++)
		if (!parse_u32(tok[1 + i], &req->arg[i])) {
			snprintf(err, errlen, "'%s' is not a u32", tok[1 + i]);
			return -1;
		}
	/* Unterminated when it fills the field, on purpose (test_mailbox_script.h). */
	if (n == 6)
		memcpy(req->name, tok[5], min_size(strlen(tok[5]), sizeof(req->name)));
	return 1;
}

/* The next request: 1, 0 at the end of the script, -1 after a message. */
static int script_next(struct con_request *req)
{
	char buf[512], err[128];
	int r;

	while (fgets(buf, sizeof(buf), script.f)) {
		script.line++;
		if (!strchr(buf, '\n') && !feof(script.f)) {
			pr_err("%s:%u: line too long", script.path, script.line);
			return -1;
		}
		r = test_mailbox_parse_request(buf, req, err, sizeof(err));
		if (r < 0)
			pr_err("%s:%u: %s", script.path, script.line, err);
		if (r)
			return r;
	}
	return 0;
}

static int script_wait_request(struct vm *vm, uint64_t mailbox_pa, void *opaque)
{
	struct con_request req;
	struct con_answer ans;
	char err[256];
	int r;

	(void)opaque;
	if (script.seq) {
		if (con_mailbox_answer(vm, mailbox_pa, script.seq, &ans, err, sizeof(err))) {
			pr_err("%s:%u: the answer to request %" PRIu32 " is refused: %s", script.path,
			       script.line, script.seq, err);
			return EXIT_GUEST_PANIC;
		}
		printf("request %" PRIu32 ": ", script.seq);
		con_answer_print(&script.req, &ans, stdout);
	}
	r = script_next(&req);
	if (r <= 0) {
		fclose(script.f);
		script.f = NULL;
		return r ? EXIT_USAGE : 0;
	}
	if (con_mailbox_post(vm, mailbox_pa, script.seq + 1, &req, err, sizeof(err))) {
		pr_err("%s:%u: cannot post: %s", script.path, script.line, err);
		return EXIT_GUEST_PANIC;
	}
	script.seq++;
	script.req = req;
	return HC_CONTINUE;
}

int test_mailbox_script_install(struct vm *vm)
{
	script.path = getenv("VMM_TEST_MAILBOX_SCRIPT");
	if (!script.path)
		return 0;
	script.f = fopen(script.path, "re");
	if (!script.f) {
		pr_err_errno("VMM_TEST_MAILBOX_SCRIPT: cannot open %s", script.path);
		return EXIT_USAGE;
	}
	vm_set_console_hooks(vm, NULL, script_wait_request, NULL);
	return 0;
}
#endif
