/* _AC(): one constant usable from both C and assembly (Linux: uapi/linux/const.h).
 * gas rejects C integer suffixes such as UL, so they are pasted on only in C. */
#ifndef GUEST_CONST_H
#define GUEST_CONST_H

#ifdef __ASSEMBLER__
#define _AC(X, Y) X
#else
#define __AC(X, Y) (X##Y)
#define _AC(X, Y) __AC(X, Y)
#endif

#endif
