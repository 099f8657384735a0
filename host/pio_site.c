/*
 * Decoding of the port I/O instructions a guest lists in HC_SITES_SECTION.
 * 32-bit code: no REX, and 0x66 selects the 16-bit form.
 */
#include "pio_site.h"

int pio_decode(const uint8_t *code, size_t avail, struct pio_site *site)
{
	size_t i = 0;
	bool opsize16 = false;
	uint8_t op;

	if (avail && code[0] == 0x66) {
		opsize16 = true;
		i++;
	}
	if (i >= avail)
		return -1;
	op = code[i++];
	switch (op) {
	case 0xe4: case 0xe5:   /* in al/eax, imm8 */
	case 0xe6: case 0xe7:   /* out imm8, al/eax */
		if (i >= avail)
			return -1;
		site->port_in_dx = false;
		site->port_imm = code[i++];
		break;
	case 0xec: case 0xed:   /* in al/eax, dx */
	case 0xee: case 0xef:   /* out dx, al/eax */
		site->port_in_dx = true;
		site->port_imm = 0;
		break;
	default:
		return -1;
	}
	/* Bit 0 picks the byte form; 0x66 on a byte form changes nothing. */
	site->size = !(op & 1) ? 1 : opsize16 ? 2 : 4;
	site->out = op & 2;
	site->len = (uint8_t)i;
	return 0;
}

int pio_site_find(const struct pio_site *sites, size_t nr, uint64_t addr)
{
	size_t lo = 0, hi = nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sites[mid].addr == addr)
			return (int)mid;
		if (sites[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}
