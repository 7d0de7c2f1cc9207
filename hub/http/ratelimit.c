/*
 * ratelimit.c - token buckets in a fixed-size hash table with LRU eviction.
 *
 * All memory is sized at creation: max_keys entries, a power-of-two
 * bucket array of chain heads, and an LRU list threaded through the
 * entries by index.  A lookup walks one short chain; a miss on a full
 * table evicts the least recently used key, so a flood of new keys
 * (spoofed accounts, many IPs) costs memory no larger than the bound.
 * Refill is computed lazily from the elapsed time on each take.  One
 * mutex guards the table.  It does not decide keys, rates or what to do
 * with a refusal: the request path does.
 */
#include "config.h"

#include "hub/http/ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"

#define RL_NONE (-1)

/* A refill within this of a whole token counts as the token. */
#define RL_EPSILON 1e-9

/* Longest wait reported (a day), whatever a tiny rate computes. */
#define RL_MAX_WAIT_MS 86400000.0

struct rl_entry {
	char *key;		/* owned; NULL when unused */
	uint64_t hash;
	double tokens;
	int64_t last_ms;
	int32_t chain;		/* next in hash chain */
	int32_t prev, next;	/* LRU list, most recent first */
};

struct ratelimit {
	pthread_mutex_t lock;
	struct rl_entry *entries;
	size_t max_keys;
	size_t used;
	int32_t *heads;		/* nbuckets chain heads */
	size_t nbuckets;	/* power of two */
	int32_t lru_head, lru_tail;
};

struct ratelimit *
ratelimit_new(size_t max_keys)
{
	struct ratelimit *rl;
	size_t i;

	if (max_keys == 0)
		max_keys = 1;
	if (max_keys > INT32_MAX / 4)
		max_keys = INT32_MAX / 4;
	rl = xcalloc(1, sizeof *rl);
	if (pthread_mutex_init(&rl->lock, NULL) != 0)
		fatal("cannot initialise the rate limiter lock");
	rl->max_keys = max_keys;
	rl->entries = xcalloc(max_keys, sizeof *rl->entries);
	rl->nbuckets = 1;
	while (rl->nbuckets < max_keys * 2)
		rl->nbuckets <<= 1;
	rl->heads = xreallocarray(NULL, rl->nbuckets, sizeof *rl->heads);
	for (i = 0; i < rl->nbuckets; i++)
		rl->heads[i] = RL_NONE;
	rl->lru_head = RL_NONE;
	rl->lru_tail = RL_NONE;
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	size_t i;

	if (rl == NULL)
		return;
	for (i = 0; i < rl->used; i++)
		free(rl->entries[i].key);
	free(rl->entries);
	free(rl->heads);
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}

size_t
ratelimit_size(struct ratelimit *rl)
{
	size_t n;

	if (rl == NULL)
		return 0;
	pthread_mutex_lock(&rl->lock);
	n = rl->used;
	pthread_mutex_unlock(&rl->lock);
	return n;
}

static uint64_t
rl_hash(const char *key)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *key != '\0'; key++) {
		h ^= (unsigned char)*key;
		h *= 1099511628211ULL;
	}
	return h;
}

static void
rl_lru_unlink(struct ratelimit *rl, int32_t i)
{
	struct rl_entry *e = &rl->entries[i];

	if (e->prev != RL_NONE)
		rl->entries[e->prev].next = e->next;
	else
		rl->lru_head = e->next;
	if (e->next != RL_NONE)
		rl->entries[e->next].prev = e->prev;
	else
		rl->lru_tail = e->prev;
	e->prev = e->next = RL_NONE;
}

static void
rl_lru_push(struct ratelimit *rl, int32_t i)
{
	struct rl_entry *e = &rl->entries[i];

	e->prev = RL_NONE;
	e->next = rl->lru_head;
	if (rl->lru_head != RL_NONE)
		rl->entries[rl->lru_head].prev = i;
	rl->lru_head = i;
	if (rl->lru_tail == RL_NONE)
		rl->lru_tail = i;
}

static void
rl_chain_unlink(struct ratelimit *rl, int32_t i)
{
	int32_t *link = &rl->heads[rl->entries[i].hash & (rl->nbuckets - 1)];

	while (*link != RL_NONE) {
		if (*link == i) {
			*link = rl->entries[i].chain;
			return;
		}
		link = &rl->entries[*link].chain;
	}
}

static int32_t
rl_lookup(struct ratelimit *rl, const char *key, uint64_t h)
{
	int32_t i;

	for (i = rl->heads[h & (rl->nbuckets - 1)]; i != RL_NONE;
	    i = rl->entries[i].chain) {
		if (rl->entries[i].hash == h &&
		    strcmp(rl->entries[i].key, key) == 0)
			return i;
	}
	return RL_NONE;
}

/* A slot for a new key: a free one, else the least recently used. */
static int32_t
rl_claim(struct ratelimit *rl, const char *key, uint64_t h, double burst,
    int64_t now_ms)
{
	struct rl_entry *e;
	int32_t i;

	if (rl->used < rl->max_keys) {
		i = (int32_t)rl->used++;
	} else {
		i = rl->lru_tail;
		rl_lru_unlink(rl, i);
		rl_chain_unlink(rl, i);
		free(rl->entries[i].key);
	}
	e = &rl->entries[i];
	e->key = xstrdup(key);
	e->hash = h;
	e->tokens = burst;
	e->last_ms = now_ms;
	e->chain = rl->heads[h & (rl->nbuckets - 1)];
	rl->heads[h & (rl->nbuckets - 1)] = i;
	e->prev = e->next = RL_NONE;
	rl_lru_push(rl, i);
	return i;
}

bool
ratelimit_take(struct ratelimit *rl, const char *key, double per_minute,
    double burst, int64_t now_ms, int64_t *retry_after_ms)
{
	struct rl_entry *e;
	uint64_t h;
	int32_t i;
	double wait;
	bool ok;

	if (retry_after_ms != NULL)
		*retry_after_ms = 0;
	if (rl == NULL || key == NULL || !(per_minute > 0))
		return true;
	if (!(burst >= 1))
		burst = 1;
	h = rl_hash(key);

	pthread_mutex_lock(&rl->lock);
	i = rl_lookup(rl, key, h);
	if (i == RL_NONE) {
		i = rl_claim(rl, key, h, burst, now_ms);
	} else {
		rl_lru_unlink(rl, i);
		rl_lru_push(rl, i);
	}
	e = &rl->entries[i];
	if (now_ms > e->last_ms) {
		e->tokens += (double)(now_ms - e->last_ms) * per_minute /
		    60000.0;
		e->last_ms = now_ms;
	}
	if (e->tokens > burst)
		e->tokens = burst;
	if (e->tokens + RL_EPSILON >= 1.0) {
		e->tokens -= 1.0;
		if (e->tokens < 0)
			e->tokens = 0;
		ok = true;
	} else {
		/* Rounding noise must not add a millisecond. */
		wait = ceil((1.0 - e->tokens) * 60000.0 / per_minute - 1e-6);
		if (wait < 1)
			wait = 1;
		if (wait > RL_MAX_WAIT_MS)
			wait = RL_MAX_WAIT_MS;
		if (retry_after_ms != NULL)
			*retry_after_ms = (int64_t)wait;
		ok = false;
	}
	pthread_mutex_unlock(&rl->lock);
	return ok;
}
