/*
 * kubestatus.c - map Kubernetes Status answers to struct cm_err.  See
 * kubestatus.h.
 */
#include "config.h"

#include "backend/kube/kubestatus.h"

#include <stdio.h>
#include <string.h>

static const char *
ks_str(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(it) && it->valuestring[0] != '\0' ?
	    it->valuestring : NULL;
}

long
kubestatus_code(const cJSON *status)
{
	const cJSON *code;
	const char *kind;

	if (!cJSON_IsObject(status))
		return 0;
	kind = ks_str(status, "kind");
	if (kind != NULL && strcmp(kind, "Status") != 0)
		return 0;
	code = cJSON_GetObjectItemCaseSensitive(status, "code");
	return cJSON_IsNumber(code) ? (long)code->valuedouble : 0;
}

/* The status a Kubernetes HTTP code maps to. */
static enum cm_status
ks_status(long http)
{
	switch (http) {
	case 400: return CM_BAD_REQUEST;
	case 401: return CM_UNAUTHORIZED;
	case 403: return CM_FORBIDDEN;
	case 404: return CM_NOT_FOUND;
	case 405: return CM_METHOD;
	case 406: return CM_BAD_REQUEST;
	case 409: return CM_CONFLICT;
	case 410: return CM_CONFLICT;
	case 412: return CM_PRECONDITION;
	case 413: return CM_TOO_LARGE;
	case 415: return CM_BAD_REQUEST;
	case 422: return CM_VALIDATION;
	case 429: return CM_RATE_LIMITED;
	case 502: case 503: case 504: return CM_UNAVAILABLE;
	default:
		return http >= 500 ? CM_INTERNAL : CM_BAD_REQUEST;
	}
}

/*
 * 422: "<kind> "<name>" is invalid: field: message; field: message" from
 * details.causes, falling back to the server's message.
 */
static enum cm_status
ks_invalid(const cJSON *status, const char *message, struct cm_err *err)
{
	const cJSON *details, *causes, *c;
	const char *kind, *name, *field, *msg, *first = NULL;
	char buf[CM_ERR_MSG_MAX];
	size_t len = 0;
	int n;

	details = cJSON_GetObjectItemCaseSensitive(status, "details");
	causes = cJSON_GetObjectItemCaseSensitive(details, "causes");
	if (!cJSON_IsArray(causes) || cJSON_GetArraySize(causes) == 0)
		return cm_err_set(err, CM_VALIDATION, NULL, "invalid: %s",
		    message != NULL ? message :
		    "the server refused the object");
	kind = ks_str(details, "kind");
	name = ks_str(details, "name");
	if (kind != NULL && name != NULL)
		n = snprintf(buf, sizeof buf, "%s \"%s\" is invalid:", kind,
		    name);
	else
		n = snprintf(buf, sizeof buf, "invalid:");
	len = n > 0 && (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
	cJSON_ArrayForEach(c, causes) {
		field = ks_str(c, "field");
		msg = ks_str(c, "message");
		if (msg == NULL)
			msg = ks_str(c, "reason");
		if (first == NULL)
			first = field;
		n = snprintf(buf + len, sizeof buf - len, "%s %s%s%s",
		    c == causes->child ? "" : ";", field != NULL ? field : "",
		    field != NULL ? ": " : "", msg != NULL ? msg : "invalid");
		if (n < 0 || (size_t)n >= sizeof buf - len) {
			len = sizeof buf - 1;
			break;
		}
		len += (size_t)n;
	}
	return cm_err_set(err, CM_VALIDATION, first, "%s", buf);
}

enum cm_status
kubestatus_from_json(const cJSON *status, long http, const char *what,
    struct cm_err *err)
{
	const char *message = ks_str(status, "message");
	const char *reason = ks_str(status, "reason");
	long code = kubestatus_code(status);

	if (code >= 300)
		http = code;
	if (message == NULL)
		message = reason;
	switch (http) {
	case 401:
		return cm_err_set(err, CM_UNAUTHORIZED, NULL, "%s",
		    KUBESTATUS_UNAUTHORIZED);
	case 403:
		if (message != NULL)
			return cm_err_set(err, CM_FORBIDDEN, NULL, "%s",
			    message);
		return cm_err_set(err, CM_FORBIDDEN, NULL, "forbidden: %s",
		    what);
	case 404:
		if (message != NULL)
			return cm_err_set(err, CM_NOT_FOUND, NULL, "%s",
			    message);
		return cm_err_set(err, CM_NOT_FOUND, NULL, "not found: %s",
		    what);
	case 409:
		if (message != NULL)
			return cm_err_set(err, CM_CONFLICT, NULL, "%s",
			    message);
		return cm_err_set(err, CM_CONFLICT, NULL, "conflict: %s",
		    what);
	case 410:
		return cm_err_set(err, CM_CONFLICT, NULL, "expired: %s",
		    message != NULL ? message :
		    "the resource version is too old");
	case 422:
		return ks_invalid(status, message, err);
	case 429:
		return cm_err_set(err, CM_RATE_LIMITED, NULL, "the API server "
		    "is throttling requests: %s", message != NULL ? message :
		    "try again later");
	default:
		break;
	}
	if (http >= 500)
		return cm_err_set(err, ks_status(http), NULL, "server error "
		    "(%ld): %s", http, message != NULL ? message : what);
	return cm_err_set(err, ks_status(http), NULL, "%s (%ld): %s",
	    reason != NULL ? reason : "request failed", http,
	    message != NULL ? message : what);
}

enum cm_status
kubestatus_from_http(long http, const char *body, size_t len,
    const char *what, struct cm_err *err)
{
	cJSON *status = NULL;
	char text[96];
	size_t n;
	enum cm_status st;

	if (body != NULL && len > 0)
		status = cJSON_ParseWithLength(body, len);
	if (cJSON_IsObject(status)) {
		st = kubestatus_from_json(status, http, what, err);
		cJSON_Delete(status);
		return st;
	}
	cJSON_Delete(status);
	if (http == 401)
		return cm_err_set(err, CM_UNAUTHORIZED, NULL, "%s",
		    KUBESTATUS_UNAUTHORIZED);
	/* Not a Status: a proxy's page.  Quote its first line, briefly. */
	n = 0;
	if (body != NULL) {
		while (n < len && n < sizeof text - 1 && body[n] != '\n' &&
		    body[n] != '\r' && body[n] != '\0') {
			text[n] = body[n];
			n++;
		}
	}
	text[n] = '\0';
	if (http == 404)
		return cm_err_set(err, CM_NOT_FOUND, NULL, "not found: %s",
		    what);
	return cm_err_set(err, ks_status(http), NULL, "%s: HTTP %ld%s%s",
	    what, http, n > 0 ? ": " : "", text);
}

enum cm_status
kubestatus_unreachable(const char *server, const char *reason,
    struct cm_err *err)
{
	return cm_err_set(err, CM_UNAVAILABLE, NULL, "cannot reach %s: %s",
	    server, reason != NULL && reason[0] != '\0' ? reason :
	    "no answer");
}
