/*
 * status.h - one error vocabulary from the store to the wire.
 *
 * Every fallible function in libcmcore and the hub returns an enum
 * cm_status and fills a caller-provided struct cm_err, so the failure path
 * never allocates.  The X-macro below is the single source of the codes,
 * their wire names (the "error" field of an API error body) and the HTTP
 * status each maps to.  Nothing here prints: callers decide where an error
 * goes.
 */
#ifndef CM_BACKEND_STATUS_H
#define CM_BACKEND_STATUS_H

#include <stdarg.h>
#include <stddef.h>

/* code, wire name, http status */
#define CM_STATUS_INFO(_) \
	_(OK,           "OK",                  200) \
	_(BAD_REQUEST,  "BadRequest",          400) \
	_(UNAUTHORIZED, "Unauthorized",        401) \
	_(FORBIDDEN,    "Forbidden",           403) \
	_(NOT_FOUND,    "NotFound",            404) \
	_(METHOD,       "MethodNotAllowed",    405) \
	_(CONFLICT,     "Conflict",            409) \
	_(PRECONDITION, "PreconditionFailed",  412) \
	_(TOO_LARGE,    "PayloadTooLarge",     413) \
	_(VALIDATION,   "ValidationError",     422) \
	_(RATE_LIMITED, "RateLimited",         429) \
	_(NOMEM,        "OutOfMemory",         500) \
	_(IO,           "IOError",             500) \
	_(STORE,        "StoreError",          500) \
	_(INTERNAL,     "InternalError",       500) \
	_(UNAVAILABLE,  "Unavailable",         503)

enum cm_status {
#define CM_STATUS_ENUM(code, name, http) CM_##code,
	CM_STATUS_INFO(CM_STATUS_ENUM)
#undef CM_STATUS_ENUM
	CM_STATUS_COUNT
};

#define CM_ERR_FIELD_MAX 64
#define CM_ERR_MSG_MAX 256

/* Details of a failure; embedded by the caller, never heap-allocated. */
struct cm_err {
	enum cm_status status;
	char field[CM_ERR_FIELD_MAX];	/* offending field or "" */
	char msg[CM_ERR_MSG_MAX];	/* human sentence, no secrets */
};

/* Wire name of a status ("ValidationError"); never NULL. */
const char *cm_status_name(enum cm_status status);

/* HTTP status code a status maps to. */
int cm_status_http(enum cm_status status);

/* Reset err to CM_OK with empty field and message.  err may be NULL. */
void cm_err_clear(struct cm_err *err);

/*
 * Record a failure in err (may be NULL) and return status, so callers can
 * write "return cm_err_set(err, CM_VALIDATION, "name", "too long");".
 * field may be NULL.
 */
enum cm_status cm_err_set(struct cm_err *err, enum cm_status status,
    const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
