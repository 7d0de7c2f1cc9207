/*
 * tenants.h - the tenants of the hub: listing and creating them, and the
 * HTTP handlers for /api/v1/tenants.
 *
 * A platform-admin sees every tenant; anyone else allowed to list them
 * (tenant-admin, auditor) sees only their own.  Only a platform-admin
 * creates tenants.  The service functions know nothing about HTTP and
 * answer tenants as JSON objects of the wire shape
 * {"id","name","status","created_at"}.  Suspending, renaming and
 * deleting tenants, and creating a tenant's first admin, are not here.
 */
#ifndef CM_HUB_TENANTS_TENANTS_H
#define CM_HUB_TENANTS_TENANTS_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "backend/status.h"
#include "hub/auth/principal.h"

struct hub;
struct audit_entry;
struct http_req;
struct http_resp;

#define TENANTS_NAME_MAX 100	/* bytes, after trimming */

/*
 * One page of the tenants the caller may see, sorted by name: at most
 * limit items after the name `after` (NULL: from the start) into *items;
 * *next_key gets the name to continue after when more follow, else NULL.
 * The caller frees both.
 */
enum cm_status tenants_list(struct hub *hub, const struct principal *p,
    int64_t limit, const char *after, cJSON **items, char **next_key,
    struct cm_err *err);

/*
 * Create an active tenant named name (surrounding white space trimmed,
 * 1..TENANTS_NAME_MAX bytes, no control characters) and its audit row
 * ("tenants.create").  origin is the request's audit context (may be
 * NULL).  CM_FORBIDDEN unless the caller is a platform-admin;
 * CM_VALIDATION (field "name") for a bad name; CM_CONFLICT (field
 * "name") when a tenant of that name exists, ignoring ASCII case.
 * *out gets the tenant (caller frees).
 */
enum cm_status tenants_create(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const char *name, cJSON **out,
    struct cm_err *err);

/* GET /api/v1/tenants?limit=&cursor= */
void tenants_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* POST /api/v1/tenants {"name"} */
void tenants_create_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

#endif
