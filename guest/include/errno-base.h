/*
 * Error numbers, Linux's values (include/uapi/asm-generic/errno-base.h):
 * kernel functions return them negated.  The values cross to the VMM in
 * console answers (shared/abi.h), which reads them as Linux's.
 *
 * Host builds of guest code may have the C library's <errno.h> as well,
 * whose values on Linux are these.
 */
#ifndef GUEST_ERRNO_BASE_H
#define GUEST_ERRNO_BASE_H

#ifndef EPERM
#define EPERM   1   /* Operation not permitted */
#endif
#ifndef ENOENT
#define ENOENT  2   /* No such file or directory */
#endif
#ifndef ESRCH
#define ESRCH   3   /* No such process */
#endif
#ifndef EBADF
#define EBADF   9   /* Bad file number */
#endif
#ifndef ENOMEM
#define ENOMEM 12   /* Out of memory */
#endif
#ifndef EFAULT
#define EFAULT 14   /* Bad address */
#endif
#ifndef EBUSY
#define EBUSY  16   /* Device or resource busy */
#endif
#ifndef EINVAL
#define EINVAL 22   /* Invalid argument */
#endif
#ifndef ENOSPC
#define ENOSPC 28   /* No space left on device */
#endif
#ifndef ENOSYS
#define ENOSYS 38   /* Invalid system call number */
#endif

#endif
