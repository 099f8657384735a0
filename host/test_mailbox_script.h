/*
 * TEST ONLY, defined in VMM_TEST_HOOKS builds (the ASan build tests run):
 * raw mailbox requests for run=idle, including the ones the console never
 * builds (an unknown op, a name without its NUL, gfp bits gfp_flags.h does
 * not define), so that tests reach every refusal of the guest's side.  The
 * console (host/console.c) is what users drive run=idle with.
 *
 * VMM_TEST_MAILBOX_SCRIPT=FILE answers every HC_WAIT_REQUEST from FILE, one
 * request a line:
 *
 *	OP ARG0 ARG1 ARG2 ARG3 [NAME]
 *
 * OP is an op's name (con_op_name: alloc_pages, kfree ...) or its number,
 * the ARGs are C numbers (0x... too), and a NAME of CON_NAME_MAX characters
 * or more is posted as its first CON_NAME_MAX, without a NUL, for the
 * guest to refuse.  Blank lines and lines from '#' are skipped.  Each
 * answer is checked and printed on stdout as "request N: REPLY"
 * (con_answer_print); at the end of FILE the run ends with status 0.  A
 * bad line ends it with 64, a refused answer with 80.
 */
#ifndef VMM_TEST_MAILBOX_SCRIPT_H
#define VMM_TEST_MAILBOX_SCRIPT_H

#include <stddef.h>

struct con_request;
struct vm;

/* One script line into *req (the line is cut up): 1, 0 for a blank or
 * comment line, -1 with err saying what is wrong. */
int test_mailbox_parse_request(char *line, struct con_request *req, char *err, size_t errlen);

/* Open the script the environment names, if any, and install the hook:
 * 0, or an exit status after a message. */
int test_mailbox_script_install(struct vm *vm);

#endif
