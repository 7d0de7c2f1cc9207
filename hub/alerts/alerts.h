/*
 * alerts.h - a tenant's cluster alerts: listing, acknowledging, resolving.
 *
 * Alerts are raised by alert rules (and by the demo seed); people only
 * triage them here.  Acknowledging says "someone is on it" and changes
 * nothing else; resolving closes the alert for good.  Every query takes
 * the caller's tenant, so another tenant's alert is simply not found.
 * Creating alerts and notifying anyone about them are not part of this
 * module.
 */
#ifndef CM_HUB_ALERTS_ALERTS_H
#define CM_HUB_ALERTS_ALERTS_H

#include <cjson/cJSON.h>

#include "backend/status.h"

struct hub;
struct principal;
struct api_page;
struct audit_entry;
struct http_req;
struct http_resp;

#define ALERTS_COMMENT_MAX 500

/*
 * Filters of an alert list, as the client sent them (NULL = no filter).
 * alerts_list checks the values: status active|resolved, severity
 * info|warning|critical, cluster_id a UUID, acknowledged true|false.
 */
struct alert_filter {
	const char *status;
	const char *severity;
	const char *cluster_id;
	const char *acknowledged;
};

/*
 * One page of the caller's tenant's alerts, newest first, as
 * {"items": [...], "next_cursor": ...} in *out (caller frees).  A bad
 * filter value is CM_VALIDATION naming the parameter.
 */
enum cm_status alerts_list(struct hub *hub, const struct principal *p,
    const struct alert_filter *filter, const struct api_page *page,
    cJSON **out, struct cm_err *err);

/*
 * Like alerts_list for one cluster (filter->cluster_id is ignored);
 * CM_NOT_FOUND when the cluster is not the caller's tenant's.
 */
enum cm_status alerts_list_cluster(struct hub *hub, const struct principal *p,
    const char *cluster_id, const struct alert_filter *filter,
    const struct api_page *page, cJSON **out, struct cm_err *err);

/*
 * Acknowledge alert id and put the alert object in *out (caller frees).
 * Acknowledging an acknowledged alert changes nothing and writes no
 * audit row; a resolved alert is CM_CONFLICT; a missing one CM_NOT_FOUND.
 * who (may be NULL) carries the request's ip and request id for the
 * audit row; comment (may be NULL, <= ALERTS_COMMENT_MAX) goes into it.
 */
enum cm_status alerts_ack(struct hub *hub, const struct principal *p,
    const char *id, const char *comment, const struct audit_entry *who,
    cJSON **out, struct cm_err *err);

/*
 * Resolve alert id and put the alert object in *out (caller frees).
 * An already resolved alert is CM_CONFLICT.  who and comment as for
 * alerts_ack.
 */
enum cm_status alerts_resolve(struct hub *hub, const struct principal *p,
    const char *id, const char *comment, const struct audit_entry *who,
    cJSON **out, struct cm_err *err);

/* GET /api/v1/alerts */
void alerts_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* GET /api/v1/clusters/:id/alerts */
void alerts_cluster_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* POST /api/v1/alerts/:id/ack */
void alerts_ack_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* POST /api/v1/alerts/:id/resolve */
void alerts_resolve_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

#endif
