/* Interrupt-flag control (Linux: asm/irqflags.h, linux/irqflags.h). */
#ifndef GUEST_ASM_IRQFLAGS_H
#define GUEST_ASM_IRQFLAGS_H

#include "asm/processor.h"

static inline unsigned long arch_local_save_flags(void)
{
	unsigned long flags;
	__asm__ __volatile__("pushfl; popl %0" : "=r"(flags) : : "memory");
	return flags;
}

static inline void local_irq_disable(void)
{
	__asm__ __volatile__("cli" : : : "memory");
}

static inline void local_irq_enable(void)
{
	__asm__ __volatile__("sti" : : : "memory");
}

static inline unsigned long arch_local_irq_save(void)
{
	unsigned long flags = arch_local_save_flags();
	local_irq_disable();
	return flags;
}

static inline void arch_local_irq_restore(unsigned long flags)
{
	if (flags & X86_EFLAGS_IF)
		local_irq_enable();
}

#define local_irq_save(flags)	 do { (flags) = arch_local_irq_save(); } while (0)
#define local_irq_restore(flags) arch_local_irq_restore(flags)
#define irqs_disabled()		 (!(arch_local_save_flags() & X86_EFLAGS_IF))

#endif
