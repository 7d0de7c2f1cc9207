/*
 * kubewatch.c - the calls that stream: paged lists, watches and pod
 * logs.  See kubeclient.h.
 *
 * A list is fetched a page at a time and each page is freed once its
 * callback returns.  A watch is a list, then a stream of lines split by
 * kubestream and decoded one event at a time; its loop decides what an
 * ended stream means (a timeout to resume from, a 410 to re-list after,
 * a failure to back off from or give up on).  Logs are the same stream
 * without decoding.
 */
#include "config.h"

#include "backend/kube/kubeclient.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/httpc.h"
#include "backend/kube/kubereq.h"
#include "backend/kube/kubestatus.h"
#include "backend/kube/kubestream.h"
#include "backend/timeutil.h"
#include "backend/xalloc.h"

#define KW_PAGE_DEFAULT 500
#define KW_LOG_LINE_MAX (64u * 1024)

/* The path of a list or watch, with selectors. */
static char *
kw_list_path(const struct kube_resource *res, const char *ns,
    const struct kube_list_opts *lo)
{
	char *path = kubeclient_path(res, ns, NULL, NULL);

	if (lo != NULL) {
		kubereq_query(&path, "labelSelector", lo->label_selector);
		kubereq_query(&path, "fieldSelector", lo->field_selector);
	}
	return path;
}

static const char *
kw_json_str(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

/*
 * List page by page.  relist marks the pages of a watch's re-list;
 * *rv (may be NULL) gets the list's resourceVersion (caller frees);
 * *stopped tells whether fn stopped it.
 */
static enum cm_status
kw_list(struct kubeclient *kc, const struct kube_resource *res,
    const char *ns, const struct kube_list_opts *lo, bool relist,
    kube_page_fn fn, void *arg, char **rv, bool *stopped,
    struct cm_err *err)
{
	struct kubereq req;
	struct kube_page page;
	const cJSON *md, *rem;
	cJSON *doc = NULL;
	char *base, *path, *cont = NULL;
	const char *s;
	bool first = true, go = true;
	enum cm_status st = CM_OK;

	if (rv != NULL)
		*rv = NULL;
	*stopped = false;
	base = kw_list_path(res, ns, lo);
	kubereq_query_long(&base, "limit", lo != NULL && lo->limit > 0 ?
	    lo->limit : KW_PAGE_DEFAULT);
	while (go) {
		path = xstrdup(base);
		if (cont != NULL)
			kubereq_query(&path, "continue", cont);
		else if (lo != NULL)
			kubereq_query(&path, "resourceVersion",
			    lo->resource_version);
		memset(&req, 0, sizeof req);
		req.method = "GET";
		req.path = path;
		req.accept = lo != NULL && lo->table ? KUBEREQ_ACCEPT_TABLE :
		    KUBEREQ_ACCEPT_JSON;
		st = kubereq_call_json(kc, &req, &doc, err);
		free(path);
		if (st != CM_OK)
			break;
		memset(&page, 0, sizeof page);
		page.doc = doc;
		s = kw_json_str(doc, "kind");
		page.table = s != NULL && strcmp(s, "Table") == 0;
		page.items = cJSON_GetObjectItemCaseSensitive(doc,
		    page.table ? "rows" : "items");
		if (!cJSON_IsArray(page.items) && !cJSON_IsNull(page.items) &&
		    page.items != NULL) {
			st = cm_err_set(err, CM_BAD_REQUEST, NULL, "the list "
			    "of %.64s is not a List", res->resource);
			break;
		}
		if (!cJSON_IsArray(page.items)) {
			cJSON_DeleteItemFromObjectCaseSensitive(doc,
			    page.table ? "rows" : "items");
			page.items = cJSON_AddArrayToObject(doc,
			    page.table ? "rows" : "items");
		}
		page.columns = page.table ? cJSON_GetObjectItemCaseSensitive(
		    doc, "columnDefinitions") : NULL;
		md = cJSON_GetObjectItemCaseSensitive(doc, "metadata");
		s = kw_json_str(md, "resourceVersion");
		page.resource_version = s != NULL ? s : "";
		s = kw_json_str(md, "continue");
		page.cont = s != NULL ? s : "";
		rem = cJSON_GetObjectItemCaseSensitive(md,
		    "remainingItemCount");
		page.remaining = cJSON_IsNumber(rem) ?
		    (long)rem->valuedouble : -1;
		page.first = first;
		page.last = page.cont[0] == '\0';
		page.relist = relist;
		if (rv != NULL && page.resource_version[0] != '\0') {
			free(*rv);
			*rv = xstrdup(page.resource_version);
		}
		free(cont);
		cont = page.last ? NULL : xstrdup(page.cont);
		if (fn != NULL && !fn(arg, &page)) {
			*stopped = true;
			go = false;
		}
		go = go && !page.last;
		first = false;
		cJSON_Delete(doc);
		doc = NULL;
	}
	cJSON_Delete(doc);
	free(cont);
	free(base);
	if (st != CM_OK && rv != NULL) {
		free(*rv);
		*rv = NULL;
	}
	return st;
}

enum cm_status
kubeclient_list(struct kubeclient *kc, const struct kube_resource *res,
    const char *ns, const struct kube_list_opts *lo, kube_page_fn fn,
    void *arg, struct cm_err *err)
{
	bool stopped;

	return kw_list(kc, res, ns, lo, false, fn, arg, NULL, &stopped, err);
}

/* A log stream: lines go straight to the caller. */
struct kw_logs {
	kube_line_fn fn;
	void *arg;
};

static bool
kw_log_line(void *arg, const char *line, size_t len)
{
	struct kw_logs *l = arg;

	return l->fn(l->arg, line, len);
}

enum cm_status
kubeclient_logs(struct kubeclient *kc, const char *ns, const char *pod,
    const struct kube_log_opts *lo, kube_line_fn fn, void *arg,
    struct cm_err *err)
{
	static const struct kube_resource pods = { "", "v1", "pods", "Pod",
	    true };
	struct kube_log_opts none;
	struct kw_logs l = { fn, arg };
	struct kubereq req;
	struct kubereq_xfer x;
	enum cm_status st;
	char *path;

	if (lo == NULL) {
		memset(&none, 0, sizeof none);
		none.tail_lines = -1;
		lo = &none;
	}
	path = kubeclient_path(&pods, kubereq_ns(kc, &pods, ns), pod, "log");
	kubereq_query(&path, "container", lo->container);
	if (lo->follow)
		kubereq_query(&path, "follow", "true");
	if (lo->previous)
		kubereq_query(&path, "previous", "true");
	if (lo->timestamps)
		kubereq_query(&path, "timestamps", "true");
	if (lo->tail_lines >= 0)
		kubereq_query_long(&path, "tailLines", lo->tail_lines);
	if (lo->since_seconds > 0)
		kubereq_query_long(&path, "sinceSeconds", lo->since_seconds);
	if (lo->limit_bytes > 0)
		kubereq_query_long(&path, "limitBytes", lo->limit_bytes);
	memset(&req, 0, sizeof req);
	req.method = "GET";
	req.path = path;
	req.accept = "*/*";
	req.stream = true;
	req.no_timeout = lo->follow;
	req.line_fn = kw_log_line;
	req.line_arg = &l;
	req.line_max = KW_LOG_LINE_MAX;
	req.split_long = true;
	kubereq_xfer_init(&x, kc, &req);
	st = kubereq_perform(kc, &req, &x, err);
	if (st == CM_OK && (x.http < 200 || x.http >= 300))
		st = kubereq_http_error(&req, &x, err);
	else if (st == CM_OK && !x.stopped)
		kubestream_finish(&x.ls, kw_log_line, &l);
	kubereq_xfer_done(&x);
	free(path);
	return st;
}

/* State of one watch. */
struct kw_watch {
	kube_event_fn fn;
	void *arg;
	char *rv;			/* resume here */
	bool gone;			/* a 410 ERROR event came */
	bool stopped;			/* fn returned false */
	bool failed;			/* other ERROR event, bad line */
	struct cm_err err;
	unsigned long events;
};

static bool
kw_watch_line(void *arg, const char *line, size_t len)
{
	struct kw_watch *w = arg;
	struct kube_event ev;
	cJSON *doc;
	size_t i;

	for (i = 0; i < len && strchr(" \t\r", line[i]) != NULL; i++)
		;
	if (i == len)
		return true;	/* a blank keep-alive line */
	if (kubestream_decode(line, len, &ev, &doc, &w->err) != CM_OK) {
		w->failed = true;
		return false;
	}
	if (ev.type == KUBE_EVENT_ERROR) {
		if (kubestatus_code(ev.object) == 410)
			w->gone = true;
		else {
			kubestatus_from_json(ev.object, 500, "watch", &w->err);
			w->failed = true;
		}
		cJSON_Delete(doc);
		return false;
	}
	if (ev.resource_version != NULL) {
		free(w->rv);
		w->rv = xstrdup(ev.resource_version);
	}
	w->events++;
	if (!w->fn(w->arg, &ev))
		w->stopped = true;
	cJSON_Delete(doc);
	return !w->stopped;
}

enum cm_status
kubeclient_watch(struct kubeclient *kc, const struct kube_resource *res,
    const char *ns, const struct kube_watch_opts *wo, kube_page_fn on_page,
    kube_event_fn on_event, void *arg, struct cm_err *err)
{
	struct kube_watch_opts none;
	struct kw_watch w;
	struct kubereq req;
	struct kubereq_xfer x;
	char *base, *path = NULL;
	bool relist = false, stopped, opened;
	int failures = 0;
	int64_t started;
	long wait;
	enum cm_status st;

	if (wo == NULL) {
		memset(&none, 0, sizeof none);
		wo = &none;
	}
	memset(&w, 0, sizeof w);
	w.fn = on_event;
	w.arg = arg;
	w.rv = wo->since != NULL ? xstrdup(wo->since) : NULL;
	base = kw_list_path(res, ns, &wo->list);
	kubereq_query(&base, "watch", "true");
	kubereq_query(&base, "allowWatchBookmarks", "true");
	kubereq_query_long(&base, "timeoutSeconds", kc->opts.watch_timeout_s);
	memset(&req, 0, sizeof req);
	req.method = "GET";
	req.accept = wo->list.table ? KUBEREQ_ACCEPT_TABLE :
	    KUBEREQ_ACCEPT_JSON;
	req.stream = true;
	req.timeout_ms = (kc->opts.watch_timeout_s + 30) * 1000;
	req.line_fn = kw_watch_line;
	req.line_arg = &w;
	kubereq_xfer_init(&x, kc, &req);
	for (;;) {
		if (w.rv == NULL) {
			st = kw_list(kc, res, ns, &wo->list, relist, on_page,
			    arg, &w.rv, &stopped, err);
			if (st != CM_OK || stopped)
				break;
			if (w.rv == NULL)
				w.rv = xstrdup("0");
		}
		free(path);
		path = xstrdup(base);
		kubereq_query(&path, "resourceVersion", w.rv);
		req.path = path;
		w.gone = w.failed = false;
		w.events = 0;
		started = time_mono_ms();
		st = kubereq_perform(kc, &req, &x, err);
		if (w.stopped) {
			st = CM_OK;
			break;
		}
		if (w.failed) {
			*err = w.err;
			st = err->status;
			break;
		}
		if (st == CM_OK && (w.gone || x.http == 410)) {
			/* Too old: list again and resume from there. */
			free(w.rv);
			w.rv = NULL;
			relist = true;
			failures = 0;
			continue;
		}
		if (st == CM_OK && (x.http < 200 || x.http >= 300) &&
		    !kubereq_retryable(x.http) && x.http != 500) {
			st = kubereq_http_error(&req, &x, err);
			break;
		}
		opened = x.http >= 200 && x.http < 300;
		if (st == CM_UNAVAILABLE && opened && !kubereq_cancelled(kc))
			st = CM_OK;	/* it dropped after it opened */
		if (st != CM_OK && (st != CM_UNAVAILABLE ||
		    kubereq_cancelled(kc)))
			break;
		if (st == CM_OK && opened) {
			/* The server ended the stream (timeoutSeconds) or it
			 * dropped: resume at once, unless it ended at once
			 * without news, which would spin. */
			if (w.events > 0 || time_mono_ms() - started >= 1000) {
				failures = 0;
				continue;
			}
			wait = httpc_backoff_ms(kc->opts.backoff_base_ms,
			    kc->opts.backoff_max_ms, 0);
		} else {
			/* No answer, or a 429/5xx: back off, give up after
			 * too many in a row. */
			if (st == CM_OK)
				kubereq_http_error(&req, &x, err);
			if (++failures >= kc->opts.watch_max_failures) {
				st = err->status;
				break;
			}
			wait = httpc_backoff_ms(kc->opts.backoff_base_ms,
			    kc->opts.backoff_max_ms, failures - 1);
		}
		if (!kubereq_sleep(kc, wait)) {
			st = cm_err_set(err, CM_UNAVAILABLE, NULL, "cancelled");
			break;
		}
	}
	kubereq_xfer_done(&x);
	free(path);
	free(base);
	free(w.rv);
	return st;
}
