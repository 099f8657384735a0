/* Host build of the vmstat counters (guest/mm/vmstat.c) for tests/mm_*.c. */
#include "../vmstat.c"
