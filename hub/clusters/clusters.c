/*
 * clusters.c - the cluster registry: validation, list and read (with
 * ETags), register, update and de-register.  See clusters.h.
 *
 * Every query names the caller's tenant, so another tenant's cluster is
 * simply not found.  Each change writes its cluster events and its audit
 * row in the same transaction, and nothing is written when any step
 * fails.  Credentials are sealed before the transaction opens, bound to
 * the cluster id, and never leave this file again: responses carry only
 * has_credentials, and events and audit rows carry field names only.
 *
 * Not here: the history read (history.c), the provider catalogue
 * (providers.c), and anything that talks to a cluster.
 */
#include "config.h"

#include "hub/clusters/clusters.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "backend/json.h"
#include "backend/timeutil.h"
#include "backend/uuid.h"
#include "backend/xalloc.h"
#include "hub/api/api.h"
#include "hub/audit/audit.h"
#include "hub/auth/seal.h"
#include "hub/core/hub.h"
#include "hub/http/http.h"
#include "hub/store/store.h"

#define CRED_TOKEN_MAX 16384
#define CRED_PEM_MAX 65536
#define CRED_KUBECONFIG_MAX 262144

static const char *const cluster_provider_ids[] = {
#define PROVIDER_ID(id, wire, name) wire,
	CLUSTER_PROVIDER_INFO(PROVIDER_ID)
#undef PROVIDER_ID
	NULL,
};

static const char *const cluster_statuses[] = {
#define STATUS_NAME(id, wire) wire,
	CLUSTER_STATUS_INFO(STATUS_NAME)
#undef STATUS_NAME
	NULL,
};

static const char *const cred_kinds[] = {
	"token", "client_cert", "kubeconfig", NULL,
};

/* The columns of a cluster object, in the order clusters_row_json reads. */
#define CLUSTER_COLUMNS \
	"c.id, c.tenant_id, c.name, c.provider, c.region, c.status, " \
	"c.api_endpoint, c.kubernetes_version, c.labels, " \
	"CASE WHEN EXISTS (SELECT 1 FROM cluster_credentials cc " \
	"WHERE cc.cluster_id = c.id) THEN 1 ELSE 0 END, " \
	"c.last_seen_at, c.created_at, c.updated_at "

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

static const struct store_query q_delete = {
	"clusters.delete",
	"DELETE FROM clusters WHERE id = $1 AND tenant_id = $2",
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

/* ---- validation ------------------------------------------------------ */

enum cm_status
clusters_check_name(const char *name, struct cm_err *err)
{
	size_t len = strlen(name), i;
	char c;

	if (len == 0 || len > CLUSTER_NAME_MAX)
		return cm_err_set(err, CM_VALIDATION, "name",
		    "name must be 1 to %d characters", CLUSTER_NAME_MAX);
	for (i = 0; i < len; i++) {
		c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-'))
			return cm_err_set(err, CM_VALIDATION, "name",
			    "name may contain only lowercase letters, digits "
			    "and '-'");
	}
	if (name[0] == '-' || name[len - 1] == '-')
		return cm_err_set(err, CM_VALIDATION, "name",
		    "name must start and end with a letter or digit");
	return CM_OK;
}

enum cm_status
clusters_check_endpoint(const char *url, struct cm_err *err)
{
	const char *auth, *end, *host_end, *port;
	size_t len = strlen(url), i;
	long v = 0;

	if (len > CLUSTER_ENDPOINT_MAX)
		return cm_err_set(err, CM_VALIDATION, "api_endpoint",
		    "api_endpoint must be at most %d bytes",
		    CLUSTER_ENDPOINT_MAX);
	for (i = 0; i < len; i++)
		if ((unsigned char)url[i] <= 0x20 ||
		    (unsigned char)url[i] == 0x7f)
			return cm_err_set(err, CM_VALIDATION, "api_endpoint",
			    "api_endpoint must not contain spaces or control "
			    "characters");
	if (strncasecmp(url, "https://", 8) == 0)
		auth = url + 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		auth = url + 7;
	else
		return cm_err_set(err, CM_VALIDATION, "api_endpoint",
		    "api_endpoint must start with https:// or http://");
	end = auth + strcspn(auth, "/?#");
	if (memchr(auth, '@', (size_t)(end - auth)) != NULL)
		return cm_err_set(err, CM_VALIDATION, "api_endpoint",
		    "api_endpoint must not carry user info (credentials "
		    "go in \"credentials\")");
	if (*auth == '[') {
		host_end = memchr(auth, ']', (size_t)(end - auth));
		if (host_end == NULL || host_end == auth + 1)
			return cm_err_set(err, CM_VALIDATION, "api_endpoint",
			    "api_endpoint has a malformed IPv6 host");
		host_end++;
	} else {
		host_end = auth + strcspn(auth, ":/?#");
		if (host_end == auth)
			return cm_err_set(err, CM_VALIDATION, "api_endpoint",
			    "api_endpoint must have a host");
	}
	if (host_end == end)
		return CM_OK;
	if (*host_end != ':' || host_end + 1 == end || end - host_end > 6)
		goto bad_port;
	for (port = host_end + 1; port < end; port++) {
		if (*port < '0' || *port > '9')
			goto bad_port;
		v = v * 10 + (*port - '0');
	}
	if (v >= 1 && v <= 65535)
		return CM_OK;
bad_port:
	return cm_err_set(err, CM_VALIDATION, "api_endpoint",
	    "api_endpoint has a bad port (1 to 65535)");
}

enum cm_status
clusters_check_labels(const cJSON *labels, struct cm_err *err)
{
	const cJSON *item;
	size_t klen;
	int n = 0;

	if (!cJSON_IsObject(labels))
		return cm_err_set(err, CM_VALIDATION, "labels",
		    "labels must be an object of string values");
	for (item = labels->child; item != NULL; item = item->next) {
		if (++n > CLUSTER_LABELS_MAX)
			return cm_err_set(err, CM_VALIDATION, "labels",
			    "labels may have at most %d entries",
			    CLUSTER_LABELS_MAX);
		klen = strlen(item->string);
		if (klen == 0 || klen > CLUSTER_LABEL_KEY_MAX)
			return cm_err_set(err, CM_VALIDATION, "labels",
			    "label key \"%.63s\" must be 1 to %d bytes",
			    item->string, CLUSTER_LABEL_KEY_MAX);
		if (!cJSON_IsString(item) || item->valuestring == NULL)
			return cm_err_set(err, CM_VALIDATION, "labels",
			    "label \"%.63s\" must have a string value",
			    item->string);
		if (strlen(item->valuestring) > CLUSTER_LABEL_VALUE_MAX)
			return cm_err_set(err, CM_VALIDATION, "labels",
			    "label \"%.63s\" must be at most %d bytes",
			    item->string, CLUSTER_LABEL_VALUE_MAX);
	}
	return CM_OK;
}

/* Prefix err's field with "credentials." and pass its status on. */
static enum cm_status
clusters_cred_field(struct cm_err *err)
{
	char field[CM_ERR_FIELD_MAX];

	snprintf(field, sizeof field, "credentials.%.48s", err->field);
	snprintf(err->field, sizeof err->field, "%s", field);
	return err->status;
}

enum cm_status
clusters_check_credentials(const cJSON *cred, const char **kind,
    struct cm_err *err)
{
	static const char *const token_keys[] = { "kind", "token", NULL };
	static const char *const cert_keys[] = { "kind", "cert", "key",
	    NULL };
	static const char *const kube_keys[] = { "kind", "kubeconfig", NULL };
	const char *s;
	int k;

	*kind = NULL;
	if (!cJSON_IsObject(cred))
		return cm_err_set(err, CM_VALIDATION, "credentials",
		    "credentials must be an object with a \"kind\"");
	if (json_get_enum(cred, "kind", true, cred_kinds, &k, err) != CM_OK)
		return clusters_cred_field(err);
	switch (k) {
	case 0:
		if (json_check_keys(cred, token_keys, err) != CM_OK ||
		    json_get_string(cred, "token", true, CRED_TOKEN_MAX, &s,
		    err) != CM_OK)
			return clusters_cred_field(err);
		break;
	case 1:
		if (json_check_keys(cred, cert_keys, err) != CM_OK ||
		    json_get_string(cred, "cert", true, CRED_PEM_MAX, &s,
		    err) != CM_OK ||
		    json_get_string(cred, "key", true, CRED_PEM_MAX, &s,
		    err) != CM_OK)
			return clusters_cred_field(err);
		break;
	default:
		if (json_check_keys(cred, kube_keys, err) != CM_OK ||
		    json_get_string(cred, "kubeconfig", true,
		    CRED_KUBECONFIG_MAX, &s, err) != CM_OK)
			return clusters_cred_field(err);
		break;
	}
	*kind = cred_kinds[k];
	return CM_OK;
}

/* An optional free-text field: null or "" clears it. */
static enum cm_status
clusters_parse_text(const cJSON *body, const char *key, size_t max,
    unsigned bit, const char **out, unsigned *set, struct cm_err *err)
{
	if (cJSON_GetObjectItemCaseSensitive(body, key) == NULL)
		return CM_OK;
	if (json_get_string(body, key, false, max, out, err) != CM_OK)
		return err->status;
	if (*out != NULL && **out == '\0')
		*out = NULL;
	*set |= bit;
	return CM_OK;
}

enum cm_status
clusters_parse_input(const cJSON *body, bool create, struct cluster_input *in,
    struct cm_err *err)
{
	static const char *const create_keys[] = { "name", "provider",
	    "api_endpoint", "region", "kubernetes_version", "labels",
	    "status", "credentials", NULL };
	static const char *const update_keys[] = { "name", "api_endpoint",
	    "region", "kubernetes_version", "labels", "status",
	    "credentials", NULL };
	const cJSON *item;
	int idx;

	memset(in, 0, sizeof *in);
	if (!create && cJSON_GetObjectItemCaseSensitive(body, "provider"))
		return cm_err_set(err, CM_VALIDATION, "provider",
		    "provider cannot be changed; de-register the cluster and "
		    "register it again");
	if (json_check_keys(body, create ? create_keys : update_keys, err) !=
	    CM_OK)
		goto fail;
	if (create || cJSON_GetObjectItemCaseSensitive(body, "name")) {
		if (json_get_string(body, "name", true, CLUSTER_NAME_MAX,
		    &in->name, err) != CM_OK ||
		    clusters_check_name(in->name, err) != CM_OK)
			goto fail;
		in->set |= CLUSTER_F_NAME;
	}
	if (create) {
		if (json_get_enum(body, "provider", true, cluster_provider_ids,
		    &idx, err) != CM_OK)
			goto fail;
		in->provider = cluster_provider_ids[idx];
		in->set |= CLUSTER_F_PROVIDER;
	}
	if (create || cJSON_GetObjectItemCaseSensitive(body, "api_endpoint")) {
		if (json_get_string(body, "api_endpoint", true,
		    CLUSTER_ENDPOINT_MAX, &in->api_endpoint, err) != CM_OK ||
		    clusters_check_endpoint(in->api_endpoint, err) != CM_OK)
			goto fail;
		in->set |= CLUSTER_F_ENDPOINT;
	}
	if (clusters_parse_text(body, "region", CLUSTER_REGION_MAX,
	    CLUSTER_F_REGION, &in->region, &in->set, err) != CM_OK ||
	    clusters_parse_text(body, "kubernetes_version",
	    CLUSTER_VERSION_MAX, CLUSTER_F_VERSION, &in->kubernetes_version,
	    &in->set, err) != CM_OK)
		goto fail;
	if ((item = cJSON_GetObjectItemCaseSensitive(body, "labels"))) {
		if (!cJSON_IsNull(item)) {
			if (clusters_check_labels(item, err) != CM_OK)
				goto fail;
			in->labels = json_print(item);
		}
		in->set |= CLUSTER_F_LABELS;
	}
	if (cJSON_GetObjectItemCaseSensitive(body, "status")) {
		if (json_get_enum(body, "status", true, cluster_statuses, &idx,
		    err) != CM_OK)
			goto fail;
		in->status = cluster_statuses[idx];
		in->set |= CLUSTER_F_STATUS;
	}
	if ((item = cJSON_GetObjectItemCaseSensitive(body, "credentials"))) {
		if (!cJSON_IsNull(item)) {
			if (clusters_check_credentials(item, &in->cred_kind,
			    err) != CM_OK)
				goto fail;
			in->cred_json = json_print(item);
		}
		in->set |= CLUSTER_F_CREDENTIALS;
	}
	if (!create && in->set == 0) {
		cm_err_set(err, CM_VALIDATION, NULL,
		    "nothing to update: give at least one of name, "
		    "api_endpoint, region, kubernetes_version, labels, "
		    "status, credentials");
		goto fail;
	}
	return CM_OK;
fail:
	cluster_input_done(in);
	return err->status;
}

void
cluster_input_done(struct cluster_input *in)
{
	if (in->cred_json != NULL) {
		OPENSSL_cleanse(in->cred_json, strlen(in->cred_json));
		free(in->cred_json);
		in->cred_json = NULL;
	}
	free(in->labels);
	in->labels = NULL;
}

/* ---- ETag ------------------------------------------------------------ */

void
clusters_etag(const char *body, size_t len, char out[CLUSTER_ETAG_LEN])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int i;

	if (EVP_Digest(body, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen < 16)
		fatal("SHA-256 failed");
	out[0] = '"';
	for (i = 0; i < 16; i++) {
		out[1 + 2 * i] = hex[md[i] >> 4];
		out[2 + 2 * i] = hex[md[i] & 0x0f];
	}
	out[33] = '"';
	out[34] = '\0';
}

bool
clusters_etag_match(const char *if_none_match, const char *etag)
{
	size_t elen = strlen(etag);
	const char *s = if_none_match, *end;

	if (s == NULL)
		return false;
	while (*s != '\0') {
		s += strspn(s, " \t,");
		if (*s == '\0')
			break;
		if (strncmp(s, "W/", 2) == 0)
			s += 2;
		if (*s == '"') {
			end = strchr(s + 1, '"');
			if (end == NULL)
				return false;
			end++;
		} else {
			end = s + strcspn(s, " \t,");
		}
		if (end - s == 1 && *s == '*')
			return true;
		if ((size_t)(end - s) == elen && memcmp(s, etag, elen) == 0)
			return true;
		s = end + strcspn(end, ",");
	}
	return false;
}

/*
 * Answer 200 with json (taken) and its ETag, or 304 with the ETag and no
 * body when the request's If-None-Match already has it.
 */
static void
clusters_reply_etag(struct http_req *req, struct http_resp *resp,
    cJSON *json)
{
	char etag[CLUSTER_ETAG_LEN];
	char *text = json_print(json);
	size_t len = strlen(text);

	cJSON_Delete(json);
	clusters_etag(text, len, etag);
	if (clusters_etag_match(http_req_header(req, "If-None-Match"), etag))
		resp->status = 304;
	else
		http_resp_body(resp, 200, "application/json", text, len);
	http_resp_header(resp, "ETag", etag);
	free(text);
}

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
	return o;
}

/* Read cluster id of the tenant inside tx into *out (CM_NOT_FOUND). */
static enum cm_status
clusters_fetch(struct store_tx *tx, const char *tenant, const char *id,
    cJSON **out, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	enum cm_status st;
	int rc;

	*out = NULL;
	st = store_query(tx, &q_get, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(tenant)), &rows, err);
	if (st != CM_OK)
		return st;
	rc = store_rows_next(rows, err);
	if (rc == 1)
		*out = clusters_row_json(rows);
	store_rows_close(rows);
	if (rc < 0)
		return err->status;
	if (rc == 0)
		return cm_err_set(err, CM_NOT_FOUND, "id", "no such cluster");
	return CM_OK;
}

enum cm_status
clusters_list(struct hub *hub, const struct principal *p,
    const struct cluster_filter *f, const struct api_page *page,
    cJSON **out, struct cm_err *err)
{
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	cJSON *items = NULL;
	char last[CLUSTER_NAME_MAX + 1] = "";
	bool more = false;
	int64_t n = 0;
	enum cm_status st;
	int rc;

	*out = NULL;
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK)
		return st;
	st = store_query(tx, &q_list, STORE_ARGS(STORE_TEXT(p->tenant_id),
	    STORE_TEXT(f->status), STORE_TEXT(f->provider),
	    STORE_TEXT(f->region), STORE_TEXT(f->q),
	    STORE_TEXT(page->after), STORE_INT(page->limit + 1)), &rows, err);
	if (st != CM_OK)
		goto out;
	items = cJSON_CreateArray();
	while ((rc = store_rows_next(rows, err)) == 1) {
		if (n == page->limit) {
			more = true;
			break;
		}
		cJSON_AddItemToArray(items, clusters_row_json(rows));
		snprintf(last, sizeof last, "%s", store_rows_text(rows, 2));
		n++;
	}
	if (rc < 0) {
		st = err->status;
		goto out;
	}
	*out = api_list(items, more ? last : NULL);
	items = NULL;
out:
	cJSON_Delete(items);
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
	struct audit_entry e;

	memset(&e, 0, sizeof e);
	e.tenant_id = p->tenant_id;
	e.user_id = p->user_id;
	e.action = action;
	e.resource_type = "cluster";
	e.resource_id = cluster_id;
	e.success = true;
	e.details = details;
	if (origin != NULL) {
		e.ip = origin->ip;
		e.request_id = origin->request_id;
	}
	return audit_write(tx, &e, err);
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
	st = store_exec(tx, &q_delete, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(p->tenant_id)), NULL, err);
	if (st == CM_VALIDATION) {
		/* a row without ON DELETE CASCADE (a deployment) holds it */
		st = cm_err_set(err, CM_CONFLICT, "id",
		    "cluster \"%s\" still has deployments; remove them first",
		    cur.name);
	}
	if (st != CM_OK ||
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

/* ---- handlers -------------------------------------------------------- */

/* Read an optional enum query parameter; a bad value is 422 naming it. */
static enum cm_status
clusters_query_enum(struct http_req *req, const char *name,
    const char *const *values, const char **out, struct cm_err *err)
{
	const char *s = http_req_query(req, name);
	char list[128];
	size_t i, used = 0;

	*out = NULL;
	if (s == NULL)
		return CM_OK;
	list[0] = '\0';
	for (i = 0; values[i] != NULL; i++) {
		if (strcmp(values[i], s) == 0) {
			*out = values[i];
			return CM_OK;
		}
		if (used < sizeof list)
			used += (size_t)snprintf(list + used,
			    sizeof list - used, "%s%s", i > 0 ? ", " : "",
			    values[i]);
	}
	return cm_err_set(err, CM_VALIDATION, name, "%s must be one of: %s",
	    name, list);
}

void
clusters_list_reply(struct hub *hub, struct http_req *req,
    struct http_resp *resp, const char *provider)
{
	struct cluster_filter f;
	struct api_page page;
	struct cm_err err;
	cJSON *out = NULL;

	cm_err_clear(&err);
	memset(&f, 0, sizeof f);
	if (clusters_query_enum(req, "status", cluster_statuses, &f.status,
	    &err) != CM_OK)
		goto fail;
	if (provider != NULL)
		f.provider = provider;
	else if (clusters_query_enum(req, "provider", cluster_provider_ids,
	    &f.provider, &err) != CM_OK)
		goto fail;
	f.region = http_req_query(req, "region");
	f.q = http_req_query(req, "q");
	if (api_page_parse(hub, req, &page, &err) != CM_OK ||
	    clusters_list(hub, req->principal, &f, &page, &out, &err) !=
	    CM_OK)
		goto fail;
	clusters_reply_etag(req, resp, out);
	return;
fail:
	http_resp_error(resp, &err);
}

void
clusters_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	clusters_list_reply(hub, req, resp, NULL);
}

void
clusters_get_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *id = api_id_param(req, resp, 0);
	struct cm_err err;
	cJSON *out = NULL;

	if (id == NULL)
		return;
	cm_err_clear(&err);
	if (clusters_get(hub, req->principal, id, &out, &err) != CM_OK) {
		http_resp_error(resp, &err);
		return;
	}
	clusters_reply_etag(req, resp, out);
}

void
clusters_create_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	struct cluster_input in;
	struct audit_entry origin;
	struct cm_err err;
	cJSON *body, *out = NULL;
	const cJSON *id;
	char *location;
	enum cm_status st;

	cm_err_clear(&err);
	if ((body = api_body(req, resp)) == NULL)
		return;
	api_audit_init(&origin, req, "clusters.create", "cluster", NULL);
	st = clusters_parse_input(body, true, &in, &err);
	if (st == CM_OK) {
		st = clusters_register(hub, req->principal, &origin, &in, &out,
		    &err);
		cluster_input_done(&in);
	}
	cJSON_Delete(body);
	if (st == CM_OK) {
		id = cJSON_GetObjectItemCaseSensitive(out, "id");
		location = xasprintf("/api/v1/clusters/%s", id->valuestring);
		http_resp_header(resp, "Location", location);
		free(location);
	}
	api_reply(resp, st, 201, out, &err);
}

void
clusters_update_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *id = api_id_param(req, resp, 0);
	struct cluster_input in;
	struct audit_entry origin;
	struct cm_err err;
	cJSON *body, *out = NULL;
	enum cm_status st;

	if (id == NULL)
		return;
	cm_err_clear(&err);
	if ((body = api_body(req, resp)) == NULL)
		return;
	api_audit_init(&origin, req, "clusters.update", "cluster", id);
	st = clusters_parse_input(body, false, &in, &err);
	if (st == CM_OK) {
		st = clusters_update(hub, req->principal, &origin, id, &in,
		    &out, &err);
		cluster_input_done(&in);
	}
	cJSON_Delete(body);
	api_reply(resp, st, 200, out, &err);
}

void
clusters_delete_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *id = api_id_param(req, resp, 0);
	struct audit_entry origin;
	struct cm_err err;

	if (id == NULL)
		return;
	cm_err_clear(&err);
	api_audit_init(&origin, req, "clusters.delete", "cluster", id);
	if (clusters_delete(hub, req->principal, &origin, id, &err) != CM_OK) {
		http_resp_error(resp, &err);
		return;
	}
	resp->status = 204;
}
