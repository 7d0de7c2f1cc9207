/*
 * kuberows.c - compact rows from Kubernetes objects.  See kuberows.h.
 *
 * The pod STATUS follows kubectl's printPod (pkg/printers/internalversion):
 * the phase or status.reason, then the first init container that has not
 * succeeded, then the main containers from the last to the first (the
 * first one's waiting or terminated reason wins), "Completed" with a
 * container still running becomes "NotReady" or "Running", and a
 * deletion timestamp makes "Terminating".
 */
#include "config.h"

#include "backend/kuberows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/xalloc.h"

static const struct kuberows_info {
	const char *name;
	const char *alias;
	const char *group;
	const char *version;
	const char *kind;
	bool namespaced;
} kuberows_info[KUBEROWS_KIND_COUNT] = {
#define KUBEROWS_KIND_ROW(id, n, a, g, v, k, nsd) \
	[KUBEROWS_##id] = { n, a, g, v, k, nsd },
	KUBEROWS_KIND_INFO(KUBEROWS_KIND_ROW)
#undef KUBEROWS_KIND_ROW
};

bool
kuberows_kind_find(const char *name, enum kuberows_kind *out)
{
	const struct kuberows_info *k;
	size_t n;
	int i;

	for (i = 0; i < KUBEROWS_KIND_COUNT; i++) {
		k = &kuberows_info[i];
		n = strlen(k->name);
		if (strcmp(name, k->name) == 0 || strcmp(name, k->alias) == 0 ||
		    strcasecmp(name, k->kind) == 0 ||
		    (k->group[0] != '\0' && strncmp(name, k->name, n) == 0 &&
		    name[n] == '.' && strcmp(name + n + 1, k->group) == 0)) {
			*out = (enum kuberows_kind)i;
			return true;
		}
	}
	if (strcmp(name, "po") == 0) {
		*out = KUBEROWS_PODS;
		return true;
	}
	if (strcmp(name, "no") == 0) {
		*out = KUBEROWS_NODES;
		return true;
	}
	return false;
}

const char *
kuberows_kind_name(enum kuberows_kind kind)
{
	return kuberows_info[kind].name;
}

const char *
kuberows_kind_kind(enum kuberows_kind kind)
{
	return kuberows_info[kind].kind;
}

bool
kuberows_namespaced(enum kuberows_kind kind)
{
	return kuberows_info[kind].namespaced;
}

void
kuberows_resource(enum kuberows_kind kind, struct kube_resource *out)
{
	const struct kuberows_info *k = &kuberows_info[kind];

	memset(out, 0, sizeof *out);
	snprintf(out->group, sizeof out->group, "%s", k->group);
	snprintf(out->version, sizeof out->version, "%s", k->version);
	snprintf(out->resource, sizeof out->resource, "%s", k->name);
	snprintf(out->kind, sizeof out->kind, "%s", k->kind);
	out->namespaced = k->namespaced;
}

/* The value at a dotted path, or NULL. */
static const cJSON *
kuberows_at(const cJSON *obj, const char *path)
{
	const cJSON *cur = obj;
	const char *p = path, *dot;
	char key[128];
	size_t n;

	while (cur != NULL && *p != '\0') {
		dot = strchr(p, '.');
		n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof key)
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		cur = cJSON_GetObjectItemCaseSensitive(cur, key);
		p += n;
		if (*p == '.')
			p++;
	}
	return cur;
}

const char *
kuberows_str(const cJSON *obj, const char *path)
{
	const cJSON *v = kuberows_at(obj, path);

	return cJSON_IsString(v) && v->valuestring != NULL ?
	    v->valuestring : NULL;
}

static double
kuberows_num(const cJSON *obj, const char *path)
{
	const cJSON *v = kuberows_at(obj, path);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static const char *
kuberows_s(const cJSON *obj, const char *path)
{
	const char *s = kuberows_str(obj, path);

	return s != NULL ? s : "";
}

/* A container's terminated state as kubectl names it. */
static void
kuberows_terminated(const cJSON *term, const char *prefix, char *out,
    size_t len)
{
	const char *r = kuberows_str(term, "reason");
	long sig = (long)kuberows_num(term, "signal");

	if (r != NULL && *r != '\0')
		snprintf(out, len, "%s%s", prefix, r);
	else if (sig != 0)
		snprintf(out, len, "%sSignal:%ld", prefix, sig);
	else
		snprintf(out, len, "%sExitCode:%ld", prefix,
		    (long)kuberows_num(term, "exitCode"));
}

/* The init containers' part of the status; true while initializing. */
static bool
kuberows_pod_init(const cJSON *pod, char *reason, size_t len, long *restarts)
{
	const cJSON *st = kuberows_at(pod, "status.initContainerStatuses");
	const cJSON *c, *term, *wait;
	const char *w;
	int i = 0, n = cJSON_GetArraySize(kuberows_at(pod,
	    "spec.initContainers"));

	cJSON_ArrayForEach(c, st) {
		*restarts += (long)kuberows_num(c, "restartCount");
		term = kuberows_at(c, "state.terminated");
		wait = kuberows_at(c, "state.waiting");
		w = kuberows_str(wait, "reason");
		if (term != NULL && kuberows_num(term, "exitCode") == 0) {
			i++;
			continue;
		}
		if (term != NULL)
			kuberows_terminated(term, "Init:", reason, len);
		else if (w != NULL && *w != '\0' &&
		    strcmp(w, "PodInitializing") != 0)
			snprintf(reason, len, "Init:%s", w);
		else
			snprintf(reason, len, "Init:%d/%d", i, n);
		return true;
	}
	return false;
}

void
kuberows_pod_status(const cJSON *pod, char *reason, size_t len, int *ready,
    int *total, long *restarts)
{
	const cJSON *st = kuberows_at(pod, "status.containerStatuses");
	const cJSON *c, *cond;
	const char *s;
	bool running = false;
	int i;

	*ready = 0;
	*restarts = 0;
	*total = cJSON_GetArraySize(kuberows_at(pod, "spec.containers"));
	s = kuberows_str(pod, "status.reason");
	if (s == NULL || *s == '\0')
		s = kuberows_str(pod, "status.phase");
	snprintf(reason, len, "%s", s != NULL && *s != '\0' ? s : "Unknown");
	if (!kuberows_pod_init(pod, reason, len, restarts)) {
		*restarts = 0;
		for (i = cJSON_GetArraySize(st) - 1; i >= 0; i--) {
			c = cJSON_GetArrayItem(st, i);
			*restarts += (long)kuberows_num(c, "restartCount");
			s = kuberows_str(c, "state.waiting.reason");
			if (s != NULL && *s != '\0') {
				snprintf(reason, len, "%s", s);
				continue;
			}
			s = kuberows_str(c, "state.terminated.reason");
			if (s != NULL && *s != '\0') {
				snprintf(reason, len, "%s", s);
				continue;
			}
			if (kuberows_at(c, "state.terminated") != NULL) {
				kuberows_terminated(kuberows_at(c,
				    "state.terminated"), "", reason, len);
				continue;
			}
			if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c,
			    "ready")) && kuberows_at(c, "state.running") !=
			    NULL) {
				running = true;
				(*ready)++;
			}
		}
		if (strcmp(reason, "Completed") == 0 && running) {
			snprintf(reason, len, "NotReady");
			cJSON_ArrayForEach(cond, kuberows_at(pod,
			    "status.conditions"))
				if (strcmp(kuberows_s(cond, "type"),
				    "Ready") == 0 && strcmp(kuberows_s(cond,
				    "status"), "True") == 0)
					snprintf(reason, len, "Running");
		}
	}
	if (kuberows_str(pod, "metadata.deletionTimestamp") != NULL)
		snprintf(reason, len, "%s", strcmp(kuberows_s(pod,
		    "status.reason"), "NodeLost") == 0 ? "Unknown" :
		    "Terminating");
}

enum kuberows_problem
kuberows_problem(const char *status)
{
	static const char *const crash[] = {
		"CrashLoopBackOff", "Error", "OOMKilled", "Failed",
		"ContainerStatusUnknown", "CreateContainerError",
		"CreateContainerConfigError", "RunContainerError",
		"Unknown", "Evicted",
	};
	static const char *const image[] = {
		"ImagePullBackOff", "ErrImagePull", "InvalidImageName",
		"ErrImageNeverPull",
	};
	size_t i;

	for (i = 0; i < sizeof crash / sizeof crash[0]; i++)
		if (strcmp(status, crash[i]) == 0)
			return KUBEROWS_CRASH;
	for (i = 0; i < sizeof image / sizeof image[0]; i++)
		if (strcmp(status, image[i]) == 0)
			return KUBEROWS_IMAGE;
	if (strncmp(status, "Init:", 5) == 0) {
		status += 5;
		for (i = 0; i < sizeof image / sizeof image[0]; i++)
			if (strcmp(status, image[i]) == 0)
				return KUBEROWS_IMAGE;
		return strchr(status, '/') != NULL ? KUBEROWS_PENDING :
		    KUBEROWS_CRASH;
	}
	if (strncmp(status, "ExitCode:", 9) == 0 ||
	    strncmp(status, "Signal:", 7) == 0)
		return KUBEROWS_CRASH;
	if (strcmp(status, "Pending") == 0 ||
	    strcmp(status, "ContainerCreating") == 0 ||
	    strcmp(status, "PodInitializing") == 0 ||
	    strcmp(status, "Terminating") == 0 ||
	    strcmp(status, "NotReady") == 0)
		return KUBEROWS_PENDING;
	return KUBEROWS_OK;
}

bool
kuberows_node_ready(const cJSON *node)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, kuberows_at(node, "status.conditions"))
		if (strcmp(kuberows_s(c, "type"), "Ready") == 0)
			return strcmp(kuberows_s(c, "status"), "True") == 0;
	return false;
}

void
kuberows_node_status(const cJSON *node, char *out, size_t len)
{
	const cJSON *c;
	const char *st = "Unknown";

	cJSON_ArrayForEach(c, kuberows_at(node, "status.conditions"))
		if (strcmp(kuberows_s(c, "type"), "Ready") == 0)
			st = strcmp(kuberows_s(c, "status"), "True") == 0 ?
			    "Ready" : "NotReady";
	snprintf(out, len, "%s%s", st, cJSON_IsTrue(kuberows_at(node,
	    "spec.unschedulable")) ? ",SchedulingDisabled" : "");
}

/* node-role.kubernetes.io/X labels as "X,Y", or "<none>". */
static void
kuberows_node_roles(const cJSON *node, char *out, size_t len)
{
	static const char prefix[] = "node-role.kubernetes.io/";
	const cJSON *l;
	size_t used = 0;

	out[0] = '\0';
	cJSON_ArrayForEach(l, kuberows_at(node, "metadata.labels")) {
		if (strncmp(l->string, prefix, sizeof prefix - 1) != 0 ||
		    l->string[sizeof prefix - 1] == '\0' || used >= len)
			continue;
		used += (size_t)snprintf(out + used, len - used, "%s%s",
		    used > 0 ? "," : "", l->string + sizeof prefix - 1);
	}
	if (out[0] == '\0')
		snprintf(out, len, "<none>");
}

static const char *
kuberows_node_ip(const cJSON *node)
{
	const cJSON *a;

	cJSON_ArrayForEach(a, kuberows_at(node, "status.addresses"))
		if (strcmp(kuberows_s(a, "type"), "InternalIP") == 0)
			return kuberows_s(a, "address");
	return "";
}

/* The images of a pod template, comma-separated. */
static void
kuberows_images(const cJSON *obj, char *out, size_t len)
{
	const cJSON *c;
	size_t used = 0;

	out[0] = '\0';
	cJSON_ArrayForEach(c, kuberows_at(obj, "spec.template.spec.containers"))
		if (used < len)
			used += (size_t)snprintf(out + used, len - used,
			    "%s%s", used > 0 ? "," : "",
			    kuberows_s(c, "image"));
}

const char *
kuberows_event_time(const cJSON *ev)
{
	static const char *const paths[] = {
		"lastTimestamp", "series.lastObservedTime", "eventTime",
		"firstTimestamp", "metadata.creationTimestamp",
	};
	const char *s;
	size_t i;

	for (i = 0; i < sizeof paths / sizeof paths[0]; i++)
		if ((s = kuberows_str(ev, paths[i])) != NULL && *s != '\0')
			return s;
	return "";
}

/* Members with constant keys: a row pays for its values only. */
static void
kuberows_set_str(cJSON *row, const char *key, const char *value)
{
	cJSON_AddItemToObjectCS(row, key, cJSON_CreateString(value));
}

static void
kuberows_set_num(cJSON *row, const char *key, double value)
{
	cJSON_AddItemToObjectCS(row, key, cJSON_CreateNumber(value));
}

static void
kuberows_fill(enum kuberows_kind kind, const cJSON *obj, cJSON *row)
{
	char buf[512], reason[128], *p;
	int ready, total;
	long restarts;
	double want;

	switch (kind) {
	case KUBEROWS_NODES:
		kuberows_node_status(obj, buf, sizeof buf);
		kuberows_set_str(row, "status", buf);
		kuberows_node_roles(obj, buf, sizeof buf);
		kuberows_set_str(row, "roles", buf);
		kuberows_set_str(row, "version", kuberows_s(obj,
		    "status.nodeInfo.kubeletVersion"));
		kuberows_set_str(row, "ip", kuberows_node_ip(obj));
		kuberows_set_str(row, "os", kuberows_s(obj,
		    "status.nodeInfo.osImage"));
		break;
	case KUBEROWS_NAMESPACES:
		kuberows_set_str(row, "status", kuberows_s(obj,
		    "status.phase"));
		break;
	case KUBEROWS_PODS:
		kuberows_pod_status(obj, reason, sizeof reason, &ready, &total,
		    &restarts);
		snprintf(buf, sizeof buf, "%d/%d", ready, total);
		kuberows_set_str(row, "ready", buf);
		kuberows_set_str(row, "status", reason);
		kuberows_set_num(row, "restarts", (double)restarts);
		kuberows_set_str(row, "node", kuberows_s(obj,
		    "spec.nodeName"));
		kuberows_set_str(row, "ip", kuberows_s(obj,
		    "status.podIP"));
		break;
	case KUBEROWS_DEPLOYMENTS:
	case KUBEROWS_STATEFULSETS:
		want = cJSON_IsNumber(kuberows_at(obj, "spec.replicas")) ?
		    kuberows_num(obj, "spec.replicas") : 1;
		snprintf(buf, sizeof buf, "%.0f/%.0f", kuberows_num(obj,
		    "status.readyReplicas"), want);
		kuberows_set_str(row, "ready", buf);
		kuberows_set_num(row, "replicas", want);
		kuberows_set_num(row, "ready_replicas",
		    kuberows_num(obj, "status.readyReplicas"));
		kuberows_set_num(row, "updated", kuberows_num(obj,
		    "status.updatedReplicas"));
		kuberows_set_num(row, "available", kuberows_num(obj,
		    "status.availableReplicas"));
		kuberows_images(obj, buf, sizeof buf);
		kuberows_set_str(row, "images", buf);
		break;
	case KUBEROWS_EVENTS:
		kuberows_set_str(row, "type", kuberows_s(obj, "type"));
		kuberows_set_str(row, "reason", kuberows_s(obj,
		    "reason"));
		snprintf(buf, sizeof buf, "%s/%s", kuberows_s(obj,
		    "involvedObject.kind"), kuberows_s(obj,
		    "involvedObject.name"));
		for (p = buf; *p != '\0' && *p != '/'; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		kuberows_set_str(row, "object", buf);
		kuberows_set_str(row, "kind", kuberows_s(obj,
		    "involvedObject.kind"));
		kuberows_set_str(row, "involved", kuberows_s(obj,
		    "involvedObject.name"));
		kuberows_set_str(row, "message", kuberows_s(obj,
		    "message"));
		kuberows_set_num(row, "count", kuberows_num(obj,
		    "count") > 0 ? kuberows_num(obj, "count") : 1);
		kuberows_set_str(row, "last", kuberows_event_time(obj));
		break;
	default:
		break;
	}
}

cJSON *
kuberows_row(enum kuberows_kind kind, const cJSON *obj)
{
	const char *name = kuberows_str(obj, "metadata.name");
	const char *ns = kuberows_s(obj, "metadata.namespace");
	cJSON *row;
	char id[600];

	if (!cJSON_IsObject(obj) || name == NULL || *name == '\0' ||
	    (unsigned)kind >= KUBEROWS_KIND_COUNT)
		return NULL;
	row = cJSON_CreateObject();
	if (kuberows_namespaced(kind))
		snprintf(id, sizeof id, "%s/%s", ns, name);
	else
		snprintf(id, sizeof id, "%s", name);
	kuberows_set_str(row, "id", id);
	kuberows_set_str(row, "namespace",
	    kuberows_namespaced(kind) ? ns : "");
	kuberows_set_str(row, "name", name);
	kuberows_set_str(row, "created", kuberows_s(obj,
	    "metadata.creationTimestamp"));
	kuberows_fill(kind, obj, row);
	return row;
}

/* The cell of the column named name (any case) as text into buf; ""
 * when there is none or it says "<none>". */
static const char *
kuberows_cell(const cJSON *columns, const cJSON *row, const char *name,
    char *buf, size_t len)
{
	const cJSON *c, *v;
	int i = 0;

	buf[0] = '\0';
	cJSON_ArrayForEach(c, columns) {
		if (strcasecmp(kuberows_s(c, "name"), name) == 0)
			break;
		i++;
	}
	if (c == NULL)
		return buf;
	v = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(row, "cells"),
	    i);
	if (cJSON_IsString(v) && strcmp(v->valuestring, "<none>") != 0)
		snprintf(buf, len, "%s", v->valuestring);
	else if (cJSON_IsNumber(v))
		snprintf(buf, len, "%.0f", v->valuedouble);
	return buf;
}

/* "2/3" as 2 and 3 (0 and 0 when it is not that). */
static void
kuberows_fraction(const char *s, double *x, double *y)
{
	char *end;

	*x = strtod(s, &end);
	*y = *end == '/' ? strtod(end + 1, NULL) : 0;
	if (*end != '/')
		*x = 0;
}

static void
kuberows_fill_table(enum kuberows_kind kind, const cJSON *cols,
    const cJSON *r, cJSON *row)
{
	char buf[512];
	double x, y;

	switch (kind) {
	case KUBEROWS_NODES:
		kuberows_set_str(row, "status", kuberows_cell(cols, r,
		    "Status", buf, sizeof buf));
		kuberows_set_str(row, "roles", kuberows_cell(cols, r, "Roles",
		    buf, sizeof buf)[0] != '\0' ? buf : "<none>");
		kuberows_set_str(row, "version", kuberows_cell(cols, r,
		    "Version", buf, sizeof buf));
		kuberows_set_str(row, "ip", kuberows_cell(cols, r,
		    "Internal-IP", buf, sizeof buf));
		kuberows_set_str(row, "os", kuberows_cell(cols, r, "OS-Image",
		    buf, sizeof buf));
		break;
	case KUBEROWS_NAMESPACES:
		kuberows_set_str(row, "status", kuberows_cell(cols, r,
		    "Status", buf, sizeof buf));
		break;
	case KUBEROWS_PODS:
		kuberows_set_str(row, "ready", kuberows_cell(cols, r, "Ready",
		    buf, sizeof buf));
		kuberows_cell(cols, r, "Status", buf, sizeof buf);
		/* The server's STATUS says nothing of a deletion. */
		if (kuberows_str(r, "object.metadata.deletionTimestamp") !=
		    NULL)
			snprintf(buf, sizeof buf, "Terminating");
		kuberows_set_str(row, "status", buf);
		kuberows_set_num(row, "restarts", strtod(kuberows_cell(cols, r,
		    "Restarts", buf, sizeof buf), NULL));
		kuberows_set_str(row, "node", kuberows_cell(cols, r, "Node",
		    buf, sizeof buf));
		kuberows_set_str(row, "ip", kuberows_cell(cols, r, "IP", buf,
		    sizeof buf));
		break;
	case KUBEROWS_DEPLOYMENTS:
	case KUBEROWS_STATEFULSETS:
		kuberows_set_str(row, "ready", kuberows_cell(cols, r, "Ready",
		    buf, sizeof buf));
		kuberows_fraction(buf, &x, &y);
		kuberows_set_num(row, "replicas", y);
		kuberows_set_num(row, "ready_replicas", x);
		kuberows_set_num(row, "updated", strtod(kuberows_cell(cols, r,
		    "Up-to-date", buf, sizeof buf), NULL));
		kuberows_set_num(row, "available", strtod(kuberows_cell(cols,
		    r, "Available", buf, sizeof buf), NULL));
		kuberows_set_str(row, "images", kuberows_cell(cols, r,
		    "Images", buf, sizeof buf));
		break;
	default:
		break;
	}
}

cJSON *
kuberows_row_table(enum kuberows_kind kind, const cJSON *columns,
    const cJSON *trow)
{
	const cJSON *md = kuberows_at(trow, "object.metadata");
	const char *name = kuberows_str(md, "name");
	const char *ns = kuberows_s(md, "namespace");
	cJSON *row;
	char id[600];

	if (name == NULL || *name == '\0' || kind == KUBEROWS_EVENTS ||
	    (unsigned)kind >= KUBEROWS_KIND_COUNT)
		return NULL;
	row = cJSON_CreateObject();
	if (kuberows_namespaced(kind))
		snprintf(id, sizeof id, "%s/%s", ns, name);
	else
		snprintf(id, sizeof id, "%s", name);
	kuberows_set_str(row, "id", id);
	kuberows_set_str(row, "namespace", kuberows_namespaced(kind) ? ns :
	    "");
	kuberows_set_str(row, "name", name);
	kuberows_set_str(row, "created", kuberows_s(md, "creationTimestamp"));
	kuberows_fill_table(kind, columns, trow, row);
	return row;
}

const char *
kuberows_age(int64_t ms, char *buf, size_t len)
{
	int64_t s = ms / 1000, m, h, d, y;

	if (s < 0)
		s = 0;
	m = s / 60;
	h = m / 60;
	d = h / 24;
	y = d / 365;
	if (s < 120)
		snprintf(buf, len, "%llds", (long long)s);
	else if (m < 10 && s % 60 != 0)
		snprintf(buf, len, "%lldm%llds", (long long)m,
		    (long long)(s % 60));
	else if (m < 180)
		snprintf(buf, len, "%lldm", (long long)m);
	else if (h < 8 && m % 60 != 0)
		snprintf(buf, len, "%lldh%lldm", (long long)h,
		    (long long)(m % 60));
	else if (h < 48)
		snprintf(buf, len, "%lldh", (long long)h);
	else if (d < 8 && h % 24 != 0)
		snprintf(buf, len, "%lldd%lldh", (long long)d,
		    (long long)(h % 24));
	else if (y < 2)
		snprintf(buf, len, "%lldd", (long long)d);
	else if (y < 8 && d % 365 != 0)
		snprintf(buf, len, "%lldy%lldd", (long long)y,
		    (long long)(d % 365));
	else
		snprintf(buf, len, "%lldy", (long long)y);
	return buf;
}
