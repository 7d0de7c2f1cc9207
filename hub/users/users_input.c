/*
 * users_input.c - the checks of what a caller sends the users service:
 * emails, names, statuses, role names and role lists, list filters, and
 * the object rules of create and update that need no store.  See
 * users_impl.h.
 *
 * Every failure is CM_VALIDATION (or CM_FORBIDDEN for a rule about who
 * may do it) naming the field, with a message that never repeats a
 * password.  It does not parse HTTP requests (users_http.c), read the
 * store, or audit anything: users.c does both around these calls.
 */
#include "config.h"

#include "hub/users/users_impl.h"

#include <stdio.h>
#include <string.h>

#include "backend/uuid.h"
#include "hub/auth/password.h"
#include "hub/auth/rbac.h"

#define USERS_Q_MAX 255		/* bytes of the ?q= search text */

static const char *const list_statuses[] = {
	"active", "disabled", "pending", NULL
};
static const char *const update_statuses[] = { "active", "disabled", NULL };

/* "platform-admin, tenant-admin, ..." for messages. */
static void
users_role_list(char *buf, size_t size)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < ROLE_COUNT && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
		    i ? ", " : "", rbac_role_name((enum role)i));
}

static enum cm_status
users_check_role(const char *field, const char *name, enum role *out,
    struct cm_err *err)
{
	char list[128];

	if (name != NULL && rbac_role_parse(name, out))
		return CM_OK;
	users_role_list(list, sizeof list);
	return cm_err_set(err, CM_VALIDATION, field,
	    "%s must be one of: %s", field, list);
}

/* One '@' with text on both sides, no spaces or control characters. */
static enum cm_status
users_check_email(const char *s, struct cm_err *err)
{
	const char *at = strchr(s, '@');
	const unsigned char *c;

	if (strlen(s) > USERS_EMAIL_MAX)
		return cm_err_set(err, CM_VALIDATION, "email",
		    "email must be at most %d bytes", USERS_EMAIL_MAX);
	if (at == NULL || at == s || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL)
		return cm_err_set(err, CM_VALIDATION, "email",
		    "email must look like name@example.com");
	for (c = (const unsigned char *)s; *c != '\0'; c++)
		if (*c <= 0x20 || *c == 0x7f)
			return cm_err_set(err, CM_VALIDATION, "email",
			    "email must not contain spaces or control "
			    "characters");
	return CM_OK;
}

static enum cm_status
users_check_name(const char *s, struct cm_err *err)
{
	const unsigned char *c;

	if (strlen(s) > USERS_NAME_MAX)
		return cm_err_set(err, CM_VALIDATION, "name",
		    "name must be at most %d bytes", USERS_NAME_MAX);
	for (c = (const unsigned char *)s; *c != '\0'; c++)
		if (*c < 0x20 || *c == 0x7f)
			return cm_err_set(err, CM_VALIDATION, "name",
			    "name must not contain control characters");
	return CM_OK;
}

/*
 * Check the filters of a user list: a known status and role, a tenant id
 * that is a UUID, and a search text of at most USERS_Q_MAX bytes.
 */
enum cm_status
users_filter_check(const struct user_filter *f, struct cm_err *err)
{
	enum role role;
	int i;

	if (f->status != NULL) {
		for (i = 0; list_statuses[i] != NULL; i++)
			if (strcmp(list_statuses[i], f->status) == 0)
				break;
		if (list_statuses[i] == NULL)
			return cm_err_set(err, CM_VALIDATION, "status",
			    "status must be one of: active, disabled, "
			    "pending");
	}
	if (f->role != NULL &&
	    users_check_role("role", f->role, &role, err) != CM_OK)
		return err->status;
	if (f->tenant_id != NULL && !uuid_is_valid(f->tenant_id))
		return cm_err_set(err, CM_VALIDATION, "tenant_id",
		    "tenant_id must be a tenant id (a UUID)");
	if (f->q != NULL && strlen(f->q) > USERS_Q_MAX)
		return cm_err_set(err, CM_VALIDATION, "q",
		    "q must be at most %d bytes", USERS_Q_MAX);
	return CM_OK;
}

/* Object rules of create that need no store: fields, then permission. */
enum cm_status
users_create_check(const struct principal *p, const struct user_create *in,
    enum role *role, bool *denied, struct cm_err *err)
{
	*denied = false;
	if (in->email == NULL || in->email[0] == '\0')
		return cm_err_set(err, CM_VALIDATION, "email",
		    "email is required");
	if (users_check_email(in->email, err) != CM_OK)
		return err->status;
	if (in->name != NULL && users_check_name(in->name, err) != CM_OK)
		return err->status;
	if (in->password == NULL)
		return cm_err_set(err, CM_VALIDATION, "password",
		    "password is required");
	if (password_check_policy(in->password, err) != CM_OK)
		return err->status;
	if (in->role == NULL)
		return cm_err_set(err, CM_VALIDATION, "role",
		    "role is required");
	if (users_check_role("role", in->role, role, err) != CM_OK)
		return err->status;
	if (in->tenant_id != NULL && !IS_PA(p)) {
		*denied = true;
		return cm_err_set(err, CM_FORBIDDEN, "tenant_id",
		    "only a platform-admin may choose the tenant of a user");
	}
	if (in->tenant_id != NULL && !uuid_is_valid(in->tenant_id))
		return cm_err_set(err, CM_VALIDATION, "tenant_id",
		    "tenant_id must be a tenant id (a UUID)");
	if (*role == ROLE_PLATFORM_ADMIN && !IS_PA(p)) {
		*denied = true;
		return cm_err_set(err, CM_FORBIDDEN, "role",
		    "only a platform-admin may grant the platform-admin "
		    "role");
	}
	return CM_OK;
}

/* Field rules of an update that need no store. */
enum cm_status
users_update_check(const struct principal *p, const char *id,
    const struct user_update *in, struct cm_err *err)
{
	int i;

	if (!in->set_name && in->email == NULL && in->status == NULL &&
	    in->password == NULL)
		return cm_err_set(err, CM_VALIDATION, NULL,
		    "nothing to update: give at least one of name, email, "
		    "status, password");
	if (in->set_name && in->name != NULL &&
	    users_check_name(in->name, err) != CM_OK)
		return err->status;
	if (in->email != NULL && users_check_email(in->email, err) != CM_OK)
		return err->status;
	if (in->status != NULL) {
		for (i = 0; update_statuses[i] != NULL; i++)
			if (strcmp(update_statuses[i], in->status) == 0)
				break;
		if (update_statuses[i] == NULL)
			return cm_err_set(err, CM_VALIDATION, "status",
			    "status must be one of: active, disabled");
		if (strcmp(in->status, "disabled") == 0 &&
		    strcmp(id, p->user_id) == 0)
			return cm_err_set(err, CM_VALIDATION, "status",
			    "you may not disable your own account");
	}
	if (in->password != NULL &&
	    password_check_policy(in->password, err) != CM_OK)
		return err->status;
	return CM_OK;
}

/* Parse a roles list into a set: non-empty, known, distinct. */
enum cm_status
users_roles_check(const char *const *roles, size_t n, role_set *set,
    struct cm_err *err)
{
	enum role r;
	size_t i;

	*set = 0;
	if (n == 0)
		return cm_err_set(err, CM_VALIDATION, "roles",
		    "roles must list at least one role");
	for (i = 0; i < n; i++) {
		if (users_check_role("roles", roles[i], &r, err) != CM_OK)
			return err->status;
		if (*set & (1u << r))
			return cm_err_set(err, CM_VALIDATION, "roles",
			    "role \"%s\" is listed twice", roles[i]);
		*set |= 1u << r;
	}
	return CM_OK;
}
