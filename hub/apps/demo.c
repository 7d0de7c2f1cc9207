/*
 * demo.c - demo applications for `cmhubd init --demo`.  See demo.h.
 *
 * The templates are the ones an operator would write: a web server
 * (Deployment and Service) whose versions add settings release by
 * release, and a database (StatefulSet with a volume claim, and a
 * Service).  Version 1.2.0 of web uses the image tag "crash", which
 * cm-kubesim runs as a container in CrashLoopBackOff: deploying it shows
 * a failed rollout rolling itself back.  The history written here (past
 * successful deployments with their completed steps and events) is what
 * the deployment screens show before anyone deploys.
 *
 * Not here: anything a real hub needs (demo only).
 */
#include "config.h"

#include "hub/apps/demo.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "backend/timeutil.h"
#include "backend/uuid.h"
#include "hub/apps/jschema.h"
#include "hub/apps/render.h"
#include "hub/store/store.h"

#define WEB_MANIFEST(image, extra_env) \
	"apiVersion: apps/v1\n" \
	"kind: Deployment\n" \
	"metadata:\n" \
	"  name: \"{{ app.name }}\"\n" \
	"spec:\n" \
	"  replicas: {{ config.replicas }}\n" \
	"  selector:\n" \
	"    matchLabels:\n" \
	"      app: \"{{ app.name }}\"\n" \
	"  template:\n" \
	"    metadata:\n" \
	"      labels:\n" \
	"        app: \"{{ app.name }}\"\n" \
	"    spec:\n" \
	"      containers:\n" \
	"      - name: web\n" \
	"        image: " image "\n" \
	"        ports:\n" \
	"        - containerPort: 80\n" \
	"        env:\n" \
	"        - name: ENVIRONMENT\n" \
	"          value: \"{{ config.env }}\"\n" \
	extra_env \
	"        resources:\n" \
	"          requests:\n" \
	"            cpu: \"{{ config.resources.cpu }}\"\n" \
	"            memory: \"{{ config.resources.memory }}\"\n" \
	"---\n" \
	"apiVersion: v1\n" \
	"kind: Service\n" \
	"metadata:\n" \
	"  name: \"{{ app.name }}\"\n" \
	"spec:\n" \
	"  selector:\n" \
	"    app: \"{{ app.name }}\"\n" \
	"  ports:\n" \
	"  - name: http\n" \
	"    port: {{ config.port }}\n" \
	"    targetPort: 80\n"

#define WEB_LOG_ENV \
	"        - name: LOG_LEVEL\n" \
	"          value: \"{{ config.log_level }}\"\n"

#define WEB_SCHEMA(extra) \
	"{\"type\":\"object\",\"title\":\"web\",\"additionalProperties\":false," \
	"\"properties\":{" \
	"\"replicas\":{\"type\":\"integer\",\"title\":\"Replicas\"," \
	"\"description\":\"Pods serving traffic\",\"minimum\":1," \
	"\"maximum\":10,\"default\":2}," \
	"\"env\":{\"type\":\"string\",\"title\":\"Environment\"," \
	"\"enum\":[\"development\",\"staging\",\"production\"]," \
	"\"default\":\"production\"}," \
	"\"port\":{\"type\":\"integer\",\"title\":\"Service port\"," \
	"\"minimum\":1,\"maximum\":65535,\"default\":80}," \
	extra \
	"\"resources\":{\"type\":\"object\",\"title\":\"Resources\"," \
	"\"additionalProperties\":false,\"properties\":{" \
	"\"cpu\":{\"type\":\"string\",\"title\":\"CPU request\"," \
	"\"pattern\":\"^[0-9]+m?$\",\"default\":\"100m\"}," \
	"\"memory\":{\"type\":\"string\",\"title\":\"Memory request\"," \
	"\"pattern\":\"^[0-9]+(Mi|Gi)$\",\"default\":\"128Mi\"}}}}}"

#define WEB_LOG_SCHEMA \
	"\"log_level\":{\"type\":\"string\",\"title\":\"Log level\"," \
	"\"enum\":[\"debug\",\"info\",\"warn\",\"error\"]," \
	"\"default\":\"info\"},"

#define PG_MANIFEST \
	"apiVersion: apps/v1\n" \
	"kind: StatefulSet\n" \
	"metadata:\n" \
	"  name: \"{{ app.name }}\"\n" \
	"spec:\n" \
	"  serviceName: \"{{ app.name }}\"\n" \
	"  replicas: {{ config.replicas }}\n" \
	"  selector:\n" \
	"    matchLabels:\n" \
	"      app: \"{{ app.name }}\"\n" \
	"  template:\n" \
	"    metadata:\n" \
	"      labels:\n" \
	"        app: \"{{ app.name }}\"\n" \
	"    spec:\n" \
	"      containers:\n" \
	"      - name: postgres\n" \
	"        image: postgres:{{ version }}\n" \
	"        args: [\"-c\", \"max_connections={{ config.max_connections }}\"]\n" \
	"        ports:\n" \
	"        - containerPort: 5432\n" \
	"        volumeMounts:\n" \
	"        - name: data\n" \
	"          mountPath: /var/lib/postgresql/data\n" \
	"  volumeClaimTemplates:\n" \
	"  - metadata:\n" \
	"      name: data\n" \
	"    spec:\n" \
	"      accessModes: [ReadWriteOnce]\n" \
	"      resources:\n" \
	"        requests:\n" \
	"          storage: \"{{ config.storage_size }}\"\n" \
	"---\n" \
	"apiVersion: v1\n" \
	"kind: Service\n" \
	"metadata:\n" \
	"  name: \"{{ app.name }}\"\n" \
	"spec:\n" \
	"  clusterIP: None\n" \
	"  selector:\n" \
	"    app: \"{{ app.name }}\"\n" \
	"  ports:\n" \
	"  - name: postgres\n" \
	"    port: 5432\n"

#define PG_SCHEMA \
	"{\"type\":\"object\",\"title\":\"postgres\"," \
	"\"additionalProperties\":false,\"properties\":{" \
	"\"replicas\":{\"type\":\"integer\",\"title\":\"Replicas\"," \
	"\"minimum\":1,\"maximum\":5,\"default\":1}," \
	"\"storage_size\":{\"type\":\"string\",\"title\":\"Volume size\"," \
	"\"description\":\"Size of each replica's data volume\"," \
	"\"pattern\":\"^[0-9]+(Mi|Gi|Ti)$\",\"default\":\"10Gi\"}," \
	"\"max_connections\":{\"type\":\"integer\"," \
	"\"title\":\"Max connections\",\"minimum\":10,\"maximum\":1000," \
	"\"default\":100}}}"

struct demo_app {
	const char *name;
	const char *description;
	const char *repo_url;
};

struct demo_version {
	int app;		/* index into demo_apps */
	const char *version;
	const char *manifest;
	const char *schema;
	const char *changelog;
	int age_days;
};

/* A past deployment; all succeeded. */
struct demo_deployment {
	int app;
	const char *version;
	const char *previous;
	const char *kind;
	const char *cluster;
	const char *config;
	int age_hours;
};

static const struct demo_app demo_apps[] = {
	{ "web", "The storefront's web tier (nginx)",
	  "https://git.example.com/shop/web" },
	{ "postgres", "The shop's database (PostgreSQL StatefulSet)",
	  "https://git.example.com/shop/postgres" },
};

static const struct demo_version demo_versions[] = {
	{ 0, "1.0.0", WEB_MANIFEST("nginx:1.25", ""), WEB_SCHEMA(""),
	  "First release: nginx 1.25 behind a Service on port 80; replicas, "
	  "environment and resource requests are configurable.", 20 },
	{ 1, "15.5", PG_MANIFEST, PG_SCHEMA,
	  "PostgreSQL 15.5 with one 10Gi volume per replica; replicas, "
	  "volume size and max_connections are configurable.", 18 },
	{ 0, "1.1.0", WEB_MANIFEST("nginx:1.27", WEB_LOG_ENV),
	  WEB_SCHEMA(WEB_LOG_SCHEMA),
	  "nginx 1.25 -> 1.27.  New setting log_level (debug, info, warn, "
	  "error; default info), passed as LOG_LEVEL.", 6 },
	{ 1, "16.2", PG_MANIFEST, PG_SCHEMA,
	  "PostgreSQL 15.5 -> 16.2 (same settings).", 3 },
	{ 0, "1.2.0", WEB_MANIFEST("nginx:crash", WEB_LOG_ENV),
	  WEB_SCHEMA(WEB_LOG_SCHEMA),
	  "Moves to the new nginx build (image tag \"crash\").  In the demo "
	  "this build crash-loops at start: deploying it fails and the hub "
	  "rolls back to the version that ran before.", 1 },
};

static const struct demo_deployment demo_history[] = {
	{ 0, "1.0.0", NULL, "deploy", "prod-eu-west",
	  "{\"replicas\":3,\"env\":\"production\",\"port\":80,\"resources\":"
	  "{\"cpu\":\"100m\",\"memory\":\"128Mi\"}}", 400 },
	{ 1, "15.5", NULL, "deploy", "prod-eu-west",
	  "{\"replicas\":1,\"storage_size\":\"20Gi\",\"max_connections\":200}",
	  380 },
	{ 0, "1.1.0", NULL, "deploy", "staging-eu",
	  "{\"replicas\":1,\"env\":\"staging\",\"port\":80,\"log_level\":"
	  "\"debug\",\"resources\":{\"cpu\":\"100m\",\"memory\":\"128Mi\"}}",
	  120 },
	{ 0, "1.1.0", "1.0.0", "upgrade", "prod-eu-west",
	  "{\"replicas\":3,\"env\":\"production\",\"port\":80,\"log_level\":"
	  "\"info\",\"resources\":{\"cpu\":\"100m\",\"memory\":\"128Mi\"}}",
	  100 },
};

static const char *const demo_steps[] = {
	"validate", "render", "apply", "wait_rollout", "verify", "complete",
};

static const struct store_query q_app = {
	"demo.app",
	"INSERT INTO applications (id, tenant_id, name, description, "
	"repo_url, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
	NULL,
};

static const struct store_query q_version = {
	"demo.version",
	"INSERT INTO app_versions (id, app_id, version, config_schema, "
	"created_at, manifest, changelog, workload_kind) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
	NULL,
};

static const struct store_query q_touch = {
	"demo.touch",
	"UPDATE applications SET updated_at = $2 WHERE id = $1",
	NULL,
};

static const struct store_query q_deployment = {
	"demo.deployment",
	"INSERT INTO application_deployments (id, tenant_id, cluster_id, "
	"app_id, version, status, initiated_by, config, started_at, "
	"completed_at, kind, namespace, previous_version, message, "
	"updated_at) VALUES ($1, $2, $3, $4, $5, 'successful', $6, $7, $8, "
	"$9, $10, 'default', $11, 'Deployment succeeded', $9)",
	NULL,
};

static const struct store_query q_step = {
	"demo.step",
	"INSERT INTO deployment_workflows (id, deployment_id, step, seq, "
	"status, attempts, started_at, completed_at, details) "
	"VALUES ($1, $2, $3, $4, 'completed', 1, $5, $6, '{}')",
	NULL,
};

static const struct store_query q_event = {
	"demo.event",
	"INSERT INTO deployment_events (deployment_id, event_type, "
	"description, event_time) VALUES ($1, $2, $3, $4)",
	NULL,
};

/* Steps and events of a finished deployment that took 60 s from at. */
static enum cm_status
demo_finished(struct store_tx *tx, const char *id, const char *what,
    int64_t at, struct cm_err *err)
{
	char sid[UUID_STR_LEN + 1], desc[200];
	enum cm_status st;
	size_t i;

	snprintf(desc, sizeof desc, "%.160s requested", what);
	if ((st = store_exec(tx, &q_event, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT("created"), STORE_TEXT(desc), STORE_INT(at)), NULL,
	    err)) != CM_OK)
		return st;
	for (i = 0; i < sizeof demo_steps / sizeof demo_steps[0]; i++) {
		uuid_v7(sid);
		if ((st = store_exec(tx, &q_step, STORE_ARGS(STORE_TEXT(sid),
		    STORE_TEXT(id), STORE_TEXT(demo_steps[i]),
		    STORE_INT((int64_t)i + 1), STORE_INT(at + (int64_t)i * 10000),
		    STORE_INT(at + (int64_t)i * 10000 + 9000)), NULL, err)) !=
		    CM_OK)
			return st;
	}
	snprintf(desc, sizeof desc, "%.160s succeeded", what);
	return store_exec(tx, &q_event, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT("succeeded"), STORE_TEXT(desc), STORE_INT(at + 60000)),
	    NULL, err);
}

static const char *
demo_cluster(const struct demo_target *targets, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(targets[i].name, name) == 0)
			return targets[i].id;
	return NULL;
}

enum cm_status
demo_apps_seed(struct store_tx *tx, const char *tenant_id,
    const char *admin_id, const struct demo_target *targets, size_t n,
    struct cm_err *err)
{
	char ids[sizeof demo_apps / sizeof demo_apps[0]][UUID_STR_LEN + 1];
	char id[UUID_STR_LEN + 1], what[160];
	const struct demo_version *v;
	const struct demo_deployment *d;
	struct render_vars vars;
	int64_t now = time_now_ms(), at;
	const char *kind, *cluster;
	cJSON *schema;
	enum cm_status st;
	size_t i;

	for (i = 0; i < sizeof demo_apps / sizeof demo_apps[0]; i++) {
		uuid_v7(ids[i]);
		if ((st = store_exec(tx, &q_app, STORE_ARGS(STORE_TEXT(ids[i]),
		    STORE_TEXT(tenant_id), STORE_TEXT(demo_apps[i].name),
		    STORE_TEXT(demo_apps[i].description),
		    STORE_TEXT(demo_apps[i].repo_url),
		    STORE_INT(now - 30LL * 86400000)), NULL, err)) != CM_OK)
			return st;
	}
	for (i = 0; i < sizeof demo_versions / sizeof demo_versions[0]; i++) {
		v = &demo_versions[i];
		memset(&vars, 0, sizeof vars);
		vars.app = demo_apps[v->app].name;
		vars.version = v->version;
		schema = cJSON_Parse(v->schema);
		if ((st = jschema_check(schema, err)) == CM_OK)
			st = render_check(v->manifest, schema, &vars, &kind,
			    err);
		cJSON_Delete(schema);
		if (st != CM_OK)
			return st;
		at = now - (int64_t)v->age_days * 86400000;
		uuid_v7(id);
		if ((st = store_exec(tx, &q_version, STORE_ARGS(STORE_TEXT(id),
		    STORE_TEXT(ids[v->app]), STORE_TEXT(v->version),
		    STORE_TEXT(v->schema), STORE_INT(at),
		    STORE_TEXT(v->manifest), STORE_TEXT(v->changelog),
		    STORE_TEXT(kind)), NULL, err)) != CM_OK ||
		    (st = store_exec(tx, &q_touch, STORE_ARGS(
		    STORE_TEXT(ids[v->app]), STORE_INT(at)), NULL, err)) !=
		    CM_OK)
			return st;
	}
	for (i = 0; i < sizeof demo_history / sizeof demo_history[0]; i++) {
		d = &demo_history[i];
		cluster = demo_cluster(targets, n, d->cluster);
		if (cluster == NULL)
			continue;
		at = now - (int64_t)d->age_hours * 3600000;
		uuid_v7(id);
		snprintf(what, sizeof what, "%s of %s %s to %s", d->kind,
		    demo_apps[d->app].name, d->version, d->cluster);
		if ((st = store_exec(tx, &q_deployment, STORE_ARGS(
		    STORE_TEXT(id), STORE_TEXT(tenant_id), STORE_TEXT(cluster),
		    STORE_TEXT(ids[d->app]), STORE_TEXT(d->version),
		    STORE_TEXT(admin_id), STORE_TEXT(d->config), STORE_INT(at),
		    STORE_INT(at + 60000), STORE_TEXT(d->kind),
		    STORE_TEXT(d->previous)), NULL, err)) != CM_OK ||
		    (st = demo_finished(tx, id, what, at, err)) != CM_OK)
			return st;
	}
	return CM_OK;
}
