/*
 * users_impl.h - what the files of hub/users share and nobody else may
 * use: the platform-admin test and the input checks of users_input.c.
 *
 * Other folders include users.h only.  The checks take the inputs the
 * service functions were given and report the first bad field; they do
 * not touch the store and do not audit a refusal (the caller does, with
 * the *denied flag of users_create_check).
 */
#ifndef CM_HUB_USERS_USERS_IMPL_H
#define CM_HUB_USERS_USERS_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/status.h"
#include "hub/auth/principal.h"
#include "hub/auth/rbac.h"
#include "hub/users/users.h"

/* True when principal p holds the platform-admin role. */
#define IS_PA(p) (((p)->roles & (1u << ROLE_PLATFORM_ADMIN)) != 0)

/*
 * Check the filters of a user list: a known status and role, a tenant id
 * that is a UUID, a search text that is not too long.  CM_VALIDATION
 * naming the filter otherwise.
 */
enum cm_status users_filter_check(const struct user_filter *f,
    struct cm_err *err);

/*
 * Check a create request for p (fields first, then who may set them) and
 * parse its role into *role.  *denied is true when the failure is a
 * CM_FORBIDDEN the caller should audit.
 */
enum cm_status users_create_check(const struct principal *p,
    const struct user_create *in, enum role *role, bool *denied,
    struct cm_err *err);

/*
 * Check an update of user id by p: at least one field, valid values,
 * and no disabling of one's own account.  CM_VALIDATION naming the field.
 */
enum cm_status users_update_check(const struct principal *p, const char *id,
    const struct user_update *in, struct cm_err *err);

/*
 * Parse roles[0..n) into *set: non-empty, known and distinct names, else
 * CM_VALIDATION on field "roles".
 */
enum cm_status users_roles_check(const char *const *roles, size_t n,
    role_set *set, struct cm_err *err);

#endif
