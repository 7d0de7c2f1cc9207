/*
 * notify.h - in-app notifications: rows in the notifications table that
 * the console shows and each user marks as read.
 *
 * An alert that fires or resolves (and is not silenced) becomes one
 * notification for the whole tenant, written in the transaction of the
 * change together with a "notification" outbox event.  Read state is per
 * user (notification_reads), so one person reading does not hide it from
 * the others.  E-mail, webhooks and paging are not here.
 */
#ifndef CM_HUB_ALERTS_NOTIFY_H
#define CM_HUB_ALERTS_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/status.h"

struct hub;
struct store_tx;
struct http_req;
struct http_resp;
struct alert_ref;

/* Notifications listed at most (newest first). */
#define NOTIFY_LIST_MAX 200

/*
 * Inside tx: notify a's tenant that alert a fired (fired true) or
 * resolved, with message as the body and cluster (may be NULL) in the
 * title; emits "notification" {"id","kind","severity","title",
 * "resource_type","resource_id"}.  Callers skip silenced alerts.
 */
enum cm_status notify_alert(struct store_tx *tx, const struct alert_ref *a,
    bool fired, const char *cluster, const char *message, int64_t now_ms,
    struct cm_err *err);

/* GET /api/v1/notifications */
void notify_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* POST /api/v1/notifications/ack/:id */
void notify_ack_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

#endif
