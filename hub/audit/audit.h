/*
 * audit.h - the audit trail: who did what to which object, and whether it
 * was allowed.
 *
 * Mutations write their row inside their own transaction (audit_write), so
 * a change and its audit row land together or not at all.  Denials and
 * failed logins have no transaction of their own and use audit_write_now.
 * Details never carry secrets: callers pass field names, not values, for
 * anything sensitive.
 */
#ifndef CM_HUB_AUDIT_AUDIT_H
#define CM_HUB_AUDIT_AUDIT_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "backend/status.h"

struct hub;
struct store_tx;
struct http_req;
struct http_resp;
struct principal;

struct audit_entry {
	const char *tenant_id;		/* may be NULL (unknown login) */
	const char *user_id;		/* may be NULL */
	const char *action;		/* "clusters.create" */
	const char *resource_type;	/* "cluster" */
	const char *resource_id;	/* may be NULL */
	bool success;
	const cJSON *details;		/* borrowed; may be NULL */
	const char *ip;
	const char *request_id;
};

/* Append an audit row inside tx. */
enum cm_status audit_write(struct store_tx *tx, const struct audit_entry *e,
    struct cm_err *err);

/*
 * Append inside tx the audit row of p's successful action on a resource,
 * with the ip and request id of origin (NULL: none).  details is borrowed.
 */
enum cm_status audit_write_as(struct store_tx *tx, const struct principal *p,
    const struct audit_entry *origin, const char *action,
    const char *resource_type, const char *resource_id,
    const cJSON *details, struct cm_err *err);

/* Append an audit row in its own transaction; failures go to stderr. */
void audit_write_now(struct hub *hub, const struct audit_entry *e);

/* GET /api/v1/audit-logs */
void audit_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

#endif
