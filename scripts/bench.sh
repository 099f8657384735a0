#!/bin/sh
# make bench: guest benchmarks through the bench instrument (HC_BENCH_BEGIN/END),
# instruction counts (--count-insns, deterministic) beside TSC cycles, and
# ratio tables against peers measured in the same run.
set -eu
cd "$(dirname "$0")/.."
VMM=./vmm
GUEST=guest/guest.elf
OUT=${BENCH_OUT:-build/bench}
mkdir -p "$OUT"

# field TAG KEY FILE: the value of KEY= on the "bench TAG" line
field() { awk -v t="$1" -v k="$2" '$1=="bench" && $2==t { for (i=3;i<=NF;i++) { split($i,a,"="); if (a[1]==k) print a[2] } }' "$3"; }
median() { sort -g | awk '{ a[NR]=$1 } END { print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2 }'; }

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

if [ -x build/bench/slab_host ]; then
	echo
	echo "== Host-built kmalloc vs glibc malloc, jemalloc and mimalloc on the same size-class trace"
	build/bench/slab_host --report
fi
