/*
 * users.h - the people of a tenant: listing, creating, updating,
 * deleting users and replacing their roles, and the HTTP handlers for
 * /api/v1/users.
 *
 * The service functions know nothing about HTTP: they take the caller
 * (principal), the request's audit context and plain inputs, run in one
 * store transaction together with their audit row, and hand back the
 * user as a JSON object of the wire shape (never the password hash).
 * A platform-admin may act on the users of every tenant; anyone else
 * only on the users of their own tenant, and another tenant's user is
 * answered as missing (CM_NOT_FOUND).  Rules that depend on the object
 * (no self-delete, no self-disable, no changing one's own roles, a
 * tenant-admin may neither grant platform-admin nor touch a
 * platform-admin) live here; which roles may call at all is rbac.h's.
 */
#ifndef CM_HUB_USERS_USERS_H
#define CM_HUB_USERS_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "backend/status.h"
#include "hub/auth/principal.h"

struct hub;
struct audit_entry;
struct http_req;
struct http_resp;

#define USERS_EMAIL_MAX 255	/* bytes */
#define USERS_NAME_MAX 100	/* characters */

/* Filters of a user list; every member may be NULL (no filter). */
struct user_filter {
	const char *tenant_id;	/* narrows the caller's scope further */
	const char *status;	/* active | disabled | pending */
	const char *role;	/* a role name */
	const char *q;		/* substring of email or name, any case */
};

/* A new user; strings are borrowed for the call. */
struct user_create {
	const char *email;	/* required */
	const char *name;	/* NULL: none */
	const char *password;	/* required, password_check_policy */
	const char *role;	/* required, a role name */
	const char *tenant_id;	/* NULL: the caller's tenant */
};

/* A partial update; a NULL member (and set_name false) is left alone. */
struct user_update {
	bool set_name;		/* name present in the request */
	const char *name;	/* with set_name: NULL clears the name */
	const char *email;
	const char *status;	/* active | disabled */
	const char *password;
};

/*
 * The caller's own user object with "tenant": {"id","name"} into *out
 * (caller frees).  CM_UNAUTHORIZED if the user vanished meanwhile.
 */
enum cm_status users_me(struct hub *hub, const struct principal *p,
    cJSON **out, struct cm_err *err);

/*
 * One page of users in the caller's scope, sorted by email: at most
 * limit items after the email `after` (NULL: from the start) into
 * *items.  *next_key gets the email to continue after when more follow,
 * else NULL; the caller frees both.  Bad filter values: CM_VALIDATION
 * naming the filter.
 */
enum cm_status users_list(struct hub *hub, const struct principal *p,
    const struct user_filter *f, int64_t limit, const char *after,
    cJSON **items, char **next_key, struct cm_err *err);

/* The user id in the caller's scope into *out (caller frees). */
enum cm_status users_get(struct hub *hub, const struct principal *p,
    const char *id, cJSON **out, struct cm_err *err);

/*
 * Create a local, active user with one role, and its audit row
 * ("users.create").  origin is the request's audit context (who, ip,
 * request id; may be NULL).  CM_VALIDATION naming the bad field,
 * CM_FORBIDDEN (audited) when a non-platform-admin sets tenant_id or
 * grants platform-admin, CM_CONFLICT (field "email") when the email is
 * taken in any tenant, ignoring case.  *out gets the new user.
 */
enum cm_status users_create(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const struct user_create *in,
    cJSON **out, struct cm_err *err);

/*
 * Apply a partial update to user id ("users.update", details: the names
 * of the changed fields).  Disabling a user or changing the password
 * revokes the user's refresh tokens in the same transaction.
 * CM_VALIDATION for bad values, for no field at all and for disabling
 * oneself (field "status"); CM_FORBIDDEN (audited) when a tenant-admin
 * updates a platform-admin; CM_CONFLICT for a taken email.
 */
enum cm_status users_update(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const char *id,
    const struct user_update *in, cJSON **out, struct cm_err *err);

/*
 * Delete user id with its roles, refresh tokens and tour progress
 * ("users.delete").  CM_CONFLICT (field "id") for oneself; CM_FORBIDDEN
 * (audited) when a tenant-admin deletes a platform-admin.
 */
enum cm_status users_delete(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const char *id, struct cm_err *err);

/*
 * Replace the roles of user id by roles[0..n) ("users.roles").  The list
 * must be non-empty, of known and distinct names (CM_VALIDATION, field
 * "roles").  CM_FORBIDDEN for one's own roles, and (audited) when a
 * tenant-admin grants platform-admin or changes a platform-admin's roles.
 * *out gets the updated user.
 */
enum cm_status users_set_roles(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const char *id,
    const char *const *roles, size_t n, cJSON **out, struct cm_err *err);

/* GET /api/v1/users/me */
void users_me_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* GET /api/v1/users?status=&role=&q=&tenant_id=&limit=&cursor= */
void users_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* POST /api/v1/users {"email","name","password","role","tenant_id"} */
void users_create_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* GET /api/v1/users/:id */
void users_get_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* PUT /api/v1/users/:id {"name","email","status","password"} (partial) */
void users_update_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* DELETE /api/v1/users/:id */
void users_delete_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* PUT /api/v1/users/:id/roles {"roles":[...]} */
void users_roles_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

#endif
