#!/bin/sh
# scripts/fuzz.sh SECONDS NAME...: for each libFuzzer harness build/fuzz/NAME,
# first replay every input kept in fuzz/corpus/NAME and fuzz/crashes/NAME (a
# past finding must stay fixed), then fuzz for SECONDS, all harnesses at
# once.  New inputs go to build/fuzz/work/NAME, not into the tree.  Prints
# the executions per harness; fails on any finding, naming the input to
# keep in fuzz/crashes/NAME once it is fixed.
set -u
cd "$(dirname "$0")/.."
secs=$1; shift
out=build/fuzz/log
mkdir -p "$out" build/fuzz/seed/elf
# The real guest, as a seed the image harness starts from (not checked in);
# without its debug sections it is a quarter of the size, and each
# execution copies the input.
[ -f guest/guest.elf ] && objcopy --strip-debug guest/guest.elf build/fuzz/seed/elf/guest.elf
# A real guest's RAM for the inspector harness, mid-way through both
# stress workloads with slab debugging on, and the image that made it.
if [ ! build/fuzz/seed/inspect.ram -nt guest/guest.elf ] && [ -x ./vmm ]; then
	cp guest/guest.elf build/fuzz/seed/inspect.elf
	# Without an accelerator there is no guest to save: the harness then
	# works on its synthetic image, and says so here.
	./vmm -m 16M --save-ram build/fuzz/seed/inspect.ram@10 \
		-c "slab_debug=ZP run=stress:buddy,stress:slab seed=1 ops=600 quiet" \
		build/fuzz/seed/inspect.elf >/dev/null 2>"$out/snapshot.log" || {
		echo "fuzz: no guest snapshot (the inspector harness uses its synthetic image):"
		tail -3 "$out/snapshot.log"
		rm -f build/fuzz/seed/inspect.ram
	}
fi
if [ -f build/fuzz/seed/inspect.ram ]; then
	export FUZZ_INSPECT_RAM=build/fuzz/seed/inspect.ram FUZZ_INSPECT_ELF=build/fuzz/seed/inspect.elf
fi
fail=0

for n in "$@"; do
	mkdir -p "fuzz/corpus/$n" "fuzz/crashes/$n"
	if ! "build/fuzz/$n" -runs=0 "fuzz/corpus/$n" "fuzz/crashes/$n" >"$out/$n.replay" 2>&1; then
		echo "fuzz $n: replaying fuzz/corpus/$n and fuzz/crashes/$n FAILED:"
		tail -40 "$out/$n.replay"
		fail=1
	fi
done
[ $fail = 0 ] || exit 1

for n in "$@"; do
	mkdir -p "build/fuzz/work/$n"
	seeds="fuzz/corpus/$n"
	[ "$n" = elf ] && seeds="$seeds build/fuzz/seed/elf"
	# shellcheck disable=SC2086 # seeds is a list of directories
	"build/fuzz/$n" -max_total_time="$secs" -close_fd_mask=3 -print_final_stats=1 \
		-artifact_prefix="build/fuzz/$n-" "build/fuzz/work/$n" $seeds >"$out/$n.log" 2>&1 &
	eval "pid_$n=\$!"
done

for n in "$@"; do
	eval "pid=\$pid_$n"
	status=0
	wait "$pid" || status=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$n.log")
	if [ $status != 0 ] || grep -q "Test unit written to" "$out/$n.log"; then
		unit=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$out/$n.log" | head -1)
		echo "fuzz $n: FINDING (exit $status) after ${execs:-?} executions; input: ${unit:-none}"
		grep -m1 -A30 "ERROR: \|runtime error" "$out/$n.log"
		echo "fuzz $n: fix it, then keep the input: cp $unit fuzz/crashes/$n/"
		fail=1
	else
		echo "fuzz $n: ${execs:-?} executions in $secs s, no finding"
	fi
done
exit $fail
