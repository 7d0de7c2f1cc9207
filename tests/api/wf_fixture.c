/*
 * wf_fixture.c - the cluster, hub and helpers the workflow tests share.
 * See wf_fixture.h.
 */
#include "config.h"

#include "wf_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

/* kubesim runs without a token of its own: any bearer is accepted. */
#define KS_TOKEN "kubesim-token-wf"

struct api_server *srv;
char *admin;
struct kubesim ks;
char *cluster_id;
bool skip;
static char tmpdir[512];

const char *const hub_args[] = {
	"--set", "workflow_poll_ms=100", "--set", "rollout_deadline="
	DEADLINE_S, "--set", "workflow_lease=2", "--set",
	"collect_interval=3600", NULL,
};

void
nap(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* POST body (a cJSON, deleted) to path; returns the response. */
static struct api_resp *
post(const char *path, cJSON *body)
{
	char *text = cJSON_PrintUnformatted(body);
	struct api_resp *r = api_call(srv, "POST", path, admin, text);

	free(text);
	cJSON_Delete(body);
	return r;
}

/* The manifest of a workload: kind Deployment or StatefulSet running
 * image (the version decides it: an upgrade keeps the config). */
static char *
manifest(const char *kind, const char *image)
{
	return api_fmt(
	    "apiVersion: apps/v1\n"
	    "kind: %s\n"
	    "metadata:\n"
	    "  name: {{ app.name }}\n"
	    "spec:\n"
	    "  replicas: {{ config.replicas }}\n"
	    "%s"
	    "  selector:\n"
	    "    matchLabels:\n"
	    "      app: {{ app.name }}\n"
	    "  template:\n"
	    "    metadata:\n"
	    "      labels:\n"
	    "        app: {{ app.name }}\n"
	    "    spec:\n"
	    "      containers:\n"
	    "      - name: main\n"
	    "        image: \"%s\"\n"
	    "        ports:\n"
	    "        - containerPort: 80\n"
	    "---\n"
	    "apiVersion: v1\n"
	    "kind: Service\n"
	    "metadata:\n"
	    "  name: {{ app.name }}\n"
	    "spec:\n"
	    "  selector:\n"
	    "    app: {{ app.name }}\n"
	    "  ports:\n"
	    "  - port: 80\n",
	    kind, strcmp(kind, "StatefulSet") == 0 ?
	    "  serviceName: {{ app.name }}\n" : "", image);
}

/* Register app name; returns its id (caller frees). */
char *
make_app(const char *name)
{
	cJSON *b = cJSON_CreateObject();
	struct api_resp *r;
	char *id;

	cJSON_AddStringToObject(b, "name", name);
	cJSON_AddStringToObject(b, "description", "workflow test app");
	r = post("/api/v1/applications", b);
	if (r->status != 201)
		fail_msg("create app %s: %ld %s", name, r->status, r->body);
	id = strdup(api_jstr(r->json, "id"));
	api_resp_free(r);
	return id;
}

/* Add version ver of app: kind, image:tag, default replicas. */
void
make_version(const char *app, const char *ver, const char *kind,
    const char *image, const char *tag, int replicas)
{
	char *path = api_fmt("/api/v1/applications/%s/versions", app);
	char *schema = api_fmt("{\"type\":\"object\",\"properties\":{"
	    "\"replicas\":{\"type\":\"integer\",\"minimum\":0,"
	    "\"default\":%d}}}", replicas);
	char *img = api_fmt("%s:%s", image, tag);
	char *m = manifest(kind, img);
	cJSON *b = cJSON_CreateObject();
	struct api_resp *r;

	cJSON_AddStringToObject(b, "version", ver);
	cJSON_AddStringToObject(b, "manifest", m);
	cJSON_AddItemToObject(b, "config_schema", cJSON_Parse(schema));
	cJSON_AddStringToObject(b, "changelog", "test version");
	r = post(path, b);
	if (r->status != 201)
		fail_msg("create version %s: %ld %s", ver, r->status, r->body);
	api_resp_free(r);
	free(m);
	free(img);
	free(schema);
	free(path);
}

/* POST /applications/:id/<action> {"cluster_id","version"?}; returns the
 * response (202 expected by most callers). */
struct api_resp *
act(const char *app, const char *action, const char *ver)
{
	char *path = api_fmt("/api/v1/applications/%s/%s", app, action);
	cJSON *b = cJSON_CreateObject();
	struct api_resp *r;

	cJSON_AddStringToObject(b, "cluster_id", cluster_id);
	if (ver != NULL)
		cJSON_AddStringToObject(b, "version", ver);
	if (strcmp(action, "deploy") == 0)
		cJSON_AddObjectToObject(b, "config");
	r = post(path, b);
	free(path);
	return r;
}

/* act() that must be accepted; returns the deployment id (caller
 * frees). */
char *
start(const char *app, const char *action, const char *ver)
{
	struct api_resp *r = act(app, action, ver);
	char *id;

	if (r->status != 202)
		fail_msg("%s %s: %ld %s", action, ver != NULL ? ver : "",
		    r->status, r->body);
	assert_string_equal(api_jstr(r->json, "status"), "pending");
	id = strdup(api_jstr(r->json, "deployment_id"));
	api_resp_free(r);
	return id;
}

cJSON *
get_deployment(const char *id)
{
	char *path = api_fmt("/api/v1/deployments/%s", id);
	struct api_resp *r = api_call(srv, "GET", path, admin, NULL);
	cJSON *d;

	if (r->status != 200)
		fail_msg("GET %s: %ld %s", path, r->status, r->body);
	d = cJSON_Duplicate(r->json, 1);
	api_resp_free(r);
	free(path);
	return d;
}

/* Wait until deployment id reaches a final status; returns it. */
cJSON *
wait_final(const char *id)
{
	time_t end = time(NULL) + WAIT_S;
	const char *s;
	cJSON *d;

	for (;;) {
		d = get_deployment(id);
		s = api_jstr(d, "status");
		if (strcmp(s, "successful") == 0 || strcmp(s, "failed") == 0)
			return d;
		if (time(NULL) > end)
			fail_msg("deployment %s still %s", id, s);
		cJSON_Delete(d);
		nap(100);
	}
}

/* Wait until step of deployment id is in status. */
void
wait_step(const char *id, const char *step, const char *status)
{
	time_t end = time(NULL) + WAIT_S;
	const cJSON *it;
	cJSON *d;
	bool ok;

	for (;;) {
		d = get_deployment(id);
		ok = false;
		cJSON_ArrayForEach(it, cJSON_GetObjectItem(d, "steps"))
			if (strcmp(api_jstr(it, "step"), step) == 0 &&
			    strcmp(api_jstr(it, "status"), status) == 0)
				ok = true;
		cJSON_Delete(d);
		if (ok)
			return;
		if (time(NULL) > end)
			fail_msg("step %s of %s never %s", step, id, status);
		nap(50);
	}
}

/* The steps of d as "name:status,..." (caller frees). */
char *
steps_of(const cJSON *d)
{
	char buf[1024] = "";
	const cJSON *it;

	cJSON_ArrayForEach(it, cJSON_GetObjectItem(d, "steps"))
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s:%s",
		    buf[0] != '\0' ? "," : "", api_jstr(it, "step"),
		    api_jstr(it, "status"));
	return strdup(buf);
}

/* The events of deployment id as one "type|desc\n" text (caller
 * frees); pages through the cursor. */
char *
events_of(const char *id)
{
	char *text = strdup(""), *next, *path, *cursor = NULL;
	const cJSON *it, *nc;
	struct api_resp *r;

	for (;;) {
		path = cursor != NULL ? api_fmt("/api/v1/deployments/%s/events?"
		    "limit=50&cursor=%s", id, cursor) :
		    api_fmt("/api/v1/deployments/%s/events?limit=50", id);
		r = api_call(srv, "GET", path, admin, NULL);
		assert_int_equal(r->status, 200);
		cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items")) {
			next = api_fmt("%s%s|%s\n", text, api_jstr(it,
			    "event_type"), api_jstr(it, "description"));
			free(text);
			text = next;
		}
		free(cursor);
		cursor = NULL;
		nc = cJSON_GetObjectItem(r->json, "next_cursor");
		if (cJSON_IsString(nc) && nc->valuestring[0] != '\0')
			cursor = strdup(nc->valuestring);
		api_resp_free(r);
		free(path);
		if (cursor == NULL)
			return text;
	}
}

/* Number of lines of events starting with "type|". */
int
count_events(const char *events, const char *type)
{
	char pat[64];
	const char *p = events;
	int n = 0;

	snprintf(pat, sizeof pat, "%s|", type);
	while ((p = strstr(p, pat)) != NULL) {
		if (p == events || p[-1] == '\n')
			n++;
		p += strlen(pat);
	}
	return n;
}

/* The image of the workload in kubesim. */
char *
live_image(const char *kind, const char *name)
{
	char *path = api_fmt("/apis/apps/v1/namespaces/default/%s/%s",
	    strcmp(kind, "StatefulSet") == 0 ? "statefulsets" : "deployments",
	    name);
	cJSON *o = NULL, *c;
	char *img = NULL;

	assert_int_equal(kubesim_get(&ks, path, &o), 200);
	c = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(o, "spec"), "template"),
	    "spec"), "containers"), 0);
	img = strdup(api_jstr(c, "image"));
	cJSON_Delete(o);
	free(path);
	return img;
}

/* ---- set-up ---------------------------------------------------------- */

int
wf_setup(void **state)
{
	const char *args[] = {
		"--nodes", "3", "--pods", "0", "--speed",
		"25", NULL,
	};
	cJSON *b, *cred;
	struct api_resp *r;

	(void)state;
	if (kubesim_path() == NULL) {
		skip = true;
		return 0;
	}
	kubesim_tmpdir(tmpdir, sizeof tmpdir);
	if (!kubesim_start(&ks, tmpdir, "wf", args))
		return -1;
	srv = api_server_start_args(hub_args);
	admin = api_admin_token(srv);
	b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "name", "sim-wf");
	cJSON_AddStringToObject(b, "provider", "on_prem");
	cJSON_AddStringToObject(b, "api_endpoint", ks.url);
	cred = cJSON_AddObjectToObject(b, "credentials");
	cJSON_AddStringToObject(cred, "kind", "token");
	cJSON_AddStringToObject(cred, "token", KS_TOKEN);
	r = post("/api/v1/clusters", b);
	if (r->status != 201)
		fail_msg("register: %ld %s", r->status, r->body);
	cluster_id = strdup(api_jstr(r->json, "id"));
	api_resp_free(r);
	return 0;
}

int
wf_teardown(void **state)
{
	(void)state;
	if (skip)
		return 0;
	api_server_stop(srv);
	kubesim_stop(&ks);
	kubesim_rmdir(tmpdir);
	free(admin);
	free(cluster_id);
	return 0;
}
