/*
 * status.c - names and HTTP codes of enum cm_status, and struct cm_err
 * helpers.  See status.h.
 */
#include "config.h"

#include "status.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int http;
} status_info[] = {
#define CM_STATUS_ROW(code, name, http) { name, http },
	CM_STATUS_INFO(CM_STATUS_ROW)
#undef CM_STATUS_ROW
};

const char *
cm_status_name(enum cm_status status)
{
	if ((unsigned)status >= CM_STATUS_COUNT)
		return "InternalError";
	return status_info[status].name;
}

int
cm_status_http(enum cm_status status)
{
	if ((unsigned)status >= CM_STATUS_COUNT)
		return 500;
	return status_info[status].http;
}

void
cm_err_clear(struct cm_err *err)
{
	if (err == NULL)
		return;
	err->status = CM_OK;
	err->field[0] = '\0';
	err->msg[0] = '\0';
}

enum cm_status
cm_err_set(struct cm_err *err, enum cm_status status, const char *field,
    const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return status;
	err->status = status;
	snprintf(err->field, sizeof err->field, "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return status;
}
