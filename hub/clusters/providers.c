/*
 * providers.c - the provider catalogue: the fixed list of places a
 * cluster can run, each with how many clusters the tenant has there.
 * See clusters.h.
 *
 * The catalogue is compiled in (CLUSTER_PROVIDER_INFO) because the store
 * CHECKs the same ids; adding a provider is a migration, not a row.
 * GET /providers/:id/clusters shares the cluster list's code, so its
 * filters, paging and ETag behave exactly like GET /clusters?provider=.
 *
 * Not here: provider credentials or discovery of a provider's clusters.
 */
#include "config.h"

#include "hub/clusters/clusters.h"

#include <string.h>

#include "hub/api/api.h"
#include "hub/core/hub.h"
#include "hub/http/http.h"
#include "hub/store/store.h"

struct provider {
	const char *id;
	const char *name;
};

static const struct provider providers[] = {
#define PROVIDER_ROW(id, wire, name) { wire, name },
	CLUSTER_PROVIDER_INFO(PROVIDER_ROW)
#undef PROVIDER_ROW
};

#define NPROVIDERS (sizeof providers / sizeof providers[0])

static const struct store_query q_counts = {
	"providers.counts",
	"SELECT provider, COUNT(*) FROM clusters WHERE tenant_id = $1 "
	"GROUP BY provider",
	NULL,
};

/* Index of provider id in the table, or -1. */
static int
providers_find(const char *id)
{
	size_t i;

	if (id == NULL)
		return -1;
	for (i = 0; i < NPROVIDERS; i++)
		if (strcmp(providers[i].id, id) == 0)
			return (int)i;
	return -1;
}

bool
providers_valid(const char *id)
{
	return providers_find(id) >= 0;
}

const char *
providers_name(const char *id)
{
	int i = providers_find(id);

	return i >= 0 ? providers[i].name : NULL;
}

enum cm_status
providers_list(struct hub *hub, const struct principal *p, cJSON **out,
    struct cm_err *err)
{
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	int64_t counts[NPROVIDERS] = { 0 };
	cJSON *items, *o;
	enum cm_status st;
	size_t i;
	int rc, k;

	*out = NULL;
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK)
		return st;
	st = store_query(tx, &q_counts, STORE_ARGS(STORE_TEXT(p->tenant_id)),
	    &rows, err);
	if (st != CM_OK)
		goto out;
	while ((rc = store_rows_next(rows, err)) == 1)
		if ((k = providers_find(store_rows_text(rows, 0))) >= 0)
			counts[k] = store_rows_int(rows, 1);
	if (rc < 0) {
		st = err->status;
		goto out;
	}
	items = cJSON_CreateArray();
	for (i = 0; i < NPROVIDERS; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", providers[i].id);
		cJSON_AddStringToObject(o, "name", providers[i].name);
		cJSON_AddNumberToObject(o, "cluster_count", (double)counts[i]);
		cJSON_AddItemToArray(items, o);
	}
	*out = api_list(items, NULL);
out:
	store_rows_close(rows);
	store_tx_rollback(tx);
	return st;
}

void
providers_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	struct cm_err err;
	cJSON *out = NULL;
	enum cm_status st;

	cm_err_clear(&err);
	st = providers_list(hub, req->principal, &out, &err);
	api_reply(resp, st, 200, out, &err);
}

void
providers_clusters_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *id = http_req_param(req, 0);
	int i = providers_find(id);

	if (i < 0) {
		http_resp_fail(resp, CM_NOT_FOUND, "id",
		    "no such provider; known: on_prem, aws, gcp, azure");
		return;
	}
	clusters_list_reply(hub, req, resp, providers[i].id);
}
