/*
 * hubclient.h - the hub's REST API (/api/v1) as typed calls.
 *
 * A hubclient holds a base URL, an httpc connection and the session's
 * access and refresh tokens.  A call answered 401 while a refresh token
 * is held is refreshed once (POST /api/v1/auth/refresh, which rotates
 * the refresh token) and retried; every change of tokens is reported
 * through the tokens callback so the caller can persist them (state.h).
 * API errors become a struct cm_err: the status from the HTTP code, the
 * hub's "message" and "details.field".  Answers are cJSON documents in
 * the API's shapes (docs/api/openapi.yaml); lists fetched whole by
 * hubclient_list_all() keep the {"items":[...],"next_cursor":...} shape.
 *
 * It does not cache, persist tokens, retry non-idempotent calls on
 * transport errors (httpc.h retries GETs) or run anything off thread.
 *
 * Threading: one thread at a time per hubclient (the feed's network
 * thread once a feed owns it); the tokens callback runs on that thread.
 */
#ifndef CM_BACKEND_HUBCLIENT_H
#define CM_BACKEND_HUBCLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "backend/httpc.h"
#include "backend/status.h"

#define HUBCLIENT_ETAG_MAX HTTPC_ETAG_MAX
#define HUBCLIENT_PAGE_LIMIT 500	/* ?limit= asked per page */
#define HUBCLIENT_LIST_MAX 5000		/* default cap of list_all */

struct hubclient;

/*
 * Tokens changed: after login and refresh both are set; after logout, or
 * when the hub refused the refresh token (session over), both are NULL.
 * The strings are borrowed for the call.
 */
typedef void (*hubclient_tokens_fn)(void *arg, const char *access_token,
    const char *refresh_token);

/* Connection knobs; zero values take httpc's defaults. */
struct hubclient_opts {
	const char *base_url;		/* "https://hub.example:8443" */
	const char *ca_file;		/* PEM; NULL = system store */
	long connect_timeout_ms;
	long timeout_ms;
	int max_retries;		/* < 0: httpc default; 0: none */
	long backoff_base_ms;		/* 0: httpc default */
};

/*
 * New client for opts->base_url (copied; a trailing '/' is dropped).
 * Returns NULL with CM_VALIDATION in err when the URL is not http(s).
 */
struct hubclient *hubclient_new(const struct hubclient_opts *opts,
    struct cm_err *err);

/* Free the client; tokens are forgotten, not revoked.  NULL: no-op. */
void hubclient_free(struct hubclient *hc);

/* Base URL without a trailing '/'; borrowed for the client's life. */
const char *hubclient_base_url(const struct hubclient *hc);

/* Use these tokens (copied; either may be NULL).  Does not call back. */
void hubclient_set_tokens(struct hubclient *hc, const char *access_token,
    const char *refresh_token);

/* Report token changes to fn(arg) (NULL to stop). */
void hubclient_on_tokens(struct hubclient *hc, hubclient_tokens_fn fn,
    void *arg);

/* The access token or NULL; borrowed until the next call on hc. */
const char *hubclient_access_token(const struct hubclient *hc);

/* The refresh token or NULL; borrowed until the next call on hc. */
const char *hubclient_refresh_token(const struct hubclient *hc);

/* True when an access token is held (it may still be expired). */
bool hubclient_has_session(const struct hubclient *hc);

/*
 * POST /auth/login.  On success the tokens are stored and reported.
 * Wrong credentials: CM_UNAUTHORIZED with the hub's message.
 */
enum cm_status hubclient_login(struct hubclient *hc, const char *email,
    const char *password, struct cm_err *err);

/* POST /auth/refresh with the held refresh token; stores and reports the
 * new pair.  Refused: tokens cleared (reported as NULL), CM_UNAUTHORIZED. */
enum cm_status hubclient_refresh(struct hubclient *hc, struct cm_err *err);

/* POST /auth/logout revoking the access token and the session of the
 * refresh token; tokens are cleared and reported as NULL even when the
 * hub could not be told (the error is still returned). */
enum cm_status hubclient_logout(struct hubclient *hc, struct cm_err *err);

/*
 * GET path (from "/api/v1/...", with any query).  etag (may be NULL) is
 * sent as If-None-Match; when the hub answers 304, *not_modified is true
 * and *out is NULL.  Otherwise *out is the parsed body (caller
 * cJSON_Delete()s) and etag_out (may be NULL) gets the answer's ETag or
 * "".  not_modified may be NULL when etag is NULL.
 */
enum cm_status hubclient_get(struct hubclient *hc, const char *path,
    const char *etag, cJSON **out, char etag_out[HUBCLIENT_ETAG_MAX],
    bool *not_modified, struct cm_err *err);

/*
 * GET every page of a list (following next_cursor, HUBCLIENT_PAGE_LIMIT
 * a page) up to max_items (0 = HUBCLIENT_LIST_MAX) into *out =
 * {"items":[...],"next_cursor":C}: C is null when the list was read to
 * its end, else non-null (more items exist; it continues exactly after
 * the last item unless the hub's page maximum was just found to be
 * smaller than ours: a 422 on limit makes the client use the hub's own
 * page size from then on).  etag/etag_out/not_modified as in
 * hubclient_get(), applied to the first page; etag_out is "" when the
 * list took more than one page (a first-page ETag cannot vouch for the
 * others).
 */
enum cm_status hubclient_list_all(struct hubclient *hc, const char *path,
    size_t max_items, const char *etag, cJSON **out,
    char etag_out[HUBCLIENT_ETAG_MAX], bool *not_modified,
    struct cm_err *err);

/* POST path with body (may be NULL: no body); *out (out may be NULL) is
 * the answer's JSON or NULL for an empty answer.  Not retried. */
enum cm_status hubclient_post(struct hubclient *hc, const char *path,
    const cJSON *body, cJSON **out, struct cm_err *err);

/* POST /alerts/ID/ack with an optional comment; *out: the alert. */
enum cm_status hubclient_alert_ack(struct hubclient *hc, const char *id,
    const char *comment, cJSON **out, struct cm_err *err);

/* POST /alerts/ID/resolve with an optional comment; *out: the alert. */
enum cm_status hubclient_alert_resolve(struct hubclient *hc, const char *id,
    const char *comment, cJSON **out, struct cm_err *err);

/* GET /dashboard/summary. */
enum cm_status hubclient_dashboard(struct hubclient *hc, cJSON **out,
    struct cm_err *err);

/* Every cluster of the tenant (list_all with the default cap). */
enum cm_status hubclient_clusters(struct hubclient *hc, cJSON **out,
    struct cm_err *err);

/* Every alert of the tenant, newest first (list_all). */
enum cm_status hubclient_alerts(struct hubclient *hc, cJSON **out,
    struct cm_err *err);

/* The audit trail, newest first, up to the default cap (list_all). */
enum cm_status hubclient_audit(struct hubclient *hc, cJSON **out,
    struct cm_err *err);

/* Every user of the tenant (list_all). */
enum cm_status hubclient_users(struct hubclient *hc, cJSON **out,
    struct cm_err *err);

/* GET /clusters/ID. */
enum cm_status hubclient_cluster(struct hubclient *hc, const char *id,
    cJSON **out, struct cm_err *err);

/* Every alert of cluster ID (list_all). */
enum cm_status hubclient_cluster_alerts(struct hubclient *hc,
    const char *id, cJSON **out, struct cm_err *err);

/* Every lifecycle event of cluster ID (list_all). */
enum cm_status hubclient_cluster_history(struct hubclient *hc,
    const char *id, cJSON **out, struct cm_err *err);

/* GET /users/me: the signed-in user with their tenant. */
enum cm_status hubclient_me(struct hubclient *hc, cJSON **out,
    struct cm_err *err);

/* GET /ui/tour/progress: {"items":[...]}. */
enum cm_status hubclient_tour_progress(struct hubclient *hc, cJSON **out,
    struct cm_err *err);

/* POST /ui/tour/progress; completed < 0 leaves it out, else a boolean. */
enum cm_status hubclient_tour_record(struct hubclient *hc,
    const char *tour_name, int step_completed, int completed, cJSON **out,
    struct cm_err *err);

/* Every application of the tenant (list_all): {"items":[app]}. */
enum cm_status hubclient_apps(struct hubclient *hc, cJSON **out,
    struct cm_err *err);

/* GET /applications/ID: the app with its versions and deployments. */
enum cm_status hubclient_app(struct hubclient *hc, const char *id,
    cJSON **out, struct cm_err *err);

/* The versions of application ID, newest first (list_all). */
enum cm_status hubclient_app_versions(struct hubclient *hc, const char *id,
    cJSON **out, struct cm_err *err);

/*
 * POST /applications/ID/VERB (deploy, upgrade, rollback, preview) with
 * body (may be NULL); *out: the hub's answer ({"deployment_id",...} or
 * the preview).  Not retried.
 */
enum cm_status hubclient_app_act(struct hubclient *hc, const char *id,
    const char *verb, const cJSON *body, cJSON **out, struct cm_err *err);

/*
 * Deployments of applications, newest first (list_all); query (may be
 * NULL) is added as is ("app_id=...&status=...", already escaped).
 */
enum cm_status hubclient_deployments(struct hubclient *hc, const char *query,
    cJSON **out, struct cm_err *err);

/* GET /deployments/ID: the deployment with its steps. */
enum cm_status hubclient_deployment(struct hubclient *hc, const char *id,
    cJSON **out, struct cm_err *err);

/* The events of deployment ID, oldest first, every page (list_all). */
enum cm_status hubclient_deployment_events(struct hubclient *hc,
    const char *id, cJSON **out, struct cm_err *err);

/* The CA file the client was made with, or NULL; borrowed. */
const char *hubclient_ca_file(const struct hubclient *hc);

/* GET /clusters/ID/metrics: the cluster's latest values. */
enum cm_status hubclient_cluster_metrics(struct hubclient *hc,
    const char *id, cJSON **out, struct cm_err *err);

/* GET /metrics?QUERY (query already escaped, "name=cpu_percent&..."). */
enum cm_status hubclient_metrics(struct hubclient *hc, const char *query,
    cJSON **out, struct cm_err *err);

/* GET /observability/dashboard?QUERY ("name=fleet&range=1h"). */
enum cm_status hubclient_observability(struct hubclient *hc,
    const char *query, cJSON **out, struct cm_err *err);

/* POST /metrics {"points":[...]}; *out: {"accepted":N}.  Not retried. */
enum cm_status hubclient_metrics_push(struct hubclient *hc,
    const cJSON *body, cJSON **out, struct cm_err *err);

/* GET /alerts/ID/history: {"items":[{"event","by","at","note"}]}. */
enum cm_status hubclient_alert_history(struct hubclient *hc, const char *id,
    cJSON **out, struct cm_err *err);

/* Every silence of the tenant (list_all). */
enum cm_status hubclient_silences(struct hubclient *hc, cJSON **out,
    struct cm_err *err);

/* POST /silences with body (see the API); *out: the silence. */
enum cm_status hubclient_silence_create(struct hubclient *hc,
    const cJSON *body, cJSON **out, struct cm_err *err);

/* DELETE /silences/ID: the silence ends now. */
enum cm_status hubclient_silence_delete(struct hubclient *hc,
    const char *id, struct cm_err *err);

/* GET /notifications (?unread=true): {"items":[...],"unread":N}. */
enum cm_status hubclient_notifications(struct hubclient *hc,
    bool unread_only, cJSON **out, struct cm_err *err);

/* POST /notifications/ack/ID; *out: the hub's answer (may be NULL). */
enum cm_status hubclient_notification_ack(struct hubclient *hc,
    const char *id, cJSON **out, struct cm_err *err);

/*
 * Map an HTTP error answer (status >= 400, body may be NULL) to err:
 * status from the code, message and field from the hub's error body, or
 * "HTTP N" when the body is not one.  Returns the status.
 */
enum cm_status hubclient_map_error(long http_status, const char *body,
    size_t body_len, struct cm_err *err);

#endif
