/*
 * deploy_idem.c - Idempotency-Key for deploy, upgrade and rollback: the
 * hash that ties a key to its request, and finding the deployment an
 * earlier request with the key started.  See deploy_impl.h.
 *
 * A key belongs to its user in its tenant.  Its request is the action,
 * the application and the body with object keys sorted, hashed with
 * SHA-256; the same key with another request is refused (422) rather
 * than answered with an unrelated deployment.  Only accepted requests
 * are remembered: the key is a column of the deployment they started.
 *
 * Not here: when to look (deploy_http.c asks before the rate limit,
 * deploy.c again inside its write transaction).
 */
#include "config.h"

#include "hub/apps/apps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "backend/json.h"
#include "backend/xalloc.h"
#include "hub/apps/deploy_impl.h"
#include "hub/core/hub.h"
#include "hub/store/store.h"

static const struct store_query q_idem = {
	"deploy.idempotency",
	"SELECT id, idempotency_hash FROM application_deployments "
	"WHERE tenant_id = $1 AND initiated_by = $2 AND idempotency_key = $3",
	NULL,
};

/* Sort the keys of every object in j, so key order does not matter. */
static void
deploy_canonical(cJSON *j)
{
	cJSON *sorted = NULL, *it, *next, **pp;

	for (it = j != NULL ? j->child : NULL; it != NULL; it = it->next)
		deploy_canonical(it);
	if (!cJSON_IsObject(j))
		return;
	for (it = j->child; it != NULL; it = next) {
		next = it->next;
		for (pp = &sorted; *pp != NULL &&
		    strcmp((*pp)->string, it->string) <= 0; pp = &(*pp)->next)
			;
		it->next = *pp;
		*pp = it;
	}
	/* relink prev pointers: cJSON keeps child->prev as the last item */
	j->child = sorted;
	for (it = sorted; it != NULL; it = it->next) {
		if (it->next != NULL)
			it->next->prev = it;
		if (it->next == NULL && sorted != NULL)
			sorted->prev = it;
	}
}

void
deploy_request_hash(enum deploy_kind kind, const char *app_id,
    const cJSON *body, char out[DEPLOY_HASH_LEN + 1])
{
	cJSON *copy = cJSON_Duplicate(body, true);
	unsigned char md[32];
	unsigned int n = 0;
	char *text, *all;
	size_t i;

	deploy_canonical(copy);
	text = json_print(copy);
	all = xasprintf("%s\n%s\n%s", deploy_kind_name(kind), app_id, text);
	if (EVP_Digest(all, strlen(all), md, &n, EVP_sha256(), NULL) != 1 ||
	    n != sizeof md)
		fatal("EVP_Digest sha256 failed");
	for (i = 0; i < sizeof md; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	free(all);
	free(text);
	cJSON_Delete(copy);
}

/*
 * The deployment an earlier request with key started, into id; *found
 * says whether there is one, *same whether its request hash is hash.
 */
static enum cm_status
deploy_idem_lookup(struct store_tx *tx, const struct principal *p,
    const char *key, const char *hash, char id[UUID_STR_LEN + 1],
    bool *found, bool *same, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	const char *h;
	enum cm_status st;
	int rc;

	*found = *same = false;
	st = store_query(tx, &q_idem, STORE_ARGS(STORE_TEXT(p->tenant_id),
	    STORE_TEXT(p->user_id), STORE_TEXT(key)), &rows, err);
	if (st != CM_OK)
		return st;
	if ((rc = store_rows_next(rows, err)) == 1) {
		*found = true;
		snprintf(id, UUID_STR_LEN + 1, "%s", store_rows_text(rows, 0));
		h = store_rows_text(rows, 1);
		*same = h != NULL && strcmp(h, hash) == 0;
	}
	store_rows_close(rows);
	return rc < 0 ? err->status : CM_OK;
}

enum cm_status
deploy_replay(struct hub *hub, const struct principal *p, const char *key,
    const char *hash, char id[UUID_STR_LEN + 1], bool *found,
    struct cm_err *err)
{
	struct store_tx *tx = NULL;
	enum cm_status st;
	bool same;

	*found = false;
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK)
		return st;
	st = deploy_idem_lookup(tx, p, key, hash, id, found, &same, err);
	store_tx_rollback(tx);
	if (st == CM_OK && *found && !same)
		return cm_err_set(err, CM_VALIDATION, "Idempotency-Key",
		    "this Idempotency-Key was used with a different request");
	return st;
}

enum cm_status
deploy_idem_replay(struct store_tx *tx, const struct principal *p,
    const struct deploy_request *rq, struct deploy_result *res,
    struct cm_err *err)
{
	enum cm_status st;
	bool found, same;

	st = deploy_idem_lookup(tx, p, rq->idem_key, rq->idem_hash, res->id,
	    &found, &same, err);
	if (st != CM_OK)
		return st;
	if (!found)
		return CM_NOT_FOUND;
	if (!same)
		return cm_err_set(err, CM_VALIDATION, "Idempotency-Key",
		    "this Idempotency-Key was used with a different request");
	res->replayed = true;
	return CM_OK;
}
