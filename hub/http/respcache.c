/*
 * respcache.c - a direct-mapped cache of rendered responses.  See
 * respcache.h.
 *
 * One mutex guards the table; the work under it is a hash probe and a
 * memcpy of the body, far less than rendering it again.
 */
#include "config.h"

#include "hub/http/respcache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"

struct respcache_entry {
	char *key;		/* NULL = empty */
	int64_t rev;
	char *body;
	size_t len;
	char etag[RESPCACHE_ETAG_MAX];
};

struct respcache {
	pthread_mutex_t lock;
	struct respcache_entry *slots;
	size_t nslots;
	uint64_t hits;
	uint64_t misses;
};

/* FNV-1a: short keys, good enough spread for a direct-mapped table. */
static uint64_t
respcache_hash(const char *s)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= UINT64_C(1099511628211);
	}
	return h;
}

struct respcache *
respcache_new(size_t nslots)
{
	struct respcache *c = xcalloc(1, sizeof *c);

	c->nslots = nslots > 0 ? nslots : 1;
	c->slots = xcalloc(c->nslots, sizeof *c->slots);
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

void
respcache_free(struct respcache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nslots; i++) {
		free(c->slots[i].key);
		free(c->slots[i].body);
	}
	free(c->slots);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

bool
respcache_get(struct respcache *c, const char *key, int64_t rev,
    char **body, size_t *len, char etag[RESPCACHE_ETAG_MAX])
{
	struct respcache_entry *e;
	bool hit = false;

	pthread_mutex_lock(&c->lock);
	e = &c->slots[respcache_hash(key) % c->nslots];
	if (e->key != NULL && e->rev == rev && strcmp(e->key, key) == 0) {
		*body = xmalloc(e->len + 1);
		memcpy(*body, e->body, e->len);
		(*body)[e->len] = '\0';
		*len = e->len;
		memcpy(etag, e->etag, RESPCACHE_ETAG_MAX);
		hit = true;
		c->hits++;
	} else {
		c->misses++;
	}
	pthread_mutex_unlock(&c->lock);
	return hit;
}

void
respcache_put(struct respcache *c, const char *key, int64_t rev,
    const char *body, size_t len, const char *etag)
{
	struct respcache_entry *e;
	char *k, *b;

	if (len > RESPCACHE_BODY_MAX)
		return;
	/* Copy outside the lock; only the swap happens under it. */
	k = xstrdup(key);
	b = xmalloc(len + 1);
	memcpy(b, body, len);
	b[len] = '\0';
	pthread_mutex_lock(&c->lock);
	e = &c->slots[respcache_hash(key) % c->nslots];
	/* A newer revision already stored for this key wins. */
	if (e->key != NULL && strcmp(e->key, key) == 0 && e->rev > rev) {
		pthread_mutex_unlock(&c->lock);
		free(k);
		free(b);
		return;
	}
	free(e->key);
	free(e->body);
	e->key = k;
	e->body = b;
	e->len = len;
	e->rev = rev;
	snprintf(e->etag, sizeof e->etag, "%s", etag);
	pthread_mutex_unlock(&c->lock);
}

void
respcache_stats(struct respcache *c, uint64_t *hits, uint64_t *misses)
{
	pthread_mutex_lock(&c->lock);
	*hits = c->hits;
	*misses = c->misses;
	pthread_mutex_unlock(&c->lock);
}
