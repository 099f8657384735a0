/* Host build of page poisoning (guest/mm/page_poison.c) for tests/mm_*.c. */
#include "../page_poison.c"
