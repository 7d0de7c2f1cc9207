/*
 * ctl_util.c - helpers of the simulated controllers.  See ctl.h.
 *
 * A string map, JSON accessors that tolerate missing or mistyped fields
 * (objects come from users and recordings), Kubernetes time and quantity
 * text, the hashes that name ReplicaSets and revisions, and small
 * predicates on pods.  Nothing here touches the store.
 */
#include "config.h"

#include "sim/ctl.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/timeutil.h"
#include "backend/xalloc.h"

/* ---- map ---- */

static size_t
ctl_map_slot(const struct ctl_map *m, const char *key)
{
	return (size_t)ctl_hash64(key) & (m->nb - 1);
}

void
ctl_map_init(struct ctl_map *m)
{
	m->nb = 64;
	m->n = 0;
	m->b = xcalloc(m->nb, sizeof(*m->b));
}

void
ctl_map_done(struct ctl_map *m)
{
	struct ctl_map_entry *e, *next;
	size_t i;

	for (i = 0; i < m->nb; i++) {
		for (e = m->b[i]; e != NULL; e = next) {
			next = e->next;
			free(e->key);
			free(e->str);
			free(e);
		}
	}
	free(m->b);
	memset(m, 0, sizeof(*m));
}

struct ctl_map_entry *
ctl_map_get(const struct ctl_map *m, const char *key)
{
	struct ctl_map_entry *e;

	for (e = m->b[ctl_map_slot(m, key)]; e != NULL; e = e->next)
		if (strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

static void
ctl_map_grow(struct ctl_map *m)
{
	struct ctl_map_entry **old = m->b, *e, *next;
	size_t oldn = m->nb, i, s;

	m->nb *= 2;
	m->b = xcalloc(m->nb, sizeof(*m->b));
	for (i = 0; i < oldn; i++) {
		for (e = old[i]; e != NULL; e = next) {
			next = e->next;
			s = ctl_map_slot(m, e->key);
			e->next = m->b[s];
			m->b[s] = e;
		}
	}
	free(old);
}

struct ctl_map_entry *
ctl_map_set(struct ctl_map *m, const char *key, int64_t num, const char *str)
{
	struct ctl_map_entry *e = ctl_map_get(m, key);
	size_t s;

	if (e == NULL) {
		if (m->n >= m->nb)
			ctl_map_grow(m);
		e = xcalloc(1, sizeof(*e));
		e->key = xstrdup(key);
		s = ctl_map_slot(m, key);
		e->next = m->b[s];
		m->b[s] = e;
		m->n++;
	}
	e->num = num;
	if (e->str == NULL || str == NULL || strcmp(e->str, str) != 0) {
		free(e->str);
		e->str = str != NULL ? xstrdup(str) : NULL;
	}
	return e;
}

bool
ctl_map_del(struct ctl_map *m, const char *key)
{
	struct ctl_map_entry **pp, *e;

	for (pp = &m->b[ctl_map_slot(m, key)]; (e = *pp) != NULL;
	    pp = &e->next) {
		if (strcmp(e->key, key) == 0) {
			*pp = e->next;
			free(e->key);
			free(e->str);
			free(e);
			m->n--;
			return true;
		}
	}
	return false;
}

void
ctl_map_each(const struct ctl_map *m,
    void (*fn)(void *arg, const struct ctl_map_entry *e), void *arg)
{
	struct ctl_map_entry *e;
	size_t i;

	for (i = 0; i < m->nb; i++)
		for (e = m->b[i]; e != NULL; e = e->next)
			fn(arg, e);
}

/* ---- JSON ---- */

const cJSON *
ctl_path(const cJSON *obj, const char *dotted)
{
	char part[128];
	const char *p = dotted, *dot;
	size_t n;

	while (obj != NULL && *p != '\0') {
		dot = strchr(p, '.');
		n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof(part))
			return NULL;
		memcpy(part, p, n);
		part[n] = '\0';
		obj = cJSON_GetObjectItemCaseSensitive(obj, part);
		p += n;
		if (*p == '.')
			p++;
	}
	return obj;
}

const char *
ctl_str(const cJSON *obj, const char *dotted)
{
	const cJSON *v = ctl_path(obj, dotted);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

double
ctl_num(const cJSON *obj, const char *dotted, double dflt)
{
	const cJSON *v = ctl_path(obj, dotted);

	return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

bool
ctl_bool(const cJSON *obj, const char *dotted)
{
	return cJSON_IsTrue(ctl_path(obj, dotted));
}

cJSON *
ctl_obj(cJSON *obj, const char *key)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (cJSON_IsObject(v))
		return v;
	if (v != NULL)
		cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
	return cJSON_AddObjectToObject(obj, key);
}

void
ctl_set(cJSON *obj, const char *key, cJSON *item)
{
	if (cJSON_GetObjectItemCaseSensitive(obj, key) != NULL)
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, item);
	else
		cJSON_AddItemToObject(obj, key, item);
}

void
ctl_set_str(cJSON *obj, const char *key, const char *v)
{
	ctl_set(obj, key, cJSON_CreateString(v));
}

void
ctl_set_num(cJSON *obj, const char *key, double v)
{
	ctl_set(obj, key, cJSON_CreateNumber(v));
}

void
ctl_set_bool(cJSON *obj, const char *key, bool v)
{
	ctl_set(obj, key, cJSON_CreateBool(v));
}

void
ctl_set_count(cJSON *obj, const char *key, long v)
{
	if (v == 0)
		cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
	else
		ctl_set_num(obj, key, (double)v);
}

const char *
ctl_name(const cJSON *obj)
{
	return ctl_str(obj, "metadata.name");
}

const char *
ctl_ns(const cJSON *obj)
{
	const char *ns = ctl_str(obj, "metadata.namespace");

	return ns != NULL ? ns : "";
}

const char *
ctl_uid(const cJSON *obj)
{
	const char *uid = ctl_str(obj, "metadata.uid");

	return uid != NULL ? uid : "";
}

const char *
ctl_annotation(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(
	    ctl_path(obj, "metadata.annotations"), key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

const char *
ctl_label(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(
	    ctl_path(obj, "metadata.labels"), key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

const cJSON *
ctl_owner(const cJSON *obj)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, ctl_path(obj, "metadata.ownerReferences")) {
		if (ctl_bool(r, "controller"))
			return r;
	}
	return NULL;
}

bool
ctl_owned_by(const cJSON *obj, const char *uid)
{
	const cJSON *r;
	const char *u;

	cJSON_ArrayForEach(r, ctl_path(obj, "metadata.ownerReferences")) {
		u = ctl_str(r, "uid");
		if (u != NULL && strcmp(u, uid) == 0)
			return true;
	}
	return false;
}

const char *
ctl_kind_resource(const char *kind)
{
	static const char *const map[][2] = {
		{ "Pod", CTL_R_PODS },
		{ "Node", CTL_R_NODES },
		{ "Namespace", CTL_R_NAMESPACES },
		{ "Deployment", CTL_R_DEPLOY },
		{ "ReplicaSet", CTL_R_RS },
		{ "StatefulSet", CTL_R_STS },
		{ "DaemonSet", CTL_R_DS },
		{ "MachineDeployment", CTL_R_MD },
		{ "KubeadmControlPlane", CTL_R_KCP },
	};
	size_t i;

	if (kind == NULL)
		return NULL;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i][0], kind) == 0)
			return map[i][1];
	return NULL;
}

cJSON *
ctl_owner_ref(const cJSON *obj, const char *api_version, const char *kind)
{
	cJSON *r = cJSON_CreateObject();

	cJSON_AddStringToObject(r, "apiVersion", api_version);
	cJSON_AddStringToObject(r, "kind", kind);
	cJSON_AddStringToObject(r, "name", ctl_name(obj) ? ctl_name(obj) : "");
	cJSON_AddStringToObject(r, "uid", ctl_uid(obj));
	cJSON_AddTrueToObject(r, "controller");
	cJSON_AddTrueToObject(r, "blockOwnerDeletion");
	return r;
}

/* Append s to a growing buffer. */
static void
ctl_buf_add(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		while (*len + n + 1 > *cap)
			*cap = *cap ? *cap * 2 : 128;
		*buf = xrealloc(*buf, *cap);
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

static void
ctl_buf_str(char **buf, size_t *len, size_t *cap, const char *s)
{
	ctl_buf_add(buf, len, cap, s, strlen(s));
}

char *
ctl_selector_text(const cJSON *sel)
{
	const cJSON *ml = cJSON_GetObjectItemCaseSensitive(sel, "matchLabels");
	const cJSON *me = cJSON_GetObjectItemCaseSensitive(sel,
	    "matchExpressions");
	const cJSON *it, *v;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	const char *op, *key;
	bool first;

	ctl_buf_str(&buf, &len, &cap, "");
	cJSON_ArrayForEach(it, ml) {
		if (!cJSON_IsString(it))
			continue;
		if (len > 0)
			ctl_buf_str(&buf, &len, &cap, ",");
		ctl_buf_str(&buf, &len, &cap, it->string);
		ctl_buf_str(&buf, &len, &cap, "=");
		ctl_buf_str(&buf, &len, &cap, it->valuestring);
	}
	cJSON_ArrayForEach(it, me) {
		op = ctl_str(it, "operator");
		key = ctl_str(it, "key");
		if (op == NULL || key == NULL)
			continue;
		if (len > 0)
			ctl_buf_str(&buf, &len, &cap, ",");
		if (strcmp(op, "Exists") == 0) {
			ctl_buf_str(&buf, &len, &cap, key);
			continue;
		}
		if (strcmp(op, "DoesNotExist") == 0) {
			ctl_buf_str(&buf, &len, &cap, "!");
			ctl_buf_str(&buf, &len, &cap, key);
			continue;
		}
		ctl_buf_str(&buf, &len, &cap, key);
		ctl_buf_str(&buf, &len, &cap,
		    strcmp(op, "NotIn") == 0 ? " notin (" : " in (");
		first = true;
		cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(it,
		    "values")) {
			if (!cJSON_IsString(v))
				continue;
			if (!first)
				ctl_buf_str(&buf, &len, &cap, ",");
			ctl_buf_str(&buf, &len, &cap, v->valuestring);
			first = false;
		}
		ctl_buf_str(&buf, &len, &cap, ")");
	}
	return buf;
}

/* ---- time ---- */

void
ctl_time_fmt(int64_t ms, char out[CTL_TIME_LEN])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, CTL_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
ctl_time_micro(int64_t ms, char out[CTL_TIME_LEN])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char base[24];
	int us = (int)(ms % 1000) * 1000;

	gmtime_r(&t, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	base[19] = '\0';
	snprintf(out, CTL_TIME_LEN, "%.19s.%06dZ", base, us % 1000000);
}

int64_t
ctl_time_parse(const char *s)
{
	int64_t ms;

	if (s == NULL || time_parse_rfc3339(s, &ms, NULL) != CM_OK)
		return -1;
	return ms;
}

/* ---- quantities ---- */

/* Split a quantity into its number and suffix multiplier. */
static bool
ctl_quantity(const char *q, double *num, const char **suffix)
{
	char *end;

	if (q == NULL)
		return false;
	*num = strtod(q, &end);
	if (end == q)
		return false;
	*suffix = end;
	return true;
}

long long
ctl_cpu_milli(const char *q)
{
	double n;
	const char *s;

	if (!ctl_quantity(q, &n, &s))
		return 0;
	if (strcmp(s, "m") == 0)
		return (long long)n;
	if (strcmp(s, "u") == 0)
		return (long long)(n / 1000);
	if (strcmp(s, "n") == 0)
		return (long long)(n / 1000000);
	if (strcmp(s, "k") == 0)
		return (long long)(n * 1000 * 1000);
	return (long long)(n * 1000);
}

long long
ctl_mem_bytes(const char *q)
{
	static const struct {
		const char *sfx;
		double mul;
	} units[] = {
		{ "Ki", 1024.0 }, { "Mi", 1048576.0 },
		{ "Gi", 1073741824.0 }, { "Ti", 1099511627776.0 },
		{ "Pi", 1125899906842624.0 }, { "k", 1e3 }, { "K", 1e3 },
		{ "M", 1e6 }, { "G", 1e9 }, { "T", 1e12 }, { "P", 1e15 },
		{ "m", 1e-3 }, { "", 1.0 },
	};
	double n;
	const char *s;
	size_t i;

	if (!ctl_quantity(q, &n, &s))
		return 0;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(s, units[i].sfx) == 0)
			return (long long)(n * units[i].mul);
	return (long long)n;
}

/* ---- hashes ---- */

uint32_t
ctl_fnv32(uint32_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

uint64_t
ctl_hash64(const char *s)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

static int
ctl_key_cmp(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a;
	const cJSON *y = *(const cJSON *const *)b;

	return strcmp(x->string != NULL ? x->string : "",
	    y->string != NULL ? y->string : "");
}

static void
ctl_canon_into(const cJSON *j, char **buf, size_t *len, size_t *cap)
{
	const cJSON **kids;
	const cJSON *it;
	char *s;
	size_t n = 0, i;
	cJSON *key;

	if (cJSON_IsObject(j)) {
		cJSON_ArrayForEach(it, j)
			n++;
		kids = xcalloc(n + 1, sizeof(*kids));
		i = 0;
		cJSON_ArrayForEach(it, j)
			kids[i++] = it;
		qsort(kids, n, sizeof(*kids), ctl_key_cmp);
		ctl_buf_str(buf, len, cap, "{");
		for (i = 0; i < n; i++) {
			if (i > 0)
				ctl_buf_str(buf, len, cap, ",");
			key = cJSON_CreateString(kids[i]->string != NULL ?
			    kids[i]->string : "");
			s = cJSON_PrintUnformatted(key);
			ctl_buf_str(buf, len, cap, s);
			free(s);
			cJSON_Delete(key);
			ctl_buf_str(buf, len, cap, ":");
			ctl_canon_into(kids[i], buf, len, cap);
		}
		ctl_buf_str(buf, len, cap, "}");
		free(kids);
		return;
	}
	if (cJSON_IsArray(j)) {
		ctl_buf_str(buf, len, cap, "[");
		i = 0;
		cJSON_ArrayForEach(it, j) {
			if (i++ > 0)
				ctl_buf_str(buf, len, cap, ",");
			ctl_canon_into(it, buf, len, cap);
		}
		ctl_buf_str(buf, len, cap, "]");
		return;
	}
	/* Print the value alone (a detached copy carries no key). */
	key = cJSON_Duplicate(j, 0);
	s = cJSON_PrintUnformatted(key);
	ctl_buf_str(buf, len, cap, s != NULL ? s : "null");
	free(s);
	cJSON_Delete(key);
}

char *
ctl_canonical(const cJSON *json)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;

	ctl_buf_str(&buf, &len, &cap, "");
	ctl_canon_into(json, &buf, &len, &cap);
	return buf;
}

void
ctl_safe_hash(uint32_t h, char out[CONTROLLER_HASH_LEN])
{
	static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
	char dec[16];
	size_t i, n;

	n = (size_t)snprintf(dec, sizeof(dec), "%" PRIu32, h);
	for (i = 0; i < n && i < CONTROLLER_HASH_LEN - 1; i++)
		out[i] = alphabet[(unsigned char)dec[i] %
		    (sizeof(alphabet) - 1)];
	out[i] = '\0';
}

void
ctl_hex64(const char *seed, char out[65])
{
	uint64_t h = ctl_hash64(seed);
	int i;

	for (i = 0; i < 4; i++) {
		h ^= h >> 33;
		h *= UINT64_C(0xff51afd7ed558ccd);
		h ^= h >> 29;
		snprintf(out + i * 16, 17, "%016" PRIx64, h);
		h += UINT64_C(0x9e3779b97f4a7c15);
	}
	out[64] = '\0';
}

long
ctl_int_or_percent(const cJSON *v, long total, bool round_up, long dflt)
{
	char *end;
	double p;

	if (cJSON_IsNumber(v))
		return (long)v->valuedouble;
	if (!cJSON_IsString(v))
		return dflt;
	p = strtod(v->valuestring, &end);
	if (end == v->valuestring)
		return dflt;
	if (*end != '%')
		return (long)p;
	p = p * (double)total / 100.0;
	if (round_up) {
		long r = (long)p;

		return (double)r < p ? r + 1 : r;
	}
	return (long)p;
}

/* ---- pods ---- */

static const cJSON *
ctl_pod_condition(const cJSON *pod, const char *type)
{
	const cJSON *c;
	const char *t;

	cJSON_ArrayForEach(c, ctl_path(pod, "status.conditions")) {
		t = ctl_str(c, "type");
		if (t != NULL && strcmp(t, type) == 0)
			return c;
	}
	return NULL;
}

bool
ctl_pod_ready(const cJSON *pod)
{
	const char *s = ctl_str(ctl_pod_condition(pod, "Ready"), "status");

	return s != NULL && strcmp(s, "True") == 0;
}

int64_t
ctl_pod_ready_since(const cJSON *pod)
{
	const cJSON *c = ctl_pod_condition(pod, "Ready");

	if (!ctl_pod_ready(pod))
		return -1;
	return ctl_time_parse(ctl_str(c, "lastTransitionTime"));
}

bool
ctl_pod_active(const cJSON *pod)
{
	const char *phase = ctl_str(pod, "status.phase");

	if (ctl_path(pod, "metadata.deletionTimestamp") != NULL)
		return false;
	return phase == NULL || (strcmp(phase, "Succeeded") != 0 &&
	    strcmp(phase, "Failed") != 0);
}

bool
ctl_pod_available(const cJSON *pod, int64_t now, int64_t min_ready_ms)
{
	int64_t since;

	if (!ctl_pod_ready(pod))
		return false;
	if (min_ready_ms <= 0)
		return true;
	since = ctl_pod_ready_since(pod);
	return since >= 0 && now - since >= min_ready_ms;
}
