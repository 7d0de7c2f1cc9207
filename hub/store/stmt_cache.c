/*
 * stmt_cache.c - the per-connection cache of prepared statements.  See
 * stmt_cache.h.
 *
 * Slots live in an open-addressing table keyed by the query's address
 * (a pointer hash, linear probing), doubled when half full.  Each slot
 * keeps the map from "$N" to sqlite's parameter index: sqlite numbers
 * "$N" parameters by first appearance, so "$2 ... $1" would otherwise
 * bind the wrong way round.  Query objects are meant to be static; one
 * reused at the same (stack) address with another text is re-prepared.
 *
 * It does not step statements, check read-only transactions, or evict:
 * a hub has a fixed set of queries, so the table only grows.
 */
#include "config.h"

#include "hub/store/stmt_cache.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "hub/store/sqlite_error.h"

#define STMT_CACHE_MIN 32	/* initial slots; a power of two */

void
stmt_cache_init(struct stmt_cache *cache)
{
	cache->cap = STMT_CACHE_MIN;
	cache->used = 0;
	cache->slots = xcalloc(cache->cap, sizeof *cache->slots);
}

void
stmt_cache_done(struct stmt_cache *cache)
{
	size_t i;

	for (i = 0; cache->slots != NULL && i < cache->cap; i++) {
		if (cache->slots[i].q == NULL)
			continue;
		sqlite3_finalize(cache->slots[i].stmt);
		free(cache->slots[i].param_index);
	}
	free(cache->slots);
	memset(cache, 0, sizeof *cache);
}

static size_t
stmt_cache_hash(const struct store_query *q, size_t cap)
{
	uint64_t h = (uint64_t)(uintptr_t)q;

	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	return (size_t)h & (cap - 1);
}

static struct stmt_slot *
stmt_cache_find(struct stmt_cache *cache, const struct store_query *q)
{
	size_t i = stmt_cache_hash(q, cache->cap);

	while (cache->slots[i].q != NULL && cache->slots[i].q != q)
		i = (i + 1) & (cache->cap - 1);
	return &cache->slots[i];
}

/* Double the table; slots move, so callers look up again afterwards. */
static void
stmt_cache_grow(struct stmt_cache *cache)
{
	struct stmt_slot *old = cache->slots;
	size_t oldcap = cache->cap;
	size_t i;

	cache->cap = oldcap * 2;
	cache->slots = xcalloc(cache->cap, sizeof *cache->slots);
	for (i = 0; i < oldcap; i++) {
		if (old[i].q != NULL)
			*stmt_cache_find(cache, old[i].q) = old[i];
	}
	free(old);
}

/* Map each "$N" of stmt to its sqlite index; false if not $1..$n. */
static bool
stmt_cache_map_params(struct stmt_slot *slot)
{
	const char *name;
	char *end;
	long n;
	int i;

	slot->nparams = sqlite3_bind_parameter_count(slot->stmt);
	if (slot->nparams == 0)
		return true;
	slot->param_index = xcalloc((size_t)slot->nparams, sizeof(int));
	for (i = 1; i <= slot->nparams; i++) {
		name = sqlite3_bind_parameter_name(slot->stmt, i);
		if (name == NULL || name[0] != '$' || name[1] < '1' ||
		    name[1] > '9')
			return false;
		errno = 0;
		n = strtol(name + 1, &end, 10);
		if (errno != 0 || *end != '\0' || n > slot->nparams ||
		    slot->param_index[n - 1] != 0)
			return false;
		slot->param_index[n - 1] = i;
	}
	return true;
}

/*
 * The ready-to-bind statement of q on db: from the cache (reset, bindings
 * cleared) or freshly prepared and cached.
 */
enum cm_status
stmt_cache_prepare(struct stmt_cache *cache, sqlite3 *db,
    const struct store_query *q, struct stmt_slot **out,
    struct cm_err *err)
{
	struct stmt_slot *slot = stmt_cache_find(cache, q);
	struct stmt_slot fresh = { q, q->sqlite, NULL, 0, NULL };
	const char *tail = NULL;
	bool reuse = false;
	int rc;

	if (q->sqlite == NULL)
		return cm_err_set(err, CM_STORE, NULL,
		    "%s: no sqlite text", q->name);
	if (slot->q == q && slot->sql == q->sqlite) {
		sqlite3_reset(slot->stmt);
		sqlite3_clear_bindings(slot->stmt);
		*out = slot;
		return CM_OK;
	}
	if (slot->q == q) {
		/* A query object on the stack, reused at the same address
		 * for another text: drop the stale statement. */
		sqlite3_finalize(slot->stmt);
		free(slot->param_index);
		memset(slot, 0, sizeof *slot);
		slot->q = q;
		reuse = true;
	}
	rc = sqlite3_prepare_v3(db, q->sqlite, -1,
	    SQLITE_PREPARE_PERSISTENT, &fresh.stmt, &tail);
	if (rc != SQLITE_OK)
		return sqlite_error_set(db, rc, q, err);
	while (tail != NULL && isspace((unsigned char)*tail))
		tail++;
	if (fresh.stmt == NULL || (tail != NULL && *tail != '\0')) {
		sqlite3_finalize(fresh.stmt);
		return cm_err_set(err, CM_STORE, NULL,
		    "%s: the text must hold exactly one statement", q->name);
	}
	if (!stmt_cache_map_params(&fresh)) {
		sqlite3_finalize(fresh.stmt);
		free(fresh.param_index);
		return cm_err_set(err, CM_STORE, NULL,
		    "%s: parameters must be $1..$N with no gaps", q->name);
	}
	if (!reuse && (cache->used + 1) * 2 > cache->cap) {
		stmt_cache_grow(cache);
		slot = stmt_cache_find(cache, q);
	}
	*slot = fresh;
	if (!reuse)
		cache->used++;
	*out = slot;
	return CM_OK;
}

/* Bind args to slot by name; text is copied when it must outlive us. */
enum cm_status
stmt_cache_bind(sqlite3 *db, struct stmt_slot *slot,
    const struct store_query *q, const struct store_arg *args,
    size_t nargs, bool copy, struct cm_err *err)
{
	sqlite3_destructor_type dtor = copy ? SQLITE_TRANSIENT : SQLITE_STATIC;
	size_t i;
	int idx;
	int rc;

	if (nargs != (size_t)slot->nparams)
		return cm_err_set(err, CM_STORE, NULL,
		    "%s: takes %d parameters, %zu given", q->name,
		    slot->nparams, nargs);
	for (i = 0; i < nargs; i++) {
		idx = slot->param_index[i];
		switch (args[i].type) {
		case STORE_ARG_NULL:
			rc = sqlite3_bind_null(slot->stmt, idx);
			break;
		case STORE_ARG_TEXT:
			rc = args[i].text == NULL ?
			    sqlite3_bind_null(slot->stmt, idx) :
			    sqlite3_bind_text(slot->stmt, idx, args[i].text,
			    -1, dtor);
			break;
		case STORE_ARG_INT:
			rc = sqlite3_bind_int64(slot->stmt, idx, args[i].i);
			break;
		case STORE_ARG_REAL:
			rc = sqlite3_bind_double(slot->stmt, idx, args[i].d);
			break;
		default:
			return cm_err_set(err, CM_STORE, NULL,
			    "%s: parameter $%zu has an unknown type",
			    q->name, i + 1);
		}
		if (rc != SQLITE_OK)
			return sqlite_error_set(db, rc, q, err);
	}
	return CM_OK;
}
