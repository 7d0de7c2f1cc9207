/*
 * nap.c - monotonic sleeps for background threads.  See nap.h.
 */
#include "config.h"

#include "hub/core/nap.h"

#include <stdbool.h>
#include <time.h>

#include "backend/timeutil.h"

void
nap_cond_init(pthread_cond_t *cond)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(cond, &attr);
	pthread_condattr_destroy(&attr);
}

void
nap_until(pthread_mutex_t *lock, pthread_cond_t *cond,
    const atomic_bool *stop, int64_t deadline_ms)
{
	struct timespec ts;

	pthread_mutex_lock(lock);
	while (!atomic_load(stop) && time_mono_ms() < deadline_ms) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(cond, lock, &ts);
	}
	pthread_mutex_unlock(lock);
}

void
nap_stop(pthread_mutex_t *lock, pthread_cond_t *cond, atomic_bool *stop)
{
	pthread_mutex_lock(lock);
	atomic_store(stop, true);
	pthread_cond_broadcast(cond);
	pthread_mutex_unlock(lock);
}
