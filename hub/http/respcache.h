/*
 * respcache.h - rendered responses kept for reuse, validated by a
 * revision number from the store.
 *
 * A busy list (GET /api/v1/clusters) is the same bytes for every caller
 * of a tenant until something in it changes.  The caller reads the
 * tenant's revision from the store (a cheap primary-key read), and a hit
 * is served only when the cached entry was made at that same revision,
 * so the cache can never answer older data than the store holds, on one
 * replica or many.  It is direct-mapped and bounded: a collision simply
 * replaces the older entry.  It does not know what a key means.
 */
#ifndef CM_HUB_HTTP_RESPCACHE_H
#define CM_HUB_HTTP_RESPCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RESPCACHE_ETAG_MAX 72
#define RESPCACHE_BODY_MAX (4 * 1024 * 1024)

struct respcache;

/* A cache of nslots entries (at least 1). */
struct respcache *respcache_new(size_t nslots);

/* Free it and every entry.  NULL is a no-op. */
void respcache_free(struct respcache *c);

/*
 * Look key up at revision rev.  On a hit, *body gets a heap copy the
 * caller frees, *len its length, and etag the stored ETag.
 */
bool respcache_get(struct respcache *c, const char *key, int64_t rev,
    char **body, size_t *len, char etag[RESPCACHE_ETAG_MAX]);

/* Store body (copied) and etag for key at revision rev.  Bodies larger
 * than RESPCACHE_BODY_MAX are not kept. */
void respcache_put(struct respcache *c, const char *key, int64_t rev,
    const char *body, size_t len, const char *etag);

/* Hits and misses since creation, for metrics and tests. */
void respcache_stats(struct respcache *c, uint64_t *hits, uint64_t *misses);

#endif
