/*
 * hubsource.c - the hub driver of source.h: source kinds to API paths,
 * lists read whole, ETag revalidation, alert and application actions.
 * See hubsource.h.
 */
#include "config.h"

#include "backend/hubsource.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/metricscope.h"
#include "backend/timeutil.h"
#include "backend/xalloc.h"

struct hubsource {
	struct source src;
	struct hubclient *hc;
};

static const char *const kind_paths[] = {
#define SOURCE_KIND_PATH(id, name, path) path,
	SOURCE_KIND_INFO(SOURCE_KIND_PATH)
#undef SOURCE_KIND_PATH
};

static const struct source_ops hubsource_ops;

/* Kinds answered as {"items":[...]} lists, read page after page. */
static bool
hubsource_is_list(enum source_kind kind)
{
	switch (kind) {
	case SOURCE_CLUSTERS:
	case SOURCE_CLUSTER_ALERTS:
	case SOURCE_CLUSTER_HISTORY:
	case SOURCE_ALERTS:
	case SOURCE_AUDIT:
	case SOURCE_USERS:
	case SOURCE_APPS:
	case SOURCE_APP_VERSIONS:
	case SOURCE_ROLLOUTS:
	case SOURCE_ROLLOUT_EVENTS:
	case SOURCE_SILENCES:
		return true;
	default:
		return false;
	}
}

/* An object id is used in a path: keep it to what ids look like. */
static bool
hubsource_scope_ok(const char *scope)
{
	const char *p;

	if (scope == NULL || scope[0] == '\0' || strlen(scope) > 63)
		return false;
	for (p = scope; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.'))
			return false;
	return true;
}

/* Every kind with a hub path; the Kubernetes kinds are direct mode's. */
static bool
hubsource_supports(struct source *src, enum source_kind kind)
{
	return (unsigned)kind < SOURCE_KIND_COUNT && kind_paths[kind] != NULL;
}

static enum cm_status
hubsource_fetch(struct source *src, enum source_kind kind, const char *scope,
    const struct snapshot *prev, struct snapshot **out, struct cm_err *err)
{
	struct hubsource *hs = src->priv;
	char etag[HUBCLIENT_ETAG_MAX] = "";
	char path[256];
	const char *fmt, *pe;
	cJSON *data = NULL;
	bool nm = false;
	enum cm_status st;

	*out = NULL;
	if (!hubsource_supports(src, kind))
		return cm_err_set(err, CM_BAD_REQUEST, NULL, "%s: not "
		    "available through a hub", (unsigned)kind <
		    SOURCE_KIND_COUNT ? source_kind_name(kind) : "unknown kind");
	fmt = kind_paths[kind];
	if (kind == SOURCE_METRICS) {
		/* The scope is the query (metricscope.h). */
		if (!metricscope_path(scope, path, sizeof path))
			return cm_err_set(err, CM_VALIDATION, "scope",
			    "not a metrics query: %s", scope);
	} else if (kind == SOURCE_FLEET) {
		snprintf(path, sizeof path, "%s?name=fleet&range=1h", fmt);
	} else if (strstr(fmt, "%s") != NULL) {
		if (!hubsource_scope_ok(scope))
			return cm_err_set(err, CM_VALIDATION, "scope",
			    "%s needs an object id", source_kind_name(kind));
		/* The format comes from our own table, one "%s" at most. */
		pe = strstr(fmt, "%s");
		snprintf(path, sizeof path, "%.*s%s%s", (int)(pe - fmt), fmt,
		    scope, pe + 2);
	} else {
		snprintf(path, sizeof path, "%s", fmt);
	}
	pe = prev != NULL && prev->etag[0] != '\0' ? prev->etag : NULL;
	if (hubsource_is_list(kind))
		st = hubclient_list_all(hs->hc, path, HUBSOURCE_LIST_MAX, pe,
		    &data, etag, &nm, err);
	else
		st = hubclient_get(hs->hc, path, pe, &data, etag, &nm, err);
	if (st != CM_OK || nm)
		return st;
	*out = snapshot_new(kind, scope, data, etag, time_now_ms());
	return CM_OK;
}

/*
 * Silence one alert: POST /silences {"alert_id", "comment", and
 * "until_resolved": true or "duration_s": N}.
 */
static enum cm_status
hubsource_silence(struct hubsource *hs, const char *alert_id,
    const cJSON *args, cJSON **out, struct cm_err *err)
{
	const cJSON *dur = cJSON_GetObjectItemCaseSensitive(args,
	    "duration_s");
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(args, "comment");
	bool until = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(args,
	    "until_resolved"));
	cJSON *body;
	enum cm_status st;

	if (!until && (!cJSON_IsNumber(dur) || dur->valuedouble < 60))
		return cm_err_set(err, CM_VALIDATION, "duration_s",
		    "a silence lasts at least a minute, or until resolved");
	body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "alert_id", alert_id);
	if (cJSON_IsString(c) && c->valuestring[0] != '\0')
		cJSON_AddStringToObject(body, "comment", c->valuestring);
	if (until)
		cJSON_AddBoolToObject(body, "until_resolved", true);
	else
		cJSON_AddNumberToObject(body, "duration_s",
		    (double)(int64_t)dur->valuedouble);
	st = hubclient_silence_create(hs->hc, body, out, err);
	cJSON_Delete(body);
	return st;
}

static enum cm_status
hubsource_act(struct source *src, enum source_action action,
    const char *target, const cJSON *args, cJSON **out, struct cm_err *err)
{
	struct hubsource *hs = src->priv;
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(args, "comment");
	const char *comment = cJSON_IsString(c) ? c->valuestring : NULL;

	*out = NULL;
	if (!hubsource_scope_ok(target))
		return cm_err_set(err, CM_VALIDATION, "target",
		    "the action needs an object id");
	switch (action) {
	case SOURCE_ACT_ALERT_ACK:
		return hubclient_alert_ack(hs->hc, target, comment, out, err);
	case SOURCE_ACT_ALERT_RESOLVE:
		return hubclient_alert_resolve(hs->hc, target, comment, out,
		    err);
	case SOURCE_ACT_APP_DEPLOY:
		return hubclient_app_act(hs->hc, target, "deploy", args, out,
		    err);
	case SOURCE_ACT_APP_UPGRADE:
		return hubclient_app_act(hs->hc, target, "upgrade", args, out,
		    err);
	case SOURCE_ACT_APP_ROLLBACK:
		return hubclient_app_act(hs->hc, target, "rollback", args,
		    out, err);
	case SOURCE_ACT_APP_PREVIEW:
		return hubclient_app_act(hs->hc, target, "preview", args, out,
		    err);
	case SOURCE_ACT_ALERT_SILENCE:
		return hubsource_silence(hs, target, args, out, err);
	case SOURCE_ACT_SILENCE_DELETE:
		return hubclient_silence_delete(hs->hc, target, err);
	case SOURCE_ACT_NOTIFICATION_ACK:
		return hubclient_notification_ack(hs->hc, target, out, err);
	default:
		return cm_err_set(err, CM_BAD_REQUEST, NULL,
		    "action not supported by the hub source");
	}
}

static void
hubsource_free(struct source *src)
{
	struct hubsource *hs;

	if (src == NULL)
		return;
	hs = src->priv;
	hubclient_free(hs->hc);
	free(hs);
}

/* The hub's event stream, opened with the session's access token. */
static enum cm_status
hubsource_stream(struct source *src, struct source_stream *out,
    struct cm_err *err)
{
	struct hubsource *hs = src->priv;
	const char *tok = hubclient_access_token(hs->hc);
	const char *ca = hubclient_ca_file(hs->hc);

	snprintf(out->url, sizeof out->url, "%s/api/v1/events/stream",
	    hubclient_base_url(hs->hc));
	snprintf(out->token, sizeof out->token, "%s", tok != NULL ? tok : "");
	snprintf(out->ca_file, sizeof out->ca_file, "%s", ca != NULL ? ca :
	    "");
	return CM_OK;
}

static const struct source_ops hubsource_ops = {
	.name = "hub",
	.supports = hubsource_supports,
	.fetch = hubsource_fetch,
	.act = hubsource_act,
	.free = hubsource_free,
	.stream = hubsource_stream,
};

struct source *
hubsource_new(struct hubclient *hc)
{
	struct hubsource *hs = xcalloc(1, sizeof *hs);

	hs->hc = hc;
	hs->src.ops = &hubsource_ops;
	hs->src.priv = hs;
	return &hs->src;
}

struct hubclient *
hubsource_client(struct source *src)
{
	if (src == NULL || src->ops != &hubsource_ops)
		return NULL;
	return ((struct hubsource *)src->priv)->hc;
}
