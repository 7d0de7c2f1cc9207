/*
 * principal.h - who is calling: the verified subject of a bearer token.
 *
 * Filled by the request path from a valid access token before any handler
 * runs; handlers take the tenant from here and never from the URL or body
 * (except platform-admin routes that say so).
 */
#ifndef CM_HUB_AUTH_PRINCIPAL_H
#define CM_HUB_AUTH_PRINCIPAL_H

#include "hub/auth/rbac.h"

#define CM_UUID_LEN 36

struct principal {
	char user_id[CM_UUID_LEN + 1];
	char tenant_id[CM_UUID_LEN + 1];
	char email[256];
	role_set roles;
	char jti[CM_UUID_LEN + 1];	/* the access token's id (for logout) */
	long long token_exp;		/* its expiry, epoch seconds */
};

#endif
