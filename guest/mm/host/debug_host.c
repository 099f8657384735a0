/* Host build of dump_page (guest/mm/debug.c) for tests/mm_*.c. */
#include "../debug.c"
