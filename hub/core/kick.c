/*
 * kick.c - a wake-up counter on a mutex and condition.  See kick.h.
 */
#include "config.h"

#include "hub/core/kick.h"

#include <errno.h>
#include <time.h>

void
kick_signal(struct kick *k)
{
	pthread_mutex_lock(&k->lock);
	k->count++;
	pthread_cond_broadcast(&k->cond);
	pthread_mutex_unlock(&k->lock);
}

uint64_t
kick_wait(struct kick *k, uint64_t seen, int timeout_ms)
{
	struct timespec until;
	uint64_t now;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&k->lock);
	while (k->count == seen) {
		if (pthread_cond_timedwait(&k->cond, &k->lock,
		    &until) == ETIMEDOUT)
			break;
	}
	now = k->count;
	pthread_mutex_unlock(&k->lock);
	return now;
}
