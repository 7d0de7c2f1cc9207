/*
 * stmt_cache.h - the prepared statements of one sqlite connection.
 * Private to hub/store: only the sqlite driver includes it.
 *
 * One statement per struct store_query, keyed by the query's address,
 * with the map from "$N" to sqlite's parameter index.  A cache belongs to
 * one connection and is used by one thread at a time; it has no lock.  It
 * does not run statements or open connections: the driver does.
 */
#ifndef CM_HUB_STORE_STMT_CACHE_H
#define CM_HUB_STORE_STMT_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#include "backend/status.h"
#include "hub/store/store.h"

/* A cached statement and where each "$N" lives in it. */
struct stmt_slot {
	const struct store_query *q;	/* NULL: empty slot */
	const char *sql;		/* q->sqlite when prepared */
	sqlite3_stmt *stmt;
	int nparams;
	int *param_index;		/* [N - 1] = sqlite index of "$N" */
};

/* An open-addressing table of slots; embed it and stmt_cache_init it. */
struct stmt_cache {
	struct stmt_slot *slots;
	size_t cap;			/* power of two */
	size_t used;
};

/* Make an empty cache with room for a few statements. */
void stmt_cache_init(struct stmt_cache *cache);

/*
 * Finalize every cached statement and free the table; call before the
 * connection closes.  A zeroed, never initialised cache is fine.
 */
void stmt_cache_done(struct stmt_cache *cache);

/*
 * The ready-to-bind statement of q on db into *out: from cache (reset,
 * bindings cleared) or freshly prepared and cached.  The slot is borrowed
 * until the next stmt_cache_prepare on the same cache.  CM_STORE when q
 * has no sqlite text, is not exactly one statement, or its parameters
 * are not $1..$N.
 */
enum cm_status stmt_cache_prepare(struct stmt_cache *cache, sqlite3 *db,
    const struct store_query *q, struct stmt_slot **out,
    struct cm_err *err);

/*
 * Bind args[0..nargs) to slot by their "$N" (text copied when copy is
 * true, else it must outlive the statement's run).  CM_STORE when nargs
 * is not the statement's parameter count.
 */
enum cm_status stmt_cache_bind(sqlite3 *db, struct stmt_slot *slot,
    const struct store_query *q, const struct store_arg *args,
    size_t nargs, bool copy, struct cm_err *err);

#endif
