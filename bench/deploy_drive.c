/*
 * deploy_drive.c - the client side of bench/deploy: register the
 * clusters, start every deployment at once through the API, wait for
 * them, and report throughput and the hub's own time per step.
 *
 * Usage: deploy_drive HUB_URL EMAIL PASSWORD TOKEN DEPLOYMENTS URL...
 * (one URL per cm-kubesim cluster, all accepting bearer TOKEN).
 *
 * Each deployment is its own (app, cluster) pair, since one app has at
 * most one deployment in flight per cluster.  Deploys are spread over
 * operator users (the API allows 20 deploys per minute per user).  The
 * hub's time of a step is the step's details.hub_ms: its runs' wall time
 * (claim, work, outcome transaction) minus the time spent waiting on the
 * cluster's answers (details.cluster_ms).  Polling intervals between the
 * looks at a rollout are neither.  Prints the figures; exits non-zero
 * only when the setup failed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#define DRIVE_PER_USER 20
#define DRIVE_KINDS 6

/* The forward steps, for the per-step figures. */
static const char *const step_names[DRIVE_KINDS] = {
	"validate", "render", "apply", "wait_rollout", "verify", "complete",
};
#define DRIVE_WAIT_S 600

struct buf {
	char *p;
	size_t n;
};

static const char *hub;
static CURL *curl;

static size_t
drive_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct buf *b = arg;
	size_t len = size * nmemb;
	char *p = realloc(b->p, b->n + len + 1);

	if (p == NULL)
		return 0;
	b->p = p;
	memcpy(b->p + b->n, data, len);
	b->n += len;
	b->p[b->n] = '\0';
	return len;
}

/* One request; returns the status and the parsed body in *out. */
static long
drive_call(const char *method, const char *path, const char *token,
    const char *body, cJSON **out)
{
	struct curl_slist *h = NULL;
	struct buf b = { NULL, 0 };
	char url[1024], auth[2048];
	long status = 0;

	snprintf(url, sizeof url, "%s%s", hub, path);
	curl_easy_reset(curl);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, drive_write);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
	if (token != NULL) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		h = curl_slist_append(h, auth);
	}
	if (body != NULL) {
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	}
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	if (curl_easy_perform(curl) == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	if (out != NULL)
		*out = b.p != NULL ? cJSON_Parse(b.p) : NULL;
	if (status / 100 != 2)
		fprintf(stderr, "deploy_drive: %s %s: %ld %s\n", method, path,
		    status, b.p != NULL ? b.p : "");
	free(b.p);
	return status;
}

static const char *
drive_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static double
drive_num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* POST and return a string field of the answer (caller frees) or NULL. */
static char *
drive_post_id(const char *path, const char *token, const char *body,
    const char *field)
{
	cJSON *j = NULL;
	char *id = NULL;
	long st = drive_call("POST", path, token, body, &j);

	if (st / 100 == 2 && drive_str(j, field)[0] != '\0')
		id = strdup(drive_str(j, field));
	cJSON_Delete(j);
	return id;
}

static char *
drive_login(const char *email, const char *password)
{
	char body[512];

	snprintf(body, sizeof body, "{\"email\":\"%s\",\"password\":\"%s\"}",
	    email, password);
	return drive_post_id("/api/v1/auth/login", NULL, body,
	    "access_token");
}

static int
drive_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile (0..1) of n sorted values. */
static double
drive_q(const double *v, size_t n, double q)
{
	size_t i;

	if (n == 0)
		return 0;
	i = (size_t)(q * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

static double
drive_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char manifest[] =
    "apiVersion: apps/v1\\n"
    "kind: Deployment\\n"
    "metadata:\\n"
    "  name: {{ app.name }}\\n"
    "spec:\\n"
    "  replicas: {{ config.replicas }}\\n"
    "  selector:\\n"
    "    matchLabels:\\n"
    "      app: {{ app.name }}\\n"
    "  template:\\n"
    "    metadata:\\n"
    "      labels:\\n"
    "        app: {{ app.name }}\\n"
    "    spec:\\n"
    "      containers:\\n"
    "      - name: web\\n"
    "        image: \\\"nginx:{{ config.tag }}\\\"\\n"
    "---\\n"
    "apiVersion: v1\\n"
    "kind: Service\\n"
    "metadata:\\n"
    "  name: {{ app.name }}\\n"
    "spec:\\n"
    "  selector:\\n"
    "    app: {{ app.name }}\\n"
    "  ports:\\n"
    "  - port: 80\\n";

int
main(int argc, char **argv)
{
	const char *token, *email, *password;
	char body[4096], path[512], **cids, **ids, **apps, **tokens;
	double t0, t_end = 0, *hub_ms, *cl_ms, *dur_ms, hub_total = 0;
	double *by_kind[DRIVE_KINDS];
	size_t nkind[DRIVE_KINDS] = { 0 }, k;
	size_t nhub = 0, nclusters, nusers, i, left, ok = 0, failed = 0;
	int ndeploy;
	cJSON *j_resp = NULL;
	const cJSON *step;

	if (argc < 7) {
		fprintf(stderr, "usage: deploy_drive HUB EMAIL PASSWORD TOKEN "
		    "DEPLOYMENTS URL...\n");
		return 2;
	}
	hub = argv[1];
	email = argv[2];
	password = argv[3];
	token = argv[4];
	ndeploy = atoi(argv[5]);
	nclusters = (size_t)(argc - 6);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	curl = curl_easy_init();
	nusers = ((size_t)ndeploy + DRIVE_PER_USER - 1) / DRIVE_PER_USER;
	tokens = calloc(nusers + 1, sizeof *tokens);
	cids = calloc(nclusters, sizeof *cids);
	ids = calloc((size_t)ndeploy, sizeof *ids);
	apps = calloc((size_t)ndeploy, sizeof *apps);
	hub_ms = calloc((size_t)ndeploy * 16, sizeof *hub_ms);
	cl_ms = calloc((size_t)ndeploy * 16, sizeof *cl_ms);
	dur_ms = calloc((size_t)ndeploy, sizeof *dur_ms);
	for (k = 0; k < DRIVE_KINDS; k++)
		by_kind[k] = calloc((size_t)ndeploy * 4, sizeof(double));
	if ((tokens[0] = drive_login(email, password)) == NULL)
		return 1;
	for (i = 0; i < nclusters; i++) {
		snprintf(body, sizeof body, "{\"name\":\"bench-%zu\","
		    "\"provider\":\"on_prem\",\"api_endpoint\":\"%s\","
		    "\"credentials\":{\"kind\":\"token\",\"token\":\"%s\"}}",
		    i, argv[6 + i], token);
		if ((cids[i] = drive_post_id("/api/v1/clusters", tokens[0],
		    body, "id")) == NULL)
			return 1;
	}
	for (i = 1; i <= nusers; i++) {
		char em[128];

		snprintf(em, sizeof em, "op%zu@bench.test", i);
		snprintf(body, sizeof body, "{\"email\":\"%s\",\"name\":"
		    "\"Operator %zu\",\"password\":\"bench-pass-123\","
		    "\"role\":\"operator\"}", em, i);
		free(drive_post_id("/api/v1/users", tokens[0], body, "id"));
		if ((tokens[i] = drive_login(em, "bench-pass-123")) == NULL)
			return 1;
	}
	/* One app per deployment: (app, cluster) pairs never collide. */
	for (i = 0; i < (size_t)ndeploy; i++) {
		snprintf(body, sizeof body, "{\"name\":\"bench-app-%zu\"}", i);
		if ((apps[i] = drive_post_id("/api/v1/applications",
		    tokens[0], body, "id")) == NULL)
			return 1;
		snprintf(path, sizeof path, "/api/v1/applications/%s/versions",
		    apps[i]);
		snprintf(body, sizeof body, "{\"version\":\"1.0.0\","
		    "\"manifest\":\"%s\",\"config_schema\":{\"type\":"
		    "\"object\",\"properties\":{\"replicas\":{\"type\":"
		    "\"integer\",\"default\":2},\"tag\":{\"type\":\"string\","
		    "\"default\":\"1.25\"}}}}", manifest);
		if (drive_call("POST", path, tokens[0], body, NULL) != 201)
			return 1;
	}
	printf("deploy: %d deployments on %zu clusters, %zu operators\n",
	    ndeploy, nclusters, nusers);
	t0 = drive_now();
	for (i = 0; i < (size_t)ndeploy; i++) {
		snprintf(path, sizeof path, "/api/v1/applications/%s/deploy",
		    apps[i]);
		snprintf(body, sizeof body, "{\"cluster_id\":\"%s\","
		    "\"version\":\"1.0.0\",\"config\":{}}",
		    cids[i % nclusters]);
		if ((ids[i] = drive_post_id(path, tokens[1 + i /
		    DRIVE_PER_USER], body, "deployment_id")) == NULL)
			return 1;
	}
	printf("accepted all in %.2f s\n", drive_now() - t0);
	left = (size_t)ndeploy;
	while (left > 0 && drive_now() - t0 < DRIVE_WAIT_S) {
		left = 0;
		for (i = 0; i < (size_t)ndeploy; i++) {
			const char *s;

			if (ids[i] == NULL)
				continue;
			snprintf(path, sizeof path, "/api/v1/deployments/%s",
			    ids[i]);
			if (drive_call("GET", path, tokens[0], NULL,
			    &j_resp) != 200)
				return 1;
			s = drive_str(j_resp, "status");
			if (strcmp(s, "successful") != 0 &&
			    strcmp(s, "failed") != 0) {
				left++;
				cJSON_Delete(j_resp);
				continue;
			}
			t_end = drive_now();
			if (strcmp(s, "successful") == 0)
				ok++;
			else {
				failed++;
				fprintf(stderr, "failed: %s: %s\n", ids[i],
				    drive_str(j_resp, "message"));
			}
			dur_ms[i] = (t_end - t0) * 1000;
			cJSON_ArrayForEach(step, cJSON_GetObjectItem(j_resp,
			    "steps")) {
				const cJSON *d = cJSON_GetObjectItem(step,
				    "details");

				hub_ms[nhub] = drive_num(d, "hub_ms");
				cl_ms[nhub] = drive_num(d, "cluster_ms");
				hub_total += hub_ms[nhub];
				for (k = 0; k < DRIVE_KINDS; k++)
					if (strcmp(drive_str(step, "step"),
					    step_names[k]) == 0)
						by_kind[k][nkind[k]++] =
						    hub_ms[nhub];
				nhub++;
			}
			cJSON_Delete(j_resp);
			free(ids[i]);
			ids[i] = NULL;
		}
		if (left > 0) {
			struct timespec ts = { 0, 200 * 1000000L };

			nanosleep(&ts, NULL);
		}
	}
	qsort(hub_ms, nhub, sizeof *hub_ms, drive_cmp);
	qsort(cl_ms, nhub, sizeof *cl_ms, drive_cmp);
	printf("\nfinished: %zu successful, %zu failed, %zu unfinished in "
	    "%.1f s\n", ok, failed, left, t_end - t0);
	printf("throughput          %8.1f deployments/min\n",
	    t_end > t0 ? (double)(ok + failed) / (t_end - t0) * 60 : 0);
	printf("hub time per step   median %6.2f ms   p99 %7.2f ms   "
	    "(%zu steps, %.0f ms in all)\n", drive_q(hub_ms, nhub, 0.5),
	    drive_q(hub_ms, nhub, 0.99), nhub, hub_total);
	printf("cluster time/step   median %6.2f ms   p99 %7.2f ms\n",
	    drive_q(cl_ms, nhub, 0.5), drive_q(cl_ms, nhub, 0.99));
	printf("\nhub ms per step      median      p99\n");
	for (k = 0; k < DRIVE_KINDS; k++) {
		qsort(by_kind[k], nkind[k], sizeof(double), drive_cmp);
		printf("  %-14s %10.2f %9.2f\n", step_names[k],
		    drive_q(by_kind[k], nkind[k], 0.5),
		    drive_q(by_kind[k], nkind[k], 0.99));
	}
	printf("\nall %d succeeded            %s\n", ndeploy,
	    ok == (size_t)ndeploy ? "PASS" : "MISS");
	printf("hub median < 50 ms/step    %s\n",
	    drive_q(hub_ms, nhub, 0.5) < 50 ? "PASS" : "MISS");
	curl_easy_cleanup(curl);
	curl_global_cleanup();
	return 0;
}
