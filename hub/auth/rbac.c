/*
 * rbac.c - the role x permission table.  See rbac.h.
 *
 * The grants are one bit matrix so docs/rbac.md and the API tests can be
 * checked against exactly what the hub enforces.  Rules that depend on
 * the object (a tenant-admin may not grant platform-admin, a user may not
 * delete themselves) live with the service that owns the object.
 */
#include "config.h"

#include "hub/auth/rbac.h"

#include <string.h>

#define R(x) (1u << ROLE_##x)
#define ALL_ROLES (R(PLATFORM_ADMIN) | R(TENANT_ADMIN) | R(OPERATOR) | \
	R(VIEWER) | R(AUDITOR))

static const role_set perm_roles[PERM_COUNT] = {
	[PERM_PUBLIC] = ALL_ROLES,
	[PERM_SELF] = ALL_ROLES,
	[PERM_CLUSTERS_READ] = ALL_ROLES,
	[PERM_CLUSTERS_WRITE] = R(PLATFORM_ADMIN) | R(TENANT_ADMIN) |
	    R(OPERATOR),
	[PERM_ALERTS_READ] = ALL_ROLES,
	[PERM_ALERTS_WRITE] = R(PLATFORM_ADMIN) | R(TENANT_ADMIN) |
	    R(OPERATOR),
	[PERM_USERS_READ] = R(PLATFORM_ADMIN) | R(TENANT_ADMIN) | R(AUDITOR),
	[PERM_USERS_WRITE] = R(PLATFORM_ADMIN) | R(TENANT_ADMIN),
	[PERM_TENANTS_READ] = R(PLATFORM_ADMIN) | R(TENANT_ADMIN) |
	    R(AUDITOR),
	[PERM_TENANTS_WRITE] = R(PLATFORM_ADMIN),
	[PERM_AUDIT_READ] = R(PLATFORM_ADMIN) | R(TENANT_ADMIN) | R(AUDITOR),
	[PERM_APPS_READ] = ALL_ROLES,
	[PERM_APPS_WRITE] = R(PLATFORM_ADMIN) | R(TENANT_ADMIN) | R(OPERATOR),
	[PERM_DEPLOY] = R(PLATFORM_ADMIN) | R(TENANT_ADMIN) | R(OPERATOR),
	[PERM_METRICS_READ] = ALL_ROLES,
	[PERM_METRICS_WRITE] = R(PLATFORM_ADMIN) | R(TENANT_ADMIN) |
	    R(OPERATOR),
	[PERM_RULES_WRITE] = R(PLATFORM_ADMIN) | R(TENANT_ADMIN),
};

static const char *const role_names[ROLE_COUNT] = {
#define ROLE_NAME(id, name, desc) name,
	ROLE_INFO(ROLE_NAME)
#undef ROLE_NAME
};

static const struct {
	const char *name;
	const char *desc;
} perm_info[PERM_COUNT] = {
#define PERM_ROW(id, name, desc) { name, desc },
	PERM_INFO(PERM_ROW)
#undef PERM_ROW
};

const char *
rbac_role_name(enum role role)
{
	return (unsigned)role < ROLE_COUNT ? role_names[role] : NULL;
}

bool
rbac_role_parse(const char *name, enum role *out)
{
	int i;

	for (i = 0; i < ROLE_COUNT; i++) {
		if (strcmp(role_names[i], name) == 0) {
			*out = (enum role)i;
			return true;
		}
	}
	return false;
}

const char *
rbac_perm_name(enum perm perm)
{
	return (unsigned)perm < PERM_COUNT ? perm_info[perm].name : "?";
}

const char *
rbac_perm_desc(enum perm perm)
{
	return (unsigned)perm < PERM_COUNT ? perm_info[perm].desc : "?";
}

bool
rbac_role_allows(enum role role, enum perm perm)
{
	if ((unsigned)role >= ROLE_COUNT || (unsigned)perm >= PERM_COUNT)
		return false;
	return (perm_roles[perm] & (1u << role)) != 0;
}

bool
rbac_allows(role_set roles, enum perm perm)
{
	if ((unsigned)perm >= PERM_COUNT)
		return false;
	return (perm_roles[perm] & roles) != 0;
}

enum role
rbac_primary_role(role_set roles)
{
	int i;

	for (i = 0; i < ROLE_COUNT; i++)
		if (roles & (1u << i))
			return (enum role)i;
	return ROLE_COUNT;
}
