/*
 * auth.c - login, refresh rotation, logout, and bearer verification.
 * See auth.h.
 *
 * Every way a login can fail answers the same 401 "invalid email or
 * password", and an unknown email still pays for a password hash, so
 * neither the message nor the timing tells which accounts exist.  Logins
 * are rate-limited per client address and account before any hashing.
 */
#include "config.h"

#include "hub/auth/auth.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/json.h"
#include "backend/timeutil.h"
#include "backend/uuid.h"
#include "backend/xalloc.h"
#include "hub/api/api.h"
#include "hub/audit/audit.h"
#include "hub/auth/jwt.h"
#include "hub/auth/password.h"
#include "hub/auth/tokens.h"
#include "hub/core/hub.h"
#include "hub/http/http.h"
#include "hub/store/store.h"

#define AUTH_ISSUER "cmhubd"
#define AUTH_LEEWAY_S 30
#define EMAIL_MAX 255
#define PASSWORD_MAX 256

static const struct store_query q_principal = {
	"auth.principal",
	"SELECT u.tenant_id, u.email, u.status, t.status, "
	"EXISTS (SELECT 1 FROM revoked_access_tokens WHERE jti = $2), "
	"(SELECT group_concat(r.name, ',') FROM user_roles ur "
	"JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = u.id) "
	"FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE u.id = $1",
	"SELECT u.tenant_id, u.email, u.status, t.status, "
	"EXISTS (SELECT 1 FROM revoked_access_tokens WHERE jti = $2), "
	"(SELECT string_agg(r.name, ',') FROM user_roles ur "
	"JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = u.id) "
	"FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE u.id = $1",
};

static const struct store_query q_user_by_email = {
	"auth.user_by_email",
	"SELECT u.id, u.tenant_id, u.password_hash, u.status, t.status "
	"FROM users u JOIN tenants t ON t.id = u.tenant_id "
	"WHERE u.email = $1",
	"SELECT u.id, u.tenant_id, u.password_hash, u.status, t.status "
	"FROM users u JOIN tenants t ON t.id = u.tenant_id "
	"WHERE lower(u.email) = lower($1)",
};

static const struct store_query q_user_status = {
	"auth.user_status",
	"SELECT u.tenant_id, u.status, t.status FROM users u "
	"JOIN tenants t ON t.id = u.tenant_id WHERE u.id = $1",
	NULL,
};

static const struct store_query q_refresh_insert = {
	"auth.refresh_insert",
	"INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, "
	"created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
	NULL,
};

static const struct store_query q_refresh_find = {
	"auth.refresh_find",
	"SELECT id, user_id, family_id, expires_at, revoked_at "
	"FROM refresh_tokens WHERE token_hash = $1",
	NULL,
};

static const struct store_query q_refresh_rotate = {
	"auth.refresh_rotate",
	"UPDATE refresh_tokens SET revoked_at = $2, replaced_by = $3 "
	"WHERE id = $1 AND revoked_at IS NULL",
	NULL,
};

static const struct store_query q_family_revoke = {
	"auth.family_revoke",
	"UPDATE refresh_tokens SET revoked_at = $2 "
	"WHERE family_id = $1 AND revoked_at IS NULL",
	NULL,
};

static const struct store_query q_family_of_user = {
	"auth.family_of_user",
	"SELECT family_id FROM refresh_tokens "
	"WHERE token_hash = $1 AND user_id = $2",
	NULL,
};

static const struct store_query q_revoke_jti = {
	"auth.revoke_jti",
	"INSERT INTO revoked_access_tokens (jti, expires_at) VALUES ($1, $2) "
	"ON CONFLICT (jti) DO NOTHING",
	NULL,
};

static const struct store_query q_purge_jti = {
	"auth.purge_jti",
	"DELETE FROM revoked_access_tokens WHERE expires_at < $1",
	NULL,
};

/* Roles from "a,b" names into a set; unknown names are ignored. */
static role_set
auth_roles_parse(const char *csv)
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

enum cm_status
auth_principal(struct hub *hub, const char *token, struct principal *p,
    struct cm_err *err)
{
	cJSON *claims = NULL;
	const cJSON *sub, *jti, *typ, *exp;
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	enum cm_status st;
	int rc;

	memset(p, 0, sizeof *p);
	st = jwt_verify_hs256(hub->jwt_key, sizeof hub->jwt_key, token,
	    time_now_ms() / 1000, AUTH_LEEWAY_S, &claims, err);
	if (st != CM_OK)
		return st;
	sub = cJSON_GetObjectItemCaseSensitive(claims, "sub");
	jti = cJSON_GetObjectItemCaseSensitive(claims, "jti");
	typ = cJSON_GetObjectItemCaseSensitive(claims, "typ");
	exp = cJSON_GetObjectItemCaseSensitive(claims, "exp");
	if (!cJSON_IsString(sub) || !uuid_is_valid(sub->valuestring) ||
	    !cJSON_IsString(jti) || !uuid_is_valid(jti->valuestring) ||
	    !cJSON_IsString(typ) || strcmp(typ->valuestring, "access") != 0 ||
	    !cJSON_IsNumber(exp)) {
		st = cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "token is not an access token of this hub");
		goto out;
	}
	snprintf(p->user_id, sizeof p->user_id, "%s", sub->valuestring);
	snprintf(p->jti, sizeof p->jti, "%s", jti->valuestring);
	p->token_exp = (long long)exp->valuedouble;

	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK)
		goto out;
	if ((st = store_query(tx, &q_principal, STORE_ARGS(
	    STORE_TEXT(p->user_id), STORE_TEXT(p->jti)), &rows, err)) !=
	    CM_OK)
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
	if (strcmp(store_rows_text(rows, 2), "active") != 0 ||
	    strcmp(store_rows_text(rows, 3), "active") != 0) {
		st = cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "the account is disabled");
		goto out;
	}
	if (store_rows_int(rows, 4) != 0) {
		st = cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "the token has been revoked");
		goto out;
	}
	snprintf(p->tenant_id, sizeof p->tenant_id, "%s",
	    store_rows_text(rows, 0));
	snprintf(p->email, sizeof p->email, "%s", store_rows_text(rows, 1));
	p->roles = auth_roles_parse(store_rows_text(rows, 5));
out:
	store_rows_close(rows);
	store_tx_rollback(tx);
	cJSON_Delete(claims);
	return st;
}

/*
 * Issue an access token and a new refresh token of family (a new family
 * when NULL) inside tx, and build the login/refresh answer.
 */
static enum cm_status
auth_issue(struct hub *hub, struct store_tx *tx, const char *user_id,
    const char *tenant_id, const char *family, cJSON **out,
    char refresh_id[UUID_STR_LEN + 1], struct cm_err *err)
{
	char jti[UUID_STR_LEN + 1], fam[UUID_STR_LEN + 1];
	char refresh[TOKEN_LEN + 1], hash[65];
	int64_t now_ms = time_now_ms(), now = now_ms / 1000;
	cJSON *claims, *o;
	char *access;
	enum cm_status st;

	uuid_v7(jti);
	uuid_v7(refresh_id);
	if (family == NULL) {
		uuid_v7(fam);
		family = fam;
	}
	token_random(refresh);
	token_sha256_hex(refresh, hash);
	st = store_exec(tx, &q_refresh_insert, STORE_ARGS(
	    STORE_TEXT(refresh_id), STORE_TEXT(user_id), STORE_TEXT(family),
	    STORE_TEXT(hash), STORE_INT(now_ms),
	    STORE_INT(now_ms + hub->cfg.refresh_ttl * 1000)), NULL, err);
	if (st != CM_OK)
		return st;

	claims = cJSON_CreateObject();
	cJSON_AddStringToObject(claims, "iss", AUTH_ISSUER);
	cJSON_AddStringToObject(claims, "sub", user_id);
	cJSON_AddStringToObject(claims, "tid", tenant_id);
	cJSON_AddStringToObject(claims, "typ", "access");
	cJSON_AddStringToObject(claims, "jti", jti);
	cJSON_AddNumberToObject(claims, "iat", (double)now);
	cJSON_AddNumberToObject(claims, "nbf", (double)now);
	cJSON_AddNumberToObject(claims, "exp",
	    (double)(now + hub->cfg.access_ttl));
	access = jwt_sign_hs256(hub->jwt_key, sizeof hub->jwt_key, claims);
	cJSON_Delete(claims);

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "access_token", access);
	cJSON_AddStringToObject(o, "refresh_token", refresh);
	cJSON_AddStringToObject(o, "token_type", "Bearer");
	cJSON_AddNumberToObject(o, "expires_in", (double)hub->cfg.access_ttl);
	cJSON_AddNumberToObject(o, "refresh_expires_in",
	    (double)hub->cfg.refresh_ttl);
	free(access);
	*out = o;
	return CM_OK;
}

/* Take a token from a per-client bucket of the login class, or answer 429. */
static bool
auth_rate_ok(struct hub *hub, const char *key, struct http_resp *resp)
{
	return api_rate_take(hub, key, hub->cfg.rate_login_per_min,
	    hub->cfg.rate_login_burst, resp);
}

static void
auth_login_failed(struct hub *hub, struct http_req *req,
    struct http_resp *resp, const char *user_id, const char *tenant_id,
    const char *reason)
{
	struct audit_entry e;
	cJSON *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "reason", reason);
	api_audit_init(&e, req, "auth.login", "session", NULL);
	e.user_id = user_id;
	e.tenant_id = tenant_id;
	e.success = false;
	e.details = d;
	audit_write_now(hub, &e);
	cJSON_Delete(d);
	http_resp_header(resp, "WWW-Authenticate", "Bearer realm=\"cmhubd\"");
	http_resp_fail(resp, CM_UNAUTHORIZED, NULL,
	    "invalid email or password");
}

void
auth_login_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	static const char *const keys[] = { "email", "password", NULL };
	cJSON *body, *out = NULL;
	const char *email, *password;
	char key[EMAIL_MAX + 80], user_id[UUID_STR_LEN + 1];
	char tenant_id[UUID_STR_LEN + 1], refresh_id[UUID_STR_LEN + 1];
	char *hash = NULL;
	struct cm_err err;
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	struct audit_entry e;
	const char *reason = NULL;
	size_t i;
	int rc;

	cm_err_clear(&err);
	if ((body = api_body(req, resp)) == NULL)
		return;
	if (json_check_keys(body, keys, &err) != CM_OK ||
	    json_get_string(body, "email", true, EMAIL_MAX, &email, &err) !=
	    CM_OK ||
	    json_get_string(body, "password", true, PASSWORD_MAX, &password,
	    &err) != CM_OK) {
		http_resp_error(resp, &err);
		goto out;
	}
	i = (size_t)snprintf(key, sizeof key, "login:%s|", req->client_ip);
	for (; *email != '\0' && i + 1 < sizeof key; email++)
		key[i++] = (char)tolower((unsigned char)*email);
	key[i] = '\0';
	email = cJSON_GetObjectItemCaseSensitive(body, "email")->valuestring;
	if (!auth_rate_ok(hub, key, resp))
		goto out;

	/* Look the account up and copy what we need; no tx across hashing. */
	user_id[0] = tenant_id[0] = '\0';
	if (store_tx_begin(hub->store, STORE_READ, &tx, &err) != CM_OK ||
	    store_query(tx, &q_user_by_email, STORE_ARGS(STORE_TEXT(email)),
	    &rows, &err) != CM_OK || (rc = store_rows_next(rows, &err)) < 0) {
		http_resp_error(resp, &err);
		goto out;
	}
	if (rc == 1) {
		snprintf(user_id, sizeof user_id, "%s",
		    store_rows_text(rows, 0));
		snprintf(tenant_id, sizeof tenant_id, "%s",
		    store_rows_text(rows, 1));
		if (store_rows_text(rows, 2) != NULL)
			hash = xstrdup(store_rows_text(rows, 2));
		if (strcmp(store_rows_text(rows, 3), "active") != 0)
			reason = "account disabled";
		else if (strcmp(store_rows_text(rows, 4), "active") != 0)
			reason = "tenant suspended";
	}
	store_rows_close(rows);
	rows = NULL;
	store_tx_rollback(tx);
	tx = NULL;

	if (user_id[0] == '\0') {
		password_verify_dummy(password);
		auth_login_failed(hub, req, resp, NULL, NULL, "unknown email");
		goto out;
	}
	if (hash == NULL || !password_verify(hash, password)) {
		auth_login_failed(hub, req, resp, user_id, tenant_id,
		    hash == NULL ? "no local password" : "wrong password");
		goto out;
	}
	if (reason != NULL) {
		auth_login_failed(hub, req, resp, user_id, tenant_id, reason);
		goto out;
	}

	if (store_tx_begin(hub->store, STORE_WRITE, &tx, &err) != CM_OK ||
	    auth_issue(hub, tx, user_id, tenant_id, NULL, &out, refresh_id,
	    &err) != CM_OK)
		goto fail;
	api_audit_init(&e, req, "auth.login", "session", refresh_id);
	e.user_id = user_id;
	e.tenant_id = tenant_id;
	if (audit_write(tx, &e, &err) != CM_OK)
		goto fail;
	if (store_tx_commit(tx, &err) != CM_OK) {
		tx = NULL;
		goto fail;
	}
	tx = NULL;
	http_resp_json(resp, 200, out);
	out = NULL;
	goto out;
fail:
	http_resp_error(resp, &err);
out:
	cJSON_Delete(out);
	store_rows_close(rows);
	store_tx_rollback(tx);
	free(hash);
	cJSON_Delete(body);
}

void
auth_refresh_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	static const char *const keys[] = { "refresh_token", NULL };
	cJSON *body, *out = NULL;
	const char *token;
	char hash[65], key[96];
	char id[UUID_STR_LEN + 1], user_id[UUID_STR_LEN + 1];
	char family[UUID_STR_LEN + 1], new_id[UUID_STR_LEN + 1];
	char tenant_id[UUID_STR_LEN + 1];
	struct cm_err err;
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	int64_t now = time_now_ms(), changes = 0;
	bool reused = false, expired = false;
	int rc;

	cm_err_clear(&err);
	if ((body = api_body(req, resp)) == NULL)
		return;
	if (json_check_keys(body, keys, &err) != CM_OK ||
	    json_get_string(body, "refresh_token", true, 128, &token, &err) !=
	    CM_OK)
		goto fail;
	snprintf(key, sizeof key, "refresh:%s", req->client_ip);
	if (!auth_rate_ok(hub, key, resp))
		goto out;
	token_sha256_hex(token, hash);

	if (store_tx_begin(hub->store, STORE_WRITE, &tx, &err) != CM_OK ||
	    store_query(tx, &q_refresh_find, STORE_ARGS(STORE_TEXT(hash)),
	    &rows, &err) != CM_OK || (rc = store_rows_next(rows, &err)) < 0)
		goto fail;
	if (rc == 0) {
		cm_err_set(&err, CM_UNAUTHORIZED, "refresh_token",
		    "unknown refresh token");
		goto fail;
	}
	snprintf(id, sizeof id, "%s", store_rows_text(rows, 0));
	snprintf(user_id, sizeof user_id, "%s", store_rows_text(rows, 1));
	snprintf(family, sizeof family, "%s", store_rows_text(rows, 2));
	expired = store_rows_int(rows, 3) <= now;
	reused = !store_rows_is_null(rows, 4);
	store_rows_close(rows);
	rows = NULL;

	if (reused) {
		/* A rotated token came back: assume theft, end the family. */
		struct audit_entry e;

		if (store_exec(tx, &q_family_revoke, STORE_ARGS(
		    STORE_TEXT(family), STORE_INT(now)), NULL, &err) != CM_OK)
			goto fail;
		api_audit_init(&e, req, "auth.refresh_reuse", "session", id);
		e.user_id = user_id;
		e.success = false;
		if (audit_write(tx, &e, &err) != CM_OK)
			goto fail;
		if (store_tx_commit(tx, &err) != CM_OK) {
			tx = NULL;
			goto fail;
		}
		tx = NULL;
		cm_err_set(&err, CM_UNAUTHORIZED, "refresh_token",
		    "refresh token was already used; the session is revoked");
		goto fail;
	}
	if (expired) {
		cm_err_set(&err, CM_UNAUTHORIZED, "refresh_token",
		    "refresh token has expired");
		goto fail;
	}
	if (store_query(tx, &q_user_status, STORE_ARGS(STORE_TEXT(user_id)),
	    &rows, &err) != CM_OK || (rc = store_rows_next(rows, &err)) < 0)
		goto fail;
	if (rc == 0 || strcmp(store_rows_text(rows, 1), "active") != 0 ||
	    strcmp(store_rows_text(rows, 2), "active") != 0) {
		cm_err_set(&err, CM_UNAUTHORIZED, NULL,
		    "the account is disabled");
		goto fail;
	}
	snprintf(tenant_id, sizeof tenant_id, "%s", store_rows_text(rows, 0));
	store_rows_close(rows);
	rows = NULL;

	if (auth_issue(hub, tx, user_id, tenant_id, family, &out, new_id,
	    &err) != CM_OK ||
	    store_exec(tx, &q_refresh_rotate, STORE_ARGS(STORE_TEXT(id),
	    STORE_INT(now), STORE_TEXT(new_id)), &changes, &err) != CM_OK)
		goto fail;
	if (changes != 1) {
		cm_err_set(&err, CM_UNAUTHORIZED, "refresh_token",
		    "refresh token was already used");
		goto fail;
	}
	if (store_tx_commit(tx, &err) != CM_OK) {
		tx = NULL;
		goto fail;
	}
	tx = NULL;
	http_resp_json(resp, 200, out);
	out = NULL;
	goto out;
fail:
	http_resp_error(resp, &err);
out:
	cJSON_Delete(out);
	store_rows_close(rows);
	store_tx_rollback(tx);
	cJSON_Delete(body);
}

void
auth_logout_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	static const char *const keys[] = { "refresh_token", NULL };
	const struct principal *p = req->principal;
	cJSON *body = NULL;
	const char *token = NULL;
	char hash[65];
	struct cm_err err;
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	struct audit_entry e;
	int64_t now = time_now_ms();
	int rc;

	cm_err_clear(&err);
	/* The body is optional: without it only the access token ends. */
	if (req->body_len > 0) {
		if ((body = api_body(req, resp)) == NULL)
			return;
		if (json_check_keys(body, keys, &err) != CM_OK ||
		    json_get_string(body, "refresh_token", false, 128, &token,
		    &err) != CM_OK)
			goto fail;
	}
	if (store_tx_begin(hub->store, STORE_WRITE, &tx, &err) != CM_OK ||
	    store_exec(tx, &q_revoke_jti, STORE_ARGS(STORE_TEXT(p->jti),
	    STORE_INT(p->token_exp * 1000)), NULL, &err) != CM_OK ||
	    store_exec(tx, &q_purge_jti, STORE_ARGS(STORE_INT(now)), NULL,
	    &err) != CM_OK)
		goto fail;
	if (token != NULL) {
		token_sha256_hex(token, hash);
		if (store_query(tx, &q_family_of_user, STORE_ARGS(
		    STORE_TEXT(hash), STORE_TEXT(p->user_id)), &rows, &err) !=
		    CM_OK || (rc = store_rows_next(rows, &err)) < 0)
			goto fail;
		if (rc == 1) {
			char family[UUID_STR_LEN + 1];

			snprintf(family, sizeof family, "%s",
			    store_rows_text(rows, 0));
			store_rows_close(rows);
			rows = NULL;
			if (store_exec(tx, &q_family_revoke, STORE_ARGS(
			    STORE_TEXT(family), STORE_INT(now)), NULL,
			    &err) != CM_OK)
				goto fail;
		}
		store_rows_close(rows);
		rows = NULL;
	}
	api_audit_init(&e, req, "auth.logout", "session", NULL);
	if (audit_write(tx, &e, &err) != CM_OK)
		goto fail;
	if (store_tx_commit(tx, &err) != CM_OK) {
		tx = NULL;
		goto fail;
	}
	tx = NULL;
	resp->status = 204;
	goto out;
fail:
	http_resp_error(resp, &err);
out:
	store_rows_close(rows);
	store_tx_rollback(tx);
	cJSON_Delete(body);
}
