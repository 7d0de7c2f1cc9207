/*
 * test_ratelimit.c - token buckets with an injected clock, and eviction.
 */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hub/http/ratelimit.h"

/* A new key gets its whole burst, then is refused with a wait. */
static void
test_burst_then_refuse(void **state)
{
	struct ratelimit *rl = ratelimit_new(16);
	int64_t retry = -1;
	int i;

	/* 60/min = one token per second, burst 5. */
	for (i = 0; i < 5; i++) {
		assert_true(ratelimit_take(rl, "u1", 60, 5, 1000, &retry));
		assert_int_equal(retry, 0);
	}
	assert_false(ratelimit_take(rl, "u1", 60, 5, 1000, &retry));
	assert_int_equal(retry, 1000);
	/* Half a second later, half a token: wait the other half. */
	assert_false(ratelimit_take(rl, "u1", 60, 5, 1500, &retry));
	assert_int_equal(retry, 500);
	ratelimit_free(rl);
}

/* Tokens refill with time, one per 60000/per_minute ms, up to burst. */
static void
test_refill(void **state)
{
	struct ratelimit *rl = ratelimit_new(16);
	int64_t retry;
	int i;

	for (i = 0; i < 3; i++)
		assert_true(ratelimit_take(rl, "k", 120, 3, 0, &retry));
	assert_false(ratelimit_take(rl, "k", 120, 3, 0, &retry));
	assert_int_equal(retry, 500);
	/* 120/min: a token every 500 ms. */
	assert_false(ratelimit_take(rl, "k", 120, 3, 499, &retry));
	assert_int_equal(retry, 1);
	assert_true(ratelimit_take(rl, "k", 120, 3, 500, &retry));
	assert_false(ratelimit_take(rl, "k", 120, 3, 500, &retry));
	/* A long idle refills only up to the burst. */
	for (i = 0; i < 3; i++)
		assert_true(ratelimit_take(rl, "k", 120, 3, 3600000, &retry));
	assert_false(ratelimit_take(rl, "k", 120, 3, 3600000, &retry));
	ratelimit_free(rl);
}

/* A steady rate at exactly the limit is always allowed. */
static void
test_steady_rate(void **state)
{
	struct ratelimit *rl = ratelimit_new(4);
	int64_t now = 0;
	int i;

	assert_true(ratelimit_take(rl, "s", 600, 1, now, NULL));
	for (i = 0; i < 1000; i++) {
		now += 100;	/* 600/min = one per 100 ms */
		assert_true(ratelimit_take(rl, "s", 600, 1, now, NULL));
	}
	assert_false(ratelimit_take(rl, "s", 600, 1, now + 50, NULL));
	ratelimit_free(rl);
}

/* Keys have separate buckets. */
static void
test_keys_independent(void **state)
{
	struct ratelimit *rl = ratelimit_new(16);

	assert_true(ratelimit_take(rl, "a", 60, 1, 0, NULL));
	assert_false(ratelimit_take(rl, "a", 60, 1, 0, NULL));
	assert_true(ratelimit_take(rl, "b", 60, 1, 0, NULL));
	assert_false(ratelimit_take(rl, "b", 60, 1, 0, NULL));
	assert_int_equal(ratelimit_size(rl), 2);
	ratelimit_free(rl);
}

/* Rate 0 (or less) is unlimited and stores nothing; NULL rl allows. */
static void
test_unlimited(void **state)
{
	struct ratelimit *rl = ratelimit_new(16);
	int64_t retry = -1;
	int i;

	for (i = 0; i < 1000; i++)
		assert_true(ratelimit_take(rl, "x", 0, 1, 0, &retry));
	assert_int_equal(retry, 0);
	assert_true(ratelimit_take(rl, "x", -5, 1, 0, NULL));
	assert_int_equal(ratelimit_size(rl), 0);
	assert_true(ratelimit_take(NULL, "x", 1, 1, 0, NULL));
	ratelimit_free(rl);
	ratelimit_free(NULL);
}

/* A burst below one still lets one request through. */
static void
test_burst_floor(void **state)
{
	struct ratelimit *rl = ratelimit_new(4);
	int64_t retry;

	assert_true(ratelimit_take(rl, "z", 1, 0, 0, &retry));
	assert_false(ratelimit_take(rl, "z", 1, 0, 0, &retry));
	assert_int_equal(retry, 60000);
	ratelimit_free(rl);
}

/* The table never holds more than max_keys; the LRU key is evicted. */
static void
test_eviction(void **state)
{
	struct ratelimit *rl = ratelimit_new(3);
	char key[16];
	int i;

	assert_true(ratelimit_take(rl, "a", 60, 1, 0, NULL));
	assert_true(ratelimit_take(rl, "b", 60, 1, 0, NULL));
	assert_true(ratelimit_take(rl, "c", 60, 1, 0, NULL));
	/* Touch a, so b is now the least recently used. */
	assert_false(ratelimit_take(rl, "a", 60, 1, 0, NULL));
	assert_true(ratelimit_take(rl, "d", 60, 1, 0, NULL));
	assert_int_equal(ratelimit_size(rl), 3);
	/* b was evicted: it comes back with a full bucket. */
	assert_true(ratelimit_take(rl, "b", 60, 1, 0, NULL));
	/* a survived (still empty); c went when b came back. */
	assert_false(ratelimit_take(rl, "a", 60, 1, 0, NULL));
	assert_false(ratelimit_take(rl, "d", 60, 1, 0, NULL));
	assert_true(ratelimit_take(rl, "c", 60, 1, 0, NULL));

	/* A flood of new keys stays within the bound. */
	for (i = 0; i < 10000; i++) {
		snprintf(key, sizeof key, "f%d", i);
		assert_true(ratelimit_take(rl, key, 60, 1, 0, NULL));
	}
	assert_int_equal(ratelimit_size(rl), 3);
	ratelimit_free(rl);
}

/* max_keys 0 still works with one bucket. */
static void
test_zero_keys(void **state)
{
	struct ratelimit *rl = ratelimit_new(0);

	assert_true(ratelimit_take(rl, "a", 60, 1, 0, NULL));
	assert_false(ratelimit_take(rl, "a", 60, 1, 0, NULL));
	assert_true(ratelimit_take(rl, "b", 60, 1, 0, NULL));
	assert_int_equal(ratelimit_size(rl), 1);
	ratelimit_free(rl);
}

/* A clock that goes backwards neither refills nor breaks the bucket. */
static void
test_clock_backwards(void **state)
{
	struct ratelimit *rl = ratelimit_new(4);
	int64_t retry;

	assert_true(ratelimit_take(rl, "k", 60, 1, 10000, &retry));
	assert_false(ratelimit_take(rl, "k", 60, 1, 5000, &retry));
	assert_int_equal(retry, 1000);
	assert_true(ratelimit_take(rl, "k", 60, 1, 11000, &retry));
	ratelimit_free(rl);
}

#define THREADS 4
#define PER_THREAD 5000

struct shared {
	struct ratelimit *rl;
	int granted[THREADS];
};

struct worker {
	struct shared *sh;
	int id;
};

static void *
take_many(void *arg)
{
	struct worker *w = arg;
	char key[16];
	int i;

	for (i = 0; i < PER_THREAD; i++) {
		snprintf(key, sizeof key, "k%d", i % 50);
		if (ratelimit_take(w->sh->rl, "shared", 60, 100, 0, NULL))
			w->sh->granted[w->id]++;
		ratelimit_take(w->sh->rl, key, 60, 1, 0, NULL);
	}
	return NULL;
}

/* Under contention exactly burst tokens of a shared key are granted. */
static void
test_threads(void **state)
{
	struct shared sh;
	struct worker w[THREADS];
	pthread_t th[THREADS];
	int i, total = 0;

	memset(&sh, 0, sizeof sh);
	sh.rl = ratelimit_new(32);
	for (i = 0; i < THREADS; i++) {
		w[i].sh = &sh;
		w[i].id = i;
		assert_int_equal(pthread_create(&th[i], NULL, take_many, &w[i]),
		    0);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		total += sh.granted[i];
	}
	assert_int_equal(total, 100);
	assert_true(ratelimit_size(sh.rl) <= 32);
	ratelimit_free(sh.rl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_refuse),
		cmocka_unit_test(test_refill),
		cmocka_unit_test(test_steady_rate),
		cmocka_unit_test(test_keys_independent),
		cmocka_unit_test(test_unlimited),
		cmocka_unit_test(test_burst_floor),
		cmocka_unit_test(test_eviction),
		cmocka_unit_test(test_zero_keys),
		cmocka_unit_test(test_clock_backwards),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests_name("ratelimit", tests, NULL, NULL);
}
