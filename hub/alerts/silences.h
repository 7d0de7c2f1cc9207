/*
 * silences.h - the silences API: mute the alerts that label matchers
 * pick, until an expiry, or one alert until it resolves.
 *
 * A silence is {"matchers":[{"name","value","op"}], "alert_id"?,
 * "expires_at" | "duration_s" | "until_resolved": true, "comment"}.
 * Matchers use =, != and =~ (POSIX ERE, anchored) over an alert's labels
 * (alertname, severity, cluster, cluster_id, provider and the rule's
 * labels).  "until resolved" needs alert_id and ends when that alert
 * resolves, which Alertmanager cannot express.  A silenced alert still
 * lists (marked "silenced") but notifies nobody.  Deleting a silence
 * expires it; the row stays for the record.  Keeping alerts' silenced
 * state current is muting.c.
 */
#ifndef CM_HUB_ALERTS_SILENCES_H
#define CM_HUB_ALERTS_SILENCES_H

#include <cjson/cJSON.h>

#include "backend/status.h"

struct hub;
struct principal;
struct audit_entry;
struct api_page;
struct http_req;
struct http_resp;

#define SILENCES_COMMENT_MAX 500
/* The longest a silence may last, in seconds (one year). */
#define SILENCES_DURATION_MAX (365L * 24 * 3600)

/*
 * Create a silence from body for p's tenant, mute what it covers and
 * write the audit row "silences.create"; *out gets the silence.
 * CM_VALIDATION names the field; CM_CONFLICT for "until resolved" on a
 * resolved alert.
 */
enum cm_status silences_create(struct hub *hub, const struct principal *p,
    const cJSON *body, const struct audit_entry *who, cJSON **out,
    struct cm_err *err);

/*
 * Expire silence id now, unmute its alerts, audit "silences.delete";
 * *out gets the silence.  CM_CONFLICT when it has already ended.
 */
enum cm_status silences_delete(struct hub *hub, const struct principal *p,
    const char *id, const struct audit_entry *who, cJSON **out,
    struct cm_err *err);

/* GET /api/v1/silences (?state=active|expired) */
void silences_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* POST /api/v1/silences */
void silences_create_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* GET /api/v1/silences/:id */
void silences_get_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* DELETE /api/v1/silences/:id */
void silences_delete_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

#endif
