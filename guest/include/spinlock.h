/*
 * spinlock_t and interrupt masking, sized for what runs today: one vCPU and
 * no preemption.
 *
 * With one CPU a spinlock cannot be contended by another CPU, so spin_lock()
 * only records that the lock is held: finding it already held means this CPU
 * would deadlock on itself (recursion, or an interrupt handler taking a lock
 * the code it interrupted holds), which MM_BUG_ON reports instead of hanging.
 * Data shared with interrupt handlers is protected by disabling interrupts
 * (local_irq_save), as Linux does for per-CPU lists.
 *
 * Guest: local_irq_save/restore come from asm/irqflags.h (pushf/cli, then
 * sti if interrupts were on).  Host build (unit tests, single-threaded):
 * they do nothing.
 */
#ifndef GUEST_SPINLOCK_H
#define GUEST_SPINLOCK_H

#include "kernel.h"

typedef struct {
	unsigned int locked;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(name) { 0 }
#define DEFINE_SPINLOCK(name) spinlock_t name = __SPIN_LOCK_UNLOCKED(name)

static inline void spin_lock_init(spinlock_t *lock)
{
	lock->locked = 0;
}

static inline void spin_lock(spinlock_t *lock)
{
	MM_BUG_ON(lock->locked);
	lock->locked = 1;
	barrier();
}

static inline void spin_unlock(spinlock_t *lock)
{
	barrier();
	MM_BUG_ON(!lock->locked);
	lock->locked = 0;
}

static inline bool spin_is_locked(const spinlock_t *lock)
{
	return READ_ONCE(lock->locked);
}

#define lockdep_assert_held(lock) MM_BUG_ON(!spin_is_locked(lock))

#ifdef __GUEST__
#include "asm/irqflags.h"   /* local_irq_save/restore: pushf/cli, sti if IF was set */
#else
static inline unsigned long arch_local_irq_save(void) { barrier(); return 0; }
static inline void arch_local_irq_restore(unsigned long flags) { (void)flags; barrier(); }
static inline void local_irq_disable(void) { barrier(); }
static inline void local_irq_enable(void) { barrier(); }
/* A host build has no interrupts: code that needs them off has them off. */
static inline bool irqs_disabled(void) { return true; }
#define local_irq_save(flags) do { (flags) = arch_local_irq_save(); } while (0)
#define local_irq_restore(flags) arch_local_irq_restore(flags)
#endif

/* Linux's slab check for paths that must run with interrupts off. */
#define check_irq_off() MM_BUG_ON(!irqs_disabled())

#define spin_lock_irqsave(lock, flags) \
	do { local_irq_save(flags); spin_lock(lock); } while (0)
#define spin_unlock_irqrestore(lock, flags) \
	do { spin_unlock(lock); local_irq_restore(flags); } while (0)

#endif
