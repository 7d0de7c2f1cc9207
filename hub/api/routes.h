/*
 * routes.h - the hub's route table: every endpoint, its handler and the
 * permission it needs.  The OpenAPI document, docs/rbac.md and the RBAC
 * matrix test are all checked against this one table.
 */
#ifndef CM_HUB_API_ROUTES_H
#define CM_HUB_API_ROUTES_H

#include <stddef.h>

#include "hub/http/router.h"

extern const struct route api_routes[];
extern const size_t api_routes_count;

#endif
