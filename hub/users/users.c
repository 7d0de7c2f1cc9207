/*
 * users.c - the users service: read, list, create, update and delete
 * users and replace their roles.  See users.h.
 *
 * Every service call is one store transaction: it finds the target in
 * the caller's scope (another tenant's user is "not found"), applies the
 * object rules, makes the change, writes the audit row and reads the
 * answer back, then commits; any failure rolls all of it back.  Password
 * hashing (argon2id, tens of milliseconds) runs before the write
 * transaction opens, so it never holds the writer.  A denial (403) is
 * audited after the transaction has been rolled back, in one of its own.
 *
 * It does not parse requests (users_http.c) or check input values
 * (users_input.c), manage tenants (tenants.c), sessions or tokens
 * (auth.c), and it never puts a password, a hash or a token into a
 * response or an audit row: audit details carry field names and role
 * names only.
 */
#include "config.h"

#include "hub/users/users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/json.h"
#include "backend/timeutil.h"
#include "backend/uuid.h"
#include "backend/xalloc.h"
#include "hub/audit/audit.h"
#include "hub/auth/password.h"
#include "hub/auth/rbac.h"
#include "hub/core/hub.h"
#include "hub/store/store.h"
#include "hub/users/users_impl.h"

/* Columns of a user object, in the order users_row_json reads them. */
#define USER_COLS \
	"u.id, u.tenant_id, u.email, u.name, u.status, u.auth_provider, " \
	"u.created_at, u.updated_at, "
#define ROLES_SQLITE \
	"(SELECT group_concat(r.name, ',') FROM user_roles ur " \
	"JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = u.id)"
#define ROLES_PG \
	"(SELECT string_agg(r.name, ',') FROM user_roles ur " \
	"JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = u.id)"

static const struct store_query q_get = {
	"users.get",
	"SELECT " USER_COLS ROLES_SQLITE " FROM users u "
	"WHERE u.id = $1 AND ($2 IS NULL OR u.tenant_id = $2)",
	"SELECT " USER_COLS ROLES_PG " FROM users u "
	"WHERE u.id = $1 AND ($2 IS NULL OR u.tenant_id = $2)",
};

static const struct store_query q_me = {
	"users.me",
	"SELECT " USER_COLS ROLES_SQLITE ", t.name FROM users u "
	"JOIN tenants t ON t.id = u.tenant_id WHERE u.id = $1",
	"SELECT " USER_COLS ROLES_PG ", t.name FROM users u "
	"JOIN tenants t ON t.id = u.tenant_id WHERE u.id = $1",
};

/* $1 scope (NULL: every tenant), $2..$5 filters, $6 cursor, $7 limit. */
static const struct store_query q_list = {
	"users.list",
	"SELECT " USER_COLS ROLES_SQLITE " FROM users u "
	"WHERE ($1 IS NULL OR u.tenant_id = $1) "
	"AND ($2 IS NULL OR u.tenant_id = $2) "
	"AND ($3 IS NULL OR u.status = $3) "
	"AND ($4 IS NULL OR EXISTS (SELECT 1 FROM user_roles ur "
	"JOIN roles r ON r.id = ur.role_id "
	"WHERE ur.user_id = u.id AND r.name = $4)) "
	"AND ($5 IS NULL OR instr(lower(u.email), lower($5)) > 0 "
	"OR instr(lower(coalesce(u.name, '')), lower($5)) > 0) "
	"AND ($6 IS NULL OR u.email > $6) "
	"ORDER BY u.email LIMIT $7",
	"SELECT " USER_COLS ROLES_PG " FROM users u "
	"WHERE ($1 IS NULL OR u.tenant_id = $1) "
	"AND ($2 IS NULL OR u.tenant_id = $2) "
	"AND ($3 IS NULL OR u.status = $3) "
	"AND ($4 IS NULL OR EXISTS (SELECT 1 FROM user_roles ur "
	"JOIN roles r ON r.id = ur.role_id "
	"WHERE ur.user_id = u.id AND r.name = $4)) "
	"AND ($5 IS NULL OR strpos(lower(u.email), lower($5)) > 0 "
	"OR strpos(lower(coalesce(u.name, '')), lower($5)) > 0) "
	"AND ($6 IS NULL OR lower(u.email) > lower($6)) "
	"ORDER BY lower(u.email) LIMIT $7",
};

/* What the object rules need to know about a target user. */
static const struct store_query q_target = {
	"users.target",
	"SELECT u.email, u.status, " ROLES_SQLITE " FROM users u "
	"WHERE u.id = $1 AND ($2 IS NULL OR u.tenant_id = $2)",
	"SELECT u.email, u.status, " ROLES_PG " FROM users u "
	"WHERE u.id = $1 AND ($2 IS NULL OR u.tenant_id = $2)",
};

/* The email column is COLLATE NOCASE, so this ignores case. */
static const struct store_query q_email_owner = {
	"users.email_owner",
	"SELECT id FROM users WHERE email = $1",
	"SELECT id FROM users WHERE lower(email) = lower($1)",
};

static const struct store_query q_tenant_exists = {
	"users.tenant_exists",
	"SELECT 1 FROM tenants WHERE id = $1",
	NULL,
};

static const struct store_query q_insert = {
	"users.insert",
	"INSERT INTO users (id, tenant_id, email, name, password_hash, "
	"auth_provider, status, created_at, updated_at) "
	"VALUES ($1, $2, $3, $4, $5, 'local', 'active', $6, $6)",
	NULL,
};

/* Roles have fixed ids; look them up by name rather than repeat them. */
static const struct store_query q_role_add = {
	"users.role_add",
	"INSERT INTO user_roles (id, user_id, role_id, assigned_at) "
	"SELECT $1, $2, id, $4 FROM roles WHERE name = $3",
	NULL,
};

static const struct store_query q_roles_clear = {
	"users.roles_clear",
	"DELETE FROM user_roles WHERE user_id = $1",
	NULL,
};

/* $2 = 1 sets the name to $3 (NULL clears); other NULLs keep the column. */
static const struct store_query q_update = {
	"users.update",
	"UPDATE users SET "
	"name = CASE WHEN $2 = 1 THEN $3 ELSE name END, "
	"email = coalesce($4, email), status = coalesce($5, status), "
	"password_hash = coalesce($6, password_hash), updated_at = $7 "
	"WHERE id = $1",
	NULL,
};

static const struct store_query q_revoke_refresh = {
	"users.revoke_refresh",
	"UPDATE refresh_tokens SET revoked_at = $2 "
	"WHERE user_id = $1 AND revoked_at IS NULL",
	NULL,
};

static const struct store_query q_delete = {
	"users.delete",
	"DELETE FROM users WHERE id = $1",
	NULL,
};

/* The facts about a target user the object rules look at. */
struct users_target {
	char email[USERS_EMAIL_MAX + 1];
	char status[16];
	role_set roles;
};

/* The tenant the caller may act in, or NULL for every tenant. */
static const char *
users_scope(const struct principal *p)
{
	return IS_PA(p) ? NULL : p->tenant_id;
}

/* Roles from "a,b" names into a set; unknown names are ignored. */
static role_set
users_roles_parse(const char *csv)
{
	role_set set = 0;
	char buf[256];
	char *tok, *save = NULL;
	enum role r;

	if (csv == NULL)
		return 0;
	snprintf(buf, sizeof buf, "%s", csv);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save))
		if (rbac_role_parse(tok, &r))
			set |= 1u << r;
	return set;
}

/* A role set as a JSON array of names, highest privilege first. */
static cJSON *
users_roles_json(role_set set)
{
	cJSON *a = cJSON_CreateArray();
	int i;

	for (i = 0; i < ROLE_COUNT; i++)
		if (set & (1u << i))
			cJSON_AddItemToArray(a, cJSON_CreateString(
			    rbac_role_name((enum role)i)));
	return a;
}

static cJSON *
users_row_json(struct store_rows *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", store_rows_text(r, 0));
	cJSON_AddStringToObject(o, "tenant_id", store_rows_text(r, 1));
	cJSON_AddStringToObject(o, "email", store_rows_text(r, 2));
	json_add_string_or_null(o, "name", store_rows_text(r, 3));
	cJSON_AddStringToObject(o, "status", store_rows_text(r, 4));
	json_add_string_or_null(o, "auth_provider", store_rows_text(r, 5));
	cJSON_AddItemToObject(o, "roles",
	    users_roles_json(users_roles_parse(store_rows_text(r, 8))));
	json_add_time(o, "created_at", store_rows_int(r, 6));
	json_add_time(o, "updated_at", store_rows_int(r, 7));
	return o;
}

/* The who/where of an audit row: the caller, and origin's ip/request. */
static void
users_audit_init(struct audit_entry *e, const struct principal *p,
    const struct audit_entry *origin, const char *action, const char *id)
{
	memset(e, 0, sizeof *e);
	if (origin != NULL) {
		e->ip = origin->ip;
		e->request_id = origin->request_id;
	}
	e->tenant_id = p->tenant_id;
	e->user_id = p->user_id;
	e->action = action;
	e->resource_type = "user";
	e->resource_id = id;
	e->success = true;
}

/* Audit a refusal in its own transaction; call with no tx open. */
static void
users_audit_denial(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const char *action, const char *id,
    const struct cm_err *why)
{
	struct audit_entry e;
	cJSON *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "reason", why->msg);
	users_audit_init(&e, p, origin, action, id);
	e.success = false;
	e.details = d;
	audit_write_now(hub, &e);
	cJSON_Delete(d);
}

/* Look the target up in the caller's scope; CM_NOT_FOUND otherwise. */
static enum cm_status
users_find(struct store_tx *tx, const struct principal *p, const char *id,
    struct users_target *t, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	enum cm_status st;
	int rc;

	if (id == NULL || !uuid_is_valid(id))
		return cm_err_set(err, CM_NOT_FOUND, "id", "no such user");
	st = store_query(tx, &q_target, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(users_scope(p))), &rows, err);
	if (st != CM_OK)
		return st;
	rc = store_rows_next(rows, err);
	if (rc < 0) {
		st = err->status;
	} else if (rc == 0) {
		st = cm_err_set(err, CM_NOT_FOUND, "id", "no such user");
	} else {
		snprintf(t->email, sizeof t->email, "%s",
		    store_rows_text(rows, 0));
		snprintf(t->status, sizeof t->status, "%s",
		    store_rows_text(rows, 1));
		t->roles = users_roles_parse(store_rows_text(rows, 2));
	}
	store_rows_close(rows);
	return st;
}

/* Read user id (in scope) as its wire object into *out. */
static enum cm_status
users_fetch(struct store_tx *tx, const struct principal *p, const char *id,
    cJSON **out, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	enum cm_status st;
	int rc;

	st = store_query(tx, &q_get, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(users_scope(p))), &rows, err);
	if (st != CM_OK)
		return st;
	rc = store_rows_next(rows, err);
	if (rc < 0)
		st = err->status;
	else if (rc == 0)
		st = cm_err_set(err, CM_NOT_FOUND, "id", "no such user");
	else
		*out = users_row_json(rows);
	store_rows_close(rows);
	return st;
}

/* CM_CONFLICT when email belongs to a user other than self_id. */
static enum cm_status
users_email_free(struct store_tx *tx, const char *email, const char *self_id,
    struct cm_err *err)
{
	struct store_rows *rows = NULL;
	enum cm_status st;
	int rc;

	st = store_query(tx, &q_email_owner, STORE_ARGS(STORE_TEXT(email)),
	    &rows, err);
	if (st != CM_OK)
		return st;
	rc = store_rows_next(rows, err);
	if (rc < 0)
		st = err->status;
	else if (rc == 1 && (self_id == NULL ||
	    strcmp(store_rows_text(rows, 0), self_id) != 0))
		st = cm_err_set(err, CM_CONFLICT, "email",
		    "a user with email \"%.200s\" already exists", email);
	store_rows_close(rows);
	return st;
}

/* Give a store UNIQUE failure on users.email its clear message. */
static enum cm_status
users_conflict(enum cm_status st, const char *email, struct cm_err *err)
{
	if (st == CM_CONFLICT)
		return cm_err_set(err, CM_CONFLICT, "email",
		    "a user with email \"%.200s\" already exists", email);
	return st;
}

static enum cm_status
users_add_role(struct store_tx *tx, const char *user_id, enum role role,
    int64_t now, struct cm_err *err)
{
	char id[UUID_STR_LEN + 1];
	int64_t changes = 0;
	enum cm_status st;

	uuid_v7(id);
	st = store_exec(tx, &q_role_add, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(user_id), STORE_TEXT(rbac_role_name(role)),
	    STORE_INT(now)), &changes, err);
	if (st == CM_OK && changes != 1)
		st = cm_err_set(err, CM_INTERNAL, NULL,
		    "role \"%s\" is missing from the store",
		    rbac_role_name(role));
	return st;
}

enum cm_status
users_me(struct hub *hub, const struct principal *p, cJSON **out,
    struct cm_err *err)
{
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	enum cm_status st;
	cJSON *t;
	int rc;

	*out = NULL;
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK)
		return st;
	st = store_query(tx, &q_me, STORE_ARGS(STORE_TEXT(p->user_id)),
	    &rows, err);
	if (st != CM_OK)
		goto out;
	rc = store_rows_next(rows, err);
	if (rc < 0) {
		st = err->status;
		goto out;
	}
	if (rc == 0) {
		st = cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "the token's user no longer exists");
		goto out;
	}
	*out = users_row_json(rows);
	t = cJSON_AddObjectToObject(*out, "tenant");
	cJSON_AddStringToObject(t, "id", store_rows_text(rows, 1));
	cJSON_AddStringToObject(t, "name", store_rows_text(rows, 9));
out:
	store_rows_close(rows);
	store_tx_rollback(tx);
	return st;
}

enum cm_status
users_list(struct hub *hub, const struct principal *p,
    const struct user_filter *f, int64_t limit, const char *after,
    cJSON **items, char **next_key, struct cm_err *err)
{
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	char last[USERS_EMAIL_MAX + 1] = "";
	bool more = false;
	enum cm_status st;
	int64_t n = 0;
	int rc;

	*items = NULL;
	*next_key = NULL;
	if ((st = users_filter_check(f, err)) != CM_OK)
		return st;

	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK)
		return st;
	st = store_query(tx, &q_list, STORE_ARGS(STORE_TEXT(users_scope(p)),
	    STORE_TEXT(f->tenant_id), STORE_TEXT(f->status),
	    STORE_TEXT(f->role), STORE_TEXT(f->q), STORE_TEXT(after),
	    STORE_INT(limit + 1)), &rows, err);
	if (st != CM_OK)
		goto out;
	*items = cJSON_CreateArray();
	while ((rc = store_rows_next(rows, err)) == 1) {
		if (n == limit) {
			more = true;
			break;
		}
		cJSON_AddItemToArray(*items, users_row_json(rows));
		snprintf(last, sizeof last, "%s", store_rows_text(rows, 2));
		n++;
	}
	if (rc < 0) {
		st = err->status;
		cJSON_Delete(*items);
		*items = NULL;
		goto out;
	}
	if (more)
		*next_key = xstrdup(last);
out:
	store_rows_close(rows);
	store_tx_rollback(tx);
	return st;
}

enum cm_status
users_get(struct hub *hub, const struct principal *p, const char *id,
    cJSON **out, struct cm_err *err)
{
	struct store_tx *tx = NULL;
	enum cm_status st;

	*out = NULL;
	if (id == NULL || !uuid_is_valid(id))
		return cm_err_set(err, CM_NOT_FOUND, "id", "no such user");
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK)
		return st;
	st = users_fetch(tx, p, id, out, err);
	store_tx_rollback(tx);
	return st;
}

enum cm_status
users_create(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const struct user_create *in,
    cJSON **out, struct cm_err *err)
{
	const char *tenant = in->tenant_id != NULL ? in->tenant_id :
	    p->tenant_id;
	char id[UUID_STR_LEN + 1];
	struct store_tx *tx = NULL;
	struct audit_entry e;
	int64_t now = time_now_ms();
	char *hash = NULL;
	cJSON *d = NULL;
	enum cm_status st;
	enum role role;
	bool denied, found;

	*out = NULL;
	if ((st = users_create_check(p, in, &role, &denied, err)) != CM_OK) {
		if (denied)
			users_audit_denial(hub, p, origin, "users.create",
			    NULL, err);
		return st;
	}
	/* argon2id is slow: never inside the write transaction. */
	if ((st = password_hash(in->password, &hash, err)) != CM_OK)
		return st;

	uuid_v7(id);
	if ((st = store_tx_begin(hub->store, STORE_WRITE, &tx, err)) != CM_OK)
		goto out;
	if (in->tenant_id != NULL) {
		st = store_exists(tx, &q_tenant_exists,
		    STORE_ARGS(STORE_TEXT(tenant)), &found, err);
		if (st != CM_OK)
			goto out;
		if (!found) {
			st = cm_err_set(err, CM_VALIDATION, "tenant_id",
			    "no tenant has the id %s", tenant);
			goto out;
		}
	}
	if ((st = users_email_free(tx, in->email, NULL, err)) != CM_OK)
		goto out;
	st = store_exec(tx, &q_insert, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(tenant), STORE_TEXT(in->email), STORE_TEXT(in->name),
	    STORE_TEXT(hash), STORE_INT(now)), NULL, err);
	if ((st = users_conflict(st, in->email, err)) != CM_OK)
		goto out;
	if ((st = users_add_role(tx, id, role, now, err)) != CM_OK)
		goto out;

	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "email", in->email);
	cJSON_AddStringToObject(d, "role", rbac_role_name(role));
	cJSON_AddStringToObject(d, "tenant_id", tenant);
	users_audit_init(&e, p, origin, "users.create", id);
	e.details = d;
	if ((st = audit_write(tx, &e, err)) != CM_OK)
		goto out;
	if ((st = users_fetch(tx, p, id, out, err)) != CM_OK)
		goto out;
	st = store_tx_commit(tx, err);
	tx = NULL;
out:
	if (st != CM_OK) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	store_tx_rollback(tx);
	cJSON_Delete(d);
	free(hash);
	return st;
}

enum cm_status
users_update(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const char *id,
    const struct user_update *in, cJSON **out, struct cm_err *err)
{
	struct users_target t;
	struct store_tx *tx = NULL;
	struct audit_entry e;
	int64_t now = time_now_ms();
	char *hash = NULL;
	cJSON *d = NULL, *fields;
	bool denied = false;
	enum cm_status st;

	*out = NULL;
	if (id == NULL || !uuid_is_valid(id))
		return cm_err_set(err, CM_NOT_FOUND, "id", "no such user");
	if ((st = users_update_check(p, id, in, err)) != CM_OK)
		return st;
	if (in->password != NULL &&
	    (st = password_hash(in->password, &hash, err)) != CM_OK)
		return st;

	if ((st = store_tx_begin(hub->store, STORE_WRITE, &tx, err)) != CM_OK)
		goto out;
	if ((st = users_find(tx, p, id, &t, err)) != CM_OK)
		goto out;
	if (!IS_PA(p) && (t.roles & (1u << ROLE_PLATFORM_ADMIN))) {
		denied = true;
		st = cm_err_set(err, CM_FORBIDDEN, "id",
		    "only a platform-admin may change a platform-admin");
		goto out;
	}
	if (in->email != NULL &&
	    (st = users_email_free(tx, in->email, id, err)) != CM_OK)
		goto out;
	st = store_exec(tx, &q_update, STORE_ARGS(STORE_TEXT(id),
	    STORE_INT(in->set_name ? 1 : 0), STORE_TEXT(in->name),
	    STORE_TEXT(in->email), STORE_TEXT(in->status), STORE_TEXT(hash),
	    STORE_INT(now)), NULL, err);
	if (in->email != NULL)
		st = users_conflict(st, in->email, err);
	if (st != CM_OK)
		goto out;
	/* A disabled account or a new password ends every session. */
	if ((hash != NULL || (in->status != NULL &&
	    strcmp(in->status, "disabled") == 0)) &&
	    (st = store_exec(tx, &q_revoke_refresh, STORE_ARGS(
	    STORE_TEXT(id), STORE_INT(now)), NULL, err)) != CM_OK)
		goto out;

	d = cJSON_CreateObject();
	fields = cJSON_AddArrayToObject(d, "fields");
	if (in->set_name)
		cJSON_AddItemToArray(fields, cJSON_CreateString("name"));
	if (in->email != NULL)
		cJSON_AddItemToArray(fields, cJSON_CreateString("email"));
	if (in->status != NULL)
		cJSON_AddItemToArray(fields, cJSON_CreateString("status"));
	if (in->password != NULL)
		cJSON_AddItemToArray(fields, cJSON_CreateString("password"));
	users_audit_init(&e, p, origin, "users.update", id);
	e.details = d;
	if ((st = audit_write(tx, &e, err)) != CM_OK)
		goto out;
	if ((st = users_fetch(tx, p, id, out, err)) != CM_OK)
		goto out;
	st = store_tx_commit(tx, err);
	tx = NULL;
out:
	if (st != CM_OK) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	store_tx_rollback(tx);
	if (denied)
		users_audit_denial(hub, p, origin, "users.update", id, err);
	cJSON_Delete(d);
	free(hash);
	return st;
}

enum cm_status
users_delete(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const char *id, struct cm_err *err)
{
	struct users_target t;
	struct store_tx *tx = NULL;
	struct audit_entry e;
	cJSON *d = NULL;
	bool denied = false;
	enum cm_status st;

	if (id == NULL || !uuid_is_valid(id))
		return cm_err_set(err, CM_NOT_FOUND, "id", "no such user");
	if (strcmp(id, p->user_id) == 0)
		return cm_err_set(err, CM_CONFLICT, "id",
		    "you may not delete your own account");
	if ((st = store_tx_begin(hub->store, STORE_WRITE, &tx, err)) != CM_OK)
		return st;
	if ((st = users_find(tx, p, id, &t, err)) != CM_OK)
		goto out;
	if (!IS_PA(p) && (t.roles & (1u << ROLE_PLATFORM_ADMIN))) {
		denied = true;
		st = cm_err_set(err, CM_FORBIDDEN, "id",
		    "only a platform-admin may delete a platform-admin");
		goto out;
	}
	/* user_roles, refresh tokens and tour progress go by cascade. */
	if ((st = store_exec(tx, &q_delete, STORE_ARGS(STORE_TEXT(id)), NULL,
	    err)) != CM_OK)
		goto out;
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "email", t.email);
	users_audit_init(&e, p, origin, "users.delete", id);
	e.details = d;
	if ((st = audit_write(tx, &e, err)) != CM_OK)
		goto out;
	st = store_tx_commit(tx, err);
	tx = NULL;
out:
	store_tx_rollback(tx);
	if (denied)
		users_audit_denial(hub, p, origin, "users.delete", id, err);
	cJSON_Delete(d);
	return st;
}

enum cm_status
users_set_roles(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const char *id,
    const char *const *roles, size_t n, cJSON **out, struct cm_err *err)
{
	struct users_target t;
	struct store_tx *tx = NULL;
	struct audit_entry e;
	int64_t now = time_now_ms();
	cJSON *d = NULL;
	bool denied = false;
	enum cm_status st;
	role_set set;
	int i;

	*out = NULL;
	if (id == NULL || !uuid_is_valid(id))
		return cm_err_set(err, CM_NOT_FOUND, "id", "no such user");
	if ((st = users_roles_check(roles, n, &set, err)) != CM_OK)
		return st;
	if (strcmp(id, p->user_id) == 0) {
		cm_err_set(err, CM_FORBIDDEN, "id",
		    "you may not change your own roles; ask another "
		    "administrator");
		users_audit_denial(hub, p, origin, "users.roles", id, err);
		return CM_FORBIDDEN;
	}
	if ((st = store_tx_begin(hub->store, STORE_WRITE, &tx, err)) != CM_OK)
		return st;
	if ((st = users_find(tx, p, id, &t, err)) != CM_OK)
		goto out;
	if (!IS_PA(p) && (set & (1u << ROLE_PLATFORM_ADMIN))) {
		denied = true;
		st = cm_err_set(err, CM_FORBIDDEN, "roles",
		    "only a platform-admin may grant the platform-admin "
		    "role");
		goto out;
	}
	if (!IS_PA(p) && (t.roles & (1u << ROLE_PLATFORM_ADMIN))) {
		denied = true;
		st = cm_err_set(err, CM_FORBIDDEN, "id",
		    "only a platform-admin may change the roles of a "
		    "platform-admin");
		goto out;
	}
	if ((st = store_exec(tx, &q_roles_clear, STORE_ARGS(STORE_TEXT(id)),
	    NULL, err)) != CM_OK)
		goto out;
	for (i = 0; i < ROLE_COUNT; i++)
		if ((set & (1u << i)) && (st = users_add_role(tx, id,
		    (enum role)i, now, err)) != CM_OK)
			goto out;

	d = cJSON_CreateObject();
	cJSON_AddItemToObject(d, "roles", users_roles_json(set));
	cJSON_AddItemToObject(d, "previous", users_roles_json(t.roles));
	users_audit_init(&e, p, origin, "users.roles", id);
	e.details = d;
	if ((st = audit_write(tx, &e, err)) != CM_OK)
		goto out;
	if ((st = users_fetch(tx, p, id, out, err)) != CM_OK)
		goto out;
	st = store_tx_commit(tx, err);
	tx = NULL;
out:
	if (st != CM_OK) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	store_tx_rollback(tx);
	if (denied)
		users_audit_denial(hub, p, origin, "users.roles", id, err);
	cJSON_Delete(d);
	return st;
}
