/*
 * Rate limiting of repeated reports (Linux's __ratelimit), counted in events
 * rather than seconds: the kernel has no clock it can afford to read on every
 * failure, and counting keeps runs deterministic.  The first `burst` events
 * may print, then one in every `interval`; the caller reports how many were
 * suppressed in between (ratelimit_missed).
 */
#ifndef GUEST_RATELIMIT_H
#define GUEST_RATELIMIT_H

#include "types.h"

struct ratelimit_state {
	unsigned int burst;
	unsigned int interval;
	unsigned long events;
	unsigned long missed;
};

#define DEFAULT_RATELIMIT_BURST    10
#define DEFAULT_RATELIMIT_INTERVAL 1000
#define RATELIMIT_STATE_INIT(b, i) { .burst = (b), .interval = (i), .events = 0, .missed = 0 }
#define DEFINE_RATELIMIT_STATE(name, b, i) struct ratelimit_state name = RATELIMIT_STATE_INIT(b, i)

static inline bool __ratelimit(struct ratelimit_state *rs)
{
	unsigned long n = rs->events++;

	if (n < rs->burst || (rs->interval && (n - rs->burst + 1) % rs->interval == 0))
		return true;
	rs->missed++;
	return false;
}

/* Reports suppressed since the last call. */
static inline unsigned long ratelimit_missed(struct ratelimit_state *rs)
{
	unsigned long m = rs->missed;

	rs->missed = 0;
	return m;
}

#endif
