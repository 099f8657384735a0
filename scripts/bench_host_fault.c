/*
 * The host kernel's own anonymous page fault, for make bench's ratio: mmap
 * 8 MiB of anonymous memory without transparent huge pages, write one byte
 * a page, and print the nanoseconds per fault (median of 11 rounds, each a
 * fresh mapping).  Under `perf stat -e instructions:k` the kernel's
 * instructions per fault follow from the same 2048 faults a round.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#define SIZE (8ul << 20)
#define ROUNDS 11

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(void)
{
	double ns[ROUNDS];

	for (int r = 0; r < ROUNDS; r++) {
		volatile unsigned char *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE,
						 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		double t0;

		if (p == MAP_FAILED || madvise((void *)p, SIZE, MADV_NOHUGEPAGE)) {
			perror("bench_host_fault: mmap/madvise");
			return 1;
		}
		t0 = now_ns();
		for (unsigned long i = 0; i < SIZE; i += 4096)
			p[i] = 1;
		ns[r] = (now_ns() - t0) / (SIZE / 4096);
		munmap((void *)p, SIZE);
	}
	qsort(ns, ROUNDS, sizeof(ns[0]), cmp);
	printf("host-fault faults=%lu rounds=%d ns/fault=%.1f\n", SIZE / 4096, ROUNDS, ns[ROUNDS / 2]);
	return 0;
}
