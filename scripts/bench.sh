#!/bin/sh
# make bench: guest benchmarks through the bench instrument (HC_BENCH_BEGIN/END),
# instruction counts (--count-insns, deterministic) beside TSC cycles, and
# ratio tables against peers measured in the same run.  The VMM runs on
# --accel auto unless a section names one; under QEMU TCG the guest TSC is
# the instruction count (-icount shift=0), so "cycles" there are instructions.
set -eu
cd "$(dirname "$0")/.."
VMM=./vmm
GUEST=guest/guest.elf
OUT=${BENCH_OUT:-build/bench}
mkdir -p "$OUT"

# field TAG KEY FILE: the value of KEY= on the "bench TAG" line
field() { awk -v t="$1" -v k="$2" '$1=="bench" && $2==t { for (i=3;i<=NF;i++) { split($i,a,"="); if (a[1]==k) print a[2] } }' "$3"; }
median() { sort -g | awk '{ a[NR]=$1 } END { print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2 }'; }

# Wall time of a command in ms, median of $1 runs.
wall_ms() {
	n=$1; shift
	for i in $(seq "$n"); do
		s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
		echo $(( (e - s) / 1000 ))
	done | median | awk '{ printf "%.1f", $1 / 1000 }'
}
KVM_HERE=no
if [ -w /dev/kvm ] && [ -r /dev/kvm ]; then KVM_HERE=yes; fi

echo "== QEMU TCG: start to exit, minimal guest, against the TCG floor (median of 11)"
echo "   floor: bare qemu-system-x86_64, the VMM's machine options, a ROM that exits at once"
# shellcheck disable=SC2046 # one option per line, none with spaces
floor=$(wall_ms 11 qemu-system-x86_64 $(build/bench/qemu_machine) \
	-m 64M -bios build/bench/tcg_floor.bin -device isa-debug-exit,iobase=0xf4)
vmm_min=$(wall_ms 11 $VMM --accel tcg -m 64M -c "run=exit:0 quiet" $GUEST)
printf "  %-44s %8s ms\n" "floor (QEMU start, 2 instructions, exit)" "$floor"
printf "  %-44s %8s ms\n" "vmm --accel tcg, guest.elf run=exit:0 quiet" "$vmm_min"
awk -v a="$vmm_min" -v b="$floor" 'BEGIN { printf "  ratio to the floor: %.2f (goal <= 1.2)\n", a / b }'

echo
echo "== QEMU TCG: hypercall round trip (gdbstub stop, registers, handling, resume)"
echo "   (wall time of bench:hypercall:3000 minus bench:hypercall:0, over 3000; median of 3 each)"
t0=$(wall_ms 3 $VMM --accel tcg -m 64M -c "run=bench:hypercall:0 quiet" $GUEST)
t1=$(wall_ms 3 $VMM --accel tcg -m 64M -c "run=bench:hypercall:3000 quiet" $GUEST)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "  %.0f us per hypercall (goal <= 150; kvm_pvm: 7-11 us per exit)\n", (b - a) * 1000 / 3000 }'
if [ $KVM_HERE = yes ]; then
	t0=$(wall_ms 3 $VMM --accel kvm -m 64M -c "run=bench:hypercall:0 quiet" $GUEST)
	t1=$(wall_ms 3 $VMM --accel kvm -m 64M -c "run=bench:hypercall:3000 quiet" $GUEST)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "  KVM here: %.1f us per hypercall\n", (b - a) * 1000 / 3000 }'
fi

echo
echo "== Instruction counts by accelerator (--count-insns; TCG from -icount, KVM by single-step)"
echo "   the two must agree exactly; KVM columns only where /dev/kvm works"
ACCELS="tcg"; [ $KVM_HERE = yes ] && ACCELS="tcg kvm"
for a in $ACCELS; do
	$VMM --accel $a -m 128M --count-insns -c "highmem=32M run=bench:empty,bench:calibrate,bench:pcp,bench:slab quiet iters=50" \
		$GUEST > "$OUT/insns-$a.txt"
done
printf "  %-16s %12s %12s\n" tag tcg kvm
for t in empty calibrate pcp_order0 cache64 kmalloc32; do
	k=-; [ $KVM_HERE = yes ] && k=$(field $t insns/op "$OUT/insns-kvm.txt")
	printf "  %-16s %12s %12s\n" $t "$(field $t insns/op "$OUT/insns-tcg.txt")" "$k"
done
if [ $KVM_HERE = yes ]; then
	if cmp -s "$OUT/insns-tcg.txt" "$OUT/insns-kvm.txt" || \
	   [ "$(grep -o 'insns/op=[0-9.]*' "$OUT/insns-tcg.txt")" = "$(grep -o 'insns/op=[0-9.]*' "$OUT/insns-kvm.txt")" ]; then
		echo "  tcg and kvm agree on every tag"
	else
		echo "  MISMATCH between tcg and kvm counts"
	fi
else
	echo "  (no usable /dev/kvm here: KVM column not measured)"
fi

echo
echo "== VMM start-up: wall time from process start to guest entry (median of 5)"
for m in 64M 6G; do
	for i in 1 2 3 4 5; do
		$VMM -m $m --stats -c "run=exit:0 quiet" $GUEST 2>&1 >/dev/null |
			awk '/start to guest entry/ { print $(NF-1) }'
	done | median | awk -v m=$m '{ printf "  %-4s %8.3f ms\n", m, $1 }'
done

echo
echo "== Page allocator (128M, highmem=32M): instructions and TSC cycles per alloc+free pair"
WL="bench:pcp,bench:nopcp,bench:order3,bench:order9,bench:clear_page"
$VMM -m 128M --count-insns -c "highmem=32M run=$WL quiet iters=50" $GUEST > "$OUT/mm-insns.txt"
$VMM -m 128M -c "highmem=32M run=$WL quiet iters=200" $GUEST > "$OUT/mm-cycles.txt"
printf "  %-16s %12s %14s\n" tag insns/op cycles/op
for t in pcp_order0 nopcp_order0 order3 order9 clear_page_rep clear_page_pv; do
	printf "  %-16s %12s %14s\n" $t "$(field $t insns/op "$OUT/mm-insns.txt")" \
		"$(field $t cycles/op "$OUT/mm-cycles.txt")"
done
awk -v p="$(field pcp_order0 insns/op "$OUT/mm-insns.txt")" 'BEGIN {
	printf "  pcp path: %.1f insns/pair; goal <= 60; Linux ~150-250 (Brouer 2017): ratio to 150 = %.2f\n", p, p / 150 }'
awk -v a="$(field pcp_order0 insns/op "$OUT/mm-insns.txt")" -v b="$(field nopcp_order0 insns/op "$OUT/mm-insns.txt")" \
	'BEGIN { printf "  pcp vs buddy lists: %.2fx fewer instructions\n", b / a }'
awk -v r="$(field clear_page_rep cycles/op "$OUT/mm-cycles.txt")" -v p="$(field clear_page_pv cycles/op "$OUT/mm-cycles.txt")" \
	'BEGIN { printf "  clear_page: rep stosl / HC_PAGEOPS = %.2fx (the default is the faster, HC_PAGEOPS)\n", r / p }'

echo
echo "== Highmem windows (128M, highmem=32M): instructions (--count-insns) and PTE writes per op"
$VMM -m 128M --count-insns -c "highmem=32M run=bench:kmap quiet iters=200" $GUEST > "$OUT/kmap-insns.txt"
printf "  %-18s %10s %8s  %s\n" tag insns/op ptes/op what
while read -r t what; do
	printf "  %-18s %10s %8s  %s\n" "$t" "$(field "$t" insns/op "$OUT/kmap-insns.txt")" \
		"$(field "$t" ptes/op "$OUT/kmap-insns.txt")" "$what"
done <<'EOF'
kmap_atomic_high kmap_atomic+kunmap_atomic, HighMem page (fixmap PTE set, cleared)
kmap_atomic_low kmap_atomic+kunmap_atomic, lowmem page (its direct-map address)
lowmem_address page_address() of a lowmem page (the direct map alone)
kmap_steady kmap+kunmap of one HighMem page (its slot reused)
kmap_pressure kmap+kunmap of 1024 pages in turn (a new slot each, a flush per 512)
EOF
awk -v h="$(field kmap_atomic_high insns/op "$OUT/kmap-insns.txt")" -v l="$(field kmap_atomic_low insns/op "$OUT/kmap-insns.txt")" \
	-v s="$(field kmap_steady insns/op "$OUT/kmap-insns.txt")" -v p="$(field kmap_pressure insns/op "$OUT/kmap-insns.txt")" \
	'BEGIN { printf "  kmap_atomic HighMem / lowmem: %.2fx instructions; kmap under pressure / steady: %.2fx\n", h / l, p / s }'

echo
echo "== Boot to a ready page allocator (bench=boot), 64M vs 6G"
for m in 64M 6G; do
	$VMM -m $m --count-insns -c "bench=boot run=exit:0 quiet" $GUEST | sed "s/^/$m /" > "$OUT/boot-insns-$m.txt"
	for i in 1 2 3 4 5; do
		$VMM -m $m -c "bench=boot run=exit:0 quiet" $GUEST | awk '{ for (i=3;i<=NF;i++) { split($i,a,"="); if (a[1]=="cycles/op") print a[2] } }'
	done | median > "$OUT/boot-cycles-$m.txt"
done
i64=$(awk '{ for (i=4;i<=NF;i++) { split($i,a,"="); if (a[1]=="insns/op") print a[2] } }' "$OUT/boot-insns-64M.txt")
i6g=$(awk '{ for (i=4;i<=NF;i++) { split($i,a,"="); if (a[1]=="insns/op") print a[2] } }' "$OUT/boot-insns-6G.txt")
c64=$(cat "$OUT/boot-cycles-64M.txt"); c6g=$(cat "$OUT/boot-cycles-6G.txt")
printf "  %-4s %10s %16s\n" mem insns cycles
printf "  %-4s %10s %16s\n" 64M "$i64" "$c64"
printf "  %-4s %10s %16s\n" 6G "$i6g" "$c6g"
awk -v a="$i64" -v b="$i6g" -v c="$c64" -v d="$c6g" \
	'BEGIN { printf "  6G / 64M: %.2fx instructions, %.2fx cycles (goal: well under 2x)\n", b / a, d / c }'

if [ -x build/bench/buddy_host ]; then
	echo
	echo "== Host-built buddy core vs glibc malloc(4096)/free on the same sequence"
	build/bench/buddy_host --report
fi

echo
echo "== Host inspector: full check vs a plain sequential read of the same bytes (mem_map + page tables)"
echo "   (vmm --check-bench: best of 20 each, at the first checkpoint of stress:buddy, and of"
echo "   stress:slab with slab_debug=ZP at 128M, where the slab walk also reads the objects; goal: ratio <= 4)"
printf "  %-9s %12s %12s %12s %8s\n" mem bytes check_ms read_ms ratio
for m in 1G 6G slab-128M; do
	if [ $m = slab-128M ]; then
		$VMM -m 128M --check-bench 20 -c "highmem=32M slab_debug=ZP run=stress:slab ops=100 quiet" \
			$GUEST > "$OUT/check-bench-$m.txt"
	else
		$VMM -m $m --check-bench 20 -c "run=stress:buddy ops=100 quiet" $GUEST > "$OUT/check-bench-$m.txt"
	fi
	awk -v m=$m '/^check-bench:/ { r = $21; sub(/,$/, "", r); printf "  %-9s %12s %12s %12s %8s\n", m, $5, $14, $18, r }' \
		"$OUT/check-bench-$m.txt"
done

echo
echo "== Slab allocator (128M, highmem=32M): instructions and TSC cycles per operation"
$VMM -m 128M --count-insns -c "highmem=32M run=bench:slab quiet iters=50" $GUEST > "$OUT/slab-insns.txt"
$VMM -m 128M -c "highmem=32M run=bench:slab quiet iters=200" $GUEST > "$OUT/slab-cycles.txt"
printf "  %-16s %12s %14s\n" tag insns/op cycles/op
for t in cache64 kmalloc32 kmalloc256 kmalloc4096 kmalloc_var32 kmalloc_var256 kmalloc_var4096 grow4096; do
	printf "  %-16s %12s %14s\n" $t "$(field $t insns/op "$OUT/slab-insns.txt")" \
		"$(field $t cycles/op "$OUT/slab-cycles.txt")"
done
awk -v c="$(field cache64 insns/op "$OUT/slab-insns.txt")" -v k="$(field kmalloc32 insns/op "$OUT/slab-insns.txt")" 'BEGIN {
	printf "  kmem_cache_alloc+free: %.1f insns/pair (aim <= 40); kmalloc+kfree: %.1f (aim <= 60)\n", c, k
	printf "  (Linux fast paths, x86 cycles, Brouer 2015: SLUB ~42-47, SLAB ~87 per pair)\n" }'

echo
echo "== vmalloc (128M, highmem=32M): per vmalloc+vfree pair, instructions, PTE writes, TLB flushes"
echo "   (flushes are lazy: one flush_tlb_kernel_range per purge, a purge per 32 MiB freed)"
$VMM -m 128M --count-insns -c "highmem=32M run=bench:vmalloc quiet iters=2000" $GUEST > "$OUT/vmalloc-insns.txt"
# vfield TAG KEY: KEY= of the "vmalloc-bench TAG" line
vfield() { awk -v t="$1" -v k="$2" '$1=="vmalloc-bench" && $2==t { for (i=3;i<=NF;i++) { split($i,a,"="); if (a[1]==k) print a[2] } }' "$OUT/vmalloc-insns.txt"; }
printf "  %-12s %8s %14s %12s %14s\n" tag pairs insns/op pte_writes/op tlb_flushes/op
for t in vmalloc16k vmalloc1m vmalloc16m; do
	awk -v t=$t -v n="$(vfield $t ops)" -v i="$(field $t insns/op "$OUT/vmalloc-insns.txt")" \
		-v p="$(vfield $t pte_writes)" -v f="$(vfield $t tlb_flushes)" \
		'BEGIN { printf "  %-12s %8d %14.1f %12.1f %14.4f\n", t, n, i, p / n, f / n }'
done
awk -v i="$(field vmalloc16k insns/op "$OUT/vmalloc-insns.txt")" 'BEGIN {
	printf "  16 KiB pair: %.0f instructions; Linux ~1 us on bare metal (Rezki 2025), i.e. ~3000-6000\n", i
	printf "  instructions at 3-6 G instructions/s: ratio to 3000 = %.2f\n", i / 3000 }'

echo
echo "== Demand paging (128M, highmem=32M): per fault over 8 MiB, against the host kernel's own fault"
$VMM -m 128M --count-insns -c "highmem=32M run=bench:vm quiet" $GUEST > "$OUT/vm-insns.txt"
# mfield TAG KEY: KEY= of the "vm-bench TAG" line
mfield() { awk -v t="$1" -v k="$2" '$1=="vm-bench" && $2==t { for (i=3;i<=NF;i++) { split($i,a,"="); if (a[1]==k) print a[2] } }' "$OUT/vm-insns.txt"; }
# Wall time per fault on each accelerator present: the run with the faults
# minus the same boot with run=exit:0, over the 4096 faults of both kinds.
accels=tcg; [ "$KVM_HERE" = yes ] && accels="tcg kvm"
for a in $accels; do
	full=$(wall_ms 5 $VMM --accel $a -m 128M -c "highmem=32M run=bench:vm quiet" $GUEST)
	base=$(wall_ms 5 $VMM --accel $a -m 128M -c "highmem=32M run=exit:0 quiet" $GUEST)
	echo "$a $full $base" >> "$OUT/vm-wall.txt.$$"
done
printf "  %-12s %8s %12s %14s %14s\n" kind faults insns/fault pte_writes/f hypercalls/f
for t in anon_write zero_read; do
	awk -v t=$t -v n="$(mfield $t faults)" -v i="$(field $t insns/op "$OUT/vm-insns.txt")" \
		-v p="$(mfield $t pte_writes)" -v h="$(mfield $t hypercalls)" \
		'BEGIN { printf "  %-12s %8d %12.1f %14.3f %14.3f\n", t, n, i, p / n, h / n }'
done
printf "  CR3 switch (switch_mm, user pgd <-> swapper_pg_dir): %s instructions\n" \
	"$(field cr3_switch insns/op "$OUT/vm-insns.txt")"
host=$(build/bench/host_fault | awk '{ for (i=1;i<=NF;i++) { split($i,a,"="); if (a[1]=="ns/fault") print a[2] } }')
printf "  host kernel anonymous write fault (8 MiB, MADV_NOHUGEPAGE, median of 11): %s ns\n" "$host"
while read -r a full base; do
	awk -v a="$a" -v f="$full" -v b="$base" -v h="$host" 'BEGIN { w = (f - b) * 1e6 / 4096
		printf "  guest wall per fault (%s, both kinds, boot subtracted): %.0f ns, ratio to the host: %.2f\n", a, w, w / h }'
done < "$OUT/vm-wall.txt.$$"
rm -f "$OUT/vm-wall.txt.$$"
if perf stat -e instructions:k -x, true 2>&1 | grep -q "not supported"; then
	echo "  (perf stat -e instructions:k is not supported here: no host instruction count to compare)"
fi

if [ -x build/bench/slab_host ]; then
	echo
	echo "== Host-built kmalloc vs glibc malloc, jemalloc and mimalloc on the same size-class trace"
	build/bench/slab_host --report
fi
