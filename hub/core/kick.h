/*
 * kick.h - a wake-up counter: one side bumps it, waiters sleep until it
 * moves or a timeout passes.
 *
 * The hub's in-process nudges (new events for stream readers, new steps
 * for workflow workers) are this one pattern.  A kick only says "look
 * again"; the work itself is always found by polling the store, so a
 * missed or spurious wake-up costs latency, never correctness.  It does
 * not cross processes.
 */
#ifndef CM_HUB_CORE_KICK_H
#define CM_HUB_CORE_KICK_H

#include <pthread.h>
#include <stdint.h>

/* A counter and its condition; define with KICK_INITIALIZER. */
struct kick {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t count;
};

#define KICK_INITIALIZER \
	{ PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 }

/* Bump k's count and wake every waiter. */
void kick_signal(struct kick *k);

/*
 * Wait until k's count differs from seen or timeout_ms passed; returns
 * the current count.
 */
uint64_t kick_wait(struct kick *k, uint64_t seen, int timeout_ms);

#endif
