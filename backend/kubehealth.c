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
#define KUBEHEALTH_NAMES 3		/* pod names quoted in an alert */

/* Alert types: id, type name, what the message says. */
enum kubehealth_alert {
	KH_ALERT_OFFLINE,
	KH_ALERT_NOT_READY,
	KH_ALERT_NODES,
	KH_ALERT_CRASH,
	KH_ALERT_IMAGE,
	KH_ALERT_COUNT
};

static const char *const kubehealth_alert_types[KH_ALERT_COUNT] = {
	"cluster_offline", "apiserver_not_ready", "node_not_ready",
	"pod_crash_looping", "pod_image_pull",
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
	char crash_names[128];
	char image_names[128];
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

/* Append a pod's name to a short list of examples ("a, b, c, ..."). */
static void
kubehealth_name(char *list, size_t len, int count, const cJSON *pod)
{
	size_t used = strlen(list);
	const char *n = kuberows_str(pod, "metadata.name");

	if (count > KUBEHEALTH_NAMES + 1 || used + 1 >= len)
		return;
	if (count == KUBEHEALTH_NAMES + 1)
		snprintf(list + used, len - used, ", ...");
	else
		snprintf(list + used, len - used, "%s%s", used > 0 ? ", " : "",
		    n != NULL ? n : "?");
}

static bool
kubehealth_nodes_page(void *arg, struct kube_page *page)
{
	struct kubehealth_probe *p = arg;
	const cJSON *it;

	cJSON_ArrayForEach(it, page->items) {
		p->st.nodes++;
		if (kuberows_node_ready(it))
			p->st.nodes_ready++;
	}
	return true;
}

static bool
kubehealth_pods_page(void *arg, struct kube_page *page)
{
	struct kubehealth_probe *p = arg;
	const cJSON *it;
	char reason[128];
	int ready, total;
	long restarts;

	cJSON_ArrayForEach(it, page->items) {
		p->st.pods++;
		kuberows_pod_status(it, reason, sizeof reason, &ready, &total,
		    &restarts);
		switch (kuberows_problem(reason)) {
		case KUBEROWS_CRASH:
			p->st.pods_crash++;
			kubehealth_name(p->crash_names, sizeof p->crash_names,
			    p->st.pods_crash, it);
			break;
		case KUBEROWS_IMAGE:
			p->st.pods_image++;
			kubehealth_name(p->image_names, sizeof p->image_names,
			    p->st.pods_image, it);
			break;
		case KUBEROWS_PENDING:
			p->st.pods_pending++;
			break;
		default:
			break;
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

/* Judge the status from what the probe found. */
static void
kubehealth_judge(struct kubehealth_probe *p)
{
	struct kubehealth_state *s = &p->st;
	int down = s->nodes - s->nodes_ready;

	if (s->nodes_known && s->nodes > 0 && down > 0 &&
	    down * 2 >= s->nodes) {
		snprintf(s->status, sizeof s->status, "critical");
		snprintf(s->message, sizeof s->message, "%d of %d nodes "
		    "NotReady", down, s->nodes);
	} else if (s->nodes_known && down > 0) {
		snprintf(s->status, sizeof s->status, "warning");
		snprintf(s->message, sizeof s->message, "%d of %d nodes "
		    "NotReady", down, s->nodes);
	} else if (s->nodes_known && s->nodes == 0) {
		snprintf(s->status, sizeof s->status, "warning");
		snprintf(s->message, sizeof s->message, "the cluster has no "
		    "nodes");
	} else if (s->pods_known && s->pods_crash + s->pods_image > 0) {
		snprintf(s->status, sizeof s->status, "warning");
		snprintf(s->message, sizeof s->message, "%d pods failing",
		    s->pods_crash + s->pods_image);
	} else {
		snprintf(s->status, sizeof s->status, "healthy");
		if (s->nodes_known)
			snprintf(s->message, sizeof s->message, "%d nodes "
			    "Ready", s->nodes_ready);
		else
			snprintf(s->message, sizeof s->message, "ready");
	}
}

static void
kubehealth_probe(struct kubehealth *h, struct kubehealth_probe *p)
{
	struct kube_resource res;
	struct kube_list_opts lo;
	struct cm_err err;
	enum cm_status st;

	memset(p, 0, sizeof *p);
	cm_err_clear(&err);
	st = kubehealth_ready(h, &err);
	if (st != CM_OK && (kubeclient_last_http(h->kc) == 0 ||
	    st == CM_UNAUTHORIZED)) {
		snprintf(p->st.status, sizeof p->st.status, "offline");
		snprintf(p->st.message, sizeof p->st.message, "%s", err.msg);
		p->st.error = st == CM_UNAUTHORIZED ? st : CM_UNAVAILABLE;
		return;
	}
	p->st.last_seen_ms = time_now_ms();
	if (h->st.version[0] == '\0' || h->probes % 20 == 0)
		kubehealth_version(h, p);
	else
		snprintf(p->st.version, sizeof p->st.version, "%s",
		    h->st.version);
	if (st != CM_OK && st != CM_FORBIDDEN) {
		snprintf(p->st.status, sizeof p->st.status, "critical");
		snprintf(p->st.message, sizeof p->st.message, "API server not "
		    "ready: %.200s", err.msg);
		return;
	}
	memset(&lo, 0, sizeof lo);
	lo.limit = KUBEHEALTH_PAGE;
	kuberows_resource(KUBEROWS_NODES, &res);
	p->st.nodes_known = kubeclient_list(h->kc, &res, NULL, &lo,
	    kubehealth_nodes_page, p, &err) == CM_OK;
	if (!p->st.nodes_known)
		p->st.nodes = p->st.nodes_ready = 0;
	kuberows_resource(KUBEROWS_PODS, &res);
	p->st.pods_known = kubeclient_list(h->kc, &res, NULL, &lo,
	    kubehealth_pods_page, p, &err) == CM_OK;
	if (atomic_load(&h->stop))
		return;
	kubehealth_judge(p);
}

/* Set or clear alert a (caller holds mu). */
static void
kubehealth_alert(struct kubehealth *h, enum kubehealth_alert a, bool on,
    int64_t now, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
kubehealth_alert(struct kubehealth *h, enum kubehealth_alert a, bool on,
    int64_t now, const char *fmt, ...)
{
	va_list ap;

	if (!on) {
		h->alert_since[a] = 0;
		return;
	}
	if (h->alert_since[a] == 0)
		h->alert_since[a] = now;
	va_start(ap, fmt);
	vsnprintf(h->alert_msg[a], sizeof h->alert_msg[a], fmt, ap);
	va_end(ap);
}

/* Publish a probe (caller holds mu). */
static void
kubehealth_publish(struct kubehealth *h, struct kubehealth_probe *p)
{
	struct kubehealth_state *s = &p->st;
	struct kubehealth_event *e;
	int64_t now = time_now_ms();
	bool offline = strcmp(s->status, "offline") == 0;

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
	kubehealth_alert(h, KH_ALERT_OFFLINE, offline, now,
	    "Cluster unreachable: %s", s->message);
	kubehealth_alert(h, KH_ALERT_NOT_READY, !offline &&
	    strncmp(s->message, "API server not ready", 20) == 0, now, "%s",
	    s->message);
	kubehealth_alert(h, KH_ALERT_NODES, !offline && s->nodes_known &&
	    s->nodes_ready < s->nodes, now, "%d of %d nodes NotReady",
	    s->nodes - s->nodes_ready, s->nodes);
	kubehealth_alert(h, KH_ALERT_CRASH, !offline && s->pods_crash > 0, now,
	    "%d pods crash-looping or failed: %s", s->pods_crash,
	    p->crash_names);
	kubehealth_alert(h, KH_ALERT_IMAGE, !offline && s->pods_image > 0, now,
	    "%d pods cannot pull their image: %s", s->pods_image,
	    p->image_names);
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
	static const char *const sev[KH_ALERT_COUNT] = {
		"critical", "critical", "warning", "warning", "warning",
	};
	char id[300];
	cJSON *a;
	int i, pass;
	const char *severity;

	pthread_mutex_lock(&h->mu);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < KH_ALERT_COUNT; i++) {
			if (h->alert_since[i] == 0)
				continue;
			severity = sev[i];
			if (i == KH_ALERT_NODES && h->st.nodes > 0 &&
			    (h->st.nodes - h->st.nodes_ready) * 2 >=
			    h->st.nodes)
				severity = "critical";
			if ((pass == 0) != (strcmp(severity, "critical") == 0))
				continue;
			a = cJSON_CreateObject();
			snprintf(id, sizeof id, "%s:%s", h->id,
			    kubehealth_alert_types[i]);
			cJSON_AddStringToObject(a, "id", id);
			cJSON_AddStringToObject(a, "cluster_id", h->id);
			cJSON_AddStringToObject(a, "cluster_name", h->name);
			cJSON_AddStringToObject(a, "alert_type",
			    kubehealth_alert_types[i]);
			cJSON_AddStringToObject(a, "severity", severity);
			cJSON_AddStringToObject(a, "message",
			    h->alert_msg[i]);
			cJSON_AddStringToObject(a, "status", "active");
			cJSON_AddFalseToObject(a, "acknowledged");
			cJSON_AddNullToObject(a, "acknowledged_at");
			cJSON_AddNullToObject(a, "resolved_at");
			json_add_time(a, "created_at", h->alert_since[i]);
			json_add_time(a, "updated_at", h->alert_since[i]);
			cJSON_AddItemToArray(arr, a);
		}
	}
	pthread_mutex_unlock(&h->mu);
}

void
kubehealth_history(struct kubehealth *h, cJSON *arr)
{
	const struct kubehealth_event *e;
	char id[300];
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
		cJSON_AddStringToObject(ev, "description", e->why);
		cJSON_AddNullToObject(ev, "actor_user_id");
		d = cJSON_AddObjectToObject(ev, "details");
		if (e->from[0] != '\0')
			cJSON_AddStringToObject(d, "from", e->from);
		cJSON_AddStringToObject(d, "to", e->to);
		json_add_time(ev, "created_at", e->at_ms);
		cJSON_AddItemToArray(arr, ev);
	}
	pthread_mutex_unlock(&h->mu);
}
