/*
 * clusters.c - the cluster registry service: list and read, register,
 * update and de-register.  See clusters.h.
 *
 * Every query names the caller's tenant, so another tenant's cluster is
 * simply not found.  Each change writes its cluster events and its audit
 * row in the same transaction, and nothing is written when any step
 * fails.  Credentials are sealed before the transaction opens, bound to
 * the cluster id, and never leave this file again: responses carry only
 * has_credentials, and events and audit rows carry field names only.
 *
 * Not here: checking and parsing requests and the ETags (input.c), the
 * HTTP handlers (clusters_http.c), the history read (history.c), the
 * provider catalogue (providers.c), and anything that talks to a cluster.
 */
#include "config.h"

#include "hub/clusters/clusters.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/json.h"
#include "backend/timeutil.h"
#include "backend/uuid.h"
#include "backend/xalloc.h"
#include "hub/api/api.h"
#include "hub/audit/audit.h"
#include "hub/auth/seal.h"
#include "hub/core/hub.h"
#include "hub/store/store.h"

/* The columns of a cluster object, in the order clusters_row_json reads. */
#define CLUSTER_COLUMNS \
	"c.id, c.tenant_id, c.name, c.provider, c.region, c.status, " \
	"c.api_endpoint, c.kubernetes_version, c.labels, " \
	"CASE WHEN EXISTS (SELECT 1 FROM cluster_credentials cc " \
	"WHERE cc.cluster_id = c.id) THEN 1 ELSE 0 END, " \
	"c.last_seen_at, c.created_at, c.updated_at, c.prometheus_targets "

static const struct store_query q_list = {
	"clusters.list",
	"SELECT " CLUSTER_COLUMNS "FROM clusters c WHERE c.tenant_id = $1 "
	"AND ($2 IS NULL OR c.status = $2) "
	"AND ($3 IS NULL OR c.provider = $3) "
	"AND ($4 IS NULL OR c.region = $4) "
	"AND ($5 IS NULL OR instr(c.name, lower($5)) > 0) "
	"AND ($6 IS NULL OR c.name > $6) "
	"ORDER BY c.name LIMIT $7",
	"SELECT " CLUSTER_COLUMNS "FROM clusters c WHERE c.tenant_id = $1 "
	"AND ($2 IS NULL OR c.status = $2) "
	"AND ($3 IS NULL OR c.provider = $3) "
	"AND ($4 IS NULL OR c.region = $4) "
	"AND ($5 IS NULL OR strpos(c.name, lower($5)) > 0) "
	"AND ($6 IS NULL OR c.name > $6) "
	"ORDER BY c.name LIMIT $7",
};

static const struct store_query q_get = {
	"clusters.get",
	"SELECT " CLUSTER_COLUMNS "FROM clusters c "
	"WHERE c.id = $1 AND c.tenant_id = $2",
	NULL,
};

static const struct store_query q_current = {
	"clusters.current",
	"SELECT name, status, region, api_endpoint, kubernetes_version, "
	"labels, provider FROM clusters WHERE id = $1 AND tenant_id = $2",
	NULL,
};

static const struct store_query q_insert = {
	"clusters.insert",
	"INSERT INTO clusters (id, tenant_id, name, provider, region, status, "
	"api_endpoint, kubernetes_version, labels, created_at, updated_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
	NULL,
};

static const struct store_query q_update = {
	"clusters.update",
	"UPDATE clusters SET name = $3, region = $4, api_endpoint = $5, "
	"kubernetes_version = $6, labels = $7, status = $8, updated_at = $9 "
	"WHERE id = $1 AND tenant_id = $2",
	NULL,
};

static const struct store_query q_targets = {
	"clusters.targets",
	"UPDATE clusters SET prometheus_targets = $3 "
	"WHERE id = $1 AND tenant_id = $2",
	NULL,
};

static const struct store_query q_delete = {
	"clusters.delete",
	"DELETE FROM clusters WHERE id = $1 AND tenant_id = $2",
	NULL,
};

/* A deployment in flight holds its cluster; finished ones go with it. */
static const struct store_query q_in_flight = {
	"clusters.deployment_in_flight",
	"SELECT id FROM application_deployments WHERE cluster_id = $1 "
	"AND tenant_id = $2 AND status IN ('pending', 'deploying', "
	"'rolling_back') LIMIT 1",
	NULL,
};

static const struct store_query q_deployments_delete = {
	"clusters.deployments_delete",
	"DELETE FROM application_deployments WHERE cluster_id = $1 "
	"AND tenant_id = $2",
	NULL,
};

static const struct store_query q_cred_upsert = {
	"clusters.cred_upsert",
	"INSERT INTO cluster_credentials (cluster_id, tenant_id, kind, sealed, "
	"created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) "
	"ON CONFLICT (cluster_id) DO UPDATE SET kind = excluded.kind, "
	"sealed = excluded.sealed, updated_at = excluded.updated_at",
	NULL,
};

static const struct store_query q_cred_delete = {
	"clusters.cred_delete",
	"DELETE FROM cluster_credentials WHERE cluster_id = $1 "
	"AND tenant_id = $2",
	NULL,
};

static const struct store_query q_event_insert = {
	"clusters.event_insert",
	"INSERT INTO cluster_events (id, cluster_id, tenant_id, event_type, "
	"description, actor_user_id, details, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
	NULL,
};

/* ---- reads ----------------------------------------------------------- */

/* The cluster object of the current row of q_list / q_get. */
static cJSON *
clusters_row_json(struct store_rows *r)
{
	cJSON *o = cJSON_CreateObject(), *labels = NULL;
	const char *text = store_rows_text(r, 8);

	cJSON_AddStringToObject(o, "id", store_rows_text(r, 0));
	cJSON_AddStringToObject(o, "tenant_id", store_rows_text(r, 1));
	cJSON_AddStringToObject(o, "name", store_rows_text(r, 2));
	cJSON_AddStringToObject(o, "provider", store_rows_text(r, 3));
	json_add_string_or_null(o, "region", store_rows_text(r, 4));
	cJSON_AddStringToObject(o, "status", store_rows_text(r, 5));
	cJSON_AddStringToObject(o, "api_endpoint", store_rows_text(r, 6));
	json_add_string_or_null(o, "kubernetes_version",
	    store_rows_text(r, 7));
	if (text != NULL)
		labels = cJSON_Parse(text);
	if (!cJSON_IsObject(labels)) {
		cJSON_Delete(labels);
		labels = cJSON_CreateObject();
	}
	cJSON_AddItemToObject(o, "labels", labels);
	cJSON_AddBoolToObject(o, "has_credentials", store_rows_int(r, 9) != 0);
	json_add_time(o, "last_seen_at", store_rows_is_null(r, 10) ? -1 :
	    store_rows_int(r, 10));
	json_add_time(o, "created_at", store_rows_int(r, 11));
	json_add_time(o, "updated_at", store_rows_int(r, 12));
	text = store_rows_text(r, 13);
	labels = text != NULL ? cJSON_Parse(text) : NULL;
	if (!cJSON_IsArray(labels)) {
		cJSON_Delete(labels);
		labels = cJSON_CreateArray();
	}
	cJSON_AddItemToObject(o, "prometheus_targets", labels);
	return o;
}

/* Read cluster id of the tenant inside tx into *out (CM_NOT_FOUND). */
static enum cm_status
clusters_fetch(struct store_tx *tx, const char *tenant, const char *id,
    cJSON **out, struct cm_err *err)
{
	return api_fetch_one(tx, &q_get, id, tenant, clusters_row_json,
	    "cluster", out, err);
}

enum cm_status
clusters_list(struct hub *hub, const struct principal *p,
    const struct cluster_filter *f, const struct api_page *page,
    cJSON **out, struct cm_err *err)
{
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	enum cm_status st;

	*out = NULL;
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK)
		return st;
	st = store_query(tx, &q_list, STORE_ARGS(STORE_TEXT(p->tenant_id),
	    STORE_TEXT(f->status), STORE_TEXT(f->provider),
	    STORE_TEXT(f->region), STORE_TEXT(f->q),
	    STORE_TEXT(page->after), STORE_INT(page->limit + 1)), &rows, err);
	if (st != CM_OK)
		goto out;
	st = api_page_rows(rows, page, clusters_row_json, 2, out, err);
out:
	store_rows_close(rows);
	store_tx_rollback(tx);
	return st;
}

enum cm_status
clusters_get(struct hub *hub, const struct principal *p, const char *id,
    cJSON **out, struct cm_err *err)
{
	struct store_tx *tx = NULL;
	enum cm_status st;

	*out = NULL;
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK)
		return st;
	st = clusters_fetch(tx, p->tenant_id, id, out, err);
	store_tx_rollback(tx);
	return st;
}

/* ---- changes --------------------------------------------------------- */

/* Append a cluster event inside tx; details (may be NULL) is borrowed. */
static enum cm_status
clusters_event(struct store_tx *tx, const struct principal *p,
    const char *cluster_id, const char *type, const char *description,
    const cJSON *details, struct cm_err *err)
{
	char id[UUID_STR_LEN + 1];
	char *text = details != NULL ? json_print(details) : NULL;
	enum cm_status st;

	uuid_v7(id);
	st = store_exec(tx, &q_event_insert, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(cluster_id), STORE_TEXT(p->tenant_id),
	    STORE_TEXT(type), STORE_TEXT(description),
	    STORE_TEXT(p->user_id), STORE_TEXT(text),
	    STORE_INT(time_now_ms())), NULL, err);
	free(text);
	return st;
}

/* Append the audit row of a successful change inside tx. */
static enum cm_status
clusters_audit(struct store_tx *tx, const struct principal *p,
    const struct audit_entry *origin, const char *action,
    const char *cluster_id, const cJSON *details, struct cm_err *err)
{
	return audit_write_as(tx, p, origin, action, "cluster", cluster_id,
	    details, err);
}

/* Store (or, when in has none, remove) the sealed credentials of id. */
static enum cm_status
clusters_store_credentials(struct store_tx *tx, const char *tenant,
    const char *id, const char *kind, const char *sealed, int64_t now,
    struct cm_err *err)
{
	if (sealed == NULL)
		return store_exec(tx, &q_cred_delete, STORE_ARGS(STORE_TEXT(id),
		    STORE_TEXT(tenant)), NULL, err);
	return store_exec(tx, &q_cred_upsert, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(tenant), STORE_TEXT(kind), STORE_TEXT(sealed),
	    STORE_INT(now)), NULL, err);
}

/* Seal the credentials of in for cluster id (the aad), or NULL. */
static char *
clusters_seal(struct hub *hub, const struct cluster_input *in, const char *id)
{
	if (in->cred_json == NULL)
		return NULL;
	return seal_encrypt(hub->seal_key,
	    (const unsigned char *)in->cred_json, strlen(in->cred_json), id);
}

/* A UNIQUE failure on the cluster row means the name is taken. */
static enum cm_status
clusters_name_conflict(enum cm_status st, const char *name,
    struct cm_err *err)
{
	if (st != CM_CONFLICT)
		return st;
	return cm_err_set(err, CM_CONFLICT, "name",
	    "a cluster named \"%s\" already exists", name);
}

enum cm_status
clusters_register(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const struct cluster_input *in,
    cJSON **out, struct cm_err *err)
{
	char id[UUID_STR_LEN + 1];
	char *sealed = NULL, *desc;
	int64_t now = time_now_ms();
	struct store_tx *tx = NULL;
	cJSON *details = cJSON_CreateObject(), *result = NULL;
	enum cm_status st;

	*out = NULL;
	uuid_v7(id);
	sealed = clusters_seal(hub, in, id);
	if ((st = store_tx_begin(hub->store, STORE_WRITE, &tx, err)) != CM_OK)
		goto out;
	st = store_exec(tx, &q_insert, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(p->tenant_id), STORE_TEXT(in->name),
	    STORE_TEXT(in->provider), STORE_TEXT(in->region),
	    STORE_TEXT(in->status != NULL ? in->status : "offline"),
	    STORE_TEXT(in->api_endpoint), STORE_TEXT(in->kubernetes_version),
	    STORE_TEXT(in->labels), STORE_INT(now)), NULL, err);
	if ((st = clusters_name_conflict(st, in->name, err)) != CM_OK)
		goto out;
	if (in->prometheus_targets != NULL && (st = store_exec(tx,
	    &q_targets, STORE_ARGS(STORE_TEXT(id), STORE_TEXT(p->tenant_id),
	    STORE_TEXT(in->prometheus_targets)), NULL, err)) != CM_OK)
		goto out;
	if (sealed != NULL && (st = clusters_store_credentials(tx,
	    p->tenant_id, id, in->cred_kind, sealed, now, err)) != CM_OK)
		goto out;
	cJSON_AddStringToObject(details, "provider", in->provider);
	desc = xasprintf("registered %s on %s", in->name, in->provider);
	st = clusters_event(tx, p, id, "registered", desc, details, err);
	free(desc);
	if (st != CM_OK)
		goto out;
	cJSON_AddStringToObject(details, "name", in->name);
	cJSON_AddBoolToObject(details, "has_credentials", sealed != NULL);
	if ((st = clusters_audit(tx, p, origin, "clusters.create", id,
	    details, err)) != CM_OK ||
	    (st = clusters_fetch(tx, p->tenant_id, id, &result, err)) !=
	    CM_OK)
		goto out;
	st = store_tx_commit(tx, err);
	tx = NULL;
	if (st == CM_OK) {
		*out = result;
		result = NULL;
	}
out:
	store_tx_rollback(tx);
	cJSON_Delete(result);
	cJSON_Delete(details);
	free(sealed);
	return st;
}

/* The row of a cluster as update needs it, copied out of the cursor. */
struct cluster_current {
	char *name;
	char *status;
	char *region;
	char *api_endpoint;
	char *kubernetes_version;
	char *labels;
	char *provider;
};

static char *
clusters_dup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
clusters_current_done(struct cluster_current *c)
{
	free(c->name);
	free(c->status);
	free(c->region);
	free(c->api_endpoint);
	free(c->kubernetes_version);
	free(c->labels);
	free(c->provider);
	memset(c, 0, sizeof *c);
}

/* Read the current row of cluster id of the tenant (CM_NOT_FOUND). */
static enum cm_status
clusters_current(struct store_tx *tx, const char *tenant, const char *id,
    struct cluster_current *c, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	enum cm_status st;
	int rc;

	memset(c, 0, sizeof *c);
	st = store_query(tx, &q_current, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(tenant)), &rows, err);
	if (st != CM_OK)
		return st;
	rc = store_rows_next(rows, err);
	if (rc == 1) {
		c->name = clusters_dup(store_rows_text(rows, 0));
		c->status = clusters_dup(store_rows_text(rows, 1));
		c->region = clusters_dup(store_rows_text(rows, 2));
		c->api_endpoint = clusters_dup(store_rows_text(rows, 3));
		c->kubernetes_version = clusters_dup(store_rows_text(rows, 4));
		c->labels = clusters_dup(store_rows_text(rows, 5));
		c->provider = clusters_dup(store_rows_text(rows, 6));
	}
	store_rows_close(rows);
	if (rc < 0)
		return err->status;
	if (rc == 0)
		return cm_err_set(err, CM_NOT_FOUND, "id", "no such cluster");
	return CM_OK;
}

/* The names of the fields in->set names, in a fixed order. */
static cJSON *
clusters_field_names(unsigned set)
{
	static const struct {
		unsigned bit;
		const char *name;
	} fields[] = {
		{ CLUSTER_F_NAME, "name" },
		{ CLUSTER_F_REGION, "region" },
		{ CLUSTER_F_ENDPOINT, "api_endpoint" },
		{ CLUSTER_F_VERSION, "kubernetes_version" },
		{ CLUSTER_F_LABELS, "labels" },
		{ CLUSTER_F_STATUS, "status" },
		{ CLUSTER_F_CREDENTIALS, "credentials" },
		{ CLUSTER_F_PROMETHEUS, "prometheus_targets" },
	};
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (set & fields[i].bit)
			cJSON_AddItemToArray(a,
			    cJSON_CreateString(fields[i].name));
	return a;
}

/* Write the "updated" and, if the status moved, "status_changed" events. */
static enum cm_status
clusters_update_events(struct store_tx *tx, const struct principal *p,
    const char *id, const struct cluster_input *in,
    const struct cluster_current *cur, struct cm_err *err)
{
	cJSON *d = cJSON_CreateObject();
	cJSON *fields = clusters_field_names(in->set), *f;
	char desc[160];
	size_t used;
	int n = 0;
	enum cm_status st;

	/* "updated region, labels, status" */
	used = (size_t)snprintf(desc, sizeof desc, "updated");
	cJSON_ArrayForEach(f, fields)
		if (used < sizeof desc)
			used += (size_t)snprintf(desc + used,
			    sizeof desc - used, "%s %s", n++ > 0 ? "," : "",
			    f->valuestring);
	cJSON_AddItemToObject(d, "fields", fields);
	st = clusters_event(tx, p, id, "updated", desc, d, err);
	cJSON_Delete(d);
	if (st != CM_OK || !(in->set & CLUSTER_F_STATUS) ||
	    strcmp(in->status, cur->status) == 0)
		return st;
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "from", cur->status);
	cJSON_AddStringToObject(d, "to", in->status);
	snprintf(desc, sizeof desc, "status changed from %s to %s",
	    cur->status, in->status);
	st = clusters_event(tx, p, id, "status_changed", desc, d, err);
	cJSON_Delete(d);
	return st;
}

enum cm_status
clusters_update(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const char *id,
    const struct cluster_input *in, cJSON **out, struct cm_err *err)
{
	struct cluster_current cur;
	struct store_tx *tx = NULL;
	char *sealed = NULL;
	int64_t now = time_now_ms();
	cJSON *details = NULL, *result = NULL;
	const char *name, *status, *region, *endpoint, *version, *labels;
	enum cm_status st;

	*out = NULL;
	memset(&cur, 0, sizeof cur);
	sealed = clusters_seal(hub, in, id);
	if ((st = store_tx_begin(hub->store, STORE_WRITE, &tx, err)) != CM_OK ||
	    (st = clusters_current(tx, p->tenant_id, id, &cur, err)) != CM_OK)
		goto out;
	name = in->set & CLUSTER_F_NAME ? in->name : cur.name;
	status = in->set & CLUSTER_F_STATUS ? in->status : cur.status;
	region = in->set & CLUSTER_F_REGION ? in->region : cur.region;
	endpoint = in->set & CLUSTER_F_ENDPOINT ? in->api_endpoint :
	    cur.api_endpoint;
	version = in->set & CLUSTER_F_VERSION ? in->kubernetes_version :
	    cur.kubernetes_version;
	labels = in->set & CLUSTER_F_LABELS ? in->labels : cur.labels;
	st = store_exec(tx, &q_update, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(p->tenant_id), STORE_TEXT(name), STORE_TEXT(region),
	    STORE_TEXT(endpoint), STORE_TEXT(version), STORE_TEXT(labels),
	    STORE_TEXT(status), STORE_INT(now)), NULL, err);
	if ((st = clusters_name_conflict(st, name, err)) != CM_OK)
		goto out;
	if ((in->set & CLUSTER_F_PROMETHEUS) && (st = store_exec(tx,
	    &q_targets, STORE_ARGS(STORE_TEXT(id), STORE_TEXT(p->tenant_id),
	    STORE_TEXT(in->prometheus_targets)), NULL, err)) != CM_OK)
		goto out;
	if ((in->set & CLUSTER_F_CREDENTIALS) &&
	    (st = clusters_store_credentials(tx, p->tenant_id, id,
	    in->cred_kind, sealed, now, err)) != CM_OK)
		goto out;
	if ((st = clusters_update_events(tx, p, id, in, &cur, err)) != CM_OK)
		goto out;
	details = cJSON_CreateObject();
	cJSON_AddStringToObject(details, "name", name);
	cJSON_AddItemToObject(details, "fields",
	    clusters_field_names(in->set));
	if ((st = clusters_audit(tx, p, origin, "clusters.update", id,
	    details, err)) != CM_OK ||
	    (st = clusters_fetch(tx, p->tenant_id, id, &result, err)) !=
	    CM_OK)
		goto out;
	st = store_tx_commit(tx, err);
	tx = NULL;
	if (st == CM_OK) {
		*out = result;
		result = NULL;
	}
out:
	store_tx_rollback(tx);
	clusters_current_done(&cur);
	cJSON_Delete(result);
	cJSON_Delete(details);
	free(sealed);
	return st;
}

/* CM_CONFLICT naming the deployment when one is in flight on cluster id. */
static enum cm_status
clusters_no_rollout(struct store_tx *tx, const char *tenant, const char *id,
    const char *name, struct cm_err *err)
{
	struct store_rows *rows;
	enum cm_status st;
	int r;

	if ((st = store_query(tx, &q_in_flight, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(tenant)), &rows, err)) != CM_OK)
		return st;
	r = store_rows_next(rows, err);
	if (r > 0)
		st = cm_err_set(err, CM_CONFLICT, "id", "cluster \"%s\" has "
		    "deployment %s in flight; wait for it to finish", name,
		    store_rows_text(rows, 0));
	else if (r < 0)
		st = err->status;
	store_rows_close(rows);
	return st;
}

enum cm_status
clusters_delete(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const char *id, struct cm_err *err)
{
	struct cluster_current cur;
	struct store_tx *tx = NULL;
	cJSON *details = NULL;
	char *desc;
	enum cm_status st;

	memset(&cur, 0, sizeof cur);
	if ((st = store_tx_begin(hub->store, STORE_WRITE, &tx, err)) != CM_OK ||
	    (st = clusters_current(tx, p->tenant_id, id, &cur, err)) != CM_OK)
		goto out;
	details = cJSON_CreateObject();
	cJSON_AddStringToObject(details, "name", cur.name);
	cJSON_AddStringToObject(details, "provider", cur.provider);
	desc = xasprintf("de-registered %s", cur.name);
	st = clusters_event(tx, p, id, "deregistered", desc, details, err);
	free(desc);
	if (st != CM_OK)
		goto out;
	if ((st = clusters_no_rollout(tx, p->tenant_id, id, cur.name,
	    err)) != CM_OK ||
	    (st = store_exec(tx, &q_deployments_delete,
	    STORE_ARGS(STORE_TEXT(id), STORE_TEXT(p->tenant_id)), NULL,
	    err)) != CM_OK ||
	    (st = store_exec(tx, &q_delete, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(p->tenant_id)), NULL, err)) != CM_OK ||
	    (st = clusters_audit(tx, p, origin, "clusters.delete", id,
	    details, err)) != CM_OK)
		goto out;
	st = store_tx_commit(tx, err);
	tx = NULL;
out:
	store_tx_rollback(tx);
	clusters_current_done(&cur);
	cJSON_Delete(details);
	return st;
}
