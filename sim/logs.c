/*
 * logs.c - simulated container logs.  See logs.h.
 *
 * A run (one start of one container) is described by its start and end
 * time, a seed (pod uid, container, run index) and a style picked from the
 * image.  Its lines are indexed: a startup burst of a few lines 7 ms apart,
 * then one line every period_ms plus a seeded jitter below half a period,
 * so line times are increasing and "how many lines by time t" is a
 * division.  A crashed run stops its regular lines just before the finish
 * time and ends with the style's fatal block.
 *
 * Nothing is stored: rendering recomputes each line from its index.
 */
#include "config.h"

#include "sim/logs.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/timeutil.h"
#include "backend/xalloc.h"
#include "sim/objstore.h"

#define LOGS_LINE_MAX 512
#define LOGS_STARTUP_GAP_MS 7
#define LOGS_STEADY_AFTER_MS 1000
#define LOGS_REFRESH_MS 300
#define LOGS_NAME_MAX 64

enum logs_style {
	LOGS_STYLE_APP,
	LOGS_STYLE_NGINX,
	LOGS_STYLE_POSTGRES,
	LOGS_STYLE_REDIS,
	LOGS_STYLE_COREDNS,
};

struct logs_run {
	uint64_t seed;
	int64_t start_ms;
	int64_t end_ms;		/* INT64_MAX while the run lives */
	bool crashed;		/* ends with the fatal block */
	enum logs_style style;
	int64_t period_ms;
	char container[LOGS_NAME_MAX];
	char image[160];
};

struct logs_follow {
	struct logs_run run;
	char pod_uid[LOGS_NAME_MAX];
	uint64_t next;		/* next line index to send */
	uint64_t crash_base;	/* first index of the fatal block */
	bool ended;		/* no more lines will be added */
	bool timestamps;
	long limit_bytes;
	size_t sent;
	char pend[LOGS_LINE_MAX + 48];
	size_t pend_len;
	size_t pend_off;
	int64_t last_refresh_ms;
};

/* ---- seeded numbers ---- */

static uint64_t
logs_mix(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

static uint64_t
logs_hash_str(uint64_t h, const char *s)
{
	if (h == 0)
		h = UINT64_C(0xcbf29ce484222325);
	for (; s != NULL && *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

/* The n-th seeded number of line k. */
static uint64_t
logs_rand(const struct logs_run *r, uint64_t k, unsigned n)
{
	return logs_mix(r->seed ^ logs_mix(k * 16 + n));
}

/* ---- reading the pod ---- */

static const char *
logs_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int64_t
logs_time(const cJSON *obj, const char *key)
{
	const char *s = logs_str(obj, key);
	int64_t ms;

	if (s == NULL || time_parse_rfc3339(s, &ms, NULL) != CM_OK)
		return -1;
	return ms;
}

static enum logs_style
logs_style_of(const char *image)
{
	if (image == NULL)
		return LOGS_STYLE_APP;
	if (strstr(image, "nginx") != NULL)
		return LOGS_STYLE_NGINX;
	if (strstr(image, "postgres") != NULL)
		return LOGS_STYLE_POSTGRES;
	if (strstr(image, "redis") != NULL)
		return LOGS_STYLE_REDIS;
	if (strstr(image, "coredns") != NULL)
		return LOGS_STYLE_COREDNS;
	return LOGS_STYLE_APP;
}

static void
logs_run_init(struct logs_run *r, const cJSON *pod, const char *container,
    const char *image, long run_index, int64_t start_ms, int64_t end_ms,
    bool crashed)
{
	const cJSON *md = cJSON_GetObjectItemCaseSensitive(pod, "metadata");
	const char *uid = logs_str(md, "uid");
	uint64_t h;

	memset(r, 0, sizeof *r);
	h = logs_hash_str(0, uid != NULL ? uid : logs_str(md, "name"));
	h = logs_hash_str(h, "/");
	h = logs_hash_str(h, container);
	r->seed = logs_mix(h ^ (uint64_t)run_index);
	r->start_ms = start_ms;
	r->end_ms = end_ms;
	r->crashed = crashed;
	r->style = logs_style_of(image);
	r->period_ms = 1000 + (int64_t)(logs_mix(r->seed) % 4000);
	snprintf(r->container, sizeof r->container, "%s", container);
	snprintf(r->image, sizeof r->image, "%s", image != NULL ? image : "");
}

/* The spec entry of container name (or the only one when name is NULL). */
static const cJSON *
logs_find_spec(const cJSON *pod, const char *name, struct cm_err *err)
{
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(pod, "spec");
	const cJSON *cs = cJSON_GetObjectItemCaseSensitive(spec, "containers");
	const cJSON *md = cJSON_GetObjectItemCaseSensitive(pod, "metadata");
	const char *pname = logs_str(md, "name");
	const cJSON *c;
	char names[256];
	size_t off = 0;

	if (pname == NULL)
		pname = "";
	if (name == NULL || *name == '\0') {
		if (cJSON_GetArraySize(cs) == 1)
			return cJSON_GetArrayItem(cs, 0);
		names[0] = '\0';
		cJSON_ArrayForEach(c, cs) {
			const char *n = logs_str(c, "name");
			int w;

			w = snprintf(names + off, sizeof names - off, "%s%s",
			    off > 0 ? " " : "", n != NULL ? n : "");
			if (w < 0 || (size_t)w >= sizeof names - off)
				break;
			off += (size_t)w;
		}
		cm_err_set(err, CM_BAD_REQUEST, "container",
		    "a container name must be specified for pod %s, "
		    "choose one of: [%s]", pname, names);
		return NULL;
	}
	cJSON_ArrayForEach(c, cs) {
		const char *n = logs_str(c, "name");

		if (n != NULL && strcmp(n, name) == 0)
			return c;
	}
	cm_err_set(err, CM_BAD_REQUEST, "container",
	    "container %s is not valid for pod %s", name, pname);
	return NULL;
}

static const cJSON *
logs_find_status(const cJSON *pod, const char *name)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(pod, "status");
	const cJSON *css = cJSON_GetObjectItemCaseSensitive(st,
	    "containerStatuses");
	const cJSON *c;

	cJSON_ArrayForEach(c, css) {
		const char *n = logs_str(c, "name");

		if (n != NULL && strcmp(n, name) == 0)
			return c;
	}
	return NULL;
}

static long
logs_restarts(const cJSON *cst)
{
	const cJSON *rc = cJSON_GetObjectItemCaseSensitive(cst,
	    "restartCount");

	return cJSON_IsNumber(rc) && rc->valuedouble > 0 ?
	    (long)rc->valuedouble : 0;
}

static bool
logs_terminated_run(const cJSON *term, int64_t *start, int64_t *end,
    bool *crashed)
{
	const cJSON *code;

	if (!cJSON_IsObject(term))
		return false;
	*start = logs_time(term, "startedAt");
	*end = logs_time(term, "finishedAt");
	if (*start < 0 || *end < 0)
		return false;
	/* Seconds on the wire: give a sub-second run room for its lines. */
	if (*end < *start + 500)
		*end = *start + 500;
	code = cJSON_GetObjectItemCaseSensitive(term, "exitCode");
	*crashed = !cJSON_IsNumber(code) || code->valuedouble != 0;
	return true;
}

/*
 * Pick the run a request means: the current one (for a container waiting
 * in CrashLoopBackOff, the run that just ended, as the kubelet does) or
 * with previous, the one before it.
 */
static enum cm_status
logs_pick_run(const cJSON *pod, const struct logs_opts *o,
    struct logs_run *run, struct cm_err *err)
{
	const cJSON *md = cJSON_GetObjectItemCaseSensitive(pod, "metadata");
	const char *pname = logs_str(md, "name");
	const cJSON *spec, *cst, *state, *last, *run_s, *term, *wait;
	const char *cname, *image, *reason;
	int64_t start, end;
	bool crashed;
	long rc;

	if (pname == NULL)
		pname = "";
	spec = logs_find_spec(pod, o->container, err);
	if (spec == NULL)
		return err != NULL ? err->status : CM_BAD_REQUEST;
	cname = logs_str(spec, "name");
	if (cname == NULL)
		cname = "";
	image = logs_str(spec, "image");
	cst = logs_find_status(pod, cname);
	state = cJSON_GetObjectItemCaseSensitive(cst, "state");
	last = cJSON_GetObjectItemCaseSensitive(cst, "lastState");
	run_s = cJSON_GetObjectItemCaseSensitive(state, "running");
	term = cJSON_GetObjectItemCaseSensitive(state, "terminated");
	wait = cJSON_GetObjectItemCaseSensitive(state, "waiting");
	rc = logs_restarts(cst);

	if (o->previous) {
		if (rc == 0 || !logs_terminated_run(
		    cJSON_GetObjectItemCaseSensitive(last, "terminated"),
		    &start, &end, &crashed)) {
			return cm_err_set(err, CM_BAD_REQUEST, "previous",
			    "previous terminated container \"%s\" in pod "
			    "\"%s\" not found", cname, pname);
		}
		if (cJSON_IsObject(wait)) {
			/* lastState is the run shown as current: go one back. */
			int64_t len = end - start;

			end = start - 10000;
			start = end - len;
			logs_run_init(run, pod, cname, image, rc - 1, start,
			    end, true);
			return CM_OK;
		}
		logs_run_init(run, pod, cname, image, rc - 1, start, end,
		    crashed);
		return CM_OK;
	}
	if (cJSON_IsObject(run_s)) {
		start = logs_time(run_s, "startedAt");
		if (start >= 0) {
			logs_run_init(run, pod, cname, image, rc, start,
			    INT64_MAX, false);
			return CM_OK;
		}
	}
	if (logs_terminated_run(term, &start, &end, &crashed)) {
		logs_run_init(run, pod, cname, image, rc, start, end, crashed);
		return CM_OK;
	}
	if (cJSON_IsObject(wait) && logs_terminated_run(
	    cJSON_GetObjectItemCaseSensitive(last, "terminated"), &start,
	    &end, &crashed)) {
		logs_run_init(run, pod, cname, image, rc, start, end, crashed);
		return CM_OK;
	}
	reason = logs_str(wait, "reason");
	if (reason != NULL && strcmp(reason, "ImagePullBackOff") == 0)
		reason = "trying and failing to pull image";
	else if (reason != NULL && strcmp(reason, "ErrImagePull") == 0)
		reason = "image can't be pulled";
	else if (reason == NULL)
		reason = "ContainerCreating";
	return cm_err_set(err, CM_BAD_REQUEST, "container",
	    "container \"%s\" in pod \"%s\" is waiting to start: %s", cname,
	    pname, reason);
}

/* ---- line times ---- */

static uint64_t
logs_startup_count(const struct logs_run *r)
{
	switch (r->style) {
	case LOGS_STYLE_NGINX:
		return 8;
	case LOGS_STYLE_POSTGRES:
		return 7;
	case LOGS_STYLE_REDIS:
		return 6;
	case LOGS_STYLE_COREDNS:
		return 4;
	case LOGS_STYLE_APP:
	default:
		return 4;
	}
}

static uint64_t
logs_crash_count(const struct logs_run *r)
{
	return r->style == LOGS_STYLE_APP ? 8 : 2;
}

/* Time of regular line k (startup burst, then steady lines). */
static int64_t
logs_line_ms(const struct logs_run *r, uint64_t k)
{
	uint64_t ns = logs_startup_count(r), j;

	if (k < ns)
		return r->start_ms + (int64_t)k * LOGS_STARTUP_GAP_MS;
	j = k - ns;
	return r->start_ms + LOGS_STEADY_AFTER_MS + (int64_t)j * r->period_ms +
	    (int64_t)(logs_rand(r, j, 0) % (uint64_t)(r->period_ms / 2));
}

/* Regular lines with a time <= t. */
static uint64_t
logs_count_regular(const struct logs_run *r, int64_t t)
{
	uint64_t ns = logs_startup_count(r), j;
	int64_t d;

	if (t < r->start_ms)
		return 0;
	d = t - r->start_ms;
	if (d < LOGS_STEADY_AFTER_MS) {
		j = (uint64_t)(d / LOGS_STARTUP_GAP_MS) + 1;
		return j < ns ? j : ns;
	}
	j = (uint64_t)((d - LOGS_STEADY_AFTER_MS) / r->period_ms);
	return ns + j + (logs_line_ms(r, ns + j) <= t ? 1 : 0);
}

/* Time the fatal block starts, for a crashed run. */
static int64_t
logs_crash_ms(const struct logs_run *r)
{
	return r->end_ms - (int64_t)logs_crash_count(r);
}

/*
 * Lines of the run with a time <= t, the fatal block included; for a
 * crashed run, regular lines stop at index cb (the block's first index).
 */
static uint64_t
logs_count(const struct logs_run *r, uint64_t cb, int64_t t)
{
	int64_t cut;
	uint64_t n, nc;

	if (r->end_ms != INT64_MAX && t > r->end_ms)
		t = r->end_ms;
	if (!r->crashed) {
		if (r->end_ms != INT64_MAX && t >= r->end_ms)
			t = r->end_ms - 1;
		return logs_count_regular(r, t);
	}
	cut = logs_crash_ms(r);
	if (t < cut) {
		n = logs_count_regular(r, t);
		return n < cb ? n : cb;
	}
	nc = (uint64_t)(t - cut) + 1;
	if (nc > logs_crash_count(r))
		nc = logs_crash_count(r);
	return cb + nc;
}

/* ---- line text ---- */

static const char *const logs_months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static void
logs_tm(int64_t ms, struct tm *tm)
{
	time_t s = (time_t)(ms / 1000);

	gmtime_r(&s, tm);
}

static void
logs_ip(const struct logs_run *r, uint64_t k, char *out, size_t cap)
{
	uint64_t x = logs_rand(r, k, 7);

	snprintf(out, cap, "10.244.%u.%u", (unsigned)(x % 24),
	    (unsigned)(2 + (x >> 8) % 250));
}

static const char *const logs_paths[] = {
	"/", "/healthz", "/api/v1/items", "/api/v1/items/42",
	"/api/v1/orders?page=2", "/static/app.js", "/static/app.css",
	"/api/v1/users/me", "/metrics", "/login", "/api/v1/cart",
	"/favicon.ico",
};

static const char *const logs_agents[] = {
	"kube-probe/1.32", "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
	"curl/8.5.0", "Go-http-client/1.1", "Prometheus/2.48.1",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) Safari/605.1.15",
};

#define LOGS_NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void
logs_text_nginx(const struct logs_run *r, uint64_t k, int64_t ms,
    char *out, size_t cap)
{
	static const char *const startup[] = {
		"/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, "
		    "will attempt to perform configuration",
		"/docker-entrypoint.sh: Looking for shell scripts in "
		    "/docker-entrypoint.d/",
		"/docker-entrypoint.sh: Launching /docker-entrypoint.d/"
		    "10-listen-on-ipv6-by-default.sh",
		"10-listen-on-ipv6-by-default.sh: info: Enabled listen on "
		    "IPv6 in /etc/nginx/conf.d/default.conf",
		"/docker-entrypoint.sh: Configuration complete; ready for "
		    "start up",
		"[notice] 1#1: using the \"epoll\" event method",
		"[notice] 1#1: nginx/1.25.3",
		"[notice] 1#1: start worker processes",
	};
	struct tm tm;
	char ip[32];
	uint64_t x = logs_rand(r, k, 1);
	int status;

	logs_tm(ms, &tm);
	if (k < LOGS_NELEM(startup)) {
		if (k < 5)
			snprintf(out, cap, "%s", startup[k]);
		else
			snprintf(out, cap,
			    "%04d/%02d/%02d %02d:%02d:%02d %s",
			    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			    tm.tm_hour, tm.tm_min, tm.tm_sec, startup[k]);
		return;
	}
	logs_ip(r, k, ip, sizeof ip);
	status = x % 23 == 0 ? 404 : x % 97 == 0 ? 502 :
	    x % 11 == 0 ? 304 : 200;
	snprintf(out, cap,
	    "%s - - [%02d/%s/%04d:%02d:%02d:%02d +0000] \"%s %s HTTP/1.1\" "
	    "%d %u \"-\" \"%s\" \"-\"",
	    ip, tm.tm_mday, logs_months[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec,
	    x % 9 == 0 ? "POST" : "GET",
	    logs_paths[(x >> 8) % LOGS_NELEM(logs_paths)], status,
	    status == 304 ? 0 : (unsigned)(120 + (x >> 16) % 48000),
	    logs_agents[(x >> 32) % LOGS_NELEM(logs_agents)]);
}

static void
logs_pg_prefix(int64_t ms, int pid, char *out, size_t cap)
{
	struct tm tm;

	logs_tm(ms, &tm);
	snprintf(out, cap, "%04d-%02d-%02d %02d:%02d:%02d.%03d UTC [%d]",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(ms % 1000), pid);
}

static void
logs_text_postgres(const struct logs_run *r, uint64_t k, int64_t ms,
    char *out, size_t cap)
{
	static const char *const startup[] = {
		"starting PostgreSQL 16.1 on x86_64-pc-linux-musl, compiled "
		    "by gcc (Alpine 12.2.1_git20220924-r10) 12.2.1 20220924, "
		    "64-bit",
		"listening on IPv4 address \"0.0.0.0\", port 5432",
		"listening on IPv6 address \"::\", port 5432",
		"listening on Unix socket "
		    "\"/var/run/postgresql/.s.PGSQL.5432\"",
		"database system was shut down at %s",
		"database system is ready to accept connections",
	};
	char pre[64], ip[32], when[64];
	uint64_t x = logs_rand(r, k, 1);
	int pid = 30 + (int)(x % 900);

	if (k == 0) {
		snprintf(out, cap, "PostgreSQL Database directory appears to "
		    "contain a database; Skipping initialization");
		return;
	}
	if (k < 1 + LOGS_NELEM(startup)) {
		logs_pg_prefix(ms, k == 5 ? 27 : 1, pre, sizeof pre);
		if (k == 5) {
			logs_pg_prefix(r->start_ms - 86400000, 0, when,
			    sizeof when);
			when[23] = '\0';
			snprintf(out, cap, "%s LOG:  database system was shut "
			    "down at %s UTC", pre, when);
			return;
		}
		snprintf(out, cap, "%s LOG:  %s", pre, startup[k - 1]);
		return;
	}
	logs_pg_prefix(ms, pid, pre, sizeof pre);
	logs_ip(r, k, ip, sizeof ip);
	switch (x % 8) {
	case 0:
		snprintf(out, cap, "%s LOG:  checkpoint starting: time", pre);
		break;
	case 1:
		snprintf(out, cap, "%s LOG:  checkpoint complete: wrote %u "
		    "buffers (%u.%u%%); 0 WAL file(s) added, 0 removed, %u "
		    "recycled; write=%u.%03u s, sync=0.004 s, total=%u.%03u s",
		    pre, (unsigned)(x >> 8) % 400, (unsigned)(x >> 20) % 3,
		    (unsigned)(x >> 24) % 10, (unsigned)(x >> 28) % 2,
		    (unsigned)(x >> 30) % 30, (unsigned)(x >> 36) % 1000,
		    (unsigned)(x >> 30) % 30, (unsigned)(x >> 40) % 1000);
		break;
	case 2:
	case 3:
		snprintf(out, cap, "%s LOG:  connection received: host=%s "
		    "port=%u", pre, ip, 32768 + (unsigned)(x >> 8) % 28000);
		break;
	case 4:
	case 5:
		snprintf(out, cap, "%s LOG:  connection authorized: user=app "
		    "database=app application_name=%s", pre,
		    x % 3 == 0 ? "psql" : "pgx");
		break;
	case 6:
		snprintf(out, cap, "%s ERROR:  duplicate key value violates "
		    "unique constraint \"orders_pkey\"", pre);
		break;
	default:
		snprintf(out, cap, "%s LOG:  disconnection: session time: "
		    "0:00:%02u.%03u user=app database=app host=%s port=%u",
		    pre, (unsigned)(x >> 8) % 60, (unsigned)(x >> 16) % 1000,
		    ip, 32768 + (unsigned)(x >> 24) % 28000);
		break;
	}
}

static void
logs_redis_prefix(int64_t ms, int pid, char role, char *out, size_t cap)
{
	struct tm tm;

	logs_tm(ms, &tm);
	snprintf(out, cap, "%d:%c %02d %s %04d %02d:%02d:%02d.%03d", pid,
	    role, tm.tm_mday, logs_months[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

static void
logs_text_redis(const struct logs_run *r, uint64_t k, int64_t ms,
    char *out, size_t cap)
{
	static const char *const startup[] = {
		"# oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
		"# Redis version=7.2.3, bits=64, commit=00000000, "
		    "modified=0, pid=1, just started",
		"* monotonic clock: POSIX clock_gettime",
		"* Running mode=standalone, port=6379.",
		"* Server initialized",
		"* Ready to accept connections tcp",
	};
	char pre[64];
	uint64_t x = logs_rand(r, k, 1);
	int child = 20 + (int)(k % 4000);

	if (k < LOGS_NELEM(startup)) {
		logs_redis_prefix(ms, 1, k < 2 ? 'C' : 'M', pre, sizeof pre);
		snprintf(out, cap, "%s %s", pre, startup[k]);
		return;
	}
	switch ((k - LOGS_NELEM(startup)) % 4) {
	case 0:
		logs_redis_prefix(ms, 1, 'M', pre, sizeof pre);
		snprintf(out, cap, "%s * %u changes in 60 seconds. Saving...",
		    pre, 100 + (unsigned)(x % 9000));
		break;
	case 1:
		logs_redis_prefix(ms, 1, 'M', pre, sizeof pre);
		snprintf(out, cap, "%s * Background saving started by pid %d",
		    pre, child);
		break;
	case 2:
		logs_redis_prefix(ms, child, 'C', pre, sizeof pre);
		snprintf(out, cap, "%s * DB saved on disk", pre);
		break;
	default:
		logs_redis_prefix(ms, 1, 'M', pre, sizeof pre);
		snprintf(out, cap, "%s * Background saving terminated with "
		    "success", pre);
		break;
	}
}

static void
logs_text_coredns(const struct logs_run *r, uint64_t k, char *out,
    size_t cap)
{
	static const char *const startup[] = {
		".:53",
		"[INFO] plugin/reload: Running configuration SHA512 = "
		    "591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db99"
		    "61c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be"
		    "96639138a43908",
		"CoreDNS-1.11.1",
		"linux/amd64, go1.20.7, ae2bbc2",
	};
	static const char *const names[] = {
		"kubernetes.default.svc.cluster.local.",
		"api.payments.svc.cluster.local.",
		"postgres.shop.svc.cluster.local.",
		"redis-master.cache.svc.cluster.local.",
		"registry.k8s.io.",
	};
	char ip[32];
	uint64_t x = logs_rand(r, k, 1);

	if (k < LOGS_NELEM(startup)) {
		snprintf(out, cap, "%s", startup[k]);
		return;
	}
	logs_ip(r, k, ip, sizeof ip);
	snprintf(out, cap, "[INFO] %s:%u - %u \"%s IN %s udp %u false 512\" "
	    "%s qr,aa,rd %u 0.000%03us", ip,
	    32768 + (unsigned)(x % 28000), (unsigned)(x >> 16) % 65536,
	    x % 3 == 0 ? "AAAA" : "A",
	    names[(x >> 32) % LOGS_NELEM(names)],
	    40 + (unsigned)(x >> 40) % 30,
	    x % 13 == 0 ? "NXDOMAIN" : "NOERROR",
	    90 + (unsigned)(x >> 44) % 80, 50 + (unsigned)(x >> 50) % 900);
}

static void
logs_text_app(const struct logs_run *r, uint64_t k, int64_t ms, char *out,
    size_t cap)
{
	static const char *const methods[] = { "GET", "GET", "GET", "POST",
		"PUT", "DELETE" };
	char ts[TIME_RFC3339_LEN];
	uint64_t x = logs_rand(r, k, 1);
	unsigned dur = 1 + (unsigned)(x >> 20) % 40;

	time_format_rfc3339(ms, ts);
	switch (k) {
	case 0:
		snprintf(out, cap, "{\"level\":\"info\",\"ts\":\"%s\","
		    "\"caller\":\"cmd/main.go:48\",\"msg\":\"starting\","
		    "\"service\":\"%s\",\"version\":\"1.%u.%u\"}", ts,
		    r->container, (unsigned)(r->seed % 9),
		    (unsigned)(r->seed >> 8) % 20);
		return;
	case 1:
		snprintf(out, cap, "{\"level\":\"info\",\"ts\":\"%s\","
		    "\"caller\":\"config/load.go:77\",\"msg\":\"configuration "
		    "loaded\",\"source\":\"/etc/%s/config.yaml\"}", ts,
		    r->container);
		return;
	case 2:
		snprintf(out, cap, "{\"level\":\"info\",\"ts\":\"%s\","
		    "\"caller\":\"store/pool.go:31\",\"msg\":\"connected to "
		    "database\",\"host\":\"postgres:5432\",\"pool_size\":10}",
		    ts);
		return;
	case 3:
		snprintf(out, cap, "{\"level\":\"info\",\"ts\":\"%s\","
		    "\"caller\":\"server/http.go:92\",\"msg\":\"listening\","
		    "\"addr\":\":8080\"}", ts);
		return;
	default:
		break;
	}
	if (x % 41 == 0) {
		snprintf(out, cap, "{\"level\":\"error\",\"ts\":\"%s\","
		    "\"caller\":\"client/upstream.go:118\",\"msg\":\"upstream "
		    "request failed\",\"upstream\":\"inventory:8080\","
		    "\"error\":\"context deadline exceeded\",\"attempt\":%u}",
		    ts, 1 + (unsigned)(x >> 8) % 3);
		return;
	}
	if (x % 17 == 0) {
		snprintf(out, cap, "{\"level\":\"warn\",\"ts\":\"%s\","
		    "\"caller\":\"server/middleware.go:64\",\"msg\":\"slow "
		    "request\",\"path\":\"%s\",\"duration_ms\":%u}", ts,
		    logs_paths[(x >> 8) % LOGS_NELEM(logs_paths)],
		    800 + (unsigned)(x >> 16) % 3000);
		return;
	}
	snprintf(out, cap, "{\"level\":\"info\",\"ts\":\"%s\","
	    "\"caller\":\"server/middleware.go:58\",\"msg\":\"request "
	    "completed\",\"method\":\"%s\",\"path\":\"%s\",\"status\":%d,"
	    "\"duration_ms\":%u,\"request_id\":\"%016" PRIx64 "\"}", ts,
	    methods[(x >> 4) % LOGS_NELEM(methods)],
	    logs_paths[(x >> 8) % LOGS_NELEM(logs_paths)],
	    x % 29 == 0 ? 404 : x % 7 == 0 ? 201 : 200, dur,
	    logs_rand(r, k, 2));
}

static void
logs_text_crash(const struct logs_run *r, uint64_t i, int64_t ms,
    char *out, size_t cap)
{
	static const char *const panic_lines[] = {
		"panic: runtime error: invalid memory address or nil pointer "
		    "dereference",
		"[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 "
		    "pc=0x6b2f3a]",
		"",
		"goroutine 1 [running]:",
		"main.(*Server).loadConfig(0x0, {0xc0000a6000, 0x1c})",
		"\t/src/cmd/server/main.go:212 +0x3a",
		"main.main()",
		"\t/src/cmd/server/main.go:97 +0x1c5",
	};
	char pre[64];
	struct tm tm;

	switch (r->style) {
	case LOGS_STYLE_NGINX:
		logs_tm(ms, &tm);
		snprintf(out, cap, "%04d/%02d/%02d %02d:%02d:%02d %s",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, i == 0 ?
		    "[emerg] 1#1: host not found in upstream \"backend:8080\" "
		    "in /etc/nginx/conf.d/default.conf:14" :
		    "nginx: [emerg] host not found in upstream \"backend:8080\""
		    " in /etc/nginx/conf.d/default.conf:14");
		break;
	case LOGS_STYLE_POSTGRES:
		logs_pg_prefix(ms, 1, pre, sizeof pre);
		snprintf(out, cap, "%s %s", pre, i == 0 ?
		    "FATAL:  could not write lock file \"postmaster.pid\": "
		    "No space left on device" :
		    "LOG:  database system is shut down");
		break;
	case LOGS_STYLE_REDIS:
		logs_redis_prefix(ms, 1, 'M', pre, sizeof pre);
		snprintf(out, cap, "%s %s", pre, i == 0 ?
		    "# Can't handle RDB format version 12" :
		    "# Fatal error loading the DB, check server logs. "
		    "Exiting.");
		break;
	case LOGS_STYLE_COREDNS:
		snprintf(out, cap, "%s", i == 0 ?
		    "[ERROR] plugin/errors: 2 . NS: dial udp 8.8.8.8:53: "
		    "connect: network is unreachable" :
		    "Listen: listen tcp :53: bind: permission denied");
		break;
	case LOGS_STYLE_APP:
	default:
		snprintf(out, cap, "%s", panic_lines[i % LOGS_NELEM(
		    panic_lines)]);
		break;
	}
}

/* Text and time of line k of r. */
static int64_t
logs_line(const struct logs_run *r, uint64_t k, uint64_t crash_base,
    char *out, size_t cap)
{
	int64_t ms;

	if (r->crashed && k >= crash_base) {
		ms = logs_crash_ms(r) + (int64_t)(k - crash_base);
		logs_text_crash(r, k - crash_base, ms, out, cap);
		return ms;
	}
	ms = logs_line_ms(r, k);
	switch (r->style) {
	case LOGS_STYLE_NGINX:
		logs_text_nginx(r, k, ms, out, cap);
		break;
	case LOGS_STYLE_POSTGRES:
		logs_text_postgres(r, k, ms, out, cap);
		break;
	case LOGS_STYLE_REDIS:
		logs_text_redis(r, k, ms, out, cap);
		break;
	case LOGS_STYLE_COREDNS:
		logs_text_coredns(r, k, out, cap);
		break;
	case LOGS_STYLE_APP:
	default:
		logs_text_app(r, k, ms, out, cap);
		break;
	}
	return ms;
}

/* Index of the first fatal line of a crashed run. */
static uint64_t
logs_crash_base(const struct logs_run *r)
{
	return logs_count_regular(r, logs_crash_ms(r) - 1);
}

/* Format line k with its optional timestamp and newline; returns length. */
static size_t
logs_format(const struct logs_run *r, uint64_t k, uint64_t crash_base,
    bool timestamps, char *out, size_t cap)
{
	char text[LOGS_LINE_MAX], ts[TIME_RFC3339_LEN];
	int64_t ms;
	int w;

	ms = logs_line(r, k, crash_base, text, sizeof text);
	if (timestamps) {
		time_format_rfc3339(ms, ts);
		/* "...03.123Z" -> "...03.123xxxxxxZ": nanoseconds. */
		ts[23] = '\0';
		w = snprintf(out, cap, "%s%06uZ %s\n", ts,
		    (unsigned)(logs_rand(r, k, 3) % 1000000), text);
	} else {
		w = snprintf(out, cap, "%s\n", text);
	}
	if (w < 0)
		return 0;
	return (size_t)w < cap ? (size_t)w : cap - 1;
}

/* First line index with a time >= t (binary search; times increase). */
static uint64_t
logs_first_at(const struct logs_run *r, uint64_t lo, uint64_t hi,
    uint64_t crash_base, int64_t t)
{
	char tmp[LOGS_LINE_MAX];

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (logs_line(r, mid, crash_base, tmp, sizeof tmp) < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The range [first, total) of lines a request asks for. */
static void
logs_range(const struct logs_run *r, const struct logs_opts *o,
    int64_t now_ms, uint64_t crash_base, uint64_t *first, uint64_t *total)
{
	int64_t bound = -1;
	uint64_t n = logs_count(r, crash_base, now_ms), f;

	f = n > LOGS_MAX_LINES ? n - LOGS_MAX_LINES : 0;
	if (o->since_seconds > 0)
		bound = now_ms - (int64_t)o->since_seconds * 1000;
	if (o->since_ms >= 0 && o->since_ms > bound)
		bound = o->since_ms;
	if (bound >= 0)
		f = logs_first_at(r, f, n, crash_base, bound);
	if (o->tail_lines >= 0 && n - f > (uint64_t)o->tail_lines)
		f = n - (uint64_t)o->tail_lines;
	*first = f;
	*total = n;
}

void
logs_opts_init(struct logs_opts *o)
{
	memset(o, 0, sizeof *o);
	o->tail_lines = -1;
	o->since_ms = -1;
}

static enum cm_status
logs_parse_long(const char *v, const char *name, long min, long *out,
    struct cm_err *err)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < min)
		return cm_err_set(err, CM_BAD_REQUEST, name,
		    "invalid value for %s: %s", name, v);
	*out = n;
	return CM_OK;
}

static enum cm_status
logs_parse_bool(const char *v, const char *name, bool *out,
    struct cm_err *err)
{
	if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0 ||
	    strcmp(v, "True") == 0 || *v == '\0')
		*out = true;
	else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0 ||
	    strcmp(v, "False") == 0)
		*out = false;
	else
		return cm_err_set(err, CM_BAD_REQUEST, name,
		    "invalid value for %s: %s", name, v);
	return CM_OK;
}

enum cm_status
logs_opts_parse(struct logs_opts *o,
    const char *(*get)(void *arg, const char *name), void *arg,
    struct cm_err *err)
{
	const char *v;
	enum cm_status rc;

	logs_opts_init(o);
	o->container = get(arg, "container");
	if ((v = get(arg, "previous")) != NULL &&
	    (rc = logs_parse_bool(v, "previous", &o->previous, err)) != CM_OK)
		return rc;
	if ((v = get(arg, "timestamps")) != NULL &&
	    (rc = logs_parse_bool(v, "timestamps", &o->timestamps, err)) !=
	    CM_OK)
		return rc;
	if ((v = get(arg, "follow")) != NULL &&
	    (rc = logs_parse_bool(v, "follow", &o->follow, err)) != CM_OK)
		return rc;
	if ((v = get(arg, "tailLines")) != NULL &&
	    (rc = logs_parse_long(v, "tailLines", 0, &o->tail_lines, err)) !=
	    CM_OK)
		return rc;
	if ((v = get(arg, "sinceSeconds")) != NULL &&
	    (rc = logs_parse_long(v, "sinceSeconds", 1, &o->since_seconds,
	    err)) != CM_OK)
		return rc;
	if ((v = get(arg, "limitBytes")) != NULL &&
	    (rc = logs_parse_long(v, "limitBytes", 1, &o->limit_bytes, err)) !=
	    CM_OK)
		return rc;
	if ((v = get(arg, "sinceTime")) != NULL &&
	    time_parse_rfc3339(v, &o->since_ms, NULL) != CM_OK)
		return cm_err_set(err, CM_BAD_REQUEST, "sinceTime",
		    "invalid value for sinceTime: %s", v);
	if (o->since_seconds > 0 && o->since_ms >= 0)
		return cm_err_set(err, CM_BAD_REQUEST, "sinceSeconds",
		    "at most one of sinceTime or sinceSeconds may be "
		    "specified");
	return CM_OK;
}

char *
logs_render(const cJSON *pod, const struct logs_opts *o, int64_t now_ms,
    size_t *len, struct cm_err *err)
{
	struct logs_run run;
	uint64_t first, total, k, cb = 0;
	char line[LOGS_LINE_MAX + 48];
	char *buf;
	size_t cap = 4096, n = 0, l;

	if (logs_pick_run(pod, o, &run, err) != CM_OK)
		return NULL;
	if (run.crashed)
		cb = logs_crash_base(&run);
	logs_range(&run, o, now_ms, cb, &first, &total);
	buf = xmalloc(cap);
	for (k = first; k < total; k++) {
		l = logs_format(&run, k, cb, o->timestamps, line, sizeof line);
		if (o->limit_bytes > 0 && n + l > (size_t)o->limit_bytes)
			l = (size_t)o->limit_bytes - n;
		if (n + l + 1 > cap) {
			while (n + l + 1 > cap)
				cap *= 2;
			buf = xrealloc(buf, cap);
		}
		memcpy(buf + n, line, l);
		n += l;
		if (o->limit_bytes > 0 && n >= (size_t)o->limit_bytes)
			break;
	}
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

struct logs_follow *
logs_follow_new(const cJSON *pod, const struct logs_opts *o, int64_t now_ms,
    struct cm_err *err)
{
	struct logs_follow *f;
	const cJSON *md = cJSON_GetObjectItemCaseSensitive(pod, "metadata");
	const char *uid = logs_str(md, "uid");
	uint64_t total;

	f = xcalloc(1, sizeof *f);
	if (logs_pick_run(pod, o, &f->run, err) != CM_OK) {
		free(f);
		return NULL;
	}
	snprintf(f->pod_uid, sizeof f->pod_uid, "%s", uid != NULL ? uid : "");
	if (f->run.crashed)
		f->crash_base = logs_crash_base(&f->run);
	logs_range(&f->run, o, now_ms, f->crash_base, &f->next, &total);
	f->timestamps = o->timestamps;
	f->limit_bytes = o->limit_bytes;
	f->ended = f->run.end_ms != INT64_MAX || o->previous;
	f->last_refresh_ms = now_ms;
	return f;
}

void
logs_follow_free(struct logs_follow *f)
{
	free(f);
}

static bool
logs_follow_limited(const struct logs_follow *f)
{
	return f->limit_bytes > 0 && f->sent >= (size_t)f->limit_bytes;
}

/* Lines the followed run will have in all, once it has ended. */
static uint64_t
logs_follow_total(const struct logs_follow *f)
{
	return logs_count(&f->run, f->crash_base, f->run.end_ms);
}

size_t
logs_follow_read(struct logs_follow *f, int64_t now_ms, char *buf,
    size_t cap)
{
	size_t n = 0, take;
	uint64_t total;

	total = logs_count(&f->run, f->crash_base, now_ms);
	while (n < cap && !logs_follow_limited(f)) {
		if (f->pend_off == f->pend_len) {
			if (f->next >= total)
				break;
			f->pend_len = logs_format(&f->run, f->next,
			    f->crash_base, f->timestamps, f->pend,
			    sizeof f->pend);
			f->pend_off = 0;
			f->next++;
		}
		take = f->pend_len - f->pend_off;
		if (take > cap - n)
			take = cap - n;
		if (f->limit_bytes > 0 &&
		    take > (size_t)f->limit_bytes - f->sent)
			take = (size_t)f->limit_bytes - f->sent;
		memcpy(buf + n, f->pend + f->pend_off, take);
		f->pend_off += take;
		f->sent += take;
		n += take;
	}
	return n;
}

int64_t
logs_follow_next_ms(const struct logs_follow *f)
{
	char tmp[LOGS_LINE_MAX];

	if (logs_follow_limited(f))
		return INT64_MAX;
	if (f->pend_off < f->pend_len)
		return 0;
	if (f->ended && f->next >= logs_follow_total(f))
		return INT64_MAX;
	return logs_line(&f->run, f->next, f->crash_base, tmp, sizeof tmp);
}

void
logs_follow_update(struct logs_follow *f, const cJSON *pod)
{
	const cJSON *md, *cst, *state, *last, *run_s, *term;
	const char *uid;
	int64_t start, end;
	bool crashed;
	char tmp[LOGS_LINE_MAX];

	if (f->ended)
		return;
	md = cJSON_GetObjectItemCaseSensitive(pod, "metadata");
	uid = logs_str(md, "uid");
	if (pod == NULL || uid == NULL || strcmp(uid, f->pod_uid) != 0 ||
	    cJSON_GetObjectItemCaseSensitive(md, "deletionTimestamp") !=
	    NULL) {
		/* Gone: the run ends where it stands, no fatal block. */
		f->run.crashed = false;
		f->run.end_ms = f->next > 0 ? logs_line(&f->run, f->next - 1,
		    f->crash_base, tmp, sizeof tmp) + 1 : f->run.start_ms;
		f->ended = true;
		return;
	}
	cst = logs_find_status(pod, f->run.container);
	state = cJSON_GetObjectItemCaseSensitive(cst, "state");
	last = cJSON_GetObjectItemCaseSensitive(cst, "lastState");
	run_s = cJSON_GetObjectItemCaseSensitive(state, "running");
	if (cJSON_IsObject(run_s) &&
	    logs_time(run_s, "startedAt") == f->run.start_ms)
		return;
	term = cJSON_GetObjectItemCaseSensitive(state, "terminated");
	if (!logs_terminated_run(term, &start, &end, &crashed) ||
	    start != f->run.start_ms) {
		term = cJSON_GetObjectItemCaseSensitive(last, "terminated");
		if (!logs_terminated_run(term, &start, &end, &crashed) ||
		    start != f->run.start_ms) {
			end = time_now_ms();
			crashed = false;
		}
	}
	f->run.end_ms = end;
	f->run.crashed = crashed;
	if (crashed) {
		/* Lines already sent stay; the fatal block follows them. */
		f->crash_base = logs_crash_base(&f->run);
		if (f->crash_base < f->next)
			f->crash_base = f->next;
	} else if (f->next > logs_count(&f->run, 0, end)) {
		f->run.end_ms = logs_line(&f->run, f->next - 1, 0, tmp,
		    sizeof tmp) + 1;
	}
	f->ended = true;
}

bool
logs_follow_done(const struct logs_follow *f)
{
	if (logs_follow_limited(f))
		return true;
	if (!f->ended || f->pend_off < f->pend_len)
		return false;
	return f->next >= logs_follow_total(f);
}

ssize_t
logs_follow_wait(struct logs_follow *f, struct objstore *st, const char *ns,
    const char *name, char *buf, size_t cap, int timeout_ms)
{
	int64_t now = time_mono_ms(), deadline, next, wall, nap;
	cJSON *pod = NULL;
	struct timespec ts;
	size_t n;

	deadline = now + (timeout_ms > 0 ? timeout_ms : 0);
	for (;;) {
		wall = time_now_ms();
		if (wall - f->last_refresh_ms >= LOGS_REFRESH_MS) {
			f->last_refresh_ms = wall;
			pod = NULL;
			if (objstore_get(st, "pods", ns, name, &pod, NULL) !=
			    CM_OK)
				pod = NULL;
			logs_follow_update(f, pod);
			cJSON_Delete(pod);
		}
		n = logs_follow_read(f, wall, buf, cap);
		if (n > 0)
			return (ssize_t)n;
		if (logs_follow_done(f))
			return -1;
		now = time_mono_ms();
		if (now >= deadline)
			return 0;
		next = logs_follow_next_ms(f);
		nap = deadline - now;
		if (next != INT64_MAX && next - wall < nap)
			nap = next - wall;
		if (f->last_refresh_ms + LOGS_REFRESH_MS - wall < nap)
			nap = f->last_refresh_ms + LOGS_REFRESH_MS - wall;
		if (nap < 1)
			nap = 1;
		ts.tv_sec = nap / 1000;
		ts.tv_nsec = (long)(nap % 1000) * 1000000L;
		nanosleep(&ts, NULL);
	}
}
