/*
 * kubestream.c - line splitting and watch event decoding.  See
 * kubestream.h.
 */
#include "config.h"

#include "backend/kube/kubestream.h"

#include <stdlib.h>
#include <string.h>

#include "backend/json.h"
#include "backend/xalloc.h"

/* A buffer grown for a huge line is given back past this size. */
#define KS_KEEP_CAP (64u * 1024)

static const char *const ks_types[] = {
	[KUBE_EVENT_ADDED] = "ADDED",
	[KUBE_EVENT_MODIFIED] = "MODIFIED",
	[KUBE_EVENT_DELETED] = "DELETED",
	[KUBE_EVENT_BOOKMARK] = "BOOKMARK",
	[KUBE_EVENT_ERROR] = "ERROR",
};

void
kubestream_init(struct kubestream *ls, size_t max, bool split_long)
{
	memset(ls, 0, sizeof *ls);
	ls->max = max > 0 ? max : 1;
	ls->split_long = split_long;
}

void
kubestream_done(struct kubestream *ls)
{
	free(ls->buf);
	ls->buf = NULL;
	ls->len = ls->cap = 0;
}

void
kubestream_reset(struct kubestream *ls)
{
	ls->len = 0;
	ls->too_long = false;
	if (ls->cap > KS_KEEP_CAP)
		kubestream_done(ls);
}

/* Append to the unfinished line. */
static void
ks_append(struct kubestream *ls, const char *data, size_t len)
{
	size_t cap = ls->cap > 0 ? ls->cap : 256;

	while (cap < ls->len + len)
		cap *= 2;
	if (cap != ls->cap) {
		ls->buf = xrealloc(ls->buf, cap);
		ls->cap = cap;
	}
	memcpy(ls->buf + ls->len, data, len);
	ls->len += len;
}

/* Deliver line (strip a "\r"), then forget the unfinished line. */
static bool
ks_deliver(struct kubestream *ls, const char *line, size_t len,
    kubestream_line_fn fn, void *arg)
{
	bool ok;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	ok = fn(arg, line, len);
	ls->len = 0;
	if (ls->cap > KS_KEEP_CAP)
		kubestream_done(ls);
	return ok;
}

/*
 * Room for n more bytes of the unfinished line: deliver pieces of a long
 * line, or flag it.  False stops the feed.
 */
static bool
ks_room(struct kubestream *ls, const char **data, size_t *n,
    kubestream_line_fn fn, void *arg)
{
	size_t take;

	while (ls->len + *n > ls->max) {
		if (!ls->split_long) {
			ls->too_long = true;
			return false;
		}
		take = ls->max - ls->len;
		ks_append(ls, *data, take);
		*data += take;
		*n -= take;
		if (!fn(arg, ls->buf, ls->len)) {
			ls->len = 0;
			return false;
		}
		ls->len = 0;
	}
	return true;
}

bool
kubestream_feed(struct kubestream *ls, const char *data, size_t len,
    kubestream_line_fn fn, void *arg)
{
	const char *nl;
	size_t seg, rest;

	if (ls->too_long)
		return false;
	while (len > 0) {
		nl = memchr(data, '\n', len);
		seg = nl != NULL ? (size_t)(nl - data) : len;
		rest = nl != NULL ? len - seg - 1 : 0;
		if (!ks_room(ls, &data, &seg, fn, arg))
			return false;
		if (nl == NULL) {
			ks_append(ls, data, seg);
			return true;
		}
		if (ls->len == 0) {
			/* The whole line is in this read: no copy. */
			if (!ks_deliver(ls, data, seg, fn, arg))
				return false;
		} else {
			ks_append(ls, data, seg);
			if (!ks_deliver(ls, ls->buf, ls->len, fn, arg))
				return false;
		}
		data = nl + 1;
		len = rest;
	}
	return true;
}

bool
kubestream_finish(struct kubestream *ls, kubestream_line_fn fn, void *arg)
{
	if (ls->too_long || ls->len == 0)
		return !ls->too_long;
	return ks_deliver(ls, ls->buf, ls->len, fn, arg);
}

const char *
kubestream_type_name(enum kube_event_type type)
{
	return (unsigned)type < sizeof ks_types / sizeof ks_types[0] ?
	    ks_types[type] : "?";
}

const char *
kubestream_object_rv(const cJSON *obj)
{
	const cJSON *md, *rv, *rows, *row;

	md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	rv = cJSON_GetObjectItemCaseSensitive(md, "resourceVersion");
	if (cJSON_IsString(rv) && rv->valuestring[0] != '\0')
		return rv->valuestring;
	rows = cJSON_GetObjectItemCaseSensitive(obj, "rows");
	row = cJSON_IsArray(rows) ? rows->child : NULL;
	md = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(row, "object"), "metadata");
	rv = cJSON_GetObjectItemCaseSensitive(md, "resourceVersion");
	if (cJSON_IsString(rv) && rv->valuestring[0] != '\0')
		return rv->valuestring;
	return NULL;
}

enum cm_status
kubestream_decode(const char *line, size_t len, struct kube_event *ev,
    cJSON **doc, struct cm_err *err)
{
	const cJSON *type;
	struct cm_err perr;
	cJSON *obj;
	size_t i;

	memset(ev, 0, sizeof *ev);
	*doc = NULL;
	if (json_parse(line, len, JSON_REQUIRE_OBJECT, doc, &perr) != CM_OK)
		return cm_err_set(err, CM_BAD_REQUEST, NULL, "unable to decode "
		    "an event from the watch stream: %s", perr.msg);
	type = cJSON_GetObjectItemCaseSensitive(*doc, "type");
	obj = cJSON_GetObjectItemCaseSensitive(*doc, "object");
	if (!cJSON_IsString(type) || !cJSON_IsObject(obj))
		goto bad;
	for (i = 0; i < sizeof ks_types / sizeof ks_types[0]; i++) {
		if (strcmp(type->valuestring, ks_types[i]) == 0) {
			ev->type = (enum kube_event_type)i;
			ev->object = obj;
			ev->resource_version = kubestream_object_rv(obj);
			return CM_OK;
		}
	}
bad:
	cJSON_Delete(*doc);
	*doc = NULL;
	return cm_err_set(err, CM_BAD_REQUEST, NULL, "unable to decode an "
	    "event from the watch stream: not a watch event");
}
