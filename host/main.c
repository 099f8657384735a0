/*
 * ./vmm: parse the command line, create the VM, load the guest, run it, and
 * turn what happened into an exit status (exitcodes.h).  Each step's
 * failure has its own status so scripts and tests can tell them apart.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "cli.h"
#include "elf_load.h"
#include "exitcodes.h"
#include "inspect/inspect.h"
#include "inspector.h"
#include "kvm.h"
#include "run.h"
#include "util.h"

int main(int argc, char **argv)
{
	double t_start = now_mono();
	struct vmm_opts opts;
	struct elf_info elf;
	struct vm vm;
	struct inspector insp;
	bool inspecting = false;
	FILE *json = NULL;
	char err[512];
	int status;

	switch (cli_parse(argc, argv, &opts, err, sizeof(err))) {
	case CLI_HELP:
		cli_usage(stdout);
		return 0;
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
		json = fopen(opts.bench_json, "w");
		if (!json)
			die_errno(EXIT_HOST_ERROR, "cannot create --bench-json file %s", opts.bench_json);
	}

	status = kvm_init(&vm, opts.mem_bytes);
	if (status)
		return status;
	vm.stats.t_start = t_start;
	if (opts.count_insns && !vm.has_guest_debug)
		die(EXIT_NO_KVM, "--count-insns needs KVM_CAP_SET_GUEST_DEBUG, which this KVM lacks");
	vm.bench.count_insns = opts.count_insns;

	status = elf_load_file(&vm.mem, opts.guest, &elf, err, sizeof(err));
	if (status) {
		fprintf(stderr, "vmm: %s: %s\n", opts.guest, err);
		if (status == EXIT_NO_IMAGE)
			fprintf(stderr, "vmm: build the guest with 'make guest/guest.elf', or check the path\n");
		kvm_destroy(&vm);
		return status;
	}
	vm.elf = &elf;
	sym_set_default(&elf.symtab);

	/* A layout note that is present must be one this vmm can read. */
	if (elf.layout_note) {
		struct insp_layout lay;

		if (insp_layout_parse(elf.layout_note, elf.layout_note_len, &lay, err, sizeof(err))) {
			fprintf(stderr, "vmm: %s: %s\n", opts.guest, err);
			status = EXIT_BAD_IMAGE;
			goto out;
		}
	}
	if (inspector_wanted(&opts.inspect)) {
		status = inspector_start(&insp, &vm, &elf, &opts.inspect);
		inspecting = true;
		if (status)
			goto out;
	}

	status = boot_write_memory(&vm.mem, &elf,
				   &(struct boot_params){ .cmdline = opts.cmdline,
							  .tsc_khz = vm.tsc_khz, .nr_cpus = 1 },
				   err, sizeof(err));
	if (status) {
		fprintf(stderr, "vmm: %s: %s\n", opts.guest, err);
		goto out;
	}
	if (boot_set_vcpu(&vm, elf.entry) < 0) {
		error_errno("cannot set the vCPU's boot registers");
		status = EXIT_HOST_ERROR;
		goto out;
	}

	status = vm_run(&vm, opts.timeout_s);
	if (inspecting)
		status = inspector_finish(&insp, &vm, status);

	fflush(stdout);
	bench_print(&vm.bench, stdout);
	fflush(stdout);
	if (json) {
		if (bench_write_json(&vm.bench, json) < 0 || fclose(json) != 0) {
			error_errno("cannot write --bench-json file %s", opts.bench_json);
			if (status <= EXIT_GUEST_MAX)
				status = EXIT_HOST_ERROR;
		}
		json = NULL;
	}
	if (opts.stats)
		stats_print(&vm, stderr);
out:
	if (inspecting)
		inspector_free(&insp);
	if (json)
		fclose(json);
	sym_set_default(NULL);
	elf_info_free(&elf);
	kvm_destroy(&vm);
	return status;
}
