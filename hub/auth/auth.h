/*
 * auth.h - sessions: login, refresh-token rotation, logout, and turning a
 * bearer token into a principal.
 *
 * Access tokens are HS256 JWTs that live cfg.access_ttl seconds; refresh
 * tokens are random, stored only as SHA-256, rotated on every use, and
 * grouped in families so that a reused (stolen) refresh token revokes
 * the whole family.  Logout revokes both the access token (by jti, until
 * it would have expired) and the refresh family.
 */
#ifndef CM_HUB_AUTH_AUTH_H
#define CM_HUB_AUTH_AUTH_H

#include "backend/status.h"
#include "hub/auth/principal.h"

struct hub;
struct http_req;
struct http_resp;

/*
 * Verify a bearer token and load its principal from the store (roles are
 * read fresh).  CM_UNAUTHORIZED when the token is invalid, expired,
 * revoked, or its user is gone or disabled.
 */
enum cm_status auth_principal(struct hub *hub, const char *token,
    struct principal *p, struct cm_err *err);

/* POST /api/v1/auth/login {"email","password"} */
void auth_login_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* POST /api/v1/auth/refresh {"refresh_token"} */
void auth_refresh_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* POST /api/v1/auth/logout {"refresh_token"} with the bearer token */
void auth_logout_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

#endif
