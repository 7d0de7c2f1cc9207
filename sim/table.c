/*
 * table.c - meta.k8s.io/v1 Table output.  See table.h.
 *
 * Columns are data: each resource has an array of {name, type, priority,
 * cell} where the cell is either a dotted path read as a number or a
 * string, or a function for derived values (pod STATUS, node ROLES,
 * service PORT(S) ...).  The rules follow kubectl's printers closely
 * enough that kubectl's output against the simulator reads like its
 * output against a real cluster; they are not a complete port.
 */
#include "config.h"

#include "sim/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/timeutil.h"
#include "backend/xalloc.h"

typedef cJSON *(*table_cell_fn)(const cJSON *obj, time_t now);

enum table_cell_kind {
	CELL_NAME,
	CELL_AGE,
	CELL_INT,		/* number at path, 0 when absent */
	CELL_STR,		/* string at path, "<none>" when absent */
	CELL_FN,
};

struct table_col {
	const char *name;
	const char *type;	/* "string", "integer", "date" */
	int priority;
	enum table_cell_kind kind;
	const char *path;
	table_cell_fn fn;
};

/* Value at a dotted path, or NULL. */
static const cJSON *
table_path(const cJSON *obj, const char *path)
{
	const cJSON *cur = obj;
	const char *p = path, *dot;
	char key[128];
	size_t n;

	while (cur != NULL && *p != '\0') {
		dot = strchr(p, '.');
		n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof(key))
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

static const char *
table_str(const cJSON *obj, const char *path)
{
	const cJSON *v = table_path(obj, path);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static long
table_int(const cJSON *obj, const char *path)
{
	const cJSON *v = table_path(obj, path);

	return cJSON_IsNumber(v) ? (long)v->valuedouble : 0;
}

void
table_age(time_t seconds, char *out, size_t len)
{
	long s = (long)seconds, m, h, d;

	if (s < -1) {
		snprintf(out, len, "<invalid>");
		return;
	}
	if (s < 0)
		s = 0;
	m = s / 60;
	h = s / 3600;
	d = h / 24;
	if (s < 120)
		snprintf(out, len, "%lds", s);
	else if (m < 10 && s % 60 != 0)
		snprintf(out, len, "%ldm%lds", m, s % 60);
	else if (m < 180)
		snprintf(out, len, "%ldm", m);
	else if (h < 8 && m % 60 != 0)
		snprintf(out, len, "%ldh%ldm", h, m % 60);
	else if (h < 48)
		snprintf(out, len, "%ldh", h);
	else if (h < 24 * 8 && h % 24 != 0)
		snprintf(out, len, "%ldd%ldh", d, h % 24);
	else if (h < 24 * 365 * 2)
		snprintf(out, len, "%ldd", d);
	else if (h < 24 * 365 * 8 && d % 365 != 0)
		snprintf(out, len, "%ldy%ldd", d / 365, d % 365);
	else
		snprintf(out, len, "%ldy", d / 365);
}

/* Age of the timestamp at path, "<unknown>" when absent or bad. */
static cJSON *
table_age_of(const cJSON *obj, const char *path, time_t now)
{
	const char *ts = table_str(obj, path);
	int64_t ms;
	char buf[32];

	if (ts == NULL || time_parse_rfc3339(ts, &ms, NULL) != CM_OK)
		return cJSON_CreateString("<unknown>");
	table_age(now - (time_t)(ms / 1000), buf, sizeof(buf));
	return cJSON_CreateString(buf);
}

static cJSON *
table_ratio(long a, long b)
{
	char buf[48];

	snprintf(buf, sizeof(buf), "%ld/%ld", a, b);
	return cJSON_CreateString(buf);
}

static void
table_pod_terminated(const cJSON *term, const char *prefix, char *reason,
    size_t len)
{
	const char *r = table_str(term, "reason");

	if (r != NULL && r[0] != '\0')
		snprintf(reason, len, "%s%s", prefix, r);
	else if (table_int(term, "signal") != 0)
		snprintf(reason, len, "%sSignal:%ld", prefix,
		    table_int(term, "signal"));
	else
		snprintf(reason, len, "%sExitCode:%ld", prefix,
		    table_int(term, "exitCode"));
}

/* Pod READY, STATUS and RESTARTS, as kubectl's printPod computes them. */
static void
table_pod(const cJSON *pod, time_t now, long *ready, long *total,
    char *reason, size_t len, char *restarts, size_t rlen)
{
	const cJSON *statuses, *cs, *term, *conds, *c;
	const char *s, *last = NULL, *fin;
	long n = 0, i = 0, ninit;
	int k, nst;
	bool initializing = false, running = false;
	int64_t ms;
	char ago[32];

	*ready = 0;
	*total = cJSON_GetArraySize(table_path(pod, "spec.containers"));
	s = table_str(pod, "status.phase");
	snprintf(reason, len, "%s", s != NULL ? s : "Pending");
	s = table_str(pod, "status.reason");
	if (s != NULL && s[0] != '\0')
		snprintf(reason, len, "%s", s);
	statuses = table_path(pod, "status.initContainerStatuses");
	ninit = cJSON_GetArraySize(table_path(pod, "spec.initContainers"));
	cJSON_ArrayForEach(cs, statuses) {
		n += table_int(cs, "restartCount");
		term = table_path(cs, "state.terminated");
		s = table_str(cs, "state.waiting.reason");
		if (term != NULL && table_int(term, "exitCode") == 0) {
			i++;
			continue;
		}
		initializing = true;
		if (term != NULL)
			table_pod_terminated(term, "Init:", reason, len);
		else if (s != NULL && s[0] != '\0' &&
		    strcmp(s, "PodInitializing") != 0)
			snprintf(reason, len, "Init:%s", s);
		else
			snprintf(reason, len, "Init:%ld/%ld", i, ninit);
		break;
	}
	if (!initializing) {
		n = 0;
		statuses = table_path(pod, "status.containerStatuses");
		nst = cJSON_GetArraySize(statuses);
		/* Walk backwards so the first container's reason wins. */
		for (k = nst - 1; k >= 0; k--) {
			cs = cJSON_GetArrayItem(statuses, k);
			n += table_int(cs, "restartCount");
			fin = table_str(cs, "lastState.terminated.finishedAt");
			if (fin != NULL && (last == NULL || strcmp(fin,
			    last) > 0))
				last = fin;
			s = table_str(cs, "state.waiting.reason");
			term = table_path(cs, "state.terminated");
			if (s != NULL && s[0] != '\0')
				snprintf(reason, len, "%s", s);
			else if (term != NULL)
				table_pod_terminated(term, "", reason, len);
			else if (cJSON_IsTrue(table_path(cs, "ready")) &&
			    table_path(cs, "state.running") != NULL) {
				running = true;
				(*ready)++;
			}
		}
		if (strcmp(reason, "Completed") == 0 && running) {
			snprintf(reason, len, "NotReady");
			conds = table_path(pod, "status.conditions");
			cJSON_ArrayForEach(c, conds)
				if (strcmp(table_str(c, "type") ?
				    table_str(c, "type") : "", "Ready") == 0 &&
				    strcmp(table_str(c, "status") ?
				    table_str(c, "status") : "", "True") == 0)
					snprintf(reason, len, "Running");
		}
	}
	if (table_str(pod, "metadata.deletionTimestamp") != NULL)
		snprintf(reason, len, "%s",
		    strcmp(reason, "NodeLost") == 0 ? "Unknown" :
		    "Terminating");
	if (last != NULL && time_parse_rfc3339(last, &ms, NULL) == CM_OK) {
		table_age(now - (time_t)(ms / 1000), ago, sizeof(ago));
		snprintf(restarts, rlen, "%ld (%s ago)", n, ago);
	} else {
		snprintf(restarts, rlen, "%ld", n);
	}
}

static cJSON *
table_pod_ready(const cJSON *o, time_t now)
{
	long ready, total;
	char reason[96], restarts[64];

	table_pod(o, now, &ready, &total, reason, sizeof(reason), restarts,
	    sizeof(restarts));
	return table_ratio(ready, total);
}

static cJSON *
table_pod_status(const cJSON *o, time_t now)
{
	long ready, total;
	char reason[96], restarts[64];

	table_pod(o, now, &ready, &total, reason, sizeof(reason), restarts,
	    sizeof(restarts));
	return cJSON_CreateString(reason);
}

static cJSON *
table_pod_restarts(const cJSON *o, time_t now)
{
	long ready, total;
	char reason[96], restarts[64];

	table_pod(o, now, &ready, &total, reason, sizeof(reason), restarts,
	    sizeof(restarts));
	return cJSON_CreateString(restarts);
}

static cJSON *
table_node_status(const cJSON *o, time_t now)
{
	const cJSON *c;
	const char *st = "Unknown";
	char buf[64];

	cJSON_ArrayForEach(c, table_path(o, "status.conditions")) {
		if (table_str(c, "type") == NULL ||
		    strcmp(table_str(c, "type"), "Ready") != 0)
			continue;
		st = table_str(c, "status") != NULL &&
		    strcmp(table_str(c, "status"), "True") == 0 ? "Ready" :
		    "NotReady";
	}
	snprintf(buf, sizeof(buf), "%s%s", st,
	    cJSON_IsTrue(table_path(o, "spec.unschedulable")) ?
	    ",SchedulingDisabled" : "");
	return cJSON_CreateString(buf);
}

static cJSON *
table_node_roles(const cJSON *o, time_t now)
{
	static const char prefix[] = "node-role.kubernetes.io/";
	const cJSON *l;
	char buf[256] = "";
	size_t n = 0;

	cJSON_ArrayForEach(l, table_path(o, "metadata.labels")) {
		if (strncmp(l->string, prefix, sizeof(prefix) - 1) != 0)
			continue;
		n += (size_t)snprintf(buf + n, n < sizeof(buf) ?
		    sizeof(buf) - n : 0, "%s%s", n ? "," : "",
		    l->string + sizeof(prefix) - 1);
		if (n >= sizeof(buf))
			break;
	}
	return cJSON_CreateString(buf[0] != '\0' ? buf : "<none>");
}

static cJSON *
table_node_addr(const cJSON *o, const char *type)
{
	const cJSON *a;

	cJSON_ArrayForEach(a, table_path(o, "status.addresses"))
		if (table_str(a, "type") != NULL &&
		    strcmp(table_str(a, "type"), type) == 0 &&
		    table_str(a, "address") != NULL)
			return cJSON_CreateString(table_str(a, "address"));
	return cJSON_CreateString("<none>");
}

static cJSON *
table_node_internal(const cJSON *o, time_t now)
{
	return table_node_addr(o, "InternalIP");
}

static cJSON *
table_node_external(const cJSON *o, time_t now)
{
	return table_node_addr(o, "ExternalIP");
}

static cJSON *
table_svc_external(const cJSON *o, time_t now)
{
	const cJSON *ing, *e;
	const char *type = table_str(o, "spec.type");
	char buf[256] = "";
	size_t n = 0;
	const char *v;

	ing = table_path(o, "status.loadBalancer.ingress");
	cJSON_ArrayForEach(e, ing) {
		v = table_str(e, "ip") ? table_str(e, "ip") :
		    table_str(e, "hostname");
		if (v == NULL || n >= sizeof(buf))
			continue;
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
		    n ? "," : "", v);
	}
	if (buf[0] != '\0')
		return cJSON_CreateString(buf);
	if (type != NULL && strcmp(type, "LoadBalancer") == 0)
		return cJSON_CreateString("<pending>");
	if (type != NULL && strcmp(type, "ExternalName") == 0 &&
	    table_str(o, "spec.externalName") != NULL)
		return cJSON_CreateString(table_str(o, "spec.externalName"));
	return cJSON_CreateString("<none>");
}

static cJSON *
table_svc_ports(const cJSON *o, time_t now)
{
	const cJSON *p;
	char buf[512] = "";
	size_t n = 0;
	long np;
	const char *proto;

	cJSON_ArrayForEach(p, table_path(o, "spec.ports")) {
		if (n >= sizeof(buf))
			break;
		proto = table_str(p, "protocol") ? table_str(p, "protocol") :
		    "TCP";
		np = table_int(p, "nodePort");
		if (np > 0)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n,
			    "%s%ld:%ld/%s", n ? "," : "", table_int(p, "port"),
			    np, proto);
		else
			n += (size_t)snprintf(buf + n, sizeof(buf) - n,
			    "%s%ld/%s", n ? "," : "", table_int(p, "port"),
			    proto);
	}
	return cJSON_CreateString(buf[0] != '\0' ? buf : "<none>");
}

/* "k=v,k2=v2" of a map at path, "<none>" when empty. */
static cJSON *
table_map(const cJSON *o, const char *path)
{
	const cJSON *l;
	char buf[512] = "";
	size_t n = 0;

	cJSON_ArrayForEach(l, table_path(o, path)) {
		if (n >= sizeof(buf) || !cJSON_IsString(l))
			continue;
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s=%s",
		    n ? "," : "", l->string, l->valuestring);
	}
	return cJSON_CreateString(buf[0] != '\0' ? buf : "<none>");
}

static cJSON *
table_svc_selector(const cJSON *o, time_t now)
{
	return table_map(o, "spec.selector");
}

static cJSON *
table_selector(const cJSON *o, time_t now)
{
	return table_map(o, "spec.selector.matchLabels");
}

static cJSON *
table_node_selector(const cJSON *o, time_t now)
{
	return table_map(o, "spec.template.spec.nodeSelector");
}

/* Comma list of one field of the pod template's containers. */
static cJSON *
table_containers(const cJSON *o, const char *field)
{
	const cJSON *c;
	char buf[512] = "";
	size_t n = 0;
	const char *v;

	cJSON_ArrayForEach(c, table_path(o, "spec.template.spec.containers")) {
		v = table_str(c, field);
		if (v == NULL || n >= sizeof(buf))
			continue;
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
		    n ? "," : "", v);
	}
	return cJSON_CreateString(buf);
}

static cJSON *
table_cont_names(const cJSON *o, time_t now)
{
	return table_containers(o, "name");
}

static cJSON *
table_cont_images(const cJSON *o, time_t now)
{
	return table_containers(o, "image");
}

static cJSON *
table_deploy_ready(const cJSON *o, time_t now)
{
	const cJSON *r = table_path(o, "spec.replicas");

	return table_ratio(table_int(o, "status.readyReplicas"),
	    cJSON_IsNumber(r) ? (long)r->valuedouble : 1);
}

static cJSON *
table_event_seen(const cJSON *o, time_t now)
{
	if (table_str(o, "lastTimestamp") != NULL)
		return table_age_of(o, "lastTimestamp", now);
	if (table_str(o, "eventTime") != NULL)
		return table_age_of(o, "eventTime", now);
	return table_age_of(o, "metadata.creationTimestamp", now);
}

static cJSON *
table_event_object(const cJSON *o, time_t now)
{
	const char *kind = table_str(o, "involvedObject.kind");
	const char *name = table_str(o, "involvedObject.name");
	char buf[320];
	size_t i;

	snprintf(buf, sizeof(buf), "%s/%s", kind ? kind : "",
	    name ? name : "");
	for (i = 0; buf[i] != '\0' && buf[i] != '/'; i++)
		if (buf[i] >= 'A' && buf[i] <= 'Z')
			buf[i] = (char)(buf[i] - 'A' + 'a');
	return cJSON_CreateString(buf);
}

static cJSON *
table_event_source(const cJSON *o, time_t now)
{
	const char *c = table_str(o, "source.component");
	const char *h = table_str(o, "source.host");
	char buf[256];

	if (c == NULL)
		c = table_str(o, "reportingComponent");
	if (h != NULL)
		snprintf(buf, sizeof(buf), "%s, %s", c ? c : "", h);
	else
		snprintf(buf, sizeof(buf), "%s", c ? c : "");
	return cJSON_CreateString(buf);
}

static cJSON *
table_kcp_cluster(const cJSON *o, time_t now)
{
	const cJSON *l = table_path(o, "metadata.labels");

	l = cJSON_GetObjectItemCaseSensitive(l,
	    "cluster.x-k8s.io/cluster-name");
	return cJSON_CreateString(cJSON_IsString(l) ? l->valuestring : "");
}

static cJSON *
table_bool_str(const cJSON *o, const char *path)
{
	const cJSON *v = table_path(o, path);

	return cJSON_CreateString(cJSON_IsTrue(v) ? "true" :
	    cJSON_IsFalse(v) ? "false" : "");
}

static cJSON *
table_kcp_init(const cJSON *o, time_t now)
{
	return table_bool_str(o, "status.initialized");
}

static cJSON *
table_kcp_ready(const cJSON *o, time_t now)
{
	return table_bool_str(o, "status.ready");
}

#define COL_NAME { "Name", "string", 0, CELL_NAME, NULL, NULL }
#define COL_AGE { "Age", "string", 0, CELL_AGE, NULL, NULL }
#define COL_END { NULL, NULL, 0, 0, NULL, NULL }

static const struct table_col table_pods[] = {
	COL_NAME,
	{ "Ready", "string", 0, CELL_FN, NULL, table_pod_ready },
	{ "Status", "string", 0, CELL_FN, NULL, table_pod_status },
	{ "Restarts", "string", 0, CELL_FN, NULL, table_pod_restarts },
	COL_AGE,
	{ "IP", "string", 1, CELL_STR, "status.podIP", NULL },
	{ "Node", "string", 1, CELL_STR, "spec.nodeName", NULL },
	{ "Nominated Node", "string", 1, CELL_STR,
	    "status.nominatedNodeName", NULL },
	{ "Readiness Gates", "string", 1, CELL_STR, "spec.readinessGates",
	    NULL },
	COL_END,
};

static const struct table_col table_nodes[] = {
	COL_NAME,
	{ "Status", "string", 0, CELL_FN, NULL, table_node_status },
	{ "Roles", "string", 0, CELL_FN, NULL, table_node_roles },
	COL_AGE,
	{ "Version", "string", 0, CELL_STR, "status.nodeInfo.kubeletVersion",
	    NULL },
	{ "Internal-IP", "string", 1, CELL_FN, NULL, table_node_internal },
	{ "External-IP", "string", 1, CELL_FN, NULL, table_node_external },
	{ "OS-Image", "string", 1, CELL_STR, "status.nodeInfo.osImage",
	    NULL },
	{ "Kernel-Version", "string", 1, CELL_STR,
	    "status.nodeInfo.kernelVersion", NULL },
	{ "Container-Runtime", "string", 1, CELL_STR,
	    "status.nodeInfo.containerRuntimeVersion", NULL },
	COL_END,
};

static const struct table_col table_namespaces[] = {
	COL_NAME,
	{ "Status", "string", 0, CELL_STR, "status.phase", NULL },
	COL_AGE,
	COL_END,
};

static const struct table_col table_services[] = {
	COL_NAME,
	{ "Type", "string", 0, CELL_STR, "spec.type", NULL },
	{ "Cluster-IP", "string", 0, CELL_STR, "spec.clusterIP", NULL },
	{ "External-IP", "string", 0, CELL_FN, NULL, table_svc_external },
	{ "Port(s)", "string", 0, CELL_FN, NULL, table_svc_ports },
	COL_AGE,
	{ "Selector", "string", 1, CELL_FN, NULL, table_svc_selector },
	COL_END,
};

static const struct table_col table_events[] = {
	{ "Last Seen", "string", 0, CELL_FN, NULL, table_event_seen },
	{ "Type", "string", 0, CELL_STR, "type", NULL },
	{ "Reason", "string", 0, CELL_STR, "reason", NULL },
	{ "Object", "string", 0, CELL_FN, NULL, table_event_object },
	{ "Subobject", "string", 1, CELL_STR, "involvedObject.fieldPath",
	    NULL },
	{ "Source", "string", 1, CELL_FN, NULL, table_event_source },
	{ "Message", "string", 0, CELL_STR, "message", NULL },
	{ "Count", "integer", 1, CELL_INT, "count", NULL },
	{ "Name", "string", 1, CELL_NAME, NULL, NULL },
	COL_END,
};

static const struct table_col table_deployments[] = {
	COL_NAME,
	{ "Ready", "string", 0, CELL_FN, NULL, table_deploy_ready },
	{ "Up-to-date", "integer", 0, CELL_INT, "status.updatedReplicas",
	    NULL },
	{ "Available", "integer", 0, CELL_INT, "status.availableReplicas",
	    NULL },
	COL_AGE,
	{ "Containers", "string", 1, CELL_FN, NULL, table_cont_names },
	{ "Images", "string", 1, CELL_FN, NULL, table_cont_images },
	{ "Selector", "string", 1, CELL_FN, NULL, table_selector },
	COL_END,
};

static const struct table_col table_replicasets[] = {
	COL_NAME,
	{ "Desired", "integer", 0, CELL_INT, "spec.replicas", NULL },
	{ "Current", "integer", 0, CELL_INT, "status.replicas", NULL },
	{ "Ready", "integer", 0, CELL_INT, "status.readyReplicas", NULL },
	COL_AGE,
	{ "Containers", "string", 1, CELL_FN, NULL, table_cont_names },
	{ "Images", "string", 1, CELL_FN, NULL, table_cont_images },
	{ "Selector", "string", 1, CELL_FN, NULL, table_selector },
	COL_END,
};

static const struct table_col table_statefulsets[] = {
	COL_NAME,
	{ "Ready", "string", 0, CELL_FN, NULL, table_deploy_ready },
	COL_AGE,
	{ "Containers", "string", 1, CELL_FN, NULL, table_cont_names },
	{ "Images", "string", 1, CELL_FN, NULL, table_cont_images },
	COL_END,
};

static const struct table_col table_daemonsets[] = {
	COL_NAME,
	{ "Desired", "integer", 0, CELL_INT,
	    "status.desiredNumberScheduled", NULL },
	{ "Current", "integer", 0, CELL_INT,
	    "status.currentNumberScheduled", NULL },
	{ "Ready", "integer", 0, CELL_INT, "status.numberReady", NULL },
	{ "Up-to-date", "integer", 0, CELL_INT,
	    "status.updatedNumberScheduled", NULL },
	{ "Available", "integer", 0, CELL_INT, "status.numberAvailable",
	    NULL },
	{ "Node Selector", "string", 0, CELL_FN, NULL, table_node_selector },
	COL_AGE,
	{ "Containers", "string", 1, CELL_FN, NULL, table_cont_names },
	{ "Images", "string", 1, CELL_FN, NULL, table_cont_images },
	{ "Selector", "string", 1, CELL_FN, NULL, table_selector },
	COL_END,
};

static const struct table_col table_machinedeployments[] = {
	COL_NAME,
	{ "Cluster", "string", 0, CELL_STR, "spec.clusterName", NULL },
	{ "Replicas", "integer", 0, CELL_INT, "status.replicas", NULL },
	{ "Ready", "integer", 0, CELL_INT, "status.readyReplicas", NULL },
	{ "Updated", "integer", 0, CELL_INT, "status.updatedReplicas",
	    NULL },
	{ "Unavailable", "integer", 0, CELL_INT,
	    "status.unavailableReplicas", NULL },
	{ "Phase", "string", 0, CELL_STR, "status.phase", NULL },
	COL_AGE,
	{ "Version", "string", 0, CELL_STR, "spec.template.spec.version",
	    NULL },
	COL_END,
};

static const struct table_col table_kcps[] = {
	COL_NAME,
	{ "Cluster", "string", 0, CELL_FN, NULL, table_kcp_cluster },
	{ "Initialized", "boolean", 0, CELL_FN, NULL, table_kcp_init },
	{ "API Server Available", "boolean", 0, CELL_FN, NULL,
	    table_kcp_ready },
	{ "Replicas", "integer", 0, CELL_INT, "status.replicas", NULL },
	{ "Ready", "integer", 0, CELL_INT, "status.readyReplicas", NULL },
	{ "Updated", "integer", 0, CELL_INT, "status.updatedReplicas",
	    NULL },
	{ "Unavailable", "integer", 0, CELL_INT,
	    "status.unavailableReplicas", NULL },
	COL_AGE,
	{ "Version", "string", 0, CELL_STR, "spec.version", NULL },
	COL_END,
};

static const struct table_col table_default[] = {
	COL_NAME,
	COL_AGE,
	COL_END,
};

static const struct table_col *
table_cols(const struct kres *r)
{
	static const struct {
		const char *store;
		const struct table_col *cols;
	} map[] = {
		{ "pods", table_pods },
		{ "nodes", table_nodes },
		{ "namespaces", table_namespaces },
		{ "services", table_services },
		{ "events", table_events },
		{ "deployments.apps", table_deployments },
		{ "replicasets.apps", table_replicasets },
		{ "statefulsets.apps", table_statefulsets },
		{ "daemonsets.apps", table_daemonsets },
		{ "machinedeployments.cluster.x-k8s.io",
		    table_machinedeployments },
		{ "kubeadmcontrolplanes.controlplane.cluster.x-k8s.io",
		    table_kcps },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].store, r->store) == 0)
			return map[i].cols;
	return table_default;
}

enum table_include
table_include_parse(const char *s)
{
	if (s != NULL && strcmp(s, "Object") == 0)
		return TABLE_INCLUDE_OBJECT;
	if (s != NULL && strcmp(s, "None") == 0)
		return TABLE_INCLUDE_NONE;
	return TABLE_INCLUDE_METADATA;
}

cJSON *
table_new(const struct kres *r, const char *rv)
{
	const struct table_col *c;
	cJSON *t = cJSON_CreateObject(), *meta, *defs, *d;

	cJSON_AddStringToObject(t, "kind", "Table");
	cJSON_AddStringToObject(t, "apiVersion", "meta.k8s.io/v1");
	meta = cJSON_AddObjectToObject(t, "metadata");
	if (rv != NULL)
		cJSON_AddStringToObject(meta, "resourceVersion", rv);
	defs = cJSON_AddArrayToObject(t, "columnDefinitions");
	for (c = table_cols(r); c->name != NULL; c++) {
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "name", c->name);
		cJSON_AddStringToObject(d, "type", c->type);
		cJSON_AddStringToObject(d, "format",
		    c->kind == CELL_NAME ? "name" : "");
		cJSON_AddStringToObject(d, "description", c->kind ==
		    CELL_NAME ? "Name must be unique within a namespace." :
		    c->name);
		cJSON_AddNumberToObject(d, "priority", c->priority);
		cJSON_AddItemToArray(defs, d);
	}
	cJSON_AddArrayToObject(t, "rows");
	return t;
}

/*
 * The row's PartialObjectMetadata.  managedFields are left out: no table
 * shows them and on real pods they are half the metadata, which a
 * 5,000-row listing would carry for nothing.
 */
static cJSON *
table_partial(const struct kres *r, const cJSON *obj)
{
	cJSON *p = cJSON_CreateObject(), *m;
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	const cJSON *it;

	cJSON_AddStringToObject(p, "kind", "PartialObjectMetadata");
	cJSON_AddStringToObject(p, "apiVersion", "meta.k8s.io/v1");
	m = cJSON_AddObjectToObject(p, "metadata");
	cJSON_ArrayForEach(it, meta)
		if (strcmp(it->string, "managedFields") != 0)
			cJSON_AddItemToObject(m, it->string,
			    cJSON_Duplicate(it, 1));
	return p;
}

void
table_add_row(cJSON *table, const struct kres *r, const cJSON *obj,
    enum table_include inc, time_t now)
{
	const struct table_col *c;
	cJSON *row = cJSON_CreateObject(), *cells, *cell;
	const char *s;

	cells = cJSON_AddArrayToObject(row, "cells");
	for (c = table_cols(r); c->name != NULL; c++) {
		switch (c->kind) {
		case CELL_NAME:
			s = table_str(obj, "metadata.name");
			cell = cJSON_CreateString(s != NULL ? s : "");
			break;
		case CELL_AGE:
			cell = table_age_of(obj, "metadata.creationTimestamp",
			    now);
			break;
		case CELL_INT:
			cell = cJSON_CreateNumber((double)table_int(obj,
			    c->path));
			break;
		case CELL_STR:
			s = table_str(obj, c->path);
			cell = cJSON_CreateString(s != NULL && s[0] != '\0' ?
			    s : "<none>");
			break;
		default:
			cell = c->fn(obj, now);
			break;
		}
		cJSON_AddItemToArray(cells, cell);
	}
	if (inc == TABLE_INCLUDE_METADATA)
		cJSON_AddItemToObject(row, "object", table_partial(r, obj));
	else if (inc == TABLE_INCLUDE_OBJECT)
		cJSON_AddItemToObject(row, "object",
		    cJSON_Duplicate(obj, 1));
	cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(table, "rows"),
	    row);
}
