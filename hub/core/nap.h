/*
 * nap.h - how the hub's background threads sleep between rounds.
 *
 * A background thread (collector, retention, jobs, workers) waits on a
 * condition bound to CLOCK_MONOTONIC, so a wall-clock step neither
 * stalls nor rushes it, and its stop function broadcasts that condition
 * to end the wait early.  This does not start or join threads.
 */
#ifndef CM_HUB_CORE_NAP_H
#define CM_HUB_CORE_NAP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

/* Initialise cond to time its waits on CLOCK_MONOTONIC. */
void nap_cond_init(pthread_cond_t *cond);

/*
 * Sleep, taking and releasing lock, until time_mono_ms() reaches
 * deadline_ms or stop is set (checked at least once a second and when
 * cond is broadcast); cond comes from nap_cond_init().
 */
void nap_until(pthread_mutex_t *lock, pthread_cond_t *cond,
    const atomic_bool *stop, int64_t deadline_ms);

/* Set stop under lock and wake every thread napping on cond. */
void nap_stop(pthread_mutex_t *lock, pthread_cond_t *cond, atomic_bool *stop);

#endif
