/*
 * ./vmm: parse the command line, load and check the guest image into guest
 * RAM, only then open an accelerator (a bad image or option is reported
 * before any is opened), run the guest, and turn what happened into an exit
 * status (exitcodes.h).  Each step's failure has its own status so scripts
 * and tests can tell them apart.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "boot.h"
#include "cli.h"
#include "console.h"
#include "elf_load.h"
#include "exitcodes.h"
#include "inspect/inspect.h"
#include "inspector.h"
#include "accel.h"
#include "run.h"
#include "sandbox.h"
#include "test_mailbox_script.h"
#include "util.h"
#include "vm.h"

int main(int argc, char **argv)
{
	double t_start = now_mono();
	struct vmm_opts opts;
	struct elf_info elf;
	struct vm vm;
	struct inspector insp;
	bool inspecting = false;
	struct console *console = NULL;
	FILE *json = NULL;
	char err[512];
	int status;

	switch (cli_parse(argc, argv, &opts, err, sizeof(err))) {
	case CLI_HELP: {
		char here[256];

		cli_usage(stdout, accel_describe_auto(here, sizeof(here)));
		return 0;
	}
	case CLI_VERSION:
		printf("vmm (mmvisor) %s\n", VMM_VERSION);
		return 0;
	case CLI_LIST_CORRUPTIONS:
		inspector_list_corruptions(stdout);
		return 0;
	case CLI_ERROR:
		fprintf(stderr, "vmm: %s\nTry 'vmm --help' for more information.\n", err);
		return EXIT_USAGE;
	case CLI_RUN:
		break;
	}

	/*
	 * Guest console output is line-buffered even into a pipe, so `| tee`
	 * shows it live and it interleaves with our stderr in order.  Each line
	 * already cost at least one VM exit; one write() more is noise.
	 */
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* Fail before the guest runs, not after it has run for an hour. */
	if (opts.bench_json) {
		json = fopen(opts.bench_json, "we");
		if (!json)
			die_errno(EXIT_HOST_ERROR, "cannot create --bench-json file %s", opts.bench_json);
	}

	vm_init_state(&vm);
#ifdef VMM_TEST_HOOKS
	/* Opened here: the sandbox opens no file. */
	status = test_mailbox_script_install(&vm);
	if (status)
		goto out_mem;
#endif
	status = guest_mem_alloc(&vm.mem, opts.mem_bytes);
	if (status < 0) {
		pr_err("cannot map %llu MiB of guest RAM (%s); try a smaller -m",
		      (unsigned long long)(opts.mem_bytes >> 20), strerror(-status));
		status = EXIT_HOST_ERROR;
		goto out_mem;
	}
	vm.stats.t_start = t_start;
	vm.bench.count_insns = opts.count_insns;
	vm.sandbox = !opts.no_sandbox;

	status = elf_load_file(&vm.mem, opts.guest, &elf, err, sizeof(err));
	if (status) {
		pr_info("%s: %s", opts.guest, err);
		if (status == EXIT_NO_IMAGE)
			pr_info("build the guest with 'make guest/guest.elf', or check the path");
		goto out_mem;
	}
	vm.elf = &elf;
	sym_set_default(&elf.symtab);

	/* A layout note that is present must be one this vmm can read. */
	if (elf.layout_note) {
		struct insp_layout lay;

		if (insp_layout_parse(elf.layout_note, elf.layout_note_len, &lay, err, sizeof(err))) {
			pr_info("%s: %s", opts.guest, err);
			status = EXIT_BAD_IMAGE;
			goto out;
		}
	}
	status = boot_check(&vm.mem, &elf, opts.cmdline, err, sizeof(err));
	if (status) {
		pr_info("%s: %s", opts.guest, err);
		goto out;
	}
	if (inspector_wanted(&opts.inspect)) {
		status = inspector_start(&insp, &vm, &elf, &opts.inspect);
		inspecting = true;
		if (status)
			goto out;
	}

	if (console_wanted(&opts.console)) {
		status = console_start(&console, &vm, &elf, &opts.console);
		if (status)
			goto out;
	}

	/* Everything the user gave is valid: now the accelerator. */
	status = accel_create(&vm, opts.accel);
	if (status)
		goto out;
	if (opts.count_insns && !vm.can_count_insns) {
		pr_err("--count-insns needs single-stepping (KVM_CAP_SET_GUEST_DEBUG), which this "
		      "%s lacks; count on --accel tcg, whose counts are the same", vm.accel->desc);
		status = EXIT_NO_ACCEL;
		goto out;
	}
	status = boot_write_memory(&vm.mem, &elf,
				   &(struct boot_params){ .cmdline = opts.cmdline,
							  .tsc_khz = vm.tsc_khz, .nr_cpus = 1,
							  .features = vm.features },
				   err, sizeof(err));
	if (status) {
		pr_info("%s: %s", opts.guest, err);
		goto out;
	}
	status = vm.accel->boot(&vm, elf.entry);
	if (status < 0) {
		errno = -status;
		pr_err_errno("cannot put the vCPU in its boot state on %s", vm.accel->desc);
		status = EXIT_HOST_ERROR;
		goto out;
	}

	/* Everything is open and started: from here the VMM only runs the guest. */
	if (opts.no_sandbox) {
		pr_info("--no-sandbox: the VMM and QEMU run without seccomp filters");
	} else {
		status = sandbox_enter(opts.console.socket != NULL);
		if (status < 0) {
			errno = -status;
			pr_err_errno("cannot enter the seccomp sandbox (--no-sandbox runs without it)");
			status = EXIT_HOST_ERROR;
			goto out;
		}
#ifdef VMM_TEST_HOOKS
		/* The tests' proof that the filter bites: a call it forbids. */
		if (getenv("VMM_SANDBOX_SELFTEST"))
			syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
#endif
	}

	status = vm_run(&vm, opts.timeout_s);
	if (console)
		status = console_finish(console, status);
	if (inspecting)
		status = inspector_finish(&insp, &vm, status);

	fflush(stdout);
	bench_print(&vm.bench, stdout);
	fflush(stdout);
	if (json) {
		if (bench_write_json(&vm.bench, json) < 0 || fclose(json) != 0) {
			pr_err_errno("cannot write --bench-json file %s", opts.bench_json);
			if (status <= EXIT_GUEST_MAX)
				status = EXIT_HOST_ERROR;
		}
		json = NULL;
	}
	if (opts.stats)
		stats_print(&vm, stderr);
out:
	/* The accelerator first: QEMU must be gone before its RAM is. */
	accel_destroy(&vm);
	console_free(console);
	if (inspecting)
		inspector_free(&insp);
	sym_set_default(NULL);
	elf_info_free(&elf);
out_mem:
	if (json)
		fclose(json);
	guest_mem_free(&vm.mem);
	return status;
}
