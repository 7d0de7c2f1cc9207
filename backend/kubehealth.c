/*
 * kubehealth.c - one prober thread per cluster.  See kubehealth.h.
 *
 * The thread owns its client; the state, alert first-seen times and the
 * history sit under the mutex, and a probe builds its result in locals
 * before taking it, so readers never wait for the network.  The stop
 * flag doubles as the client's cancel flag: kubehealth_stop() ends a
 * request in flight at once.
 */
#include "config.h"

#include "backend/kubehealth.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/json.h"
#include "backend/kuberows.h"
#include "backend/timeutil.h"
#include "backend/xalloc.h"

#define KUBEHEALTH_PAGE 500
#define KUBEHEALTH_NODE_NAMES 5		/* names in a node message */
#define KUBEHEALTH_POD_NAMES 3		/* names in a pod message */
#define KUBEHEALTH_PENDING_MS (5 * 60 * 1000)

/* The hub's alert types (docs/collector.md). */
enum kubehealth_alert {
	KH_ALERT_OFFLINE,
	KH_ALERT_NODES,
	KH_ALERT_CRASH,
	KH_ALERT_COUNT
};

static const char *const kubehealth_alert_types[KH_ALERT_COUNT] = {
	"ClusterUnreachable", "NodeNotReady", "PodsCrashLooping",
};

static const char *const kubehealth_alert_sev[KH_ALERT_COUNT] = {
	"critical", "warning", "warning",
};

struct kubehealth_event {
	int64_t at_ms;
	char from[16];
	char to[16];
	char why[256];
};

/* What one probe found, before it is published. */
struct kubehealth_probe {
	struct kubehealth_state st;
	bool failed;			/* a list failed (5xx): critical */
	char failure[200];
	char nodes_down[160];		/* names of nodes not Ready */
	char crashing[200];		/* names of crash-looping pods */
	char stuck[200];		/* the first long-Pending pod */
	int64_t now_ms;
};

struct kubehealth {
	struct kubeclient *kc;
	char id[128];
	char name[256];
	int interval_ms;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	atomic_bool stop;
	bool kicked;

	struct kubehealth_state st;
	int64_t alert_since[KH_ALERT_COUNT];	/* 0 = not active */
	char alert_msg[KH_ALERT_COUNT][256];
	struct kubehealth_event hist[KUBEHEALTH_HISTORY_MAX];
	int nhist;				/* ring: newest at nhist-1 */
	long probes;
};

/* Add name to a list of at most max names; then count the rest. */
static void
kubehealth_name(char *list, size_t len, int count, int max, const char *name)
{
	size_t used = strlen(list);

	if (count <= max && used + 3 < len)
		snprintf(list + used, len - used, "%s%.*s", used > 0 ? ", " :
		    "", (int)(len - used - 3), name);
}

/* " and N more" when count passed max. */
static const char *
kubehealth_more(int count, int max, char *buf, size_t len)
{
	if (count > max)
		snprintf(buf, len, " and %d more", count - max);
	else
		buf[0] = '\0';
	return buf;
}

/* The cell of column name in a Table row, or "". */
static const char *
kubehealth_cell(const struct kube_page *page, const cJSON *row,
    const char *name)
{
	const cJSON *c, *v;
	int i = 0;

	cJSON_ArrayForEach(c, page->columns) {
		if (cJSON_IsString(cJSON_GetObjectItem(c, "name")) &&
		    strcmp(cJSON_GetObjectItem(c, "name")->valuestring,
		    name) == 0)
			break;
		i++;
	}
	v = cJSON_GetArrayItem(cJSON_GetObjectItem(row, "cells"), i);
	return c != NULL && cJSON_IsString(v) ? v->valuestring : "";
}

/* A list item's metadata: the object's, or a Table row's object's. */
static const char *
kubehealth_meta(const struct kube_page *page, const cJSON *it,
    const char *key)
{
	const char *s;
	char path[64];

	snprintf(path, sizeof path, "%smetadata.%s", page->table ? "object." :
	    "", key);
	s = kuberows_str(it, path);
	return s != NULL ? s : "";
}

static bool
kubehealth_nodes_page(void *arg, struct kube_page *page)
{
	struct kubehealth_probe *p = arg;
	const cJSON *it;
	bool ready;

	cJSON_ArrayForEach(it, page->items) {
		p->st.nodes++;
		ready = page->table ? strncmp(kubehealth_cell(page, it,
		    "Status"), "Ready", 5) == 0 : kuberows_node_ready(it);
		if (ready)
			p->st.nodes_ready++;
		else
			kubehealth_name(p->nodes_down, sizeof p->nodes_down,
			    p->st.nodes - p->st.nodes_ready,
			    KUBEHEALTH_NODE_NAMES, kubehealth_meta(page, it,
			    "name"));
	}
	return true;
}

/* True when a container of the pod waits in CrashLoopBackOff. */
static bool
kubehealth_crashing(const cJSON *pod)
{
	static const char *const lists[] = {
		"containerStatuses", "initContainerStatuses",
	};
	const cJSON *st = cJSON_GetObjectItem(pod, "status"), *c;
	const char *r;
	size_t i;

	for (i = 0; i < 2; i++) {
		cJSON_ArrayForEach(c, cJSON_GetObjectItem(st, lists[i])) {
			r = kuberows_str(c, "state.waiting.reason");
			if (r != NULL && strcmp(r, "CrashLoopBackOff") == 0)
				return true;
		}
	}
	return false;
}

/* From a Table's STATUS: the pod waits to start (its phase is Pending). */
static bool
kubehealth_pending_status(const char *status)
{
	enum kuberows_problem pr = kuberows_problem(status);

	return pr == KUBEROWS_IMAGE || (pr == KUBEROWS_PENDING &&
	    strcmp(status, "Terminating") != 0 &&
	    strcmp(status, "NotReady") != 0);
}

static bool
kubehealth_pods_page(void *arg, struct kube_page *page)
{
	struct kubehealth_probe *p = arg;
	const cJSON *it;
	const char *status, *phase;
	char full[300];
	bool crash, pending;
	int64_t ms;

	cJSON_ArrayForEach(it, page->items) {
		p->st.pods++;
		if (page->table) {
			status = kubehealth_cell(page, it, "Status");
			crash = strstr(status, "CrashLoopBackOff") != NULL;
			pending = kubehealth_pending_status(status);
		} else {
			phase = kuberows_str(it, "status.phase");
			crash = kubehealth_crashing(it);
			pending = phase == NULL || strcmp(phase, "Pending") == 0;
		}
		snprintf(full, sizeof full, "%.140s/%.140s",
		    kubehealth_meta(page, it, "namespace"),
		    kubehealth_meta(page, it, "name"));
		if (crash)
			kubehealth_name(p->crashing, sizeof p->crashing,
			    ++p->st.pods_crash, KUBEHEALTH_POD_NAMES, full);
		if (pending) {
			p->st.pods_pending++;
			if (time_parse_rfc3339(kubehealth_meta(page, it,
			    "creationTimestamp"), &ms, NULL) == CM_OK &&
			    p->now_ms - ms > KUBEHEALTH_PENDING_MS)
				kubehealth_name(p->stuck, sizeof p->stuck,
				    ++p->st.pods_stuck, 1, full);
		}
	}
	return true;
}

/* /readyz, or /healthz on servers without it; the server's verdict. */
static enum cm_status
kubehealth_ready(struct kubehealth *h, struct cm_err *err)
{
	enum cm_status st;

	st = kubeclient_request(h->kc, "GET", "/readyz", NULL, NULL, 0, NULL,
	    NULL, err);
	if (st == CM_NOT_FOUND)
		st = kubeclient_request(h->kc, "GET", "/healthz", NULL, NULL,
		    0, NULL, NULL, err);
	return st;
}

static void
kubehealth_version(struct kubehealth *h, struct kubehealth_probe *p)
{
	struct cm_err err;
	char *body = NULL;
	size_t len = 0;
	cJSON *v;
	const char *gv;

	if (kubeclient_request(h->kc, "GET", "/version", NULL, NULL, 0, &body,
	    &len, &err) != CM_OK)
		return;
	v = cJSON_ParseWithLength(body, len);
	gv = kuberows_str(v, "gitVersion");
	if (gv != NULL)
		snprintf(p->st.version, sizeof p->st.version, "%s", gv);
	cJSON_Delete(v);
	free(body);
}

/* True when a failed call means the cluster is offline (unreachable,
 * or the credentials refused); then p says so. */
static bool
kubehealth_cut_off(struct kubehealth *h, struct kubehealth_probe *p,
    enum cm_status st, const struct cm_err *err)
{
	if (kubeclient_last_http(h->kc) != 0 && st != CM_UNAUTHORIZED &&
	    st != CM_FORBIDDEN)
		return false;
	snprintf(p->st.status, sizeof p->st.status, "offline");
	snprintf(p->st.message, sizeof p->st.message, "%s", err->msg);
	p->st.error = st == CM_UNAUTHORIZED || st == CM_FORBIDDEN ? st :
	    CM_UNAVAILABLE;
	return true;
}

/* List res through fn; false (p set) when the cluster is cut off. */
static bool
kubehealth_list(struct kubehealth *h, struct kubehealth_probe *p,
    enum kuberows_kind kind, kube_page_fn fn, bool *known)
{
	struct kube_resource res;
	struct kube_list_opts lo;
	struct cm_err err;
	enum cm_status st;

	memset(&lo, 0, sizeof lo);
	lo.limit = KUBEHEALTH_PAGE;
	lo.table = true;	/* the STATUS column is all it reads */
	kuberows_resource(kind, &res);
	cm_err_clear(&err);
	st = kubeclient_list(h->kc, &res, NULL, &lo, fn, p, &err);
	*known = st == CM_OK;
	if (st == CM_OK)
		return true;
	if (kubehealth_cut_off(h, p, st, &err))
		return false;
	if (kubeclient_last_http(h->kc) >= 500 && !p->failed) {
		p->failed = true;
		snprintf(p->failure, sizeof p->failure, "the API server failed "
		    "to list %.16s: %.140s", res.resource, err.msg);
	}
	return true;
}

/* The rules of docs/collector.md; the first that matches wins. */
static void
kubehealth_judge(struct kubehealth_probe *p)
{
	struct kubehealth_state *s = &p->st;
	int down = s->nodes - s->nodes_ready;
	char more[32], *m = s->message;
	size_t used = 0, len = sizeof s->message;

	if (s->nodes_known && s->nodes_ready * 2 < s->nodes) {
		snprintf(s->status, sizeof s->status, "critical");
		snprintf(m, len, "only %d of %d nodes are Ready (not ready: "
		    "%s%s)", s->nodes_ready, s->nodes, p->nodes_down,
		    kubehealth_more(down, KUBEHEALTH_NODE_NAMES, more,
		    sizeof more));
		return;
	}
	if (p->failed) {
		snprintf(s->status, sizeof s->status, "critical");
		snprintf(m, len, "%s", p->failure);
		return;
	}
	m[0] = '\0';
	if (down > 0 && used < len)
		used += (size_t)snprintf(m + used, len - used, "%d of %d nodes "
		    "not Ready: %s%s", down, s->nodes, p->nodes_down,
		    kubehealth_more(down, KUBEHEALTH_NODE_NAMES, more,
		    sizeof more));
	if (s->pods_crash > 0 && used < len)
		used += (size_t)snprintf(m + used, len - used, "%s%d pod%s "
		    "crash-looping: %s%s", used > 0 ? "; " : "", s->pods_crash,
		    s->pods_crash == 1 ? "" : "s", p->crashing,
		    kubehealth_more(s->pods_crash, KUBEHEALTH_POD_NAMES, more,
		    sizeof more));
	if (s->pods_stuck > 0 && used < len)
		used += (size_t)snprintf(m + used, len - used, "%s%d pod%s "
		    "Pending for more than 5 minutes: %s%s", used > 0 ? "; " :
		    "", s->pods_stuck, s->pods_stuck == 1 ? "" : "s", p->stuck,
		    kubehealth_more(s->pods_stuck, 1, more, sizeof more));
	snprintf(s->status, sizeof s->status, used > 0 ? "warning" :
	    "healthy");
	if (used == 0)
		snprintf(m, len, "%d of %d nodes Ready; %d pods, none "
		    "crash-looping", s->nodes_ready, s->nodes, s->pods);
}

static void
kubehealth_probe(struct kubehealth *h, struct kubehealth_probe *p)
{
	struct cm_err err;
	enum cm_status st;

	memset(p, 0, sizeof *p);
	p->now_ms = time_now_ms();
	cm_err_clear(&err);
	st = kubehealth_ready(h, &err);
	if (st != CM_OK && kubehealth_cut_off(h, p, st, &err))
		return;
	p->st.last_seen_ms = time_now_ms();
	if (h->st.version[0] == '\0' || h->probes % 20 == 0)
		kubehealth_version(h, p);
	else
		snprintf(p->st.version, sizeof p->st.version, "%s",
		    h->st.version);
	if (st != CM_OK) {
		snprintf(p->st.status, sizeof p->st.status, "critical");
		snprintf(p->st.message, sizeof p->st.message, "/readyz: "
		    "%.200s", err.msg);
		return;
	}
	if (!kubehealth_list(h, p, KUBEROWS_NODES, kubehealth_nodes_page,
	    &p->st.nodes_known))
		return;
	if (!p->st.nodes_known)
		p->st.nodes = p->st.nodes_ready = 0;
	if (!kubehealth_list(h, p, KUBEROWS_PODS, kubehealth_pods_page,
	    &p->st.pods_known))
		return;
	kubehealth_judge(p);
}

/* Set or clear alert a with message msg (caller holds mu). */
static void
kubehealth_alert(struct kubehealth *h, enum kubehealth_alert a, bool on,
    int64_t now, const char *msg)
{
	if (!on) {
		h->alert_since[a] = 0;
		return;
	}
	if (h->alert_since[a] == 0)
		h->alert_since[a] = now;
	snprintf(h->alert_msg[a], sizeof h->alert_msg[a], "%s", msg);
}

/* Publish a probe (caller holds mu). */
static void
kubehealth_publish(struct kubehealth *h, struct kubehealth_probe *p)
{
	struct kubehealth_state *s = &p->st;
	struct kubehealth_event *e;
	int64_t now = time_now_ms();
	bool offline = strcmp(s->status, "offline") == 0;
	char msg[256], more[32];

	if (offline) {
		/* What we knew stays, marked by the status. */
		s->last_seen_ms = h->st.last_seen_ms;
		snprintf(s->version, sizeof s->version, "%s", h->st.version);
	}
	if (!h->st.probed || strcmp(h->st.status, s->status) != 0) {
		e = &h->hist[h->nhist % KUBEHEALTH_HISTORY_MAX];
		h->nhist++;
		e->at_ms = now;
		snprintf(e->from, sizeof e->from, "%s", h->st.probed ?
		    h->st.status : "");
		snprintf(e->to, sizeof e->to, "%s", s->status);
		snprintf(e->why, sizeof e->why, "%s", s->message);
		s->since_ms = now;
	} else {
		s->since_ms = h->st.since_ms;
	}
	s->probed = true;
	kubehealth_alert(h, KH_ALERT_OFFLINE, offline, now, s->message);
	/* A condition that could not be checked leaves its alert alone. */
	if (!offline && s->nodes_known) {
		snprintf(msg, sizeof msg, "%d of %d nodes not Ready: %s%s",
		    s->nodes - s->nodes_ready, s->nodes, p->nodes_down,
		    kubehealth_more(s->nodes - s->nodes_ready,
		    KUBEHEALTH_NODE_NAMES, more, sizeof more));
		kubehealth_alert(h, KH_ALERT_NODES, s->nodes_ready < s->nodes,
		    now, msg);
	}
	if (!offline && s->pods_known) {
		snprintf(msg, sizeof msg, "%d pod%s crash-looping: %s%s",
		    s->pods_crash, s->pods_crash == 1 ? "" : "s", p->crashing,
		    kubehealth_more(s->pods_crash, KUBEHEALTH_POD_NAMES, more,
		    sizeof more));
		kubehealth_alert(h, KH_ALERT_CRASH, s->pods_crash > 0, now,
		    msg);
	}
	h->st = *s;
	h->probes++;
	pthread_cond_broadcast(&h->cond);
}

static void
kubehealth_sleep(struct kubehealth *h)
{
	struct timespec ts;
	int64_t ms = h->interval_ms;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	while (!atomic_load(&h->stop) && !h->kicked)
		if (pthread_cond_timedwait(&h->cond, &h->mu, &ts) != 0)
			break;
	h->kicked = false;
}

static void *
kubehealth_main(void *arg)
{
	struct kubehealth *h = arg;
	struct kubehealth_probe *p = xmalloc(sizeof *p);

	while (!atomic_load(&h->stop)) {
		kubehealth_probe(h, p);
#if defined(__GLIBC__)
		/* This thread's arena would keep its biggest page. */
		malloc_trim(0);
#endif
		pthread_mutex_lock(&h->mu);
		if (!atomic_load(&h->stop))
			kubehealth_publish(h, p);
		kubehealth_sleep(h);
		pthread_mutex_unlock(&h->mu);
	}
	free(p);
	return NULL;
}

struct kubehealth *
kubehealth_start(const struct kube_context *ctx, const char *id,
    const char *name, int interval_ms, const struct kubeclient_opts *opts,
    struct cm_err *err)
{
	struct kubehealth *h = xcalloc(1, sizeof *h);
	struct kubeclient_opts o;
	pthread_condattr_t ca;
	int rc;

	if (opts != NULL)
		o = *opts;
	else
		kubeclient_opts_init(&o);
	atomic_init(&h->stop, false);
	o.cancel = &h->stop;
	h->kc = kubeclient_new(ctx, &o, err);
	if (h->kc == NULL) {
		free(h);
		return NULL;
	}
	snprintf(h->id, sizeof h->id, "%s", id);
	snprintf(h->name, sizeof h->name, "%s", name);
	h->interval_ms = interval_ms > 100 ? interval_ms : 100;
	snprintf(h->st.status, sizeof h->st.status, "offline");
	snprintf(h->st.message, sizeof h->st.message, "connecting");
	h->st.error = CM_OK;
	pthread_mutex_init(&h->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&h->cond, &ca);
	pthread_condattr_destroy(&ca);
	rc = pthread_create(&h->thread, NULL, kubehealth_main, h);
	if (rc != 0)
		fatal("kubehealth: cannot start a thread: %s", strerror(rc));
	return h;
}

void
kubehealth_cancel(struct kubehealth *h)
{
	if (h == NULL)
		return;
	pthread_mutex_lock(&h->mu);
	atomic_store(&h->stop, true);
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->mu);
}

void
kubehealth_stop(struct kubehealth *h)
{
	if (h == NULL)
		return;
	kubehealth_cancel(h);
	pthread_join(h->thread, NULL);
	kubeclient_free(h->kc);
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->mu);
	free(h);
}

void
kubehealth_get(struct kubehealth *h, struct kubehealth_state *out)
{
	pthread_mutex_lock(&h->mu);
	*out = h->st;
	pthread_mutex_unlock(&h->mu);
}

void
kubehealth_kick(struct kubehealth *h)
{
	pthread_mutex_lock(&h->mu);
	h->kicked = true;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->mu);
}

bool
kubehealth_wait(struct kubehealth *h, int64_t deadline_mono)
{
	struct timespec ts;
	int64_t ms;
	bool done;

	pthread_mutex_lock(&h->mu);
	while (!h->st.probed) {
		ms = deadline_mono - time_mono_ms();
		if (ms <= 0)
			break;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += ms / 1000;
		ts.tv_nsec += (ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&h->cond, &h->mu, &ts);
	}
	done = h->st.probed;
	pthread_mutex_unlock(&h->mu);
	return done;
}

void
kubehealth_alerts(struct kubehealth *h, cJSON *arr)
{
	char id[300];
	cJSON *a;
	int i;

	pthread_mutex_lock(&h->mu);
	for (i = 0; i < KH_ALERT_COUNT; i++) {
		if (h->alert_since[i] == 0)
			continue;
		a = cJSON_CreateObject();
		snprintf(id, sizeof id, "%s:%s", h->id,
		    kubehealth_alert_types[i]);
		cJSON_AddStringToObject(a, "id", id);
		cJSON_AddStringToObject(a, "cluster_id", h->id);
		cJSON_AddStringToObject(a, "cluster_name", h->name);
		cJSON_AddStringToObject(a, "alert_type",
		    kubehealth_alert_types[i]);
		cJSON_AddStringToObject(a, "severity", kubehealth_alert_sev[i]);
		cJSON_AddStringToObject(a, "message", h->alert_msg[i]);
		cJSON_AddStringToObject(a, "status", "active");
		cJSON_AddFalseToObject(a, "acknowledged");
		cJSON_AddNullToObject(a, "acknowledged_at");
		cJSON_AddNullToObject(a, "resolved_at");
		json_add_time(a, "created_at", h->alert_since[i]);
		json_add_time(a, "updated_at", h->alert_since[i]);
		cJSON_AddItemToArray(arr, a);
	}
	pthread_mutex_unlock(&h->mu);
}

void
kubehealth_history(struct kubehealth *h, cJSON *arr)
{
	const struct kubehealth_event *e;
	char id[300], desc[400];
	cJSON *ev, *d;
	int i, n;

	pthread_mutex_lock(&h->mu);
	n = h->nhist < KUBEHEALTH_HISTORY_MAX ? h->nhist :
	    KUBEHEALTH_HISTORY_MAX;
	for (i = 0; i < n; i++) {
		e = &h->hist[(h->nhist - 1 - i) % KUBEHEALTH_HISTORY_MAX];
		ev = cJSON_CreateObject();
		snprintf(id, sizeof id, "%s:%d", h->id, h->nhist - 1 - i);
		cJSON_AddStringToObject(ev, "id", id);
		cJSON_AddStringToObject(ev, "cluster_id", h->id);
		cJSON_AddStringToObject(ev, "event_type", e->from[0] != '\0' ?
		    "status_changed" : "observed");
		if (e->from[0] != '\0')
			snprintf(desc, sizeof desc, "status changed from %s to "
			    "%s: %s", e->from, e->to, e->why);
		else
			snprintf(desc, sizeof desc, "first seen %s: %s", e->to,
			    e->why);
		cJSON_AddStringToObject(ev, "description", desc);
		cJSON_AddNullToObject(ev, "actor_user_id");
		d = cJSON_AddObjectToObject(ev, "details");
		if (e->from[0] != '\0')
			cJSON_AddStringToObject(d, "from", e->from);
		cJSON_AddStringToObject(d, "to", e->to);
		cJSON_AddStringToObject(d, "reason", e->why);
		json_add_time(ev, "created_at", e->at_ms);
		cJSON_AddItemToArray(arr, ev);
	}
	pthread_mutex_unlock(&h->mu);
}
