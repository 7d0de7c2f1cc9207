/*
 * rbac.h - built-in roles, permissions, and the one table that joins them.
 *
 * Every route names exactly one permission (see hub/api/routes.c); a
 * principal may call it when one of its roles grants that permission.
 * Tenant isolation is not decided here: every store query takes the
 * principal's tenant, so another tenant's object is simply not found.
 * docs/rbac.md is this table in prose and is checked against it by a test.
 */
#ifndef CM_HUB_AUTH_RBAC_H
#define CM_HUB_AUTH_RBAC_H

#include <stdbool.h>
#include <stddef.h>

/* id, wire name, description */
#define ROLE_INFO(_) \
	_(PLATFORM_ADMIN, "platform-admin", "Runs the hub: every tenant, every object") \
	_(TENANT_ADMIN,   "tenant-admin",   "Administers one tenant: users, clusters, alerts") \
	_(OPERATOR,       "operator",       "Operates clusters: register, update, triage alerts") \
	_(VIEWER,         "viewer",         "Reads clusters, alerts and the dashboard") \
	_(AUDITOR,        "auditor",        "Reads everything including the audit log; changes nothing")

enum role {
#define ROLE_ENUM(id, name, desc) ROLE_##id,
	ROLE_INFO(ROLE_ENUM)
#undef ROLE_ENUM
	ROLE_COUNT
};

/* A set of roles: bit (1u << ROLE_x). */
typedef unsigned role_set;

/* id, wire name, description */
#define PERM_INFO(_) \
	_(PUBLIC,         "public",          "No authentication") \
	_(SELF,           "self",            "Any signed-in user, on their own data") \
	_(CLUSTERS_READ,  "clusters:read",   "List and read clusters, providers, history") \
	_(CLUSTERS_WRITE, "clusters:write",  "Register, update and de-register clusters") \
	_(ALERTS_READ,    "alerts:read",     "List alerts and the dashboard summary") \
	_(ALERTS_WRITE,   "alerts:write",    "Acknowledge and resolve alerts") \
	_(USERS_READ,     "users:read",      "List users of the tenant") \
	_(USERS_WRITE,    "users:write",     "Create, update, delete users and assign roles") \
	_(TENANTS_READ,   "tenants:read",    "List tenants") \
	_(TENANTS_WRITE,  "tenants:write",   "Create tenants") \
	_(AUDIT_READ,     "audit:read",      "Query the audit log") \
	_(APPS_READ,      "apps:read",       "List and read applications, versions and deployments") \
	_(APPS_WRITE,     "apps:write",      "Register applications and add versions") \
	_(DEPLOY,         "deployments:write", "Deploy, upgrade and roll back applications") \
	_(METRICS_READ,   "metrics:read",    "Query metrics and observability dashboards") \
	_(METRICS_WRITE,  "metrics:write",   "Push metric batches (agents)") \
	_(RULES_WRITE,    "alert-rules:write", "Create, change and delete alert rules")

enum perm {
#define PERM_ENUM(id, name, desc) PERM_##id,
	PERM_INFO(PERM_ENUM)
#undef PERM_ENUM
	PERM_COUNT
};

/* Wire name of a role ("tenant-admin"); NULL when out of range. */
const char *rbac_role_name(enum role role);

/* Role by wire name; returns false when unknown. */
bool rbac_role_parse(const char *name, enum role *out);

/* Wire name of a permission ("clusters:read"). */
const char *rbac_perm_name(enum perm perm);

/* Description of a permission, for docs and help. */
const char *rbac_perm_desc(enum perm perm);

/* True when one role grants perm.  PERM_PUBLIC and PERM_SELF: every role. */
bool rbac_role_allows(enum role role, enum perm perm);

/* True when any role of the set grants perm. */
bool rbac_allows(role_set roles, enum perm perm);

/* Highest-privilege role of a set (for display), or ROLE_COUNT if empty. */
enum role rbac_primary_role(role_set roles);

#endif
