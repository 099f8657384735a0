/* Host build of fault injection (guest/mm/fault_inject.c) for tests/mm_*.c. */
#include "../fault_inject.c"
